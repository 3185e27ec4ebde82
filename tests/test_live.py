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

from tests.live_roles import (
    BOOTSTRAP_STATE_FILE,
    FAILING_SQL,
    PIPELINE_ROLE,
    bootstrap_json,
    creates_or_destroys,
    names_task,
    notifications,
    reports_stall_of,
    subscribe_queue,
    under_role,
)
from tests.live_support import (
    Pipeline,
    SnowflakeLogin,
    Workspace,
    aws_client,
    aws_region,
    burst_problems,
    connector_connect,
    copy_hcl_module,
    hcl_module_source,
    live_terraform,
    missing_requirements,
    outbound_keys,
    pending_stream_of,
    recorded_files,
    resumed_by_the_plan,
    skip_reason,
    stack_json,
    stack_tfvars,
    state_root,
    stream_reports,
    stream_row_count,
    suffix,
    task_state,
    triggered_runs,
    unexplained_changes,
    upgrade_problems,
    wait_for,
)
from tests.terraform_env import Terraform

pytestmark = [pytest.mark.live, pytest.mark.integration]

# XSMALL with a 60 s auto-suspend keeps the warehouse's share of each run small.
CHEAP_WAREHOUSE = {"warehouse_size": "XSMALL", "warehouse_auto_suspend": 60}
# The HCL module (and the parity stack) use element 2 of warehouse_sizes.
CHEAP_WAREHOUSE_SIZES = ["XSMALL", "XSMALL", "XSMALL"]
# TASK_HISTORY shows a run shortly after it ends.
HISTORY_TIMEOUT = 180.0
# Files uploaded back to back in the burst case.
BURST = 20


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


def test_consume_stream_copies_a_burst_once_each(deploy):
    """Issue 25, item 4: every file of a burst lands under exactly one key (the bucket is
    versioned: a retried copy may add a version, never a file), is recorded once and
    marked copied, both streams end empty, and the plan stays empty."""
    deployment = deploy("burst", processing="consume_stream", **CHEAP_WAREHOUSE)
    pipeline = deployment.pipeline
    sent = pipeline.send_files(BURST)
    for key in sent:
        pipeline.wait_for_arrival(key)
    require_a_triggered_run(pipeline)
    table = pipeline.output("processed_files_table_fully_qualified_name")
    with pipeline.session() as cursor:

        def all_marked() -> bool:
            rows = recorded_files(cursor, table)
            return len(rows) >= len(sent) and all(copied for _, copied in rows)

        wait_for(all_marked, f"{len(sent)} files marked copied in {table}", timeout=HISTORY_TIMEOUT)
        landed = outbound_keys(pipeline.s3, pipeline.output("outbound_bucket_name"), "live/")
        assert burst_problems(sent, landed, recorded_files(cursor, table)) == []
        assert stream_row_count(cursor, pipeline.output("stream_fully_qualified_name")) == 0
        assert stream_row_count(cursor, pending_stream_of(table)) == 0
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

    # Issue 25, item 5: the upgrading apply sends ALTER STAGE ... SET URL (an in-place
    # update of each adopted stage); a file uploaded just before it must still be in the
    # stream afterwards (copy_stage never consumes the stream) and must arrive.
    before = deployment.pipeline.send_a_file()
    stream = deployment.pipeline.output("stream_fully_qualified_name")
    with deployment.pipeline.session() as cursor:
        wait_for(lambda: stream_reports(cursor, stream, before), f"{before} in {stream}")

    switch(upgrade_from_legacy=True)
    workspace.init(upgrade=True)  # provider 2.10.1 -> 2.20.0
    plan = workspace.saved_plan("upgrade.tfplan")
    assert upgrade_problems(plan) == []
    outputs = workspace.apply("upgrade.tfplan")

    pipeline = Pipeline(outputs, deployment.pipeline.login, connector_connect(), aws_client("s3"))
    with pipeline.session() as cursor:
        assert stream_reports(cursor, pipeline.output("stream_fully_qualified_name"), before)
    pipeline.wait_for_arrival(before)
    key = pipeline.send_a_file()
    pipeline.wait_for_arrival(key)
    require_a_triggered_run(pipeline)
    switch()  # the one-time option dropped
    workspace.plan_is_empty()


