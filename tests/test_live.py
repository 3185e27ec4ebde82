"""Acceptance on a real AWS and Snowflake account: opt in with ``python3 dev.py live``.

Excluded from the default run (the ``live`` marker; see pyproject.toml). Each test
deploys a stack with a fixed name suffix using the real providers, sends a file through
the pipeline and checks that it arrives, re-plans and requires no change, and always
destroys what it created. Credentials come from the environment only, the way the
providers read them: nothing secret is written to the synthesized JSON or to disk.

What each test costs is in the README ("The live suite").
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs import SnowSSIStack
from tests.support import synth_text
from tests.terraform_env import Terraform, find_terraform, terraform_version

pytestmark = pytest.mark.live

SNOWFLAKE_VARIABLES = (
    "SNOWFLAKE_ORGANIZATION_NAME",
    "SNOWFLAKE_ACCOUNT_NAME",
    "SNOWFLAKE_USER",
    "SNOWFLAKE_PASSWORD",
)
AWS_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
AWS_REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
SUFFIX_VARIABLE = "SNOWSSI_LIVE_SUFFIX"
ARRIVAL_TIMEOUT = 600  # seconds a file may take from inbound to outbound bucket
POLL_INTERVAL = 10


def missing_requirements() -> list[str]:
    """What the live suite needs and this environment lacks, by name."""
    missing = [name for name in SNOWFLAKE_VARIABLES if not os.environ.get(name)]
    if not os.environ.get("AWS_PROFILE") and not all(os.environ.get(n) for n in AWS_CREDENTIALS):
        missing.append("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)")
    if not any(os.environ.get(name) for name in AWS_REGION_VARIABLES):
        missing.append("AWS_REGION")
    if find_terraform() is None:
        missing.append("`terraform` on PATH")
    try:
        import boto3  # noqa: F401
        import snowflake.connector  # noqa: F401
    except ImportError:
        missing.append("the live extra (pip install -e '.[test,live]')")
    return missing


@pytest.fixture(scope="module")
def account() -> None:
    missing = missing_requirements()
    if missing:
        # Always a skip, on CI too: the live suite is opt-in and CI has no account.
        pytest.skip("live suite needs " + "; ".join(missing))


@dataclass
class Deployment:
    """A stack applied with the real providers, and the outputs it wrote."""

    terraform: Terraform
    workdir: Path
    outputs: dict[str, Any]

    def output(self, name: str) -> str:
        return str(self.outputs[name]["value"])


def _region() -> str:
    return next(os.environ[n] for n in AWS_REGION_VARIABLES if os.environ.get(n))


def _suffix(case: str) -> str:
    base = os.environ.get(SUFFIX_VARIABLE)
    if not base:
        import boto3

        # Bucket names are global: the account id keeps two users' runs apart.
        base = f"live-{boto3.client('sts').get_caller_identity()['Account']}"
    return f"{base}-{case}"


@pytest.fixture
def deploy(account: None, tmp_path: Path) -> Iterator[Callable[..., Deployment]]:
    """Apply ``SnowSSIStack`` with the given props; destroy it at teardown, whatever
    happened in between (a failed apply can leave resources, so destroy runs then too)."""
    executable = find_terraform()
    assert executable is not None
    terraform = Terraform(executable, None, terraform_version(executable))
    applied: list[Path] = []

    def apply(case: str, **props: Any) -> Deployment:
        text = synth_text(
            lambda app: SnowSSIStack(
                app,
                "snowssi",
                name_suffix=_suffix(case),
                required_version=f">= {terraform.version}",
                **props,
            )
        )["snowssi"]
        workdir = tmp_path / case
        workdir.mkdir()
        (workdir / "cdk.tf.json").write_text(text)
        # Not secret: the region only. Credentials stay in the environment.
        (workdir / "live.auto.tfvars.json").write_text(json.dumps({"region": _region()}))
        terraform.run(workdir, "init", "-no-color", timeout=900)
        applied.append(workdir)
        terraform.run(workdir, "apply", "-auto-approve", "-no-color", timeout=1800)
        outputs = json.loads(terraform.run(workdir, "output", "-json", "-no-color").stdout)
        return Deployment(terraform, workdir, outputs)

    try:
        yield apply
    finally:
        for workdir in applied:
            terraform.run(workdir, "destroy", "-auto-approve", "-no-color", timeout=1800)


def _snowflake_connection() -> Any:
    import snowflake.connector

    return snowflake.connector.connect(
        account=f"{os.environ['SNOWFLAKE_ORGANIZATION_NAME']}-{os.environ['SNOWFLAKE_ACCOUNT_NAME']}",
        user=os.environ["SNOWFLAKE_USER"],
        password=os.environ["SNOWFLAKE_PASSWORD"],
        role=os.environ.get("SNOWFLAKE_ROLE", "ACCOUNTADMIN"),
    )


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = ARRIVAL_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(POLL_INTERVAL)


def _object_exists(s3: Any, bucket: str, key: str) -> bool:
    with suppress(s3.exceptions.ClientError):
        s3.head_object(Bucket=bucket, Key=key)
        return True
    return False


def _send_a_file_through(deployment: Deployment, prefix: str = "") -> str:
    import boto3

    s3 = boto3.client("s3", region_name=_region())
    key = f"live/{uuid.uuid4().hex}.csv"
    s3.put_object(Bucket=deployment.output(f"{prefix}inbound_bucket_name"), Key=key, Body=b"a,b\n")
    with _snowflake_connection() as connection, connection.cursor() as cursor:
        # No notification channel in these stacks: refresh by hand, then run the task
        # now instead of waiting for its trigger.
        cursor.execute(
            f"ALTER STAGE {deployment.output(f'{prefix}inbound_stage_fully_qualified_name')} "
            "REFRESH"
        )
        cursor.execute(f"EXECUTE TASK {deployment.output(f'{prefix}task_fully_qualified_name')}")
    outbound = deployment.output(f"{prefix}outbound_bucket_name")
    _wait_for(lambda: _object_exists(s3, outbound, key), f"s3://{outbound}/{key} arriving")
    return key


def _plan_is_empty(deployment: Deployment) -> None:
    # Exit 0: no change. Exit 2 would mean the provider read something back in another
    # form than declared (a stage replaced on every apply is the known case).
    deployment.terraform.run(
        deployment.workdir,
        "plan",
        "-detailed-exitcode",
        "-no-color",
        "-input=false",
        label="plan -detailed-exitcode",
        timeout=900,
    )


# XSMALL with a 60 s auto-suspend keeps the warehouse's share of each run small.
CHEAP_WAREHOUSE = {"warehouse_size": "XSMALL", "warehouse_auto_suspend": 60}


def test_a_file_goes_through_the_default_pipeline_and_the_plan_stays_empty(deploy):
    deployment = deploy("copy", **CHEAP_WAREHOUSE)
    _send_a_file_through(deployment)
    _plan_is_empty(deployment)


def test_consume_stream_records_the_file_and_empties_the_stream(deploy):
    deployment = deploy("consume", processing="consume_stream", **CHEAP_WAREHOUSE)
    key = _send_a_file_through(deployment)
    table = deployment.output("processed_files_table_fully_qualified_name")
    stream = deployment.output("stream_fully_qualified_name")
    with _snowflake_connection() as connection, connection.cursor() as cursor:

        def recorded() -> bool:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE RELATIVE_PATH = %s", (key,))
            return cursor.fetchone()[0] == 1

        _wait_for(recorded, f"{key} recorded in {table}")
        cursor.execute(f"SELECT SYSTEM$STREAM_HAS_DATA('{stream}')")
        assert cursor.fetchone()[0] is False
    _plan_is_empty(deployment)


def test_a_serverless_task_runs_and_the_plan_stays_empty(deploy):
    deployment = deploy("serverless", serverless_task=True, processing="consume_stream")
    _send_a_file_through(deployment)
    _plan_is_empty(deployment)
