"""What the snowflake provider 2.20.0 does with what the current generation declares,
checked on every stack of that generation (its option snapshots and examples), with a
mutation test for each safeguard.

The facts and their check are in :mod:`snowssi_constructs.testing.facts_2_20` (users'
own tests reach them through ``snowssi_constructs.testing``); a stack is checked by the
fact set of the snowflake version it pins. The legacy generation's: test_provider_facts.py.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from snowssi_constructs.testing import facts_2_20, task_sql
from snowssi_constructs.testing.facts import violations
from snowssi_constructs.testing.facts_2_20 import TAG, R
from tests.test_snapshots import CURRENT_OPTIONS, OPTIONS, current_documents


@pytest.fixture(scope="module")
def stacks() -> dict[str, dict[str, Any]]:
    return current_documents()


STACK_NAMES = [
    *(f"option:{o}" for o in CURRENT_OPTIONS),
    "example:current_provider/snowssi",
    "example:current_provider/snowssi_serverless",
    "example:upgrade_from_legacy/snowssi",
]


@pytest.mark.parametrize("name", STACK_NAMES)
def test_stack_holds_to_the_provider_facts(stacks, name):
    assert violations(stacks[name]) == []


def test_every_current_stack_is_checked(stacks):
    assert sorted(stacks) == sorted(STACK_NAMES)
    for document in stacks.values():
        assert "snowflake_stage_external_s3" in document["resource"]


def test_the_checked_options_cover_what_the_issue_names():
    # default, consume_stream, serverless, notification channel, several pipelines,
    # and the upgrade.
    names = {tuple(sorted(OPTIONS[o])) for o in CURRENT_OPTIONS}
    assert {
        ("snowflake_provider",),
        ("processing", "snowflake_provider"),
        ("serverless_target_completion_minutes", "serverless_task", "snowflake_provider"),
        ("notification_channel_arn", "snowflake_provider"),
        ("pipelines", "snowflake_provider"),
        ("snowflake_provider", "upgrade_from_legacy"),
    } <= names


# Mutations: each drops one safeguard from a real stack; the check must catch it.


def mutated(stacks, name):
    return copy.deepcopy(stacks[name])


def test_declaring_a_legacy_stage_is_caught(stacks):
    document = mutated(stacks, "option:current")
    document["resource"]["snowflake_stage"] = {"inbound_stage": {"name": "X"}}
    assert violations(document) == [
        "snowflake_stage declared: MIGRATION_GUIDE.md 'v2.12.x -> v2.13.0' and "
        f"{R}/stage.go @ {TAG}"
    ]


def test_listing_a_promoted_feature_is_caught(stacks):
    document = mutated(stacks, "option:current")
    document["provider"]["snowflake"][0]["preview_features_enabled"] = [
        "snowflake_stage_external_s3_resource"
    ]
    assert [v.split(":")[0] for v in violations(document)] == [
        "snowflake_stage_external_s3_resource enabled"
    ]


def test_an_unneeded_feature_is_caught(stacks):
    document = mutated(stacks, "option:current")
    document["provider"]["snowflake"][0]["preview_features_enabled"] = ["snowflake_stage_resource"]
    assert [v.split(":")[0] for v in violations(document)] == [
        "snowflake_stage_resource enabled but nothing needs it"
    ]


def test_dropping_the_table_feature_is_caught(stacks):
    document = mutated(stacks, "option:current_consume_stream")
    document["provider"]["snowflake"][0]["preview_features_enabled"].remove(
        "snowflake_table_resource"
    )
    assert [v.split(":")[0] for v in violations(document)] == [
        "snowflake_table declared, feature not enabled"
    ]


def test_dropping_the_completion_interval_is_caught(stacks):
    document = mutated(stacks, "option:current_serverless")
    del document["resource"]["snowflake_task"]["task"]["target_completion_interval"]
    assert [v.split(":")[0] for v in violations(document)] == ["snowflake_task.task"]


@pytest.mark.parametrize("interval", [{}, {"minutes": 0}, {"minutes": 5, "hours": 1}, "5 MINUTES"])
def test_a_malformed_completion_interval_is_caught(stacks, interval):
    document = mutated(stacks, "option:current_serverless")
    document["resource"]["snowflake_task"]["task"]["target_completion_interval"] = (
        interval if isinstance(interval, dict) else {"minutes": interval}
    )
    assert len(violations(document)) == 1


def test_a_setting_only_the_2_22_bindings_know_is_caught(stacks):
    document = mutated(stacks, "option:current")
    document["resource"]["snowflake_task"]["task"]["execute_as_user"] = "U"
    document["provider"]["snowflake"][0]["experimental_features_disabled"] = []
    assert len(violations(document)) == 2


def test_an_sns_topic_on_the_directory_is_caught(stacks):
    document = mutated(stacks, "option:current")
    stage = document["resource"]["snowflake_stage_external_s3"]["inbound_stage"]
    stage["directory"]["aws_sns_topic"] = "arn:aws:sns:us-east-1:123456789012:t"
    assert [v.split(":")[0] for v in violations(document)] == [
        "snowflake_stage_external_s3.inbound_stage.directory.aws_sns_topic"
    ]


def test_dropping_the_directory_table_is_caught(stacks):
    document = mutated(stacks, "option:current")
    del document["resource"]["snowflake_stage_external_s3"]["inbound_stage"]["directory"]
    assert len(violations(document)) == 1


def test_two_encryption_kinds_are_caught(stacks):
    document = mutated(stacks, "option:current")
    stage = document["resource"]["snowflake_stage_external_s3"]["outbound_stage"]
    stage["encryption"]["aws_sse_s3"] = {}
    assert len(violations(document)) == 1


def test_a_privatelink_setting_beside_the_integration_is_caught(stacks):
    document = mutated(stacks, "option:current")
    stage = document["resource"]["snowflake_stage_external_s3"]["outbound_stage"]
    stage["use_privatelink_endpoint"] = "false"
    assert len(violations(document)) == 1


def test_a_stream_on_an_unqualified_stage_is_caught(stacks):
    document = mutated(stacks, "option:current")
    stream = document["resource"]["snowflake_stream_on_directory_table"]["inbound_stream"]
    stream["stage"] = "${snowflake_stage_external_s3.inbound_stage.name}"
    assert len(violations(document)) == 1


def test_a_legacy_trust_attribute_is_caught(stacks):
    # The legacy integration's attribute names do not exist on the new type.
    text = json.dumps(stacks["option:current"]).replace(
        "describe_output[0].iam_user_arn", "storage_aws_iam_user_arn"
    )
    assert [v.split(":")[0] for v in violations(json.loads(text))] == [
        "snowflake_storage_integration_aws.storage_integration.storage_aws_iam_user_arn"
    ]


def test_reading_the_2_22_notification_channel_is_caught(stacks):
    document = mutated(stacks, "option:current")
    document["output"]["channel"] = {
        "value": "${snowflake_stage_external_s3.inbound_stage.describe_output[0]"
        ".directory_table[0].directory_notification_channel}"
    }
    assert len(violations(document)) == 1


def test_a_wrong_import_id_form_is_caught(stacks):
    document = mutated(stacks, "option:current_upgrade")
    for block in document["import"]:
        if block["to"].startswith("snowflake_stage_external_s3."):
            block["id"] = block["id"].replace('"', "").replace(".", "|")  # the legacy form
    assert len(violations(document)) == 2


def test_a_removed_block_that_destroys_is_caught(stacks):
    document = mutated(stacks, "option:current_upgrade")
    document["removed"][0]["lifecycle"] = [{"destroy": True}]
    assert len(violations(document)) == 1


def test_removing_a_declared_resource_is_caught(stacks):
    document = mutated(stacks, "option:current_upgrade")
    document["removed"].append({"from": "snowflake_task.task", "lifecycle": [{"destroy": False}]})
    assert len(violations(document)) == 1


def test_an_upgrade_that_allows_terraform_below_1_7_is_caught(stacks):
    document = mutated(stacks, "option:current_upgrade")
    document["terraform"]["required_version"] = ">= 1.5.0"
    assert len(violations(document)) == 1


def test_the_upgrade_without_the_legacy_features_is_fine_only_without_removed_blocks(stacks):
    document = mutated(stacks, "option:current_upgrade")
    del document["removed"]
    assert [v.split(":")[0] for v in violations(document)] == [
        "snowflake_stage_resource enabled but nothing needs it",
        "snowflake_storage_integration_resource enabled but nothing needs it",
    ]


def test_a_look_ahead_pattern_is_caught(stacks):
    document = mutated(stacks, "option:current")
    task = document["resource"]["snowflake_task"]["task"]
    task["sql_statement"] = task["sql_statement"].replace(";", " PATTERN = '(?!x).*';")
    assert len(violations(document)) == 1


def test_a_stack_pinning_2_20_0_is_checked_by_these_facts(stacks):
    # The package's check picks the fact set by the pinned version.
    document = mutated(stacks, "option:current")
    assert violations(document) == facts_2_20.violations(document) == []
    document["resource"]["snowflake_stage"] = {"s": {"name": "S"}}
    assert violations(document) == facts_2_20.violations(document) != []


def test_a_legacy_stack_is_caught_as_another_version(default_document):
    assert facts_2_20.violations(default_document)[0] == (
        "snowflake provider 2.10.1: these facts are about 2.20.0"
    )


# The upgrade plan changes nothing outside the adopted types (issue 25, item 1): each
# attribute of the integration's CustomizeDiff declared otherwise than the import
# leaves it would recompute describe_output, which the access role's trust reads.
INTEGRATION = "snowflake_storage_integration_aws.storage_integration"
RECOMPUTING = {
    "enabled": False,
    "storage_allowed_locations": None,
    "storage_blocked_locations": ["s3://elsewhere/"],
    "comment": "adopted",
    "use_privatelink_endpoint": "default",
    "storage_aws_role_arn": None,
    "storage_aws_external_id": "chosen-up-front",
    "storage_aws_object_acl": "bucket-owner-full-control",
}


def test_the_fact_names_every_attribute_of_the_customize_diff():
    from snowssi_constructs.testing.recompute_facts import ADOPTED_STATE

    assert set(ADOPTED_STATE) == set(RECOMPUTING)


@pytest.mark.parametrize("attribute", sorted(RECOMPUTING))
def test_an_adopted_integration_declared_otherwise_than_imported_is_caught(stacks, attribute):
    document = mutated(stacks, "option:current_upgrade")
    body = document["resource"]["snowflake_storage_integration_aws"]["storage_integration"]
    if RECOMPUTING[attribute] is None:
        del body[attribute]
    else:
        body[attribute] = RECOMPUTING[attribute]
    assert [v.split(" ")[0] for v in violations(document)] == [f"{INTEGRATION}.{attribute}"]


def test_every_current_integration_declares_what_the_importer_writes(stacks):
    # Not only on the adopting run: an imported state keeps "false" after the import
    # block is gone.
    document = mutated(stacks, "option:current")
    body = document["resource"]["snowflake_storage_integration_aws"]["storage_integration"]
    assert body["use_privatelink_endpoint"] == "false"
    del body["use_privatelink_endpoint"]
    assert [v.split(" ")[0] for v in violations(document)] == [
        f"{INTEGRATION}.use_privatelink_endpoint"
    ]
    # Outside the upgrade, a comment recomputes nothing the importer decided.
    body["use_privatelink_endpoint"] = "false"
    body["comment"] = "fresh"
    assert violations(document) == []


def test_an_integration_nothing_reads_may_differ(stacks):
    document = mutated(stacks, "option:current_upgrade")
    body = document["resource"]["snowflake_storage_integration_aws"]["storage_integration"]
    body["comment"] = "adopted"
    for by_name in document["resource"].values():
        for name, other in list(by_name.items()):
            if other is not body and f"{INTEGRATION}.describe_output" in json.dumps(other):
                by_name[name] = json.loads(
                    json.dumps(other).replace(f"{INTEGRATION}.describe_output", "var.x")
                )
    assert [v for v in violations(document) if INTEGRATION in v.split(" ")[0]] == []


def test_an_unquoted_integration_import_id_is_caught(stacks):
    document = mutated(stacks, "option:current_upgrade")
    (block,) = [b for b in document["import"] if b["to"] == INTEGRATION]
    block["id"] = block["id"].strip('"')
    assert [v.split(",")[0] for v in violations(document)] == [f"import of {INTEGRATION}"]


def test_a_removed_block_without_its_lifecycle_is_caught(stacks):
    document = mutated(stacks, "option:current_upgrade")
    del document["removed"][0]["lifecycle"]
    assert [v.split(" destroys")[0] for v in violations(document)] == [
        f"removed {document['removed'][0]['from']}"
    ]


# What the mutation run of the 2.20.0 facts found untested.


def _bare_document(**extra: Any) -> dict[str, Any]:
    return {
        "terraform": {"required_providers": {"snowflake": {"version": "2.20.0"}}},
        **extra,
    }


def test_a_document_without_provider_block_or_resources_is_checked_as_empty():
    assert facts_2_20.violations(_bare_document()) == []
    assert facts_2_20.violations(_bare_document(provider={"snowflake": [{}]})) == []


def test_a_snowflake_type_without_a_fact_is_named():
    document = _bare_document(resource={"snowflake_pipe_x": {"p": {}}})
    assert facts_2_20.violations(document) == [
        "snowflake_pipe_x: no fact about its preview gate; look it up"
    ]


def test_enabling_the_promoted_integration_feature_is_caught(stacks):
    document = mutated(stacks, "option:current")
    document["provider"]["snowflake"][0]["preview_features_enabled"] = [
        "snowflake_storage_integration_aws_resource"
    ]
    assert [v.split(":")[0] for v in violations(document)] == [
        "snowflake_storage_integration_aws_resource enabled"
    ]


def test_forgetting_legacy_objects_keeps_the_features_the_stack_needs(stacks):
    # The upgrade of a consume_stream stack: the table's feature stays needed beside the
    # legacy types' features.
    document = mutated(stacks, "option:current_consume_stream")
    document["removed"] = [
        {"from": "snowflake_stage.inbound_stage", "lifecycle": [{"destroy": False}]}
    ]
    document["provider"]["snowflake"][0]["preview_features_enabled"] = [
        "snowflake_stage_resource",
        "snowflake_storage_integration_resource",
        "snowflake_table_resource",
    ]
    assert violations(document) == []


def test_the_shared_deployment_facts_cite_the_2_20_tag(stacks):
    document = mutated(stacks, "option:current_consume_stream")
    del document["resource"]["snowflake_table"]["processed_files"]["change_tracking"]
    document["resource"]["snowflake_grant_ownership"] = {
        "t": {"account_role_name": "R", "outbound_privileges": "COPY", "on": {}}
    }
    found = violations(document)
    assert len(found) == 2
    assert all(f"@ {TAG}" in violation for violation in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"${upper("A_${replace(var.x, "-", "_")}")}"."S"', '"X"."S"'),
        ('"${f({a = 1})}".${x}', '"X".X'),
        ("${{a = 1}}", "X"),
        ("plain", "plain"),
    ],
)
def test_an_import_id_is_read_with_each_expression_as_one_value(text, expected):
    assert task_sql.without_expressions(text) == expected


# The stall alert: the 2.20.0 facts about snowflake_alert (the same as 2.10.1's, read at
# v2.20.0), each safeguard dropped from a real stack.
ALERT = "snowflake_alert.stall_alert"
ALERT_SOURCE = f"{R}/alert.go @ {TAG}"


def _broken_alert(stacks: dict[str, Any], change: Any) -> list[str]:
    document = copy.deepcopy(stacks["option:current_stall_alert"])
    change(document["resource"]["snowflake_alert"]["stall_alert"])
    return violations(document)


def test_the_stall_alert_holds_a_day_below_the_provider_s_bound(stacks):
    alert = stacks["option:current_stall_alert"]["resource"]["snowflake_alert"]["stall_alert"]
    # 1,440 minutes: the alert checks every 1,439, the provider's largest interval.
    assert alert["alert_schedule"] == {"interval": 1439}
    assert alert["warehouse"] == "${snowflake_warehouse.warehouse.name}"
    assert (
        "warehouse"
        not in stacks["option:current_stall_alert"]["resource"]["snowflake_task"]["task"]
    )


def test_a_qualified_alert_warehouse_is_caught(stacks):
    found = _broken_alert(
        stacks,
        lambda a: a.__setitem__(
            "warehouse", "${snowflake_warehouse.warehouse.fully_qualified_name}"
        ),
    )
    assert found == [
        f"{ALERT}.warehouse '${{snowflake_warehouse.warehouse.fully_qualified_name}}' is not a "
        f"bare name: {ALERT_SOURCE} (alertSchema, ReadAlert)"
    ]


def test_an_alert_without_a_schedule_is_caught(stacks):
    found = _broken_alert(stacks, lambda a: a.pop("alert_schedule"))
    assert found == [f"{ALERT}: no alert_schedule: {ALERT_SOURCE} (alertSchema, getAlertSchedule)"]


def test_an_alert_left_suspended_is_caught(stacks):
    found = _broken_alert(stacks, lambda a: a.__setitem__("enabled", False))
    assert found == [
        f"{ALERT}: created suspended, never enabled: {ALERT_SOURCE} (alertSchema, CreateAlert); "
        "Snowflake docs: CREATE ALERT"
    ]


def test_a_condition_that_is_not_one_query_is_caught(stacks):
    found = _broken_alert(stacks, lambda a: a.__setitem__("condition", a["condition"] + ";"))
    assert found == [
        f"{ALERT}.condition is not one query: {ALERT_SOURCE} (alertSchema); pkg/sdk "
        f"CreateAlertOptions, pkg/resources/common.go DiffSuppressStatement @ {TAG}"
    ]


def test_a_notification_call_not_in_the_documented_form_is_caught(stacks):
    found = _broken_alert(
        stacks,
        lambda a: a.__setitem__("action", a["action"].replace("APPLICATION_JSON", "TEXT_HTML")),
    )
    assert found == [
        f"{ALERT}.action: a queue integration takes JSON, not TEXT_HTML: Snowflake docs: "
        "SYSTEM$SEND_SNOWFLAKE_NOTIFICATION, APPLICATION_JSON, INTEGRATION"
    ]


def test_dropping_the_alert_feature_is_caught(stacks):
    document = copy.deepcopy(stacks["option:current_stall_alert"])
    document["provider"]["snowflake"][0]["preview_features_enabled"].remove(
        "snowflake_alert_resource"
    )
    assert violations(document) == [
        "snowflake_alert declared, feature not enabled: "
        f"pkg/provider/previewfeatures/preview_features.go @ {TAG}"
    ]