# --- Issue 16: the bootstrap's role, the transfer, failure alerts -----------------------------


def apply_bootstrap(
    login: SnowflakeLogin,
    terraform: Terraform,
    workspaces: list[Workspace],
    case: str,
    **props: Any,
) -> Workspace:
    """Apply the bootstrap as the run's (administrator) role, granting the pipeline's role
    to the run's user."""
    workspace = Workspace(
        terraform, state_root() / suffix(case) / "bootstrap", state_file=BOOTSTRAP_STATE_FILE
    )
    workspaces.append(workspace)
    workspace.destroy_leftovers()
    text = bootstrap_json(terraform_version=terraform.version, users=[login.user], **props)
    workspace.write({"cdk.tf.json": text}, {"role": login.role})
    workspace.apply()
    return workspace


def test_bootstrap_then_deploy_under_the_dedicated_role(login, terraform, workspaces):
    apply_bootstrap(login, terraform, workspaces, "bootstrap")
    deployer = under_role(login, PIPELINE_ROLE)
    workspace = Workspace(terraform, state_root() / suffix("bootstrap") / "pipeline")
    workspaces.append(workspace)  # destroyed first, under the role, before the role goes
    workspace.destroy_leftovers()
    text = stack_json(
        terraform_version=terraform.version,
        name_suffix=suffix("bootstrap"),
        snowflake_role=PIPELINE_ROLE,
        **CHEAP_WAREHOUSE,
    )
    workspace.write({"cdk.tf.json": text}, stack_tfvars(deployer, region()))
    pipeline = Pipeline(workspace.apply(), deployer, connector_connect(), aws_client("s3"))
    key = pipeline.send_a_file()
    pipeline.wait_for_arrival(key)
    require_a_triggered_run(pipeline)
    workspace.plan_is_empty()


def test_transfer_of_an_existing_deployment_to_the_role(login, terraform, workspaces):
    """Deployed as the administrator's role; task suspended; the bootstrap transfers
    every object; the stack under the new role then plans no create and no destroy
    (resuming the task is an in-place update) and a file still flows."""
    name_suffix = suffix("transfer")
    pipeline_workspace = Workspace(terraform, state_root() / name_suffix / "pipeline")
    workspaces.append(pipeline_workspace)
    pipeline_workspace.destroy_leftovers()
    text = stack_json(
        terraform_version=terraform.version, name_suffix=name_suffix, **CHEAP_WAREHOUSE
    )
    pipeline_workspace.write({"cdk.tf.json": text}, stack_tfvars(login, region()))
    admin = Pipeline(pipeline_workspace.apply(), login, connector_connect(), aws_client("s3"))
    with admin.session() as cursor:  # docs/least-privilege.md, step 1
        cursor.execute(f"ALTER TASK {admin.output('task_fully_qualified_name')} SUSPEND")
    apply_bootstrap(login, terraform, workspaces, "transfer", transfer_suffix=name_suffix)
    deployer = under_role(login, PIPELINE_ROLE)
    try:
        pipeline_workspace.write({}, stack_tfvars(deployer, region()))
        plan = pipeline_workspace.saved_plan("transfer.tfplan")
        assert creates_or_destroys(plan) == []
        outputs = pipeline_workspace.apply("transfer.tfplan")
        pipeline = Pipeline(outputs, deployer, connector_connect(), aws_client("s3"))
        key = pipeline.send_a_file()
        pipeline.wait_for_arrival(key)
        pipeline_workspace.plan_is_empty()
    finally:
        # The teardown destroys the bootstrap first (ownership goes back to the
        # administrator's role), then the stack, as that role.
        pipeline_workspace.write({}, stack_tfvars(login, region()))


