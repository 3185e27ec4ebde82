"""Stall alerts: a Snowflake alert on the pipeline's waiting files that runs on a schedule
derived from its threshold, on the warehouse's bare name, enabled, and sends one JSON
message through the notification integration while a file has waited too long; its SQL
read as Snowflake reads it; bad input refused at construction, naming the prop."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from snowssi_constructs import SnowSSIStack
from snowssi_constructs._flavour import cdktf, snowflake
from snowssi_constructs.options import PipelineSettings
from snowssi_constructs.stall_alert import (
    MAX_AFTER_MINUTES,
    StallAlert,
    WaitingFiles,
    check_every_minutes,
    record_waiting_files,
    stream_waiting_files,
)
from snowssi_constructs.testing.task_sql import (
    notification_call_problems,
    quoting_problems,
    task_patterns,
    unqualified_relations,
)
from snowssi_constructs.validation import PropError
from tests.support import ROOT, synth_app
from tests.test_bad_inputs import pipeline as build_pipeline

Testing = cdktf.Testing
TerraformStack = cdktf.TerraformStack

STREAM = '"DB"."SC"."STREAM_X"'
TASK = '"DB"."SC"."TASK_X"'
PATTERN = r"^in/[[:alnum:]_]+\.csv$"


def props(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "STALL_ALERT_X",
        "database": "DB",
        "schema": "SC",
        "warehouse": "WAREHOUSE_X",
        "integration_name": "ALERTS_INTEGRATION_X",
        "pipeline": "orders",
        "task": TASK,
        "waiting_files": [stream_waiting_files(STREAM, PATTERN)],
        "after_minutes": 30,
    }
    return {**base, **changes}


def synth_alert(**changes: Any) -> dict[str, Any]:
    app = Testing.app()
    stack = TerraformStack(app, "stack")
    snowflake.provider.SnowflakeProvider(stack, "snowflake")
    StallAlert(stack, "stall", **props(**changes))
    document = json.loads(Testing.synth(stack))
    (body,) = document["resource"]["snowflake_alert"].values()
    return {k: v for k, v in body.items() if k != "//"}


@pytest.fixture(scope="module")
def alert() -> dict[str, Any]:
    return synth_alert()


def test_the_alert_runs_on_the_warehouse_name_on_a_schedule_and_enabled(alert):
    assert alert["name"] == "STALL_ALERT_X"
    assert (alert["database"], alert["schema"]) == ("DB", "SC")
    assert alert["warehouse"] == "WAREHOUSE_X"
    assert alert["alert_schedule"] == {"interval": 30}
    assert alert["enabled"] is True
    assert "30 minutes" in alert["comment"]


@pytest.mark.parametrize(
    ("after", "every"), [(1, 1), (30, 30), (1439, 1439), (1440, 1439), (MAX_AFTER_MINUTES, 1439)]
)
def test_the_schedule_is_the_threshold_within_the_providers_bound(after, every):
    assert check_every_minutes(after) == every
    assert 0 < every < 1440


def test_the_condition_selects_the_stream_s_added_files_past_the_threshold(alert):
    condition = alert["condition"]
    assert f"FROM {STREAM} WHERE METADATA$ACTION = 'INSERT'" in condition
    assert "WAITING_SINCE < DATEADD(MINUTE, -30, CURRENT_TIMESTAMP())" in condition
    assert "LAST_MODIFIED AS WAITING_SINCE" in condition
    # The task copies only matching files; the alert waits only for those.
    assert task_patterns(condition) == [PATTERN]
    assert not condition.rstrip().endswith(";")


def test_without_a_pattern_every_added_file_counts():
    condition = synth_alert(waiting_files=[stream_waiting_files(STREAM)])["condition"]
    assert "RLIKE" not in condition and "METADATA$ACTION = 'INSERT'" in condition


def test_the_stream_and_the_record_s_uncopied_files_are_both_read():
    # processing="consume_stream" records the stream's files, then copies them: a file
    # whose copy failed waits in the record, the stream already consumed.
    record = record_waiting_files('"DB"."SC"."PROCESSED_FILES_X"')
    both = synth_alert(waiting_files=[stream_waiting_files(STREAM), record])
    for sql in (both["condition"], both["action"]):
        assert f"FROM {STREAM} WHERE METADATA$ACTION = 'INSERT'" in sql
        uncopied = 'FROM "DB"."SC"."PROCESSED_FILES_X" WHERE NOT COPIED'
        assert f"LAST_MODIFIED AS WAITING_SINCE {uncopied}" in sql
        assert " UNION ALL " in sql
        assert quoting_problems(sql) == [] and unqualified_relations(sql) == []


def test_waiting_files_name_their_path_and_waiting_start_columns():
    custom = WaitingFiles(relation="DB.SC.T", where="X", path_column="P", since_column="S")
    assert custom.select() == "SELECT P AS FILE_PATH, S AS WAITING_SINCE FROM DB.SC.T WHERE X"


def test_the_action_requeries_and_sends_one_json_message_through_the_integration(alert):
    action = alert["action"]
    assert action.startswith("BEGIN\n") and action.endswith("\nEND")
    assert "GET_CONDITION_QUERY_UUID" not in action  # no ALERT_VIEWER database role needed
    assert "IF (waiting > 0) THEN" in action
    assert (
        "CALL SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(\n"
        "      SNOWFLAKE.NOTIFICATION.APPLICATION_JSON(:message),\n"
        "      SNOWFLAKE.NOTIFICATION.INTEGRATION('ALERTS_INTEGRATION_X'));"
    ) in action
    for key in (
        "'pipeline', 'orders'",
        '\'task\', \'"DB"."SC"."TASK_X"\'',
        "'oldest_file', MIN_BY(FILE_PATH, WAITING_SINCE)",
        "'waiting_minutes', DATEDIFF(MINUTE, MIN(WAITING_SINCE), CURRENT_TIMESTAMP())",
        "'waiting_files', COUNT(*)",
        "'threshold_minutes', 30",
    ):
        assert key in action


def test_the_alert_sql_lexes_names_relations_in_full_and_calls_as_documented(alert):
    for sql in (alert["condition"], alert["action"]):
        assert quoting_problems(sql) == []
        assert unqualified_relations(sql) == []
        assert notification_call_problems(sql) == []


def test_a_quote_in_the_pipeline_name_is_escaped():
    action = synth_alert(pipeline="it's")["action"]
    assert "'pipeline', 'it\\'s'" in action
    assert quoting_problems(action) == []


# The SQL checks catch what they are for.


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("SELECT 'open FROM x", "unclosed string literal"),
        ('SELECT 1 FROM "DB"."SC', "unclosed quoted identifier"),
        ("SELECT (1 FROM x", "'(' never closed"),
        ("SELECT 1) FROM x", "')' without '('"),
    ],
)
def test_broken_quoting_is_caught(sql, problem):
    assert any(problem in found for found in quoting_problems(sql))


def test_escaped_and_doubled_quotes_and_expressions_are_read_as_snowflake_does():
    assert quoting_problems("SELECT 'it\\'s', 'it''s', \"a\"\"b\" FROM x WHERE f('(')") == []
    assert quoting_problems('SELECT 1 FROM ${upper("A_${replace(x, "-", "_")}")}') == []


@pytest.mark.parametrize(
    ("relation", "qualified"),
    [
        ("STREAM_X", False),
        ("SC.STREAM_X", False),
        ('"DB"."SC"."STREAM_X"', True),
        ("DB.SC.STREAM_X", True),
        ("${snowflake_stream_on_directory_table.stream.fully_qualified_name}", True),
        ("${snowflake_stream_on_directory_table.stream.name}", False),
    ],
)
def test_a_relation_not_named_in_full_is_caught(relation, qualified):
    found = unqualified_relations(f"SELECT 1 FROM {relation} WHERE x IN (SELECT 1 FROM @st)")
    assert found == ([] if qualified else [relation])


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (
            "SELECT SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(SNOWFLAKE.NOTIFICATION.APPLICATION_JSON"
            "('{}'), SNOWFLAKE.NOTIFICATION.INTEGRATION('I'))",
            "CALL it",
        ),
        (
            "CALL SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(SNOWFLAKE.NOTIFICATION.TEXT_PLAIN('x'), "
            "SNOWFLAKE.NOTIFICATION.INTEGRATION('I'))",
            "takes JSON",
        ),
        (
            'CALL SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(\'{"application/json": "x"}\', '
            "SNOWFLAKE.NOTIFICATION.INTEGRATION('I'))",
            "not built by",
        ),
        (
            "CALL SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(SNOWFLAKE.NOTIFICATION.APPLICATION_JSON"
            "(:m), SNOWFLAKE.NOTIFICATION.INTEGRATION(I))",
            "second argument",
        ),
        (
            "CALL SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(SNOWFLAKE.NOTIFICATION.APPLICATION_JSON"
            "(:m), '{\"I\": {}}')",
            "second argument",
        ),
    ],
)
def test_a_notification_call_not_in_the_documented_form_is_caught(call, problem):
    found = notification_call_problems(call)
    assert any(problem in f for f in found), found


def test_an_email_message_is_fine_where_the_integration_is_not_a_queue():
    call = (
        "CALL SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(SNOWFLAKE.NOTIFICATION.TEXT_PLAIN('x, y'), "
        "SNOWFLAKE.NOTIFICATION.INTEGRATION('MAIL'))"
    )
    assert notification_call_problems(call, queue=False) == []
    assert notification_call_problems(call) != []


# Bad input.


@pytest.mark.parametrize(
    ("change", "prop"),
    [
        ({"warehouse": '"DB"."WAREHOUSE_X"'}, "warehouse"),
        ({"warehouse": '"WAREHOUSE_X"'}, "warehouse"),
        ({"warehouse": ""}, "warehouse"),
        ({"after_minutes": 0}, "after_minutes"),
        ({"after_minutes": MAX_AFTER_MINUTES + 1}, "after_minutes"),
        ({"after_minutes": "30"}, "after_minutes"),
        ({"waiting_files": []}, "waiting_files"),
        ({"waiting_files": STREAM}, "waiting_files"),
        ({"integration_name": "ALERTS INTEGRATION"}, "integration_name"),
        ({"name": "stall-alert"}, "name"),
        ({"task": ""}, "task"),
        ({"address": "stall alert"}, "address"),
    ],
)
def test_bad_input_is_refused_naming_the_prop(change, prop):
    stack = TerraformStack(Testing.app(), "stack")
    with pytest.raises(PropError) as raised:
        StallAlert(stack, "stall", **props(**change))
    assert [problem.prop for problem in raised.value.problems] == [prop]


def test_a_qualified_warehouse_is_refused_with_the_reason():
    stack = TerraformStack(Testing.app(), "stack")
    with pytest.raises(ValueError, match="reads back the bare name"):
        StallAlert(stack, "stall", **props(warehouse='"WAREHOUSE_X"'))


# The pipeline option.


def test_the_option_is_off_by_default():
    assert PipelineSettings.resolve({}).stall_alert_minutes is None


@pytest.mark.parametrize("value", [0, -5, MAX_AFTER_MINUTES + 1, "30", 30.0, True])
def test_a_bad_threshold_is_refused_naming_the_option(value):
    with pytest.raises(PropError) as raised:
        PipelineSettings.resolve({"stall_alert_minutes": value, "processing": "consume_stream"})
    assert [problem.prop for problem in raised.value.problems] == ["stall_alert_minutes"]


def test_a_stream_never_consumed_is_refused_naming_both_options():
    with pytest.raises(ValueError) as raised:
        PipelineSettings.resolve({"stall_alert_minutes": 30})
    assert "stall_alert_minutes" in str(raised.value)
    assert "processing='copy_stage'" in str(raised.value)


def test_consuming_the_stream_or_a_custom_statement_is_accepted():
    for layer in ({"processing": "consume_stream"}, {"sql_statement": "CALL my_procedure()"}):
        settings = PipelineSettings.resolve({**layer, "stall_alert_minutes": 45})
        assert settings.stall_alert_minutes == 45


# In the stack: one alert per pipeline, on the stack's warehouse, through its failure alerts.

STALLING = {"failure_alerts": True, "processing": "consume_stream", "stall_alert_minutes": 45}


@pytest.fixture(scope="module")
def two_pipelines(synth_stack) -> dict[str, Any]:
    return synth_stack(**STALLING, pipelines=["orders", "events"])


def test_the_option_is_off_by_default_also_when_hardened(default_document, synth_stack):
    for document in (default_document, synth_stack(hardened=True, failure_alerts=True)):
        assert "snowflake_alert" not in document["resource"]
        assert not [name for name in document["output"] if "stall" in name]


def test_each_pipeline_gets_its_alert_named_and_addressed_by_the_pipeline(two_pipelines):
    alerts = two_pipelines["resource"]["snowflake_alert"]
    assert sorted(alerts) == ["events_stall_alert", "orders_stall_alert"]
    for pipeline in ("orders", "events"):
        alert = alerts[f"{pipeline}_stall_alert"]
        assert "STALL_ALERT_" in alert["name"] and pipeline.upper() in alert["name"]
        assert alert["warehouse"] == "${snowflake_warehouse.warehouse.name}"
        assert alert["alert_schedule"] == {"interval": 45}
        assert f"'pipeline', '{pipeline}'" in alert["action"]
        assert (
            f"'task', '${{snowflake_task.{pipeline}_task.fully_qualified_name}}'"
            in (alert["action"])
        )
        stream = f"${{snowflake_stream_on_directory_table.{pipeline}_inbound_stream"
        assert f"FROM {stream}.fully_qualified_name}}" in alert["condition"]
        table = f"${{snowflake_table.{pipeline}_processed_files.fully_qualified_name}}"
        assert f"FROM {table} WHERE NOT COPIED" in alert["condition"]
        assert (
            "SNOWFLAKE.NOTIFICATION.INTEGRATION("
            "'${snowflake_notification_integration.failure_alerts.name}')"
        ) in alert["action"]
        assert two_pipelines["output"][f"{pipeline}_stall_alert_fully_qualified_name"]["value"] == (
            f"${{snowflake_alert.{pipeline}_stall_alert.fully_qualified_name}}"
        )


def test_the_original_pipeline_s_alert_is_named_default_in_the_message(synth_stack):
    document = synth_stack(**STALLING)
    alert = document["resource"]["snowflake_alert"]["stall_alert"]
    assert "'pipeline', 'default'" in alert["action"]
    assert "stall_alert_fully_qualified_name" in document["output"]


def test_a_serverless_pipeline_s_alert_still_runs_on_the_warehouse(synth_stack):
    document = synth_stack(**STALLING, serverless_task=True)
    assert "warehouse" not in document["resource"]["snowflake_task"]["task"]
    alert = document["resource"]["snowflake_alert"]["stall_alert"]
    assert alert["warehouse"] == "${snowflake_warehouse.warehouse.name}"


def test_a_custom_statement_is_allowed_and_every_added_file_counts(synth_stack):
    document = synth_stack(
        failure_alerts=True,
        sql_statement="CALL my_procedure()",
        file_pattern=r".*[.]csv",
        stall_alert_minutes=60,
    )
    alert = document["resource"]["snowflake_alert"]["stall_alert"]
    # The custom statement ignores file_pattern, and there is no processed-files record.
    assert "RLIKE" not in alert["condition"] and "COPIED" not in alert["condition"]
    assert "METADATA$ACTION = 'INSERT'" in alert["condition"]


def test_add_pipeline_sets_its_own_threshold(synth_stack):
    def build(app: Any) -> None:
        stack = SnowSSIStack(app, "snowssi", **STALLING, pipelines=["orders"])
        stack.add_pipeline("invoices", stall_alert_minutes=180)
        stack.add_pipeline("events", stall_alert_minutes=None)

    alerts = synth_app(build)["snowssi"]["resource"]["snowflake_alert"]
    assert {name: alert["alert_schedule"]["interval"] for name, alert in alerts.items()} == {
        "orders_stall_alert": 45,
        "invoices_stall_alert": 180,
    }


def test_without_failure_alerts_the_stack_refuses_naming_both_props():
    with pytest.raises(ValueError) as raised:
        SnowSSIStack(Testing.app(), "snowssi", processing="consume_stream", stall_alert_minutes=30)
    assert str(raised.value).startswith("stall_alert_minutes: ")
    assert "failure_alerts=True" in str(raised.value)
    assert [problem.prop for problem in raised.value.problems] == ["stall_alert_minutes"]


def test_the_original_s_copy_stage_is_refused_by_the_stack_naming_both_props():
    with pytest.raises(ValueError, match=r"^stall_alert_minutes: processing='copy_stage'"):
        SnowSSIStack(Testing.app(), "snowssi", failure_alerts=True, stall_alert_minutes=30)


def test_add_pipeline_refuses_an_alert_a_stack_without_failure_alerts_cannot_send():
    stack = SnowSSIStack(Testing.app(), "snowssi", processing="consume_stream")
    with pytest.raises(ValueError, match=r"^stall_alert_minutes: .*failure_alerts=True"):
        stack.add_pipeline("orders", stall_alert_minutes=30)


@pytest.mark.parametrize(
    ("missing", "named"),
    [("error_integration", "error_integration"), ("alert_warehouse", "alert_warehouse")],
)
def test_a_pipeline_built_directly_refuses_naming_what_the_alert_lacks(missing, named):
    props: dict[str, Any] = {
        "error_integration": "ALERTS_INTEGRATION",
        "alert_warehouse": "WH",
        "processing": "consume_stream",
        "stall_alert_minutes": 30,
    }
    del props[missing]
    with pytest.raises(ValueError) as raised:
        build_pipeline(**props)
    assert str(raised.value).startswith("stall_alert_minutes: ")
    assert named in str(raised.value)


def test_the_documented_message_has_the_keys_the_action_sends(alert):
    page = (ROOT / "docs" / "failure-alerts.md").read_text(encoding="utf-8")
    section = page[page.index("## Stall alerts") :]
    example = re.search(r"```json\n(.*?)```", section, re.DOTALL)
    assert example is not None
    arguments, depth, current = [], 0, ""
    for char in alert["action"].split("OBJECT_CONSTRUCT(", 1)[1]:
        if char == ")" and depth == 0:
            break
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            arguments.append(current.strip())
            current = ""
        else:
            current += char
    arguments.append(current.strip())
    sent = [key.strip("'") for key in arguments[::2]]
    assert sorted(json.loads(example.group(1))) == sorted(sent)
