"""ExternalS3Stage: the current generation's stage (snowflake_stage_external_s3,
provider 2.20.0), on either flavour."""

from __future__ import annotations

import pytest

from snowssi_constructs import ExternalS3Stage
from snowssi_constructs._current_types import UntypedResource
from snowssi_constructs._flavour import FLAVOUR, cdktf
from tests.conftest import parsed
from tests.support import resources

TerraformOutput = cdktf.TerraformOutput

PROPS = {
    "name": "inbound_stage_happy_panda",
    "url": "s3://inbound-bucket-happy-panda/",
    "database": "DB",
    "schema": "SCHEMA",
    "storage_integration": "SI",
}


def test_stage_has_a_typed_refreshing_directory_table_and_waits_for_iam(construct_stack):
    ExternalS3Stage(construct_stack, "inbound_stage", kms_key_id="key-1", **PROPS)
    res = resources(parsed(construct_stack))
    assert res["snowflake_stage_external_s3.inbound_stage"] == {
        "name": "INBOUND_STAGE_HAPPY_PANDA",
        "url": "s3://inbound-bucket-happy-panda/",
        "database": "DB",
        "schema": "SCHEMA",
        "storage_integration": "SI",
        "directory": {"enable": True, "auto_refresh": "true", "refresh_on_create": "true"},
        "encryption": {"aws_sse_kms": {"kms_key_id": "key-1"}},
        "depends_on": ["time_sleep.inbound_stage"],
    }
    assert res["time_sleep.inbound_stage"] == {"create_duration": "30s"}


def test_without_a_key_the_stage_writes_no_encryption_block(construct_stack):
    ExternalS3Stage(construct_stack, "inbound_stage", **PROPS)
    stage = resources(parsed(construct_stack))["snowflake_stage_external_s3.inbound_stage"]
    assert "encryption" not in stage


def test_the_stage_is_typed_on_cdk_terrain_and_untyped_on_cdktf(construct_stack):
    stage = ExternalS3Stage(construct_stack, "inbound_stage", **PROPS)
    if FLAVOUR == "cdktn":
        from cdktn_provider_snowflake.stage_external_s3 import StageExternalS3

        assert isinstance(stage.stage, StageExternalS3)
    else:
        assert isinstance(stage.stage, UntypedResource)


def test_moved_block_takes_over_only_the_wait_of_the_stage_module(construct_stack):
    # The module's stage is a snowflake_stage: a different type cannot be moved.
    ExternalS3Stage(construct_stack, "outbound_stage", moved_from_module="outbound_stage", **PROPS)
    assert parsed(construct_stack)["moved"] == [
        {
            "from": "module.outbound_stage.time_sleep.wait_30s_for_iam_propagation",
            "to": "time_sleep.outbound_stage",
        },
    ]


def test_adopting_a_legacy_stage_imports_it_and_forgets_both_legacy_addresses(construct_stack):
    ExternalS3Stage(
        construct_stack,
        "inbound_stage",
        moved_from_module="inbound_stage",
        adopt_legacy=True,
        **PROPS,
    )
    document = parsed(construct_stack)
    # The ID form of the provider's importer (ImportName[SchemaObjectIdentifier]).
    assert document["import"] == [
        {
            "to": "snowflake_stage_external_s3.inbound_stage",
            "id": '"DB"."SCHEMA"."INBOUND_STAGE_HAPPY_PANDA"',
        }
    ]
    assert document["removed"] == [
        {"from": "snowflake_stage.inbound_stage", "lifecycle": [{"destroy": False}]},
        {
            "from": "module.inbound_stage.snowflake_stage.stage",
            "lifecycle": [{"destroy": False}],
        },
    ]


def test_a_new_stage_neither_imports_nor_forgets(construct_stack):
    ExternalS3Stage(construct_stack, "inbound_stage", moved_from_module="inbound_stage", **PROPS)
    document = parsed(construct_stack)
    assert "import" not in document and "removed" not in document


def test_attributes_are_the_stage_resource_attributes(construct_stack):
    stage = ExternalS3Stage(construct_stack, "inbound_stage", **PROPS)
    TerraformOutput(construct_stack, "fqn", value=stage.fully_qualified_name)
    TerraformOutput(construct_stack, "name", value=stage.stage_name)
    outputs = parsed(construct_stack)["output"]
    assert (
        outputs["fqn"]["value"]
        == "${snowflake_stage_external_s3.inbound_stage.fully_qualified_name}"
    )
    assert outputs["name"]["value"] == "${snowflake_stage_external_s3.inbound_stage.name}"


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("name", "1STAGE", "Snowflake identifier"),
        ("url", "https://bucket/", "s3://"),
        ("database", "", "required"),
        ("storage_integration", "", "required"),
        ("kms_key_id", "", "required"),
        ("adopt_legacy", "yes", "True or False"),
    ],
)
def test_bad_values_are_rejected_naming_the_prop(construct_stack, prop, value, message):
    with pytest.raises((ValueError, TypeError), match=prop) as error:
        ExternalS3Stage(construct_stack, "stage", **{**PROPS, prop: value})
    assert message in str(error.value)
