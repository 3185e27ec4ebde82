"""The live suite's own helpers (tests/live_support.py), run without the network on
every test run: the Snowflake steps against a double of the connector that records the
connect arguments and every statement in order, the AWS steps against moto, the
Terraform steps with the real Terraform (against the local provider mirror and moto, or
with Terraform's built-in ``terraform_data``) or a stand-in executable that records what
it was given.

Each test names the point of issue 14 it holds; points 1, 2, 3, 5, 7 and 9 are ones the
suite before it got wrong.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests import live_support
from tests.live_support import (
    FORCED_RUN,
    HCL_MODULE_VARIABLE,
    KEY_PAIR_AUTHENTICATOR,
    RUN_COMMAND,
    Pipeline,
    SnowflakeLogin,
    TaskRun,
    Workspace,
    burst_problems,
    copy_hcl_module,
    hcl_module_source,
    last_task_error,
    missing_requirements,
    object_exists,
    outbound_keys,
    pending_stream_of,
    recorded_files,
    resumed_by_the_plan,
    skip_reason,
    snowflake_problems,
    stack_json,
    stack_tfvars,
    state_root,
    stream_reports,
    stream_row_count,
    task_runs,
    task_state,
    triggered_runs,
    unexplained_changes,
    upgrade_problems,
    wait_for,
)
from tests.terraform_env import (
    MotoServer,
    Terraform,
    TerraformTimeout,
    moto_server,  # noqa: F401  (fixture)
    moto_stack,
    terraform,  # noqa: F401  (fixture)
)

ROOT = Path(__file__).resolve().parent.parent

# A PEM-shaped stand-in: nothing here parses it, the connector and the provider would.
FAKE_KEY = (
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQIoffline-test-key\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n"
)
SIGN_IN_VARIABLES = (
    "SNOWFLAKE_ORGANIZATION_NAME",
    "SNOWFLAKE_ACCOUNT_NAME",
    "SNOWFLAKE_USER",
    "SNOWFLAKE_PASSWORD",
    "SNOWFLAKE_PRIVATE_KEY",
    "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE",
    "SNOWFLAKE_AUTHENTICATOR",
    "SNOWFLAKE_ROLE",
    "SNOWSSI_LIVE_PRIVATE_KEY_FILE",
)


# --- A double of the Snowflake connector ---------------------------------------------------

Responder = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


@dataclass
class FakeSnowflake:
    """Stands in for ``snowflake.connector.connect``: records each connection's keyword
    arguments and every statement in order, and answers a statement with the rows of
    the first responder whose pattern it matches. A statement no responder knows fails
    the test: the suite runs only the SQL the test expects."""

    responders: list[tuple[str, Responder]] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    closed: int = 0

    def on(self, pattern: str, responder: Responder | list[tuple[Any, ...]]) -> None:
        if isinstance(responder, list):
            rows = responder
            self.responders.append((pattern, lambda sql, params: rows))
        else:
            self.responders.append((pattern, responder))

    def connect(self, **arguments: Any) -> FakeConnection:
        self.connections.append(arguments)
        return FakeConnection(self)

    def answer(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        self.statements.append(sql)
        for pattern, responder in self.responders:
            if re.search(pattern, sql):
                return responder(sql, params)
        raise AssertionError(f"unexpected statement: {sql}")


@dataclass
class FakeConnection:
    snowflake: FakeSnowflake

    def cursor(self) -> FakeCursor:
        return FakeCursor(self.snowflake)

    def close(self) -> None:
        self.snowflake.closed += 1


@dataclass
class FakeCursor:
    snowflake: FakeSnowflake
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def execute(self, command: str, params: Sequence[Any] | None = None) -> FakeCursor:
        self.rows = list(self.snowflake.answer(command, tuple(params or ())))
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows.pop(0) if self.rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows

    def close(self) -> None:
        pass


# --- Environments ---------------------------------------------------------------------------


@pytest.fixture
def clean_sign_in(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in SIGN_IN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SNOWFLAKE_ORGANIZATION_NAME", "MYORG")
    monkeypatch.setenv("SNOWFLAKE_ACCOUNT_NAME", "MYACCOUNT")
    monkeypatch.setenv("SNOWFLAKE_USER", "LOADER_USER")
    return monkeypatch


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "rsa_key.p8"
    path.parent.mkdir()
    path.write_text(FAKE_KEY)
    return path


OUTPUTS = {
    "warehouse_name": "WAREHOUSE_LIVE_COPY",
    "database_name": "DATABASE_LIVE_COPY",
    "schema_name": "SCHEMA_LIVE_COPY",
    "task_name": "TASK_LIVE_COPY",
    "inbound_bucket_name": "inbound-bucket-live-copy",
    "outbound_bucket_name": "outbound-bucket-live-copy",
    "inbound_stage_fully_qualified_name": '"DATABASE_LIVE_COPY"."SCHEMA_LIVE_COPY"."INBOUND"',
    "stream_fully_qualified_name": '"DATABASE_LIVE_COPY"."SCHEMA_LIVE_COPY"."STREAM_LIVE_COPY"',
}


@pytest.fixture
def s3(moto_server: MotoServer) -> Any:  # noqa: F811
    client = moto_server.client("s3")
    for bucket in (OUTPUTS["inbound_bucket_name"], OUTPUTS["outbound_bucket_name"]):
        client.create_bucket(Bucket=bucket)
    return client


# --- A stand-in for terraform ---------------------------------------------------------------

FAKE_TERRAFORM = """\
#!{python}
import json, os, signal, sys, time
with open({log!r}, "a") as log:
    call = {{"args": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}}
    log.write(json.dumps(call) + "\\n")
