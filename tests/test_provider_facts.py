"""What the snowflake provider 2.10.1 and Snowflake do with what we declare, checked on
every stack we synthesize (its resources and data sources): the default stack, every
option snapshot and every example.

The facts are data with their sources, in :mod:`snowssi_constructs.testing.facts`, a
registry keyed by the snowflake provider version a stack pins; a stack that pins a
version without facts is refused. Mutations below show the check catches each broken
safeguard.
"""

from __future__ import annotations

import copy
import importlib
import json
from typing import Any

import pytest

from snowssi_constructs import SnowSSIStack
from snowssi_constructs._flavour import FLAVOUR, MODULES
from snowssi_constructs.testing.facts import (
    FACT_SETS,
    UnknownProviderVersion,
    fact_set_for,
    task_patterns,
    violations,
)
from snowssi_constructs.testing.integration_facts import (
    notification_source,
    publishing_role_trusts,
)
from tests.support import LEGACY_EXAMPLES, load_example, synth_app
from tests.test_snapshots import LEGACY_OPTIONS, OPTIONS, option_text

# The facts and the check live in the package (snowssi_constructs.testing.facts), where
# users' own tests reach them too; these tests are their first user.
FACTS = FACT_SETS["2.10.1"]
TAG = "v2.10.1"
NOTIFICATION_SOURCE = notification_source(TAG)


def _stacks() -> dict[str, dict[str, Any]]:
    documents = {"default": synth_app(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]}
    for option in LEGACY_OPTIONS:
        documents[f"option:{option}"] = json.loads(option_text(option))
    # The current generation's stacks: tests/test_provider_facts_current.py.
    for example in LEGACY_EXAMPLES:
        for stack, document in synth_app(load_example(example)).items():
            documents[f"example:{example}/{stack}"] = document
    return documents


@pytest.fixture(scope="module")
def stacks() -> dict[str, dict[str, Any]]:
    return _stacks()


STACK_NAMES = ["default", *(f"option:{o}" for o in LEGACY_OPTIONS)]


@pytest.mark.parametrize("name", STACK_NAMES)
def test_stack_holds_to_the_provider_facts(stacks, name):
    assert violations(stacks[name]) == []


@pytest.mark.parametrize("example", LEGACY_EXAMPLES)
def test_example_holds_to_the_provider_facts(stacks, example):
    documents = {k: v for k, v in stacks.items() if k.startswith(f"example:{example}/")}
    assert documents
    assert {k: violations(v) for k, v in documents.items()} == {k: [] for k in documents}


def test_every_checked_stack_declares_snowflake_resources(stacks):
    # The facts would pass vacuously on a stack without the Snowflake half.
    for name, document in stacks.items():
        assert any(t.startswith("snowflake_") for t in document["resource"]), name


# Mutations: each drops one safeguard from a real stack; the check must catch it.


def test_dropping_the_directory_ignore_is_caught(stacks):
    document = copy.deepcopy(stacks["default"])
    del document["resource"]["snowflake_stage"]["inbound_stage"]["lifecycle"]
    assert violations(document) == [
        "snowflake_stage.inbound_stage.directory replaces on every apply: "
        f"pkg/resources/stage.go @ {TAG}"
    ]


def test_dropping_the_table_feature_is_caught(stacks):
    document = copy.deepcopy(stacks["option:consume_stream"])
    assert "snowflake_table" in document["resource"]
    provider = document["provider"]["snowflake"][0]
    provider["preview_features_enabled"].remove("snowflake_table_resource")
    assert len(violations(document)) == 1
    assert violations(document)[0].startswith("snowflake_table declared, feature not enabled")


def test_dropping_the_serverless_schedule_is_caught(stacks):
    document = copy.deepcopy(stacks["option:serverless_task"])
    del document["resource"]["snowflake_task"]["task"]["schedule"]
    assert [v.split(":")[0] for v in violations(document)] == ["snowflake_task.task"]


def test_a_target_completion_interval_stands_in_for_the_schedule(stacks):
    # Snowflake's rule (serverless_needs_schedule): either one. On 2.10.1 the provider
    # has no such attribute, which the schema check reports; later releases have it.
    document = copy.deepcopy(stacks["option:serverless_task"])
    task = document["resource"]["snowflake_task"]["task"]
    del task["schedule"]
    task["target_completion_interval"] = "5 MINUTES"
    assert violations(document) == []


