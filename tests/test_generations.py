"""The provider generation of a stack (``snowflake_provider``) and the one-time upgrade
from the legacy generation (``upgrade_from_legacy``)."""

from __future__ import annotations

import pytest

from snowssi_constructs import CURRENT, LEGACY, S3StateBackend, SnowSSIStack
from snowssi_constructs._flavour import cdktf
from tests.support import resources

App = cdktf.App

LEGACY_TYPES = {"snowflake_stage", "snowflake_storage_integration"}
# Objects whose type does not change keep their addresses across the upgrade.
KEPT_ADDRESSES = {
    "snowflake_warehouse.warehouse",
    "snowflake_database.database",
    "snowflake_schema.schema",
    "snowflake_stream_on_directory_table.inbound_stream",
    "snowflake_task.task",
    "time_sleep.inbound_stage",
    "time_sleep.outbound_stage",
    "aws_iam_role.role",
    "aws_s3_bucket.inbound_bucket",
}


def snowflake_pin(document):
    return document["terraform"]["required_providers"]["snowflake"]["version"]


def enabled_features(document):
    return document["provider"]["snowflake"][0].get("preview_features_enabled", [])


def test_the_default_stays_on_the_legacy_generation(default_document):
    assert snowflake_pin(default_document) == LEGACY.snowflake_version == "2.10.1"
    assert default_document["terraform"]["required_version"] == "1.14.0"
    assert "snowflake_stage" in default_document["resource"]


def test_current_pins_provider_2_20_0_and_a_terraform_range(synth_stack):
    document = synth_stack(snowflake_provider="current")
    assert snowflake_pin(document) == CURRENT.snowflake_version == "2.20.0"
    # `removed` blocks (the upgrade) set the floor: Terraform 1.7.0.
    assert document["terraform"]["required_version"] == ">= 1.7.0, < 2.0.0"


def test_an_s3_backend_lock_file_raises_the_floor_to_terraform_1_10(synth_stack):
    document = synth_stack(
        snowflake_provider="current", s3_backend=S3StateBackend(bucket="state-bucket")
    )
    assert document["terraform"]["required_version"] == ">= 1.10.0, < 2.0.0"


def test_an_explicit_required_version_wins(synth_stack):
    document = synth_stack(snowflake_provider="current", required_version="~> 1.11.0")
    assert document["terraform"]["required_version"] == "~> 1.11.0"


def test_current_declares_the_stable_types_and_no_legacy_one(synth_stack):
    document = synth_stack(snowflake_provider="current")
    declared = set(document["resource"])
    assert {"snowflake_stage_external_s3", "snowflake_storage_integration_aws"} <= declared
    assert not LEGACY_TYPES & declared


def test_current_enables_no_preview_feature_it_does_not_need(synth_stack):
    assert enabled_features(synth_stack(snowflake_provider="current")) == []
    consuming = synth_stack(snowflake_provider="current", processing="consume_stream")
    assert enabled_features(consuming) == ["snowflake_table_resource"]


def test_the_stream_names_its_stage_by_fully_qualified_name(synth_stack):
    res = resources(synth_stack(snowflake_provider="current"))
    stream = res["snowflake_stream_on_directory_table.inbound_stream"]
    assert stream["stage"] == ("${snowflake_stage_external_s3.inbound_stage.fully_qualified_name}")


def test_a_current_serverless_task_is_triggered_with_a_completion_interval(synth_stack):
    res = resources(
        synth_stack(
            snowflake_provider="current",
            serverless_task=True,
            serverless_target_completion_minutes=15,
        )
    )
    task = res["snowflake_task.task"]
    assert "schedule" not in task and "warehouse" not in task
    assert task["target_completion_interval"] == {"minutes": 15}
    assert task["when"].startswith("SYSTEM$STREAM_HAS_DATA(")


def test_a_legacy_serverless_task_keeps_its_fallback_schedule(synth_stack):
    task = resources(synth_stack(serverless_task=True))["snowflake_task.task"]
    assert task["schedule"] == {"minutes": 1}
    assert "target_completion_interval" not in task


def test_a_warehouse_task_has_no_completion_interval(synth_stack):
    task = resources(synth_stack(snowflake_provider="current"))["snowflake_task.task"]
    assert "target_completion_interval" not in task and "warehouse" in task


def test_the_trust_policy_reads_the_new_integration_describe_output(synth_stack):
    role = resources(synth_stack(snowflake_provider="current"))["aws_iam_role.role"]
    policy = role["assume_role_policy"]
    integration = "snowflake_storage_integration_aws.storage_integration"
    assert f"{integration}.describe_output[0].iam_user_arn" in policy
    assert f"{integration}.describe_output[0].external_id" in policy


def test_a_new_deployment_gets_no_import_or_removed_block(synth_stack):
    document = synth_stack(snowflake_provider="current", pipelines=["orders"])
    assert "import" not in document and "removed" not in document


