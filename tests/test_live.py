"""Acceptance on a real AWS and Snowflake account: opt in with ``python3 dev.py live``.

Excluded from the default run (the ``live`` marker; see pyproject.toml). Each test
deploys a stack with a fixed name suffix using the real providers, sends a file through
the pipeline and checks that it arrives by the task's own trigger, re-plans and
requires no change, and always destroys what it created. Sign-in and credentials come
from the environment only (see tests/live_support.py): nothing secret is written to the
synthesized JSON or to disk.

The helpers are in tests/live_support.py; tests/test_live_offline.py runs them on every
test run without the network. What each case costs and which privileges it needs:
docs/live-suite.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.live_support import (
    Pipeline,
    SnowflakeLogin,
    Workspace,
    aws_client,
    aws_region,
    connector_connect,
    copy_hcl_module,
    hcl_module_source,
    live_terraform,
    missing_requirements,
    skip_reason,
    stack_json,
    stack_tfvars,
    state_root,
    stream_row_count,
    suffix,
    triggered_runs,
    unexplained_changes,
    upgrade_problems,
    wait_for,
)
from tests.terraform_env import Terraform

pytestmark = pytest.mark.live

# XSMALL with a 60 s auto-suspend keeps the warehouse's share of each run small.
CHEAP_WAREHOUSE = {"warehouse_size": "XSMALL", "warehouse_auto_suspend": 60}
# The HCL module (and the parity stack) use element 2 of warehouse_sizes.
CHEAP_WAREHOUSE_SIZES = ["XSMALL", "XSMALL", "XSMALL"]
# TASK_HISTORY shows a run shortly after it ends.
HISTORY_TIMEOUT = 180.0


@pytest.fixture(scope="module")
def login() -> SnowflakeLogin:
    missing = missing_requirements()
    if missing:
        # Always a skip, on CI too: the live suite is opt-in and CI has no account.
        pytest.skip(skip_reason(missing))
    return SnowflakeLogin.from_environment()


@pytest.fixture(scope="module")
def terraform(login: SnowflakeLogin) -> Terraform:
    return live_terraform(login, state_root())


def region() -> str:
    found = aws_region()
    assert found is not None
    return found


@dataclass
class Deployment:
    workspace: Workspace
    pipeline: Pipeline


@pytest.fixture
def workspaces() -> Iterator[list[Workspace]]:
    """The working folders a test used; whatever their state holds at the end is
    destroyed (a failed apply leaves resources too)."""
    used: list[Workspace] = []
    try:
        yield used
    finally:
        errors = []
        for workspace in reversed(used):
            try:
                workspace.destroy_if_anything_left()
            except BaseException as error:  # destroy the others all the same
                errors.append(error)
        if errors:
            raise errors[0]


@pytest.fixture
def deploy(
    login: SnowflakeLogin, terraform: Terraform, workspaces: list[Workspace]
) -> Callable[..., Deployment]:
    """Apply ``SnowSSIStack`` with the given props in the case's fixed folder, after
    destroying what an earlier run of the case left there."""

    def apply(case: str, **props: Any) -> Deployment:
        name_suffix = suffix(case)
        workspace = Workspace(terraform, state_root() / name_suffix)
        workspaces.append(workspace)
        workspace.destroy_leftovers()
        text = stack_json(terraform_version=terraform.version, name_suffix=name_suffix, **props)
        workspace.write({"cdk.tf.json": text}, stack_tfvars(login, region()))
        outputs = workspace.apply()
        pipeline = Pipeline(outputs, login, connector_connect(), aws_client("s3"))
        return Deployment(workspace, pipeline)

    return apply


def require_a_triggered_run(pipeline: Pipeline) -> None:
    """The task has no schedule and nobody ran it by hand: a run in TASK_HISTORY that
    EXECUTE TASK did not start is the trigger (WHEN SYSTEM$STREAM_HAS_DATA) working."""
    wait_for(
        lambda: bool(triggered_runs(pipeline.runs())),
        "a successful run of the task not started by EXECUTE TASK",
        timeout=HISTORY_TIMEOUT,
        explain=lambda: f"TASK_HISTORY: {pipeline.runs()}",
    )


def test_copy_a_file_goes_through_the_default_pipeline_by_its_trigger(deploy):
    deployment = deploy("copy", **CHEAP_WAREHOUSE)
    key = deployment.pipeline.send_a_file()
    deployment.pipeline.wait_for_arrival(key)
    require_a_triggered_run(deployment.pipeline)
    deployment.workspace.plan_is_empty()


def test_consume_stream_records_the_file_and_empties_the_stream(deploy):
    deployment = deploy("consume", processing="consume_stream", **CHEAP_WAREHOUSE)
    pipeline = deployment.pipeline
    key = pipeline.send_a_file()
    pipeline.wait_for_arrival(key)
    require_a_triggered_run(pipeline)
    table = pipeline.output("processed_files_table_fully_qualified_name")
    stream = pipeline.output("stream_fully_qualified_name")
    with pipeline.session() as cursor:

        def recorded() -> bool:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE RELATIVE_PATH = %s", (key,))
            row = cursor.fetchone()
            return row is not None and row[0] == 1

        wait_for(recorded, f"{key} recorded in {table}", timeout=HISTORY_TIMEOUT)
        assert stream_row_count(cursor, stream) == 0
    deployment.workspace.plan_is_empty()


def test_a_serverless_task_runs_and_the_plan_stays_empty(deploy):
    deployment = deploy(
        "serverless", serverless_task=True, processing="consume_stream", **CHEAP_WAREHOUSE
    )
    key = deployment.pipeline.send_a_file()
    deployment.pipeline.wait_for_arrival(key)
    deployment.workspace.plan_is_empty()


def test_takeover_of_a_deployment_of_the_hcl_module(login, terraform, workspaces):
    """Deploy the released HCL module, switch the same state to the library's JSON, and
    require a plan of no-ops (the moves) and documented in-place updates only; then a
    file still flows, by the trigger, and the next plan is empty."""
    source = hcl_module_source()
    folder = state_root() / suffix("takeover")
    hcl = Workspace(terraform, folder / "hcl", state_file="terraform.tfstate")
    ours = Workspace(terraform, folder / "json")
    workspaces += [hcl, ours]
    ours.destroy_leftovers()
    hcl.destroy_leftovers()
    tfvars = stack_tfvars(login, region(), warehouse_sizes=CHEAP_WAREHOUSE_SIZES)

    copy_hcl_module(source, hcl.path, terraform.version)
    hcl.write({}, tfvars)
    hcl.apply()

    ours.write({"cdk.tf.json": stack_json(terraform_version=terraform.version)}, tfvars)
    hcl.state_path.replace(ours.state_path)  # docs/migrating.md, step 1: the same state
    ours.init()
    plan = ours.saved_plan("takeover.tfplan")
    assert unexplained_changes(plan) == []
    outputs = ours.apply("takeover.tfplan")

    pipeline = Pipeline(outputs, login, connector_connect(), aws_client("s3"))
    key = pipeline.send_a_file()
    pipeline.wait_for_arrival(key)
    require_a_triggered_run(pipeline)
    ours.plan_is_empty()


# --- The current provider generation (snowflake 2.20.0) and the upgrade to it -------------


def test_the_current_generation_copies_a_file_by_its_trigger(deploy):
    deployment = deploy("current", snowflake_provider="current", **CHEAP_WAREHOUSE)
    key = deployment.pipeline.send_a_file()
    deployment.pipeline.wait_for_arrival(key)
    require_a_triggered_run(deployment.pipeline)
    deployment.workspace.plan_is_empty()


def test_a_current_serverless_task_runs_by_its_trigger_alone(deploy):
    """No fallback schedule: only TARGET_COMPLETION_INTERVAL lets Snowflake resume it."""
    deployment = deploy(
        "current-serverless",
        snowflake_provider="current",
        serverless_task=True,
        processing="consume_stream",
        **CHEAP_WAREHOUSE,
    )
    key = deployment.pipeline.send_a_file()
    deployment.pipeline.wait_for_arrival(key)
    require_a_triggered_run(deployment.pipeline)
    deployment.workspace.plan_is_empty()


def test_the_upgrade_from_legacy_creates_and_destroys_nothing(deploy, terraform):
    """Apply the legacy default, switch the same folder to the current generation with
    the upgrade on: the plan only imports, forgets and updates in place; after its apply
    a file still flows, and without the upgrade option the plan is empty."""
    deployment = deploy("upgrade", **CHEAP_WAREHOUSE)
    workspace = deployment.workspace
    name_suffix = suffix("upgrade")

    def switch(**props: Any) -> None:
        text = stack_json(
            terraform_version=terraform.version,
            name_suffix=name_suffix,
            snowflake_provider="current",
            **CHEAP_WAREHOUSE,
            **props,
        )
        (workspace.path / "cdk.tf.json").write_text(text)

    switch(upgrade_from_legacy=True)
    workspace.init(upgrade=True)  # provider 2.10.1 -> 2.20.0
    plan = workspace.saved_plan("upgrade.tfplan")
    assert upgrade_problems(plan) == []
    outputs = workspace.apply("upgrade.tfplan")

    pipeline = Pipeline(outputs, deployment.pipeline.login, connector_connect(), aws_client("s3"))
    key = pipeline.send_a_file()
    pipeline.wait_for_arrival(key)
    require_a_triggered_run(pipeline)
    switch()  # the one-time option dropped
    workspace.plan_is_empty()