if os.environ.get("FAKE_TERRAFORM_HANGS"):
    def stop(signum, frame):
        with open({log!r} + ".interrupted", "w") as marker:
            marker.write(str(signum))
        time.sleep(0.3)  # finishing what is in flight, writing the state
        sys.exit(1)
    signal.signal(signal.SIGINT, stop)
    time.sleep(60)
    sys.exit(0)
if sys.argv[1:2] == ["output"]:
    print("{{}}")
"""


@dataclass
class FakeTerraform:
    executable: Path
    log: Path

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def fake_terraform(tmp_path: Path) -> FakeTerraform:
    log = tmp_path / "terraform-calls.jsonl"
    executable = tmp_path / "bin" / "terraform"
    executable.parent.mkdir()
    executable.write_text(FAKE_TERRAFORM.format(python=sys.executable, log=str(log)))
    executable.chmod(0o755)
    return FakeTerraform(executable, log)


# --- 1. Key-pair sign-in, for the connector and for Terraform -------------------------------


@pytest.mark.integration
def test_1_a_key_file_signs_in_the_connector_and_terraform_without_a_password(
    clean_sign_in: pytest.MonkeyPatch, key_file: Path, fake_terraform: FakeTerraform, tmp_path
):
    clean_sign_in.setenv("SNOWSSI_LIVE_PRIVATE_KEY_FILE", str(key_file))
    clean_sign_in.setenv("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "key passphrase")
    # A password in the environment too: the key wins, and the provider, which refuses
    # both (`password` conflicts with `private_key`), never sees the password.
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "not to be used")
    assert snowflake_problems() == []
    login = SnowflakeLogin.from_environment()

    snowflake = FakeSnowflake()
    snowflake.on(r"^SELECT 1$", [(1,)])
    with live_support.snowflake_session(login, "WAREHOUSE_X", snowflake.connect) as cursor:
        cursor.execute("SELECT 1")
    assert snowflake.connections == [
        {
            "account": "MYORG-MYACCOUNT",
            "user": "LOADER_USER",
            "role": "ACCOUNTADMIN",
            "warehouse": "WAREHOUSE_X",
            "authenticator": KEY_PAIR_AUTHENTICATOR,
            "private_key_file": str(key_file),
            "private_key_password": "key passphrase",
        }
    ]
    assert snowflake.closed == 1

    # Terraform gets the key's text in its environment, at every step.
    workspace = Workspace(
        Terraform(
            fake_terraform.executable,
            None,
            "1.11.4",
            env_overrides=login.terraform_environment(),
        ),
        tmp_path / "case",
    )
    workspace.write({"cdk.tf.json": "{}"}, stack_tfvars(login, "eu-west-1"))
    workspace.apply()
    workspace.destroy()
    calls = fake_terraform.calls()
    assert [call["args"][0] for call in calls] == ["init", "apply", "output", "destroy"]
    for call in calls:
        env = call["env"]
        assert env["SNOWFLAKE_PRIVATE_KEY"] == FAKE_KEY
        assert env["SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"] == "key passphrase"
        assert env["SNOWFLAKE_AUTHENTICATOR"] == KEY_PAIR_AUTHENTICATOR
        assert "SNOWFLAKE_PASSWORD" not in env
    # ... and only there: no file of the working folder holds the key or the passphrase.
    for path in workspace.path.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "offline-test-key" not in text and "key passphrase" not in text, path


def test_1_the_key_text_in_snowflake_private_key_works_as_well(clean_sign_in):
    clean_sign_in.setenv("SNOWFLAKE_PRIVATE_KEY", FAKE_KEY)
    assert snowflake_problems() == []
    login = SnowflakeLogin.from_environment()
    arguments = login.connect_arguments(warehouse="W")
    assert arguments["private_key"] == FAKE_KEY
    assert arguments["authenticator"] == KEY_PAIR_AUTHENTICATOR
    assert "password" not in arguments and "private_key_password" not in arguments
    assert login.terraform_environment()["SNOWFLAKE_PRIVATE_KEY"] == FAKE_KEY


def test_1_a_password_remains_an_option_and_no_key_variable_reaches_terraform(clean_sign_in):
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    login = SnowflakeLogin.from_environment()
    arguments = login.connect_arguments(warehouse="W")
    assert arguments["password"] == "secret"
    assert "authenticator" not in arguments
    assert login.terraform_environment() == {
        "SNOWFLAKE_PRIVATE_KEY": None,
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": None,
    }


def test_1_without_any_secret_the_suite_names_both_ways(clean_sign_in, tmp_path):
    (problem,) = snowflake_problems()
    assert "SNOWSSI_LIVE_PRIVATE_KEY_FILE" in problem and "SNOWFLAKE_PASSWORD" in problem
    clean_sign_in.setenv("SNOWSSI_LIVE_PRIVATE_KEY_FILE", str(tmp_path / "absent.p8"))
    (problem,) = snowflake_problems()
    assert "names no file" in problem


def test_1_the_connect_arguments_are_parameters_of_the_connector(clean_sign_in, key_file):
    """Where the connector is installed (the live extra): 5.2.0 takes every argument
    the suite passes as a known parameter, none as an unknown extra."""
    pytest.importorskip("snowflake.connector")
    from snowflake.connector.connection_config import ConnectionConfig

    clean_sign_in.setenv("SNOWSSI_LIVE_PRIVATE_KEY_FILE", str(key_file))
    clean_sign_in.setenv("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "pass")
    arguments = SnowflakeLogin.from_environment().connect_arguments(warehouse="W")
    config = ConnectionConfig.from_kwargs(**arguments)
    assert not getattr(config, "_extra", {})
    assert config.private_key_file == str(key_file)
    assert config.private_key_password == "pass"
    assert config.authenticator == KEY_PAIR_AUTHENTICATOR
    assert (config.warehouse, config.role) == ("W", "ACCOUNTADMIN")


# --- 2. One role for the SQL and for Terraform -----------------------------------------------


def test_2_snowflake_role_reaches_the_connector_and_the_stack_variables(clean_sign_in, tmp_path):
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    clean_sign_in.setenv("SNOWFLAKE_ROLE", "SNOWSSI_DEPLOYER")
    login = SnowflakeLogin.from_environment()
    assert login.connect_arguments(warehouse="W")["role"] == "SNOWSSI_DEPLOYER"
    workspace = Workspace(Terraform(Path("terraform"), None, "1.11.4"), tmp_path / "case")
    workspace.write({}, stack_tfvars(login, "eu-west-1"))
    written = json.loads((workspace.path / live_support.TFVARS_FILE).read_text())
    assert written == {"region": "eu-west-1", "role": "SNOWSSI_DEPLOYER"}


def test_2_without_snowflake_role_both_use_accountadmin(clean_sign_in):
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    login = SnowflakeLogin.from_environment()
    assert login.connect_arguments(warehouse="W")["role"] == "ACCOUNTADMIN"
    assert stack_tfvars(login, "us-east-1")["role"] == "ACCOUNTADMIN"


def test_2_the_stack_gives_the_provider_the_role_variable(default_document):
    """Why the role goes through tfvars: the provider block sets ``role = var.role``, so
    the provider never reads SNOWFLAKE_ROLE."""
    (snowflake,) = default_document["provider"]["snowflake"]
    assert snowflake["role"] == "${var.role}"
    assert "role" in default_document["variable"]


# --- 3. The SQL session runs on the stack's warehouse ----------------------------------------


@pytest.mark.integration
def test_3_the_session_uses_the_stack_warehouse(clean_sign_in, s3):
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    snowflake = FakeSnowflake()
    snowflake.on(r"^SELECT COUNT\(\*\) FROM ", [(0,)])
    pipeline = Pipeline(OUTPUTS, SnowflakeLogin.from_environment(), snowflake.connect, s3)
    with pipeline.session() as cursor:
        assert stream_row_count(cursor, OUTPUTS["stream_fully_qualified_name"]) == 0
    assert [c["warehouse"] for c in snowflake.connections] == ["WAREHOUSE_LIVE_COPY"]


def test_3_the_stack_outputs_its_warehouse_name(default_document):
    assert "warehouse_name" in default_document["output"]


# --- 4. The trigger, not EXECUTE TASK ----------------------------------------------------------


@pytest.mark.integration
def test_4_a_file_flows_by_the_trigger_and_task_history_proves_it(clean_sign_in, s3):
    """The double plays Snowflake: refreshing the stage runs the "task", which copies
    the file in moto; TASK_HISTORY then reports a triggered run."""
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    snowflake = FakeSnowflake()

    def refresh(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        for item in s3.list_objects_v2(Bucket=OUTPUTS["inbound_bucket_name"])["Contents"]:
            s3.copy_object(
                Bucket=OUTPUTS["outbound_bucket_name"],
                Key=item["Key"],
                CopySource={"Bucket": OUTPUTS["inbound_bucket_name"], "Key": item["Key"]},
            )
        return [("Stage refreshed",)]

    snowflake.on(r"^ALTER STAGE .* REFRESH$", refresh)
    snowflake.on(r"INFORMATION_SCHEMA\.TASK_HISTORY", [("TRIGGER", "SUCCEEDED", None, None, 1)])
    pipeline = Pipeline(OUTPUTS, SnowflakeLogin.from_environment(), snowflake.connect, s3)

    key = pipeline.send_a_file()
    pipeline.wait_for_arrival(key, timeout=10, poll=0.1)
    assert triggered_runs(pipeline.runs()) != []

    assert snowflake.statements[0] == (
        f"ALTER STAGE {OUTPUTS['inbound_stage_fully_qualified_name']} REFRESH"
    )
    assert all("EXECUTE TASK" not in sql for sql in snowflake.statements)
    history = snowflake.statements[-1]
    assert history.startswith("SELECT SCHEDULED_FROM, STATE, ERROR_CODE, ERROR_MESSAGE")
    assert 'FROM TABLE("DATABASE_LIVE_COPY".INFORMATION_SCHEMA.TASK_HISTORY(' in history


def test_4_runs_forced_by_execute_task_or_failed_do_not_count():
    forced = TaskRun(FORCED_RUN, "SUCCEEDED", None, None, 2)
    failed = TaskRun("TRIGGER", "FAILED", "91003", "Access Denied", 1)
    assert triggered_runs([forced, failed]) == []
    assert triggered_runs([TaskRun("TRIGGER", "SUCCEEDED", None, None, 3)]) != []


def test_4_task_history_is_asked_for_the_unqualified_name_in_the_stack_schema():
    snowflake = FakeSnowflake()
    snowflake.on(
        r"TASK_HISTORY", lambda sql, params: [("TRIGGER", "SUCCEEDED", None, None, params)]
    )
    cursor = snowflake.connect().cursor()
    (run,) = task_runs(cursor, database="DB", schema="SCH", task="TASK_X")
    assert run.scheduled_time == ("TASK_X", "DB", "SCH")
    sql = snowflake.statements[0]
    assert "TASK_NAME => %s" in sql and "ERROR_ONLY => FALSE" in sql
    assert "WHERE DATABASE_NAME = %s AND SCHEMA_NAME = %s" in sql


def test_4_the_tasks_the_trigger_cases_deploy_have_no_schedule(synth_stack):
    for props in ({}, {"processing": "consume_stream"}):
        document = synth_stack(name_suffix="live-x-copy", **props)
        (task,) = document["resource"]["snowflake_task"].values()
        assert task["when"].startswith("SYSTEM$STREAM_HAS_DATA(")
        assert "schedule" not in task, props


# --- 5. A timeout explains itself; only 404 means "not there yet" -----------------------------


@pytest.mark.integration
def test_5_a_timeout_reports_the_tasks_last_error(clean_sign_in, s3):
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    snowflake = FakeSnowflake()
    snowflake.on(r"^ALTER STAGE .* REFRESH$", [("Stage refreshed",)])
    error = "Failure using stage area. Cause: [Access Denied (Status Code: 403)]"
    snowflake.on(r"ERROR_ONLY => TRUE", [("TRIGGER", "FAILED", "91003", error, "12:00")])
    pipeline = Pipeline(OUTPUTS, SnowflakeLogin.from_environment(), snowflake.connect, s3)

    key = pipeline.send_a_file()
    with pytest.raises(pytest.fail.Exception) as failure:
        pipeline.wait_for_arrival(key, timeout=0.3, poll=0.05)
    message = str(failure.value)
    assert "did not happen within" in message
    assert error in message and "TASK_LIVE_COPY" in message and "91003" in message


def test_5_no_failed_run_and_an_unreadable_history_are_said_too():
    snowflake = FakeSnowflake()
    snowflake.on(r"TASK_HISTORY", [])
    cursor = snowflake.connect().cursor()
    assert "no failed run of T" in last_task_error(cursor, database="D", schema="S", task="T")

    def broken(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        raise RuntimeError("002003: Database 'D' does not exist or not authorized")

    snowflake.responders = [(r"TASK_HISTORY", broken)]
    explanation = last_task_error(cursor, database="D", schema="S", task="T")
    assert "could not be read" in explanation and "002003" in explanation


@pytest.mark.integration
def test_5_head_object_answers_404_as_absent_and_raises_anything_else(s3):
    from botocore.exceptions import ClientError
    from botocore.stub import Stubber

    bucket = OUTPUTS["outbound_bucket_name"]
    assert object_exists(s3, bucket, "live/absent.csv") is False
    s3.put_object(Bucket=bucket, Key="live/there.csv", Body=b"x")
    assert object_exists(s3, bucket, "live/there.csv") is True
    with Stubber(s3) as stubber:
        stubber.add_client_error("head_object", "403", "Forbidden", http_status_code=403)
        with pytest.raises(ClientError):
            object_exists(s3, bucket, "live/there.csv")


def test_5_wait_for_stops_at_its_timeout():
    calls = []
    start = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match="x did not happen within 0 s; why"):
        wait_for(
            lambda: calls.append(1) is not None, "x", timeout=0.2, poll=0.05, explain=lambda: "why"
        )
    assert time.monotonic() - start < 5 and len(calls) >= 2

    def unreachable() -> str:
        raise OSError("250001: Could not connect to Snowflake backend")

    with pytest.raises(pytest.fail.Exception, match=r"x did not happen .*no explanation.*250001"):
        wait_for(lambda: False, "x", timeout=0, poll=0, explain=unreachable)


def test_the_private_key_stays_out_of_the_terraform_drivers_repr(clean_sign_in):
    clean_sign_in.setenv("SNOWFLAKE_PRIVATE_KEY", FAKE_KEY)
    login = SnowflakeLogin.from_environment()
    driver = Terraform(
        Path("terraform"), None, "1.11.4", env_overrides=login.terraform_environment()
    )
    assert "offline-test-key" not in repr(driver) and "offline-test-key" not in repr(login)


# --- 6. The stream's emptiness by its row count -----------------------------------------------


def test_6_the_stream_is_counted_not_asked_whether_it_has_data():
    snowflake = FakeSnowflake()
    snowflake.on(r"^SELECT COUNT\(\*\) FROM \"D\"\.\"S\"\.\"STREAM\"$", [(0,)])
    assert stream_row_count(snowflake.connect().cursor(), '"D"."S"."STREAM"') == 0
    assert not any("STREAM_HAS_DATA" in sql for sql in snowflake.statements)


# --- 7. Leftovers of an earlier run are destroyed before applying ----------------------------

LEFTOVER_ROLE = "snowssi-live-offline-leftover"


def leftover_stack_json(endpoint: str, version: str) -> str:
    """An AWS-only stack with a fixed name, for Terraform against moto."""
    from snowssi_constructs._flavour import aws
    from tests.support import synth_text

    def build(app: Any) -> None:
        stack = moto_stack(app, "leftover", endpoint=endpoint, required_version=f">= {version}")
        aws.iam_role.IamRole(
            stack,
            "role",
            name=LEFTOVER_ROLE,
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )

    return synth_text(build)["leftover"]


def role_names(moto: MotoServer) -> list[str]:
    return [role["RoleName"] for role in moto.client("iam").list_roles()["Roles"]]


# Real Terraform on the JSON both flavours share: run once, on CDKTF (as the other
# Terraform tests are).
@pytest.mark.integration
@pytest.mark.shared_json
def test_7_a_run_destroys_what_an_earlier_run_left_in_its_fixed_folder(
    terraform: Terraform,  # noqa: F811
    moto_server: MotoServer,  # noqa: F811
    tmp_path: Path,
):
    text = leftover_stack_json(moto_server.endpoint, terraform.version)
    # The mirror's provider installed once for the whole test, as the live suite's cache does.
    terraform = Terraform(
        terraform.executable,
        terraform.cli_config,
        terraform.version,
        plugin_cache=tmp_path / "plugin-cache",
    )
    folder = tmp_path / "state-root" / "live-123456789012-copy"

    # An earlier run applied, then died before its destroy.
    earlier = Workspace(terraform, folder, state_file="terraform.tfstate")
    assert earlier.destroy_leftovers() == []
    earlier.write({"cdk.tf.json": text}, {})
    earlier.apply()
    assert role_names(moto_server) == [LEFTOVER_ROLE]

    # What the suite did before: a fresh folder, an empty state, the same names.
    fresh = Workspace(terraform, tmp_path / "pytest-tmp" / "copy", state_file="terraform.tfstate")
    fresh.write({"cdk.tf.json": text}, {})
    with pytest.raises(pytest.fail.Exception, match="EntityAlreadyExists"):
        fresh.apply()

    # The next run, in the same fixed folder: it finds the state, destroys, applies.
    following = Workspace(terraform, folder, state_file="terraform.tfstate")
    assert following.destroy_leftovers() == ["aws_iam_role.role"]
    assert role_names(moto_server) == []
    following.write({"cdk.tf.json": text}, {})
    following.apply()
    assert role_names(moto_server) == [LEFTOVER_ROLE]
    following.destroy_if_anything_left()
    assert role_names(moto_server) == [] and following.leftovers() == []


def test_7_the_fixed_folders_live_outside_pytests_temporary_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
):
    monkeypatch.delenv(live_support.STATE_DIR_VARIABLE, raising=False)
    default = state_root()
    assert tmp_path_factory.getbasetemp().parent not in default.parents
    assert default.parts[-2:] == ("snowssi-constructs", "live")
    monkeypatch.setenv(live_support.STATE_DIR_VARIABLE, "/srv/live-state")
    assert state_root() == Path("/srv/live-state")


def test_7_the_suffix_is_fixed_per_case(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(live_support.SUFFIX_VARIABLE, "team-a")
    assert live_support.suffix("copy") == "team-a-copy"


# --- 8. Terraform for the real providers ---------------------------------------------------------


@pytest.mark.integration
def test_8_the_users_provider_settings_stay_and_one_plugin_cache_is_shared(
    monkeypatch: pytest.MonkeyPatch, fake_terraform: FakeTerraform, tmp_path: Path
):
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", "/home/me/.terraformrc-mirror")
    monkeypatch.setenv("TF_TOKEN_app_example_com", "token")
    monkeypatch.setenv("TF_VAR_role", "SOMETHING_ELSE")
    monkeypatch.delenv("TF_PLUGIN_CACHE_DIR", raising=False)
    cache = tmp_path / "root" / "plugin-cache"
    live = Terraform(fake_terraform.executable, None, "1.11.4", plugin_cache=cache)
    for case in ("copy", "consume"):
        (tmp_path / case).mkdir()
        live.run(tmp_path / case, "init", "-no-color")
    envs = [call["env"] for call in fake_terraform.calls()]
    assert [env["TF_PLUGIN_CACHE_DIR"] for env in envs] == [str(cache)] * 2 and cache.is_dir()
    for env in envs:
        assert env["TF_CLI_CONFIG_FILE"] == "/home/me/.terraformrc-mirror"
        assert env["TF_TOKEN_app_example_com"] == "token"
        assert "TF_VAR_role" not in env

    # The user's own cache wins; with a test mirror nothing of theirs stays.
    monkeypatch.setenv("TF_PLUGIN_CACHE_DIR", "/home/me/.terraform.d/plugin-cache")
    assert live.env["TF_PLUGIN_CACHE_DIR"] == "/home/me/.terraform.d/plugin-cache"
    mirrored = Terraform(fake_terraform.executable, tmp_path / "cli.tfrc", "1.11.4")
    assert mirrored.env["TF_CLI_CONFIG_FILE"] == str(tmp_path / "cli.tfrc")
    assert "TF_TOKEN_app_example_com" not in mirrored.env
    assert "TF_PLUGIN_CACHE_DIR" not in mirrored.env


@pytest.mark.integration
def test_8_a_timeout_interrupts_terraform_like_ctrl_c_and_waits(
    monkeypatch: pytest.MonkeyPatch, fake_terraform: FakeTerraform, tmp_path: Path
):
    monkeypatch.setenv("FAKE_TERRAFORM_HANGS", "1")
    slow = Terraform(fake_terraform.executable, None, "1.11.4", interrupt_grace=30)
    with pytest.raises(TerraformTimeout, match=r"interrupted \(SIGINT\) and exited 1"):
        slow.run(tmp_path, "apply", "-auto-approve", timeout=1)
    marker = Path(f"{fake_terraform.log}.interrupted")
    assert marker.read_text() == "2"  # SIGINT, handled: Terraform finished its own way


# --- 9. The skip names the command that works -----------------------------------------------------


def test_9_without_the_live_extra_the_skip_names_dev_py_live(
    clean_sign_in: pytest.MonkeyPatch,
):
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    clean_sign_in.setitem(sys.modules, "snowflake.connector", None)  # not importable
    clean_sign_in.delenv("AWS_REGION", raising=False)
    clean_sign_in.delenv("AWS_DEFAULT_REGION", raising=False)
    missing = missing_requirements()
    assert any("live extra" in item and RUN_COMMAND in item for item in missing)
    reason = skip_reason(missing)
    assert RUN_COMMAND == "python3 dev.py live" and RUN_COMMAND in reason
    assert "[test,live]" not in reason


def test_9_dev_py_live_installs_the_cdk_with_the_live_extra_and_runs_the_live_marker(
    monkeypatch: pytest.MonkeyPatch,
):
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    # Registered while it runs, as an import would: dev.py's dataclasses look it up there.
    monkeypatch.setitem(sys.modules, spec.name, dev)
    spec.loader.exec_module(dev)
    environments: list[tuple[str, dict[str, bool]]] = []
    commands: list[list[str]] = []
    monkeypatch.setattr(
        dev,
        "ensure_environment",
        lambda flavour, **kw: environments.append((flavour, kw)) or Path("/venv/bin/python"),
    )
    monkeypatch.setattr(dev, "run", lambda command, env=None: commands.append(command))
    dev.main([*RUN_COMMAND.split()[2:], "-k", "takeover"])
    assert environments == [("cdktf", {"test": True, "live": True})]
    assert commands == [["/venv/bin/python", "-m", "pytest", "-m", "live", "-k", "takeover"]]


# --- 10. AWS: the region, and credentials by one STS call -----------------------------------------


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No credentials anywhere boto3 looks, unless the test adds them; no instance
    metadata lookups."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "aws-empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch


@pytest.mark.integration
def test_10_credentials_from_a_profile_process_pass_one_sts_call_in_the_region(
    aws_environment: pytest.MonkeyPatch,
    moto_server: MotoServer,  # noqa: F811
    tmp_path: Path,
):
    """Neither AWS_ACCESS_KEY_ID nor AWS_PROFILE is set: the default profile gets its
    credentials from a process (as SSO and web-identity set-ups do in their own ways)."""
    helper = tmp_path / "credentials.py"
    helper.write_text(
        "import json\n"
        'print(json.dumps({"Version": 1, "AccessKeyId": "testing", '
        '"SecretAccessKey": "testing"}))\n'
    )
    config = tmp_path / "aws-config"
    config.write_text(f"[default]\ncredential_process = {sys.executable} {helper}\n")
    aws_environment.setenv("AWS_CONFIG_FILE", str(config))
    aws_environment.setenv("AWS_ENDPOINT_URL_STS", moto_server.endpoint)
    aws_environment.setenv("AWS_REGION", "eu-west-1")
    assert live_support.aws_client("sts").meta.region_name == "eu-west-1"
    assert live_support.aws_problems() == []
    assert live_support.aws_account_id() == "123456789012"


@pytest.mark.integration
def test_10_no_region_and_no_credentials_are_named(
    aws_environment: pytest.MonkeyPatch,
    moto_server: MotoServer,  # noqa: F811
):
    (problem,) = live_support.aws_problems()
    assert problem.startswith("AWS_REGION")
    aws_environment.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    aws_environment.setenv("AWS_ENDPOINT_URL_STS", moto_server.endpoint)
    assert live_support.aws_region() == "eu-central-1"
    (problem,) = live_support.aws_problems()
    assert "AWS credentials" in problem and "eu-central-1" in problem


# --- The takeover: the HCL module's pin, the switch, the plan ------------------------------------

HCL_ROOT = """\
terraform {
  required_version = "1.14.0"
}