def test_the_upgrade_keeps_the_addresses_of_objects_whose_type_does_not_change(
    default_document, synth_stack
):
    upgraded = synth_stack(snowflake_provider="current", upgrade_from_legacy=True)
    assert set(resources(default_document)) >= KEPT_ADDRESSES
    assert set(resources(upgraded)) >= KEPT_ADDRESSES
    # and the moved blocks from the HCL module's addresses, but for the stages
    legacy_moves = [m for m in default_document["moved"] if "snowflake_stage" not in m["to"]]
    assert upgraded["moved"] == legacy_moves


def test_the_upgrade_forgets_every_legacy_address_and_imports_each_object(synth_stack):
    document = synth_stack(snowflake_provider="current", upgrade_from_legacy=True)
    assert [block["from"] for block in document["removed"]] == [
        "snowflake_storage_integration.storage_integration",
        "snowflake_stage.inbound_stage",
        "module.inbound_stage.snowflake_stage.stage",
        "snowflake_stage.outbound_stage",
        "module.outbound_stage.snowflake_stage.stage",
    ]
    assert all(block["lifecycle"] == [{"destroy": False}] for block in document["removed"])
    imports = {block["to"]: block["id"] for block in document["import"]}
    database = "${snowflake_database.database.name}"
    schema = "${snowflake_schema.schema.name}"
    inbound = resources(document)["snowflake_stage_external_s3.inbound_stage"]
    assert imports["snowflake_stage_external_s3.inbound_stage"] == (
        f'"{database}"."{schema}"."{inbound["name"]}"'
    )
    integration = resources(document)["snowflake_storage_integration_aws.storage_integration"]
    assert imports["snowflake_storage_integration_aws.storage_integration"] == (
        f'"{integration["name"]}"'
    )
    assert not LEGACY_TYPES & set(document["resource"])


def test_named_pipelines_forget_only_their_own_addresses(synth_stack):
    document = synth_stack(
        snowflake_provider="current", upgrade_from_legacy=True, pipelines=["orders"]
    )
    assert [block["from"] for block in document["removed"]] == [
        "snowflake_storage_integration.storage_integration",
        "snowflake_stage.orders_inbound_stage",
        "snowflake_stage.orders_outbound_stage",
    ]


def test_the_upgrade_keeps_the_legacy_features_for_older_terraform(synth_stack):
    document = synth_stack(snowflake_provider="current", upgrade_from_legacy=True)
    assert enabled_features(document) == [
        "snowflake_storage_integration_resource",
        "snowflake_stage_resource",
    ]


def test_the_upgrade_needs_the_current_generation():
    with pytest.raises(ValueError, match=r"upgrade_from_legacy.*snowflake_provider='current'"):
        SnowSSIStack(App(), "snowssi", upgrade_from_legacy=True)


@pytest.mark.parametrize("value", ["latest", "2.20.0", None])
def test_an_unknown_generation_is_rejected_naming_the_prop(value):
    with pytest.raises((ValueError, TypeError), match="snowflake_provider"):
        SnowSSIStack(App(), "snowssi", snowflake_provider=value)


def test_a_pipeline_option_typo_of_the_new_option_names_the_closest_option():
    with pytest.raises(TypeError, match="serverless_target_completion_minutes"):
        SnowSSIStack(App(), "snowssi", serverless_target_completion_minute=5)


@pytest.mark.parametrize("value", [0, -1, "10", 1.5])
def test_a_bad_completion_interval_is_rejected_naming_the_option(value):
    with pytest.raises((ValueError, TypeError), match="serverless_target_completion_minutes"):
        SnowSSIStack(
            App(),
            "snowssi",
            snowflake_provider="current",
            serverless_target_completion_minutes=value,
        )


# Behaviour the suite pinned only through snapshots (issue 25, item 6).


def _features_with(snowflake_provider: str, terraform_type: str) -> list[str]:
    from snowssi_constructs._current_types import UntypedResource
    from tests.support import synth_app

    def build(app: App) -> None:
        stack = SnowSSIStack(app, "s", snowflake_provider=snowflake_provider)
        UntypedResource(stack, "extra", terraform_type=terraform_type, attributes={"name": "X"})

    document = synth_app(build)["s"]
    return list(document["provider"]["snowflake"][0].get("preview_features_enabled", []))


def test_each_generation_gates_by_its_own_release_list():
    # snowflake_hybrid_table is gated at 2.20.0 and unknown to 2.10.1's list.
    assert _features_with("current", "snowflake_hybrid_table") == [
        "snowflake_hybrid_table_resource"
    ]
    assert "snowflake_hybrid_table_resource" not in _features_with(
        "legacy", "snowflake_hybrid_table"
    )


def test_current_stages_are_encrypted_with_the_pipeline_key(synth_stack):
    declared = resources(synth_stack(snowflake_provider="current", pipelines=["a", "b"]))
    stages = {k: v for k, v in declared.items() if k.startswith("snowflake_stage_external_s3.")}
    assert len(stages) == 4
    for stage in stages.values():
        assert stage["encryption"] == {
            "aws_sse_kms": {"kms_key_id": "${aws_kms_key.kms_key.key_id}"}
        }