def test_a_serverless_size_above_xxlarge_is_caught(stacks):
    document = copy.deepcopy(stacks["option:serverless_task"])
    document["resource"]["snowflake_task"]["task"]["user_task_managed_initial_warehouse_size"] = (
        "X3LARGE"
    )
    assert len(violations(document)) == 1


def test_a_look_ahead_pattern_in_task_sql_is_caught(stacks):
    document = copy.deepcopy(stacks["option:file_pattern"])
    task = document["resource"]["snowflake_task"]["task"]
    task["sql_statement"] = task["sql_statement"].replace(
        "PATTERN = '", "PATTERN = '^(?!.*_backup)"
    )
    assert len(violations(document)) == 1


def test_an_unclassified_snowflake_type_is_caught(stacks):
    document = copy.deepcopy(stacks["default"])
    document["resource"]["snowflake_sequence"] = {"a": {"name": "A"}}
    assert violations(document) == [
        "snowflake_sequence: no fact about its preview gate; look it up"
    ]


@pytest.mark.parametrize("version", ["2.12.0", "~> 2.10", ">= 2.10.1"])
def test_a_version_without_facts_is_refused(stacks, version):
    # Facts hold for one release: a stack pinning another is not checked against them.
    document = copy.deepcopy(stacks["default"])
    document["terraform"]["required_providers"]["snowflake"]["version"] = version
    with pytest.raises(UnknownProviderVersion, match=r"facts only about 2\.10\.1, 2\.20\.0"):
        violations(document)


def test_snowflake_resources_without_a_pinned_version_are_refused(stacks):
    document = copy.deepcopy(stacks["default"])
    del document["terraform"]["required_providers"]["snowflake"]
    with pytest.raises(UnknownProviderVersion, match="version None"):
        violations(document)


def test_the_fact_set_is_the_one_the_stack_pins(stacks):
    assert fact_set_for(stacks["default"]) is FACTS
    assert FACTS.version == "2.10.1"


def test_a_stack_without_snowflake_has_no_facts_to_hold_to():
    document = {"terraform": {"required_providers": {"aws": {"version": "6.21.0"}}}}
    document["resource"] = {"aws_s3_bucket": {"b": {"bucket": "b"}}}
    assert fact_set_for(document) is None
    assert violations(document) == []


def test_every_fact_names_its_source():
    facts = [
        *FACTS.gated.values(),
        *FACTS.not_gated.values(),
        *FACTS.gated_data.values(),
        *FACTS.not_gated_data.values(),
        *FACTS.read_back_force_new.values(),
        FACTS.serverless_size_limit,
        FACTS.posix_patterns,
    ]
    assert FACTS.serverless_needs_schedule is not None
    for fact in [*facts, FACTS.serverless_needs_schedule]:
        assert fact.statement and fact.source, fact


def test_a_look_ahead_pattern_in_the_stream_filter_is_caught(stacks):
    document = copy.deepcopy(stacks["option:consume_stream_file_pattern"])
    task = document["resource"]["snowflake_task"]["task"]
    task["sql_statement"] = task["sql_statement"].replace(
        "RLIKE(RELATIVE_PATH, '", "RLIKE(RELATIVE_PATH, '(?!.*_backup)"
    )
    violation = (
        "snowflake_task.task: pattern has a look-ahead '(?!' at position 0: "
        "Snowflake docs 'String functions (regular expressions)'"
    )
    assert violations(document) == [violation]  # the one statement that reads the stream


@pytest.mark.parametrize("option", [o for o in LEGACY_OPTIONS if "file_pattern" in OPTIONS[o]])
def test_the_check_reads_each_pattern_of_the_task_sql(stacks, option):
    # The facts check the pattern Snowflake runs: the option's own, once per statement.
    sql = stacks[f"option:{option}"]["resource"]["snowflake_task"]["task"]["sql_statement"]
    # consume_stream filters once, where it records the stream's new files.
    assert task_patterns(sql) == [OPTIONS[option]["file_pattern"]]
    # A stall alert waits only for the files the task copies: the same pattern, once in
    # the condition and once in the action.
    for alert in stacks[f"option:{option}"]["resource"].get("snowflake_alert", {}).values():
        sql = alert["condition"] + alert["action"]
        assert task_patterns(sql) == [OPTIONS[option]["file_pattern"]] * 2


