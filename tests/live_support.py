"""The live suite's helpers, apart from its tests so that they run without the network.

``tests/test_live.py`` uses them against a real AWS and Snowflake account;
``tests/test_live_offline.py`` runs the same functions on every test run, with a double
of the Snowflake connector, moto for AWS and the local provider mirror for Terraform.
Nothing here imports the Snowflake connector: :func:`connector_connect` does, when a
live test asks for it, and everything else takes the ``connect`` function as an argument.

What the suite needs, and where each value goes:

* Snowflake sign-in comes from the environment, the variables the provider reads
  (``SNOWFLAKE_ORGANIZATION_NAME``, ``SNOWFLAKE_ACCOUNT_NAME``, ``SNOWFLAKE_USER``), with
  a key pair (``SNOWSSI_LIVE_PRIVATE_KEY_FILE``, a PEM file, or ``SNOWFLAKE_PRIVATE_KEY``,
  the PEM text; ``SNOWFLAKE_PRIVATE_KEY_PASSPHRASE`` when the key is encrypted) or a
  password (``SNOWFLAKE_PASSWORD``). The provider (2.10.1) has no key-file variable: the
  key's text goes to Terraform in ``SNOWFLAKE_PRIVATE_KEY``, in the environment of each
  step, never in a file of the working folder.
* One role for both: ``SNOWFLAKE_ROLE`` (default ACCOUNTADMIN) goes to the stack's ``role``
  variable (the provider block sets ``role = var.role``, so the provider never reads
  ``SNOWFLAKE_ROLE`` itself) and to the connector.
* AWS: the region from ``AWS_REGION`` or ``AWS_DEFAULT_REGION``; credentials from
  boto3's and the AWS provider's own chain (keys, profiles, SSO, web identity, instance
  roles), checked with one STS call.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.terraform_env import Terraform, find_terraform

ORGANIZATION_VARIABLE = "SNOWFLAKE_ORGANIZATION_NAME"
ACCOUNT_VARIABLE = "SNOWFLAKE_ACCOUNT_NAME"
USER_VARIABLE = "SNOWFLAKE_USER"
PASSWORD_VARIABLE = "SNOWFLAKE_PASSWORD"
# Ours: the provider reads only the key's text (SNOWFLAKE_PRIVATE_KEY).
PRIVATE_KEY_FILE_VARIABLE = "SNOWSSI_LIVE_PRIVATE_KEY_FILE"
PRIVATE_KEY_VARIABLE = "SNOWFLAKE_PRIVATE_KEY"
PASSPHRASE_VARIABLE = "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"
AUTHENTICATOR_VARIABLE = "SNOWFLAKE_AUTHENTICATOR"
KEY_PAIR_AUTHENTICATOR = "SNOWFLAKE_JWT"
ROLE_VARIABLE = "SNOWFLAKE_ROLE"
DEFAULT_ROLE = "ACCOUNTADMIN"  # the stack's `role` variable's default
AWS_REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
SUFFIX_VARIABLE = "SNOWSSI_LIVE_SUFFIX"
STATE_DIR_VARIABLE = "SNOWSSI_LIVE_STATE_DIR"
HCL_MODULE_VARIABLE = "SNOWSSI_LIVE_HCL_MODULE"
# The one command that installs what the suite needs (the CDK, the test and live
# extras) and runs it.
RUN_COMMAND = "python3 dev.py live"

STATE_FILE = "terraform.snowssi.tfstate"  # the stack's local backend (stack id "snowssi")
TFVARS_FILE = "live.auto.tfvars.json"
ARRIVAL_TIMEOUT = 600.0  # seconds a file may take from inbound to outbound bucket
POLL_INTERVAL = 10.0
# TASK_HISTORY's SCHEDULED_FROM for a run that EXECUTE TASK forced: it proves nothing
# about the task's own trigger.
FORCED_RUN = "EXECUTE TASK"


# --- Snowflake sign-in -------------------------------------------------------------


@dataclass(frozen=True)
class SnowflakeLogin:
    """Who signs in to Snowflake and how, for the connector and for Terraform alike."""

    organization_name: str
    account_name: str
    user: str
    role: str
    password: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)  # PEM text
    private_key_file: Path | None = None
    passphrase: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> SnowflakeLogin:
        """The sign-in the environment describes; a key pair wins over a password.
        :func:`snowflake_problems` says first what is missing."""
        env = os.environ if env is None else env
        key_file = env.get(PRIVATE_KEY_FILE_VARIABLE) or None
        key_path = Path(key_file).expanduser() if key_file else None
        key_text = key_path.read_text() if key_path else env.get(PRIVATE_KEY_VARIABLE) or None
        return cls(
            organization_name=env[ORGANIZATION_VARIABLE],
            account_name=env[ACCOUNT_VARIABLE],
            user=env[USER_VARIABLE],
            role=env.get(ROLE_VARIABLE) or DEFAULT_ROLE,
            password=None if key_text else env.get(PASSWORD_VARIABLE) or None,
            private_key=key_text,
            private_key_file=key_path,
            passphrase=(env.get(PASSPHRASE_VARIABLE) or None) if key_text else None,
        )

    @property
    def uses_key_pair(self) -> bool:
        return self.private_key is not None

    @property
    def account(self) -> str:
        """The account identifier in its ``<organization>-<account>`` form."""
        return f"{self.organization_name}-{self.account_name}"

    def connect_arguments(self, *, warehouse: str) -> dict[str, Any]:
        """Keyword arguments of ``snowflake.connector.connect`` (5.2.0): the stack's role
        and its warehouse (a session without a warehouse cannot run a query that needs
        compute, and one with the user's default would bill that warehouse)."""
        arguments: dict[str, Any] = {
            "account": self.account,
            "user": self.user,
            "role": self.role,
            "warehouse": warehouse,
        }
        if self.uses_key_pair:
            arguments["authenticator"] = KEY_PAIR_AUTHENTICATOR
            if self.private_key_file is not None:
                arguments["private_key_file"] = str(self.private_key_file)
            else:
                arguments["private_key"] = self.private_key
            if self.passphrase:
                arguments["private_key_password"] = self.passphrase
        else:
            arguments["password"] = self.password
        return arguments

    def terraform_environment(self) -> dict[str, str | None]:
        """What every Terraform step's environment sets (a string) or drops (None).

        The provider reads the key's PEM text from ``SNOWFLAKE_PRIVATE_KEY`` and refuses a
        password next to a key (``password`` conflicts with ``private_key``), so with a
        key pair the password is dropped; with a password, any key variable is.
        """
        if self.uses_key_pair:
            assert self.private_key is not None
            return {
                PRIVATE_KEY_VARIABLE: self.private_key,
                PASSPHRASE_VARIABLE: self.passphrase,
                AUTHENTICATOR_VARIABLE: KEY_PAIR_AUTHENTICATOR,
                PASSWORD_VARIABLE: None,
            }
        return {PRIVATE_KEY_VARIABLE: None, PASSPHRASE_VARIABLE: None}


def snowflake_problems(env: Mapping[str, str] | None = None) -> list[str]:
    """What the environment lacks for a Snowflake sign-in, by name."""
    env = os.environ if env is None else env
    missing = [
        name
        for name in (ORGANIZATION_VARIABLE, ACCOUNT_VARIABLE, USER_VARIABLE)
        if not env.get(name)
    ]
    key_file = env.get(PRIVATE_KEY_FILE_VARIABLE)
    if key_file:
        if not Path(key_file).expanduser().is_file():
            missing.append(f"{PRIVATE_KEY_FILE_VARIABLE} names no file ({key_file})")
    elif not env.get(PRIVATE_KEY_VARIABLE) and not env.get(PASSWORD_VARIABLE):
        missing.append(
            f"a key pair ({PRIVATE_KEY_FILE_VARIABLE}, the private key's PEM file, or "
            f"{PRIVATE_KEY_VARIABLE}, its text) or {PASSWORD_VARIABLE}"
        )
    return missing


# --- AWS ---------------------------------------------------------------------------


def aws_region(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return next((env[name] for name in AWS_REGION_VARIABLES if env.get(name)), None)


def aws_client(service: str) -> Any:
    """A boto3 client in the suite's region, with boto3's own credential chain (a new
    session: it reads the environment and the config files as they are now)."""
    import boto3

    return boto3.session.Session().client(service, region_name=aws_region())


def aws_account_id() -> str:
    return str(aws_client("sts").get_caller_identity()["Account"])


def aws_problems() -> list[str]:
    """What the environment lacks for AWS: a region, and credentials that STS accepts
    (wherever boto3 finds them: keys, a profile, SSO, web identity, an instance role)."""
    region = aws_region()
    if region is None:
        return ["AWS_REGION (or AWS_DEFAULT_REGION): the region to deploy to"]
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws_account_id()
    except (BotoCoreError, ClientError) as error:
        return [f"AWS credentials that STS accepts in {region} ({error})"]
    return []


# --- What the suite needs ------------------------------------------------------------


def missing_requirements() -> list[str]:
    """What the live suite needs and this environment lacks, by name; empty when it can
    run. The AWS check calls STS once."""
    missing = snowflake_problems()
    if find_terraform() is None:
        missing.append("`terraform` on PATH")
    try:
        import snowflake.connector  # noqa: F401
    except ImportError:
        missing.append(f"the live extra (`{RUN_COMMAND}` installs it and runs the suite)")
    try:
        import boto3  # noqa: F401
    except ImportError:
        missing.append(f"boto3 (`{RUN_COMMAND}` installs it)")
    else:
        missing += aws_problems()
    return missing


def skip_reason(missing: Sequence[str]) -> str:
    return f"live suite needs {'; '.join(missing)}. Run it with `{RUN_COMMAND}`"


# --- Snowflake sessions ---------------------------------------------------------------


class Cursor(Protocol):
    def execute(self, command: str, params: Sequence[Any] | None = ...) -> Any: ...
    def fetchone(self) -> Sequence[Any] | None: ...
    def fetchall(self) -> list[Sequence[Any]]: ...
    def close(self) -> Any: ...


class Connection(Protocol):
    def cursor(self) -> Cursor: ...
    def close(self) -> Any: ...


Connect = Callable[..., Connection]


def connector_connect() -> Connect:
    """``snowflake.connector.connect``: the only place the suite imports the connector."""
    import snowflake.connector

    connect: Connect = snowflake.connector.connect
    return connect


@contextmanager
def snowflake_session(login: SnowflakeLogin, warehouse: str, connect: Connect) -> Iterator[Cursor]:
    """A cursor of a session as the stack's role, on the stack's warehouse."""
    connection = connect(**login.connect_arguments(warehouse=warehouse))
    try:
        cursor = connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
    finally:
        connection.close()


def quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class TaskRun:
    """One row of ``INFORMATION_SCHEMA.TASK_HISTORY``."""

    scheduled_from: str | None
    state: str | None
    error_code: str | None
    error_message: str | None
    scheduled_time: Any


def task_runs(
    cursor: Cursor, *, database: str, schema: str, task: str, errors_only: bool = False
) -> list[TaskRun]:
    """The task's runs of the last hour, newest first. TASK_HISTORY takes the task's
    unqualified name, so the rows are narrowed to the stack's database and schema."""
    cursor.execute(
        "SELECT SCHEDULED_FROM, STATE, ERROR_CODE, ERROR_MESSAGE, SCHEDULED_TIME "
        f"FROM TABLE({quoted(database)}.INFORMATION_SCHEMA.TASK_HISTORY("
        "SCHEDULED_TIME_RANGE_START => DATEADD('hour', -1, CURRENT_TIMESTAMP()), "
        f"TASK_NAME => %s, ERROR_ONLY => {'TRUE' if errors_only else 'FALSE'})) "
        "WHERE DATABASE_NAME = %s AND SCHEMA_NAME = %s ORDER BY SCHEDULED_TIME DESC",
        (task, database, schema),
    )
    return [TaskRun(*row) for row in cursor.fetchall()]


def last_task_error(cursor: Cursor, *, database: str, schema: str, task: str) -> str:
    """The task's last failure, as TASK_HISTORY reports it, for a failure message."""
    try:
        runs = task_runs(cursor, database=database, schema=schema, task=task, errors_only=True)
    except Exception as error:  # the explanation must not hide the original failure
        return f"TASK_HISTORY of {task} could not be read: {error}"
    if not runs:
        return f"TASK_HISTORY shows no failed run of {task} in the last hour"
    run = runs[0]
    return (
        f"last failed run of {task} ({run.state}, scheduled {run.scheduled_time} from "
        f"{run.scheduled_from}): {run.error_code} {run.error_message}"
    )


def triggered_runs(runs: Sequence[TaskRun]) -> list[TaskRun]:
    """The successful runs that the task started itself, not ones EXECUTE TASK forced."""
    return [r for r in runs if r.state == "SUCCEEDED" and r.scheduled_from != FORCED_RUN]


def stream_row_count(cursor: Cursor, stream: str) -> int:
    """Rows in the stream; ``SYSTEM$STREAM_HAS_DATA`` may report false positives."""
    cursor.execute(f"SELECT COUNT(*) FROM {stream}")
    row = cursor.fetchone()
    assert row is not None
    return int(row[0])


# --- Waiting ----------------------------------------------------------------------------


def wait_for(
    condition: Callable[[], bool],
    what: str,
    *,
    timeout: float = ARRIVAL_TIMEOUT,
    poll: float = POLL_INTERVAL,
    explain: Callable[[], str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll ``condition``; past ``timeout``, fail with ``explain()``'s account of why."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            message = f"{what} did not happen within {timeout:.0f} s"
            if explain is not None:
                try:
                    message += f"; {explain()}"
                except Exception as error:  # the timeout is the failure to report
                    message += f"; no explanation: {type(error).__name__}: {error}"
            pytest.fail(message)
        sleep(poll)


def object_exists(s3: Any, bucket: str, key: str) -> bool:
    """Whether the object is there; only "not found" means no. Any other error (a 403
    from a policy or a KMS grant, a throttle) is raised, not waited out."""
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = error.response.get("Error", {}).get("Code")
        if status == 404 or code in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


# --- Deployments --------------------------------------------------------------------------


def state_root(env: Mapping[str, str] | None = None) -> Path:
    """Where each case keeps its working folder, across runs: ``SNOWSSI_LIVE_STATE_DIR``,
    else the user's state folder (never pytest's temporary folders, which pytest deletes
    after three runs)."""
    env = os.environ if env is None else env
    explicit = env.get(STATE_DIR_VARIABLE)
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return platformdirs.user_state_path("snowssi-constructs") / "live"


def suffix(case: str) -> str:
    """The stack's ``name_suffix``: fixed per case, so the names are known after a crash.
    Bucket names are global: the AWS account id keeps two users' runs apart."""
    base = os.environ.get(SUFFIX_VARIABLE) or f"live-{aws_account_id()}"
    return f"{base}-{case}"


def resources_in_state(path: Path) -> list[str]:
    """The managed resources a local state file holds (its addresses)."""
    if not path.is_file():
        return []
    state = json.loads(path.read_text() or "{}")
    return [
        f"{r.get('module', '') + '.' if r.get('module') else ''}{r['type']}.{r['name']}"
        for r in state.get("resources", [])
        if r.get("mode") == "managed" and r.get("instances")
    ]


@dataclass
class Workspace:
    """A working folder at a fixed place (keyed by the case's suffix), so that a run
    finds and destroys what an earlier, interrupted run left in its state."""

    terraform: Terraform
    path: Path
    state_file: str = STATE_FILE
    init_timeout: float = 900
    apply_timeout: float = 1800

    @property
    def state_path(self) -> Path:
        return self.path / self.state_file

    def leftovers(self) -> list[str]:
        return resources_in_state(self.state_path)

    def destroy_leftovers(self) -> list[str]:
        """Destroy what an earlier run's state still holds, with that run's configuration
        (still in the folder); return what it held."""
        leftovers = self.leftovers()
        if leftovers:
            self.init()
            self.destroy()
        return leftovers

    def write(self, files: Mapping[str, str], tfvars: Mapping[str, Any]) -> None:
        """Write the configuration files and the (not secret) variables."""
        self.path.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (self.path / name).write_text(text)
        (self.path / TFVARS_FILE).write_text(json.dumps(dict(tfvars), indent=2))

    def destroy_if_anything_left(self) -> None:
        """The teardown: destroy when the state holds anything (a failed apply leaves
        resources as well as a successful one)."""
        if self.leftovers():
            self.destroy()

    def init(self, *, upgrade: bool = False) -> None:
        """``terraform init``; ``upgrade=True`` lets it install a newer provider than the
        lock file holds (a switch of provider generation)."""
        flags = ["-upgrade"] if upgrade else []
        self.terraform.run(self.path, "init", "-no-color", *flags, timeout=self.init_timeout)

    def apply(self, plan_file: str | None = None) -> dict[str, Any]:
        """``init`` and ``apply`` (of ``plan_file`` when given); the outputs."""
        self.init()
        target = [plan_file] if plan_file else ["-auto-approve"]
        self.terraform.run(self.path, "apply", "-no-color", *target, timeout=self.apply_timeout)
        return self.outputs()

    def outputs(self) -> dict[str, Any]:
        result = self.terraform.run(self.path, "output", "-json", "-no-color")
        return {name: value["value"] for name, value in json.loads(result.stdout).items()}

    def destroy(self) -> None:
        self.terraform.run(
            self.path, "destroy", "-auto-approve", "-no-color", timeout=self.apply_timeout
        )

    def plan_is_empty(self) -> None:
        """Exit 0: no change. Exit 2 would mean the provider read something back in
        another form than declared (a stage replaced on every apply is the known case)."""
        self.terraform.assert_no_changes(
            self.path, "the plan after apply is not empty", timeout=self.init_timeout
        )

    def saved_plan(self, name: str = "live.tfplan") -> dict[str, Any]:
        """``terraform plan -out`` then ``terraform show -json`` of it (after ``init``)."""
        self.terraform.run(
            self.path,
            "plan",
            "-no-color",
            "-input=false",
            f"-out={name}",
            timeout=self.init_timeout,
        )
        shown = self.terraform.run(self.path, "show", "-json", "-no-color", name)
        plan: dict[str, Any] = json.loads(shown.stdout)
        return plan


def live_terraform(login: SnowflakeLogin, root: Path) -> Terraform:
    """Terraform for the real providers: the user's own provider installation, one plugin
    cache for every case (unless the user has one), the sign-in in the environment."""
    from tests.terraform_env import terraform_version

    executable = find_terraform()
    assert executable is not None
    return Terraform(
        executable,
        None,
        terraform_version(executable),
        plugin_cache=root / "plugin-cache",
        env_overrides=login.terraform_environment(),
    )


def stack_tfvars(login: SnowflakeLogin, region: str, **extra: Any) -> dict[str, Any]:
    """The stack's variables the suite sets: not secret (the sign-in stays in the
    environment); the role the connector uses too."""
    return {"region": region, "role": login.role, **extra}


# --- Sending a file through -----------------------------------------------------------------


@dataclass
class Pipeline:
    """A deployed stack's outputs, and the sessions and clients to drive it."""

    outputs: Mapping[str, Any]
    login: SnowflakeLogin
    connect: Connect
    s3: Any
    prefix: str = ""

    def output(self, name: str, *, shared: bool = False) -> str:
        return str(self.outputs[name if shared else f"{self.prefix}{name}"])

    @contextmanager
    def session(self) -> Iterator[Cursor]:
        with snowflake_session(
            self.login, self.output("warehouse_name", shared=True), self.connect
        ) as cursor:
            yield cursor

    def task_names(self) -> dict[str, str]:
        return {
            "database": self.output("database_name", shared=True),
            "schema": self.output("schema_name", shared=True),
            "task": self.output("task_name"),
        }

    def send_a_file(self) -> str:
        """Upload a file and refresh the inbound stage's directory table (these stacks
        have no notification channel). The task is never run by hand: its own trigger
        (or schedule) has to start it."""
        key = f"live/{uuid.uuid4().hex}.csv"
        self.s3.put_object(Bucket=self.output("inbound_bucket_name"), Key=key, Body=b"a,b\n")
        with self.session() as cursor:
            cursor.execute(
                f"ALTER STAGE {self.output('inbound_stage_fully_qualified_name')} REFRESH"
            )
        return key

    def wait_for_arrival(self, key: str, **wait: Any) -> None:
        """Wait for the file in the outbound bucket; on timeout, say why the task failed."""
        outbound = self.output("outbound_bucket_name")

        def explain() -> str:
            with self.session() as cursor:
                return last_task_error(cursor, **self.task_names())

        wait_for(
            lambda: object_exists(self.s3, outbound, key),
            f"s3://{outbound}/{key} arriving",
            explain=explain,
            **wait,
        )

    def runs(self) -> list[TaskRun]:
        with self.session() as cursor:
            return task_runs(cursor, **self.task_names())

    def send_files(self, count: int) -> list[str]:
        """Upload ``count`` files back to back, then refresh the directory table once:
        one burst, reported by the stream together."""
        keys = [f"live/burst/{uuid.uuid4().hex}.csv" for _ in range(count)]
        for key in keys:
            self.s3.put_object(Bucket=self.output("inbound_bucket_name"), Key=key, Body=b"a\n")
        with self.session() as cursor:
            cursor.execute(
                f"ALTER STAGE {self.output('inbound_stage_fully_qualified_name')} REFRESH"
            )
        return keys


# --- Issue 25: a burst copied once each, the stream across the upgrade, the suspend count ---


def stream_reports(cursor: Cursor, stream: str, key: str) -> bool:
    """Whether the stream still holds an inserted row for ``key`` (a SELECT does not
    consume it)."""
    cursor.execute(
        f"SELECT COUNT(*) FROM {stream} WHERE METADATA$ACTION = 'INSERT' AND RELATIVE_PATH = %s",
        (key,),
    )
    row = cursor.fetchone()
    return row is not None and int(row[0]) > 0


def pending_stream_of(table: str) -> str:
    """The pending stream's fully qualified name, from its table's (``..."PROCESSED_FILES_X"``
    -> ``..."PROCESSED_FILES_STREAM_X"``; a named pipeline's prefix comes first in both)."""
    head, _, name = table.rpartition(".")
    return f"{head}.{name.replace('PROCESSED_FILES_', 'PROCESSED_FILES_STREAM_', 1)}"


def recorded_files(cursor: Cursor, table: str) -> list[tuple[str, bool]]:
    """Each row of the processed-files record: (relative path, copied)."""
    cursor.execute(f"SELECT RELATIVE_PATH, COPIED FROM {table} ORDER BY RELATIVE_PATH")
    return [(str(path), bool(copied)) for path, copied in cursor.fetchall()]


def outbound_keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    """The keys under ``prefix`` in the outbound bucket, one per file whatever its
    versions (a repeated copy of one file adds a version, not a key)."""
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return sorted(keys)


def burst_problems(
    sent: Sequence[str], landed: Sequence[str], recorded: Sequence[tuple[str, bool]]
) -> list[str]:
    """What breaks "every file of the burst lands under exactly one key, recorded once
    and marked copied": a file missing or extra in the outbound bucket, a file recorded
    other than once, or left unmarked."""
    problems = [f"{key}: not in the outbound bucket" for key in sent if key not in landed]
    problems += [f"{key}: in the outbound bucket, never sent" for key in landed if key not in sent]
    for key in sent:
        rows = [copied for path, copied in recorded if path == key]
        if len(rows) != 1:
            problems.append(f"{key}: recorded {len(rows)} times")
        elif not rows[0]:
            problems.append(f"{key}: recorded, not marked copied")
    return problems


def task_state(cursor: Cursor, *, database: str, schema: str, task: str) -> str:
    """The task's state from SHOW TASKS: ``started`` or ``suspended``."""
    cursor.execute(f"SHOW TASKS LIKE %s IN SCHEMA {quoted(database)}.{quoted(schema)}", (task,))
    cursor.execute('SELECT "state" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))')
    row = cursor.fetchone()
    assert row is not None, f"no task {task} in {database}.{schema}"
    return str(row[0]).lower()


def resumed_by_the_plan(plan: Mapping[str, Any]) -> list[str]:
    """The tasks a plan (``terraform show -json``) updates from ``started = false`` to
    ``true``: a task that stopped itself, which the apply would resume."""
    found = []
    for change in plan.get("resource_changes", []):
        body = change["change"]
        if change.get("type") != "snowflake_task" or body["actions"] != ["update"]:
            continue
        if (body.get("before") or {}).get("started") is False and (body.get("after") or {}).get(
            "started"
        ) is True:
            found.append(change["address"])
    return found


# --- The takeover of the HCL module ------------------------------------------------------------

REQUIRED_VERSION = re.compile(r"^\s*required_version\s*=", re.MULTILINE)
OVERRIDE_FILE = "live_required_version_override.tf"
# In-place updates the docs explain for the first plan after a takeover (docs/migrating.md,
# "Migrating from the HCL module"), by address: why each may appear.
EXPLAINED_TAKEOVER_UPDATES = {
    "snowflake_task.task": (
        "SHOW TASKS may drop the trailing `;` of the module's task body (an unsettled "
        "point): an in-place ALTER TASK ... MODIFY AS, no replacement"
    ),
}


def copy_hcl_module(source: Path, destination: Path, terraform_version: str) -> list[Path]:
    """Copy a local checkout of the HCL module into ``destination`` and let this
    Terraform run it: every folder whose ``terraform`` block pins ``required_version``
    (the release pins exactly 1.14.0) gets an override file that accepts this version.
    ``terraform init -from-module`` cannot do this, it checks the pin before copying."""
    if not (source / "main.tf").is_file() and not any(source.glob("*.tf")):
        raise FileNotFoundError(f"{HCL_MODULE_VARIABLE}={source} holds no Terraform files")
    shutil.copytree(
        source,
        destination,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(
            ".git", ".terraform", "*.tfstate", "*.tfstate.*", "terraform.tfvars", "*.tfplan"
        ),
    )
    overrides = []
    for folder in sorted({p.parent for p in destination.rglob("*.tf")}):
        if folder.name == ".terraform" or ".terraform" in folder.parts:
            continue
        if any(REQUIRED_VERSION.search(p.read_text()) for p in folder.glob("*.tf")):
            override = folder / OVERRIDE_FILE
            override.write_text(
                f'terraform {{\n  required_version = ">= {terraform_version}"\n}}\n'
            )
            overrides.append(override)
    return overrides


def unexplained_changes(
    plan: Mapping[str, Any], explained_updates: Mapping[str, str] = EXPLAINED_TAKEOVER_UPDATES
) -> list[str]:
    """The resource changes of ``terraform show -json`` of a plan that are neither
    no-ops (moves included) nor in-place updates of an address the docs explain.
    Outputs are not resource changes; a data source being read changes nothing."""
    problems = []
    for change in plan.get("resource_changes", []):
        actions = list(change["change"]["actions"])
        address = change["address"]
        if actions == ["no-op"]:
            continue
        if change.get("mode") == "data" and actions == ["read"]:
            continue
        if actions == ["update"] and address in explained_updates:
            continue
        moved = (
            f" (moved from {change['previous_address']})" if "previous_address" in change else ""
        )
        problems.append(f"{address}{moved}: {'/'.join(actions)}")
    return problems


# --- The upgrade to the current provider generation -------------------------------------------

# The legacy types the upgrade forgets, and the type that adopts each object.
ADOPTED_BY = {
    "snowflake_stage": "snowflake_stage_external_s3",
    "snowflake_storage_integration": "snowflake_storage_integration_aws",
}
# Why an adopted object may be updated in place by the upgrade's apply
# (docs/provider-generations.md, "What the upgrade's plan shows").
EXPLAINED_UPGRADE_UPDATES = {
    "snowflake_stage_external_s3": (
        "the importer does not read `encryption`, reads a `file_format` and "
        "`use_privatelink_endpoint = false` the configuration does not set: ALTER STAGE"
    ),
}
# The integration is not among them: it declares `use_privatelink_endpoint = "false"`,
# what its importer writes, so its import plans no change and its describe_output, read
# by the access role's trust policy, stays known (an update would recompute it and
# update the role).


def upgrade_problems(plan: Mapping[str, Any]) -> list[str]:
    """The resource changes of an upgrade plan (``terraform show -json``) other than
    no-ops, data reads, the forgetting of a legacy stage or integration, and the import
    of an object of an adopting type (as is, or updated in place where explained above).
    Anything created or destroyed is a problem."""
    problems = []
    for change in plan.get("resource_changes", []):
        actions = list(change["change"]["actions"])
        address = change["address"]
        resource_type = change.get("type", address.split(".")[-2])
        importing = "importing" in change["change"]
        if actions == ["no-op"] and not importing:
            continue
        if change.get("mode") == "data" and actions == ["read"]:
            continue
        if actions == ["forget"] and resource_type in ADOPTED_BY:
            continue
        adopting = resource_type in ADOPTED_BY.values()
        if importing and adopting and actions == ["no-op"]:
            continue
        if importing and actions == ["update"] and resource_type in EXPLAINED_UPGRADE_UPDATES:
            continue
        note = " (importing)" if importing else ""
        problems.append(f"{address}{note}: {'/'.join(actions)}")
    return problems


def hcl_module_source(env: Mapping[str, str] | None = None) -> Path:
    """The local copy of the released HCL module 1.0.0 that the takeover case deploys;
    skips the case, naming the variable, when it is not set."""
    env = os.environ if env is None else env
    value = env.get(HCL_MODULE_VARIABLE)
    if not value:
        pytest.skip(
            f"the takeover case needs {HCL_MODULE_VARIABLE}: the folder of a checkout of "
            "the HCL module's release 1.0.0"
        )
    return Path(value).expanduser()


def stack_json(*, terraform_version: str, name_suffix: str | None = None, **props: Any) -> str:
    """``SnowSSIStack(app, "snowssi", ...)``'s cdk.tf.json for this Terraform; without a
    suffix, named by its random pet like the HCL module."""
    from snowssi_constructs import SnowSSIStack
    from tests.support import synth_text

    options: dict[str, Any] = {"required_version": f">= {terraform_version}", **props}
    if name_suffix is not None:
        options["name_suffix"] = name_suffix
    return synth_text(lambda app: SnowSSIStack(app, "snowssi", **options))["snowssi"]
