"""Every example synthesizes, and does what its name says."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from snowssi_constructs.snowflake_regex import unsupported_constructs
from tests.support import (
    CURRENT_EXAMPLES,
    EXAMPLES,
    EXAMPLES_DIR,
    ROOT,
    load_example,
    load_example_module,
    resources,
    synth_app,
)

TIMEOUT = 600


@pytest.fixture(scope="module")
def documents():
    return {name: synth_app(load_example(name)) for name in EXAMPLES}


def test_the_required_examples_exist():
    assert {
        "default_pipeline",
        "custom_processing_sql",
        "file_filtering",
        "warehouse_size",
        "hardened",
        "multi_pipeline",
        "environments",
        "current_provider",
        "upgrade_from_legacy",
        "least_privilege",
        "failure_alerts",
        "stall_alerts",
    } <= set(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_pins_the_provider_generation_the_tests_expect(documents, example):
    # The schema and provider-fact tests pick their checks by this list.
    expected = "2.20.0" if example in CURRENT_EXAMPLES else "2.10.1"
    for document in documents[example].values():
        assert document["terraform"]["required_providers"]["snowflake"]["version"] == expected


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_synthesizes_at_least_one_stack_with_resources(documents, example):
    assert documents[example]
    for document in documents[example].values():
        assert resources(document)


def _run_as_program(program: Path, cwd: Path) -> dict[str, str]:
    """Run ``program`` as a user does (``python program``, in an empty folder ``cwd``);
    the cdk.tf.json text of each stack it wrote, by stack name."""
    cwd.mkdir()
    completed = subprocess.run(
        [sys.executable, str(program)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    stacks = cwd / "cdktf.out" / "stacks"
    return {path.name: (path / "cdk.tf.json").read_text() for path in sorted(stacks.iterdir())}


@pytest.mark.integration
def test_default_pipeline_example_is_the_default_stack(tmp_path):
    # The example's JSON against the default stack's, as main.py writes it.
    programs = {
        "example": EXAMPLES_DIR / "default_pipeline" / "main.py",
        "default": ROOT / "main.py",
    }
    with ThreadPoolExecutor(2) as pool:
        futures = {
            name: pool.submit(_run_as_program, program, tmp_path / name)
            for name, program in programs.items()
        }
        written = {name: future.result() for name, future in futures.items()}
    assert list(written["default"]) == ["snowssi"]
    assert written["example"] == written["default"]


def test_custom_processing_sql_loads_rows_then_moves_files(documents):
    sql = resources(documents["custom_processing_sql"]["snowssi"])["snowflake_task.task"][
        "sql_statement"
    ]
    assert sql.startswith("BEGIN\n") and sql.endswith("END")
    assert sql.index("COPY INTO my_table") < sql.index("COPY FILES INTO @")
    assert "FILE_FORMAT = (TYPE = 'CSV' FIELD_DELIMITER = ',')" in sql


def test_file_filtering_copies_only_matching_files(documents):
    sql = resources(documents["file_filtering"]["snowssi"])["snowflake_task.task"]["sql_statement"]
    pattern = load_example_module("file_filtering").CSV_BUT_NOT_BACKUPS
    assert f"PATTERN = '{pattern}'" in sql


def test_file_filtering_pattern_selects_what_the_look_ahead_pattern_selects():
    # Snowflake has no look-ahead; the example spells `^(?!.*_backup).*[.]csv$` out.
    # Every path built from up to five of these pieces (some 800,000) is judged alike.
    pattern = re.compile(load_example_module("file_filtering").CSV_BUT_NOT_BACKUPS)
    look_ahead = re.compile(r"^(?!.*_backup).*[.]csv$")
    pieces = ["_", "__", "b", "a", "c", "k", "u", "p", "bac", "_backup", ".", ".csv", "csv"]
    pieces += ["x", "/"]
    disagreements = [
        path
        for count in range(6)
        for combo in itertools.product(pieces, repeat=count)
        if bool(pattern.search(path := "".join(combo))) != bool(look_ahead.search(path))
    ]
    assert disagreements == []
    assert unsupported_constructs(pattern.pattern) == []


def test_warehouse_size_example_chooses_xsmall(documents):
    warehouse = resources(documents["warehouse_size"]["snowssi"])["snowflake_warehouse.warehouse"]
    assert warehouse["warehouse_size"] == "XSMALL"
    assert warehouse["auto_suspend"] == 60


def test_multi_pipeline_example_has_three_pipelines(documents):
    res = resources(documents["multi_pipeline"]["snowssi"])
    tasks = sorted(a for a in res if a.startswith("snowflake_task."))
    assert tasks == [
        "snowflake_task.events_task",
        "snowflake_task.invoices_task",
        "snowflake_task.orders_task",
    ]
    assert "random_pet.pet_name" not in res


def test_environments_example_has_a_state_key_per_environment(documents):
    keys = {
        name: document["terraform"]["backend"]["s3"]["key"]
        for name, document in documents["environments"].items()
    }
    assert keys == {
        "snowssi-dev": "snowssi/snowssi-dev/terraform.tfstate",
        "snowssi-prod": "snowssi/snowssi-prod/terraform.tfstate",
    }


def test_current_provider_example_has_a_default_and_a_triggered_serverless_pipeline(documents):
    stacks = documents["current_provider"]
    assert sorted(stacks) == ["snowssi", "snowssi_serverless"]
    default_task = resources(stacks["snowssi"])["snowflake_task.task"]
    assert "warehouse" in default_task and "target_completion_interval" not in default_task
    serverless = resources(stacks["snowssi_serverless"])
    task = serverless["snowflake_task.task"]
    assert "warehouse" not in task and "schedule" not in task
    assert task["target_completion_interval"] == {"minutes": 10}
    assert "snowflake_table.processed_files" in serverless


def test_upgrade_example_imports_and_forgets_but_declares_no_legacy_type(documents):
    (document,) = documents["upgrade_from_legacy"].values()
    assert {block["to"] for block in document["import"]} == {
        "snowflake_storage_integration_aws.storage_integration",
        "snowflake_stage_external_s3.inbound_stage",
        "snowflake_stage_external_s3.outbound_stage",
    }
    assert not {"snowflake_stage", "snowflake_storage_integration"} & set(document["resource"])


def test_least_privilege_example_runs_the_pipeline_under_the_bootstraps_role(documents):
    stacks = documents["least_privilege"]
    role = load_example_module("least_privilege").ROLE
    bootstrap = resources(stacks["bootstrap"])
    assert bootstrap["snowflake_account_role.pipeline_role"]["name"] == role
    assert stacks["snowssi"]["variable"]["role"]["default"] == role
    assert stacks["bootstrap"]["variable"]["role"]["default"] == "ACCOUNTADMIN"


def test_failure_alerts_example_creates_a_topic_or_uses_the_teams(documents):
    stacks = documents["failure_alerts"]
    created, team = resources(stacks["snowssi"]), resources(stacks["snowssi-team-topic"])
    integration = "snowflake_notification_integration.failure_alerts"
    assert created[integration]["aws_sns_topic_arn"] == "${aws_sns_topic.failure_alerts.arn}"
    topic = load_example_module("failure_alerts").TEAM_TOPIC
    assert team[integration]["aws_sns_topic_arn"] == topic
    assert "aws_sns_topic.failure_alerts" not in team
    for declared in (created, team):
        assert declared["snowflake_task.task"]["error_integration"] == f"${{{integration}.name}}"


def test_stall_alerts_example_pages_per_pipeline_under_a_bootstrap_that_resumes_alerts(
    documents,
):
    stacks, example = documents["stall_alerts"], load_example_module("stall_alerts")
    declared = resources(stacks["snowssi"])
    integration = "${snowflake_notification_integration.failure_alerts.name}"
    for pipeline, minutes in (
        ("orders", example.ORDERS_STALL_MINUTES),
        ("invoices", example.INVOICES_STALL_MINUTES),
    ):
        alert = declared[f"snowflake_alert.{pipeline}_stall_alert"]
        assert alert["alert_schedule"] == {"interval": minutes}
        assert alert["enabled"] is True
        assert alert["warehouse"] == "${snowflake_warehouse.warehouse.name}"
        assert f"-{minutes}, CURRENT_TIMESTAMP()" in alert["condition"]
        assert f"'pipeline', '{pipeline}'" in alert["action"]
        assert f"SNOWFLAKE.NOTIFICATION.INTEGRATION('{integration}')" in alert["action"]
        table = f"${{snowflake_table.{pipeline}_processed_files.fully_qualified_name}}"
        assert f"FROM {table} WHERE NOT COPIED" in alert["condition"]
    bootstrap = resources(stacks["bootstrap"])
    grant = bootstrap["snowflake_grant_privileges_to_account_role.pipeline_role_account"]
    assert "EXECUTE ALERT" in grant["privileges"]
    assert stacks["snowssi"]["variable"]["role"]["default"] == example.ROLE