def _with_storage_integrations_data_source(app):
    stack = SnowSSIStack(app, "snowssi")
    data = importlib.import_module(f"{MODULES[FLAVOUR][2]}.data_snowflake_storage_integrations")
    data.DataSnowflakeStorageIntegrations(stack, "integrations")


def test_a_gated_data_source_a_user_adds_holds_to_the_facts():
    document = synth_app(_with_storage_integrations_data_source)["snowssi"]
    assert "snowflake_storage_integrations" in document["data"]
    assert violations(document) == []
    provider = document["provider"]["snowflake"][0]
    provider["preview_features_enabled"].remove("snowflake_storage_integrations_datasource")
    assert violations(document) == [
        "data.snowflake_storage_integrations declared, feature not enabled: "
        f"pkg/provider/previewfeatures/preview_features.go @ {TAG}"
    ]


def test_an_unclassified_snowflake_data_source_is_caught(stacks):
    document = copy.deepcopy(stacks["default"])
    document["data"]["snowflake_users"] = {"u": {}}
    assert violations(document) == [
        "data.snowflake_users: no fact about its preview gate; look it up"
    ]


def test_the_alerts_integration_is_trusted_through_what_it_reads_back(stacks):
    document = copy.deepcopy(stacks["option:failure_alerts"])
    (name,) = document["resource"]["snowflake_notification_integration"]
    assert publishing_role_trusts(document, name)
    role = document["resource"]["aws_iam_role"][name]
    role["assume_role_policy"] = role["assume_role_policy"].replace("aws_sns_external_id", "id")
    assert not publishing_role_trusts(document, name)


def test_a_notification_integration_without_its_role_is_caught(stacks):
    document = copy.deepcopy(stacks["option:failure_alerts"])
    (body,) = document["resource"]["snowflake_notification_integration"].values()
    del body["aws_sns_role_arn"]
    assert violations(document) == [
        f"snowflake_notification_integration.failure_alerts: no aws_sns_role_arn: "
        f"{NOTIFICATION_SOURCE}"
    ]


def test_a_role_arn_referencing_the_role_is_caught(stacks):
    document = copy.deepcopy(stacks["option:failure_alerts"])
    (body,) = document["resource"]["snowflake_notification_integration"].values()
    body["aws_sns_role_arn"] = "${aws_iam_role.failure_alerts.arn}"
    assert len(violations(document)) == 1


def test_dropping_the_notification_feature_is_caught(stacks):
    document = copy.deepcopy(stacks["option:failure_alerts"])
    provider = document["provider"]["snowflake"][0]
    provider["preview_features_enabled"].remove("snowflake_notification_integration_resource")
    assert violations(document) == [
        "snowflake_notification_integration declared, feature not enabled: "
        "pkg/provider/previewfeatures/preview_features.go and "
        f"pkg/resources/notification_integration.go @ {TAG}"
    ]


def test_a_transfer_that_revokes_grants_is_caught():
    document = synth_app(load_example("least_privilege"))["bootstrap"]
    assert violations(document) == []
    document["resource"]["snowflake_grant_ownership"] = {
        "t": {
            "on": {"object_type": "DATABASE", "object_name": "D"},
            "outbound_privileges": "REVOKE",
        }
    }
    assert len(violations(document)) == 1


def test_a_recorded_table_without_change_tracking_is_caught(stacks):
    document = copy.deepcopy(stacks["option:consume_stream"])
    table = document["resource"]["snowflake_table"]["processed_files"]
    assert table["change_tracking"] is True
    del table["change_tracking"]
    assert [v.split(":")[0] for v in violations(document)] == ["snowflake_table.processed_files"]


# The stall alert (snowflake_alert): each safeguard dropped from a real stack is caught.
ALERT = "snowflake_alert.stall_alert"
ALERT_SOURCE = f"pkg/resources/alert.go @ {TAG}"