def test_a_failing_task_publishes_its_error_on_the_topic(deploy):
    # Never suspended (issue 25, item 3): after SUSPEND_TASK_AFTER_NUM_FAILURES failures
    # (10 by default) Snowflake would suspend the task, and the empty-plan check below
    # would see started = false.
    deployment = deploy(
        "alerts",
        failure_alerts=True,
        sql_statement=FAILING_SQL,
        suspend_task_after_num_failures=0,
        **CHEAP_WAREHOUSE,
    )
    pipeline = deployment.pipeline
    sns, sqs = aws_client("sns"), aws_client("sqs")
    queue_url = subscribe_queue(
        sns, sqs, pipeline.output("failure_alerts_topic_arn", shared=True), suffix("alerts")
    )
    try:
        pipeline.send_a_file()  # the file triggers the task, whose statement fails
        task = pipeline.output("task_name")
        received: list[dict[str, Any]] = []

        def arrived() -> bool:
            received.extend(notifications(sqs, queue_url))
            return any(names_task(n, task) for n in received)

        wait_for(arrived, f"an error notification of {task} on the topic", timeout=600.0)
        deployment.workspace.plan_is_empty()
    finally:
        sqs.delete_queue(QueueUrl=queue_url)


def test_a_failing_task_suspends_itself_after_the_count_and_the_plan_shows_the_resume(deploy):
    """Issue 25, item 3: with suspend_task_after_num_failures=1 the first failed run
    suspends the task; the provider then reads started = false, and the next plan
    would resume it (docs/failure-alerts.md, "When a task keeps failing")."""
    deployment = deploy(
        "suspend", sql_statement=FAILING_SQL, suspend_task_after_num_failures=1, **CHEAP_WAREHOUSE
    )
    pipeline = deployment.pipeline
    pipeline.send_a_file()
    with pipeline.session() as cursor:
        wait_for(
            lambda: task_state(cursor, **pipeline.task_names()) == "suspended",
            f"{pipeline.output('task_name')} suspended by Snowflake after one failure",
            timeout=HISTORY_TIMEOUT,
        )
    plan = deployment.workspace.saved_plan("suspended.tfplan")
    assert resumed_by_the_plan(plan) == ["snowflake_task.task"]


# --- Issue 26: stall alerts ---------------------------------------------------------------------


def test_a_stalled_pipeline_pages_on_the_topic(deploy):
    """The task suspended, a file uploaded: the stall alert (threshold 1 minute, so it
    runs every minute) sends its message naming the file; the task resumed, the file
    moves and the plan is empty."""
    deployment = deploy(
        "stall",
        failure_alerts=True,
        processing="consume_stream",
        stall_alert_minutes=1,
        **CHEAP_WAREHOUSE,
    )
    pipeline = deployment.pipeline
    task = pipeline.output("task_fully_qualified_name")
    sns, sqs = aws_client("sns"), aws_client("sqs")
    queue_url = subscribe_queue(
        sns, sqs, pipeline.output("failure_alerts_topic_arn", shared=True), suffix("stall")
    )
    try:
        with pipeline.session() as cursor:
            cursor.execute(f"ALTER TASK {task} SUSPEND")
        key = pipeline.send_a_file()
        received: list[dict[str, Any]] = []

        def arrived() -> bool:
            received.extend(notifications(sqs, queue_url))
            return any(reports_stall_of(m, key) for m in received)

        wait_for(arrived, f"a stall message naming {key} on the topic", timeout=600.0)
        with pipeline.session() as cursor:
            cursor.execute(f"ALTER TASK {task} RESUME")
        pipeline.wait_for_arrival(key)
        deployment.workspace.plan_is_empty()
    finally:
        sqs.delete_queue(QueueUrl=queue_url)