module "part" {
  source = "./catalog/modules/part"
}
"""
HCL_PART = """\
terraform {
  required_version = "1.14.0"
}

resource "terraform_data" "thing" {
  input = "kept"
}
"""


def hcl_checkout(root: Path) -> Path:
    (root / "catalog" / "modules" / "part").mkdir(parents=True)
    (root / "main.tf").write_text(HCL_ROOT)
    (root / "catalog" / "modules" / "part" / "main.tf").write_text(HCL_PART)
    (root / ".git").mkdir()
    (root / "terraform.tfstate").write_text("{}")  # a checkout's own state is not copied
    return root


def taken_over(input_value: str) -> str:
    return json.dumps(
        {
            "terraform": {
                "required_version": ">= 1.10",
                "backend": {"local": {"path": live_support.STATE_FILE}},
            },
            "resource": {"terraform_data": {"part_thing": {"input": input_value}}},
            "moved": [
                {"from": "module.part.terraform_data.thing", "to": "terraform_data.part_thing"}
            ],
            "output": {"thing_id": {"value": "${terraform_data.part_thing.id}"}},
        }
    )


@pytest.mark.integration
def test_takeover_the_hcl_copy_runs_on_this_terraform_and_the_switch_plans_only_moves(
    terraform: Terraform,  # noqa: F811
    tmp_path: Path,
):
    """With Terraform's built-in ``terraform_data``: the copy with its override files
    applies on this Terraform although every module pins 1.14.0; the same state under a
    flat JSON configuration with ``moved`` blocks and a new output plans only no-ops;
    a changed attribute is reported."""
    source = hcl_checkout(tmp_path / "checkout")
    hcl = Workspace(terraform, tmp_path / "case" / "hcl", state_file="terraform.tfstate")
    overrides = copy_hcl_module(source, hcl.path, terraform.version)
    assert [p.relative_to(hcl.path).as_posix() for p in overrides] == [
        live_support.OVERRIDE_FILE,
        f"catalog/modules/part/{live_support.OVERRIDE_FILE}",
    ]
    assert not (hcl.path / ".git").exists() and not hcl.state_path.exists()
    hcl.write({}, {})
    hcl.apply()
    assert hcl.leftovers() == ["module.part.terraform_data.thing"]

    ours = Workspace(terraform, tmp_path / "case" / "json")
    ours.write({"cdk.tf.json": taken_over("kept")}, {})
    hcl.state_path.replace(ours.state_path)
    ours.init()
    plan = ours.saved_plan("takeover.tfplan")
    (change,) = plan["resource_changes"]
    assert change["previous_address"] == "module.part.terraform_data.thing"
    assert change["change"]["actions"] == ["no-op"]
    assert unexplained_changes(plan) == []
    ours.apply("takeover.tfplan")
    ours.plan_is_empty()

    ours.write({"cdk.tf.json": taken_over("changed")}, {})
    assert unexplained_changes(ours.saved_plan()) == ["terraform_data.part_thing: update"]
    ours.destroy_if_anything_left()
    assert ours.leftovers() == []


def test_takeover_only_no_ops_and_the_explained_task_update_pass():
    def change(address: str, *actions: str, **extra: Any) -> dict[str, Any]:
        return {
            "address": address,
            "mode": "managed",
            "change": {"actions": list(actions)},
            **extra,
        }

    plan = {
        "resource_changes": [
            change("aws_s3_bucket.inbound_bucket", "no-op", previous_address="module.x.y"),
            change("snowflake_task.task", "update"),
            {
                "address": "data.aws_caller_identity.current",
                "mode": "data",
                "change": {"actions": ["read"]},
            },
            change("snowflake_stage.inbound_stage", "update"),
            change("snowflake_stream_on_directory_table.inbound_stream", "delete", "create"),
            change("snowflake_table.processed_files", "create"),
            change("aws_kms_key.kms_key", "delete"),
        ]
    }
    assert unexplained_changes(plan) == [
        "snowflake_stage.inbound_stage: update",
        "snowflake_stream_on_directory_table.inbound_stream: delete/create",
        "snowflake_table.processed_files: create",
        "aws_kms_key.kms_key: delete",
    ]


def test_an_upgrade_plan_passes_only_imports_forgets_and_no_ops():
    def change(address: str, *actions: str, importing: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"actions": list(actions)}
        if importing:
            body["importing"] = {"id": "x"}
        resource_type, _, _ = address.rpartition(".")
        return {"address": address, "type": resource_type.split(".")[-1], "change": body}

    plan = {
        "resource_changes": [
            change("snowflake_task.task", "no-op"),
            change("snowflake_stage.inbound_stage", "forget"),
            change("module.inbound_stage.snowflake_stage.stage", "forget"),
            change("snowflake_storage_integration.storage_integration", "forget"),
            change("snowflake_stage_external_s3.inbound_stage", "update", importing=True),
            change(
                "snowflake_storage_integration_aws.storage_integration", "no-op", importing=True
            ),
            # what the upgrade must never do
            change("snowflake_stage_external_s3.outbound_stage", "create"),
            change("snowflake_database.database", "delete"),
            change("snowflake_stream_on_directory_table.inbound_stream", "forget"),
            change("snowflake_task.task", "update", importing=True),
            # the integration's import updating it would recompute describe_output,
            # and the access role's trust policy with it
            change(
                "snowflake_storage_integration_aws.storage_integration", "update", importing=True
            ),
            change("aws_iam_role.snowflake_access_role", "update"),
        ]
    }
    assert upgrade_problems(plan) == [
        "snowflake_stage_external_s3.outbound_stage: create",
        "snowflake_database.database: delete",
        "snowflake_stream_on_directory_table.inbound_stream: forget",
        "snowflake_task.task (importing): update",
        "snowflake_storage_integration_aws.storage_integration (importing): update",
        "aws_iam_role.snowflake_access_role: update",
    ]


def test_takeover_without_the_module_source_the_case_skips_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.delenv(HCL_MODULE_VARIABLE, raising=False)
    with pytest.raises(pytest.skip.Exception, match=HCL_MODULE_VARIABLE):
        hcl_module_source()
    monkeypatch.setenv(HCL_MODULE_VARIABLE, str(tmp_path))
    assert hcl_module_source() == tmp_path
    with pytest.raises(FileNotFoundError, match=HCL_MODULE_VARIABLE):
        copy_hcl_module(tmp_path, tmp_path / "copy", "1.11.4")


def test_the_live_suite_uses_these_helpers():
    """The live tests call the functions tested here, not copies of them."""
    text = (ROOT / "tests" / "test_live.py").read_text()
    assert "from tests.live_support import" in text
    for name in (
        "send_a_file",
        "wait_for_arrival",
        "require_a_triggered_run",
        "destroy_leftovers",
        "upgrade_problems",
        "send_files",
        "burst_problems",
        "stream_reports",
        "task_state",
        "resumed_by_the_plan",
    ):
        assert name in text


# --- Issue 25: a burst copied once each, the stream across the upgrade, the suspend count ---


@pytest.mark.integration
def test_25_a_burst_is_uploaded_back_to_back_then_refreshed_once(clean_sign_in, s3):
    clean_sign_in.setenv("SNOWFLAKE_PASSWORD", "secret")
    snowflake = FakeSnowflake()
    snowflake.on(r"^ALTER STAGE .* REFRESH$", [("Stage refreshed",)])
    pipeline = Pipeline(OUTPUTS, SnowflakeLogin.from_environment(), snowflake.connect, s3)
    keys = pipeline.send_files(5)
    assert len(set(keys)) == 5 and all(k.startswith("live/burst/") for k in keys)
    listed = s3.list_objects_v2(Bucket=OUTPUTS["inbound_bucket_name"])["Contents"]
    assert sorted(item["Key"] for item in listed) == sorted(keys)
    assert snowflake.statements == [
        f"ALTER STAGE {OUTPUTS['inbound_stage_fully_qualified_name']} REFRESH"
    ]


@pytest.mark.integration
def test_25_a_retried_copy_adds_a_version_not_a_key(s3):
    bucket = OUTPUTS["outbound_bucket_name"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"first", b"retried"):
        s3.put_object(Bucket=bucket, Key="live/burst/a.csv", Body=body)
    s3.put_object(Bucket=bucket, Key="other/b.csv", Body=b"x")
    versions = s3.list_object_versions(Bucket=bucket, Prefix="live/")["Versions"]
    assert len(versions) == 2
    assert outbound_keys(s3, bucket, "live/") == ["live/burst/a.csv"]


def test_25_burst_problems_name_each_way_a_file_goes_wrong():
    sent = ["live/a", "live/b", "live/c", "live/d"]
    assert burst_problems(sent, sent, [(k, True) for k in sent]) == []
    landed = ["live/a", "live/b", "live/c", "live/x"]
    recorded = [("live/a", True), ("live/a", True), ("live/b", False), ("live/d", True)]
    assert burst_problems(sent, landed, recorded) == [
        "live/d: not in the outbound bucket",
        "live/x: in the outbound bucket, never sent",
        "live/a: recorded 2 times",
        "live/b: recorded, not marked copied",
        "live/c: recorded 0 times",
    ]


def test_25_the_stream_and_the_record_are_read_without_consuming():
    snowflake = FakeSnowflake()
    snowflake.on(r"FROM S WHERE METADATA\$ACTION = 'INSERT'", lambda sql, params: [(1,)])
    snowflake.on(r"^SELECT RELATIVE_PATH, COPIED FROM T ", [("live/a", True), ("live/b", 0)])
    cursor = snowflake.connect().cursor()
    assert stream_reports(cursor, "S", "live/a") is True
    assert recorded_files(cursor, "T") == [("live/a", True), ("live/b", False)]
    assert all(sql.startswith("SELECT") for sql in snowflake.statements)


def test_25_the_pending_stream_is_named_after_its_table():
    assert pending_stream_of('"D"."S"."PROCESSED_FILES_HAPPY_PANDA"') == (
        '"D"."S"."PROCESSED_FILES_STREAM_HAPPY_PANDA"'
    )
    assert pending_stream_of('"D"."S"."ORDERS_PROCESSED_FILES_X"') == (
        '"D"."S"."ORDERS_PROCESSED_FILES_STREAM_X"'
    )


def test_25_the_pending_stream_name_matches_what_the_stack_declares(synth_stack):
    document = synth_stack(name_suffix="live-x-burst", processing="consume_stream")
    names = {
        body["name"]
        for by_name in document["resource"].values()
        for body in by_name.values()
        if "PROCESSED_FILES" in str(body.get("name", ""))
    }
    literal = {re.sub(r'^\$\{upper\("(\w+)\$\{.*$', r"\1", n) for n in names}
    assert literal == {"PROCESSED_FILES_", "PROCESSED_FILES_STREAM_"}


def test_25_the_task_state_comes_from_show_tasks():
    snowflake = FakeSnowflake()
    snowflake.on(r"^SHOW TASKS LIKE %s IN SCHEMA \"DB\"\.\"SCH\"$", [])
    snowflake.on(r"RESULT_SCAN\(LAST_QUERY_ID\(\)\)", [("suspended",)])
    cursor = snowflake.connect().cursor()
    assert task_state(cursor, database="DB", schema="SCH", task="TASK_X") == "suspended"


def test_25_only_a_started_false_to_true_update_is_a_resume():
    def change(address: str, before: Any, after: Any, actions: list[str]) -> dict[str, Any]:
        return {
            "address": address,
            "type": address.split(".")[0],
            "change": {"actions": actions, "before": before, "after": after},
        }

    plan = {
        "resource_changes": [
            change("snowflake_task.task", {"started": False}, {"started": True}, ["update"]),
            change("snowflake_task.refresh_task", {"started": True}, {"started": True}, ["update"]),
            change("snowflake_task.other", None, {"started": True}, ["create"]),
        ]
    }
    assert resumed_by_the_plan(plan) == ["snowflake_task.task"]


@pytest.mark.parametrize(
    ("case", "props", "count"),
    [
        ("alerts", {"failure_alerts": True, "suspend_task_after_num_failures": 0}, 0),
        ("suspend", {"suspend_task_after_num_failures": 1}, 1),
    ],
)
def test_25_the_failing_cases_deploy_their_suspend_count(case, props, count):
    text = stack_json(terraform_version="1.11.4", name_suffix=f"live-x-{case}", **props)
    task = json.loads(text)["resource"]["snowflake_task"]["task"]
    assert task["suspend_task_after_num_failures"] == count