def _alert_mutations() -> dict[str, tuple[Any, str]]:
    def set_(key: str, value: Any) -> Any:
        return lambda alert: alert.__setitem__(key, value)

    def edit(key: str, old: str, new: str) -> Any:
        return lambda alert: alert.__setitem__(key, alert[key].replace(old, new, 1))

    return {
        "qualified warehouse": (
            set_("warehouse", "${snowflake_warehouse.warehouse.fully_qualified_name}"),
            f"{ALERT}.warehouse '${{snowflake_warehouse.warehouse.fully_qualified_name}}' is "
            f"not a bare name: {ALERT_SOURCE} (alertSchema, ReadAlert)",
        ),
        "quoted warehouse": (
            set_("warehouse", '"WAREHOUSE_X"'),
            "is not a bare name",
        ),
        "no schedule": (
            lambda alert: alert.pop("alert_schedule"),
            f"{ALERT}: no alert_schedule: {ALERT_SOURCE} (alertSchema, getAlertSchedule)",
        ),
        "a day's interval": (
            set_("alert_schedule", {"interval": 1440}),
            f"{ALERT}.alert_schedule.interval 1440: {ALERT_SOURCE}",
        ),
        "interval and cron": (
            set_("alert_schedule", {"interval": 5, "cron": {"expression": "* * * * *"}}),
            f"{ALERT}.alert_schedule holds ['interval', 'cron']",
        ),
        "cron without its time zone": (
            set_("alert_schedule", {"cron": {"expression": "0 * * * *"}}),
            f"{ALERT}.alert_schedule.cron needs expression and time_zone",
        ),
        "not enabled": (
            lambda alert: alert.pop("enabled"),
            f"{ALERT}: created suspended, never enabled: {ALERT_SOURCE} (alertSchema, CreateAlert)",
        ),
        "condition ending in ';'": (
            lambda alert: alert.__setitem__("condition", alert["condition"] + ";"),
            f"{ALERT}.condition is not one query",
        ),
        "an e-mail message to a queue": (
            edit("action", "APPLICATION_JSON", "TEXT_PLAIN"),
            f"{ALERT}.action: a queue integration takes JSON, not TEXT_PLAIN",
        ),
        "the integration not a literal": (
            edit("action", "INTEGRATION('", "INTEGRATION(("),
            f"{ALERT}.action: the second argument is not SNOWFLAKE.NOTIFICATION.INTEGRATION",
        ),
        "an unclosed literal": (
            edit("action", "'pipeline', 'default'", "'pipeline', 'default"),
            f"{ALERT}.action: unclosed string literal",
        ),
        "an unqualified relation": (
            edit(
                "condition",
                "${snowflake_stream_on_directory_table.inbound_stream.fully_qualified_name}",
                "${snowflake_stream_on_directory_table.inbound_stream.name}",
            ),
            f"{ALERT}.condition: ${{snowflake_stream_on_directory_table.inbound_stream.name}} "
            "not named in full",
        ),
        "a look-ahead pattern": (
            edit("condition", "'^in/", "'(?!x)^in/"),
            f"{ALERT}.condition: pattern has a look-ahead",
        ),
    }


@pytest.mark.parametrize("mutation", sorted(_alert_mutations()))
def test_a_broken_stall_alert_is_caught(stacks, mutation):
    document = copy.deepcopy(stacks["option:stall_alert"])
    change, expected = _alert_mutations()[mutation]
    change(document["resource"]["snowflake_alert"]["stall_alert"])
    found = violations(document)
    assert found and all(ALERT in v for v in found), found
    assert any(expected in v for v in found), found


def test_dropping_the_alert_feature_is_caught(stacks):
    document = copy.deepcopy(stacks["option:stall_alert"])
    document["provider"]["snowflake"][0]["preview_features_enabled"].remove(
        "snowflake_alert_resource"
    )
    assert violations(document) == [
        "snowflake_alert declared, feature not enabled: "
        f"pkg/provider/previewfeatures/preview_features.go and {ALERT_SOURCE}"
    ]


def test_a_cron_schedule_with_its_time_zone_holds(stacks):
    document = copy.deepcopy(stacks["option:stall_alert"])
    alert = document["resource"]["snowflake_alert"]["stall_alert"]
    alert["alert_schedule"] = {"cron": {"expression": "0 * * * *", "time_zone": "UTC"}}
    assert violations(document) == []


def test_the_stall_alert_stack_is_checked_for_its_alert(stacks):
    # Vacuity guard: the alert's checks run on an alert that is there.
    alert = stacks["option:stall_alert"]["resource"]["snowflake_alert"]["stall_alert"]
    assert alert["enabled"] is True and alert["alert_schedule"] == {"interval": 30}
