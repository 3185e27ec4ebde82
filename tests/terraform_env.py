"""Real Terraform and a real AWS emulator for the tests: locate them, configure them,
run them.

* ``terraform`` comes from PATH, the ``hashicorp/aws`` provider from a local filesystem
  mirror (the folder holding ``registry.terraform.io``), found once per session.
  ``SNOWSSI_PROVIDER_MIRROR`` names the mirror root explicitly when it is elsewhere.
* Terraform runs with a CLI config file of the test session's own (never a home file):
  providers come from the mirror only, nothing is downloaded.
* :func:`moto_server` (a pytest fixture) is ``moto_server`` on a free loopback port, one
  per session (:func:`moto_process`), emptied before each test.

On CI (:func:`tests.support.in_ci`) anything missing fails the test; locally the test is skipped
and the skip reason names what is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from tests.support import in_ci

AWS_PROVIDER_VERSION = "5.100.0"
MIRROR_ENV = "SNOWSSI_PROVIDER_MIRROR"
REGISTRY_DIR = "registry.terraform.io"
MOTO_ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
DUMMY_KEY = "testing"

# Where provider mirrors usually live; the folder *holding* registry.terraform.io.
_LIKELY_MIRRORS = (
    "/opt/tf-plugins",
    "/opt/terraform/plugins",
    "/opt/terraform-plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/terraform-plugins",
    "/plugins",
)
# Roots searched breadth-first when none of the above holds the provider.
_SEARCH_ROOTS = ("/opt", "/usr/local", "/usr/share", "/srv", "/var/lib", "/home", "/root", "/")
_PRUNE = {
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/tmp",
    "/var/tmp",
    "/var/cache",
    "/var/log",
    "/boot",
    "/snap",
    "/lost+found",
}
_PRUNE_NAMES = {"node_modules", ".git", "site-packages", "__pycache__", ".venv", "cdktf.out"}
_MAX_DEPTH = 6
_MAX_DIRS = 200_000


def require(missing: Sequence[str]) -> None:
    """Fail (on CI) or skip (locally) when anything the test needs is missing."""
    if not missing:
        return
    message = "missing: " + "; ".join(missing)
    if in_ci():
        pytest.fail(f"on CI the Terraform test environment must be complete: {message}")
    pytest.skip(message)


def find_terraform() -> Path | None:
    found = shutil.which("terraform")
    return Path(found) if found else None


def _holds_aws_provider(root: Path) -> bool:
    """True when ``root/registry.terraform.io`` holds hashicorp/aws at the pinned
    version, unpacked (``aws/<version>/<os_arch>/``) or packed
    (``aws/terraform-provider-aws_<version>_<os_arch>.zip``)."""
    aws = root / REGISTRY_DIR / "hashicorp" / "aws"
    if (aws / AWS_PROVIDER_VERSION).is_dir():
        return True
    try:
        return any(aws.glob(f"terraform-provider-aws_{AWS_PROVIDER_VERSION}_*.zip"))
    except OSError:
        return False


@cache
def find_provider_mirror() -> Path | None:
    """The filesystem mirror root (the folder holding ``registry.terraform.io``) that has
    hashicorp/aws at :data:`AWS_PROVIDER_VERSION`; searched once and cached."""
    explicit = os.environ.get(MIRROR_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        return path if _holds_aws_provider(path) else None
    for candidate in _LIKELY_MIRRORS:
        path = Path(candidate).expanduser()
        if _holds_aws_provider(path):
            return path
    return _search_mirror()


def _search_mirror() -> Path | None:
    """Breadth-first search for a ``registry.terraform.io`` folder, pruned and bounded, so
    a shallow mirror is found in well under a second."""
    seen: set[str] = set()
    visited = 0
    for root in _SEARCH_ROOTS:
        queue: deque[tuple[str, int]] = deque([(root, 0)])
        while queue:
            current, depth = queue.popleft()
            if current in seen:
                continue
            seen.add(current)
            visited += 1
            if visited > _MAX_DIRS:
                return None
            try:
                with os.scandir(current) as entries:
                    children = [e for e in entries if e.is_dir(follow_symlinks=False)]
            except OSError:
                continue
            for entry in children:
                if entry.name == REGISTRY_DIR and _holds_aws_provider(Path(current)):
                    return Path(current)
            if depth >= _MAX_DEPTH:
                continue
            for entry in children:
                if entry.path in _PRUNE or entry.name in _PRUNE_NAMES:
                    continue
                queue.append((entry.path, depth + 1))
    return None


def find_moto_server() -> list[str] | None:
    """The command that starts moto's server: the venv's ``moto_server`` next to the
    running Python, else ``python -m moto.server`` when moto's server extra is importable."""
    executable = Path(sys.executable).parent / "moto_server"
    if executable.is_file() and os.access(executable, os.X_OK):
        return [str(executable)]
    try:
        import flask  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "moto.server"]


def terraform_version(terraform: Path) -> str:
    """The local Terraform's version, for ``required_version``."""
    result = subprocess.run(
        [str(terraform), "version", "-json"],
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env(),
    )
    return json.loads(result.stdout)["terraform_version"]


def write_cli_config(path: Path, mirror: Path) -> Path:
    """A Terraform CLI config that installs every provider from ``mirror`` and nothing
    from anywhere else."""
    mirror_text = json.dumps(str(mirror))  # an HCL string literal (quotes, escapes)
    path.write_text(
        "provider_installation {\n"
        f"  filesystem_mirror {{\n    path = {mirror_text}\n  }}\n"
        '  direct {\n    exclude = ["*/*/*"]\n  }\n'
        "}\n"
    )
    return path


# What a user's own Terraform setup means for the real providers: where they are
# installed from (a CLI config with a mirror or a network mirror), the plugin cache, and
# the credentials of private registries. Kept when no test mirror is used.
USER_PROVIDER_SETTINGS = ("TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR")
USER_PROVIDER_SETTING_PREFIXES = ("TF_TOKEN_",)


def _keeps(name: str, keep_user_settings: bool) -> bool:
    if name == "TF_LOG":
        return True
    return keep_user_settings and (
        name in USER_PROVIDER_SETTINGS or name.startswith(USER_PROVIDER_SETTING_PREFIXES)
    )


def _clean_env(*, keep_user_settings: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    # Nothing else from the user's Terraform setup leaks in (TF_VAR_*, TF_WORKSPACE,
    # TF_DATA_DIR, ...); with a test mirror, not even their provider installation.
    for name in list(env):
        if name.startswith("TF_") and not _keeps(name, keep_user_settings):
            del env[name]
    env.update(
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    return env


@dataclass
class StepResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


# Go's garbage collector target for Terraform and its providers in the tests (Go's
# default is 100); see Terraform.env.
TEST_GOGC = "400"

# After a timeout Terraform gets Ctrl-C's signal and this long to stop on its own: it
# lets the operations in flight finish and writes them to the state.
INTERRUPT_GRACE = 600.0


class TerraformTimeout(Exception):
    """A step ran past its timeout and was interrupted (see :meth:`Terraform.run`)."""


@dataclass
class Terraform:
    """Runs terraform with the session's CLI config, timing every step."""

    executable: Path
    # None: the user's own provider installation (the live suite installs the real
    # providers): their TF_CLI_CONFIG_FILE, TF_PLUGIN_CACHE_DIR and TF_TOKEN_* stay.
    # Otherwise a CLI config that pins providers to the local mirror, and nothing of theirs.
    cli_config: Path | None
    version: str
    timings: list[tuple[str, str, float]] = field(default_factory=list)
    # A plugin cache shared by every working folder (providers installed once), used when
    # the user's environment names none.
    plugin_cache: Path | None = None
    # Set (a string) or removed (None) in every step's environment, after the rest.
    # May hold a secret (the live suite's private key): kept out of the repr.
    env_overrides: Mapping[str, str | None] = field(default_factory=dict, repr=False)
    interrupt_grace: float = INTERRUPT_GRACE

    @property
    def env(self) -> dict[str, str]:
        env = _clean_env(keep_user_settings=self.cli_config is None)
        if self.cli_config is not None:
            env["TF_CLI_CONFIG_FILE"] = str(self.cli_config)
            # Every Terraform step starts the aws provider two to five times, and each
            # start builds its whole schema: collecting garbage less often there saves
            # about a fifth of that CPU (measured: 5.9 -> 4.6 s per validate) for about
            # 150 MB more at its peak. The live suite keeps the user's own setting.
            env.setdefault("GOGC", TEST_GOGC)
        if self.plugin_cache is not None and "TF_PLUGIN_CACHE_DIR" not in env:
            self.plugin_cache.mkdir(parents=True, exist_ok=True)
            env["TF_PLUGIN_CACHE_DIR"] = str(self.plugin_cache)
        for name, value in self.env_overrides.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def run(
        self,
        cwd: Path,
        *args: str,
        label: str | None = None,
        ok_codes: Sequence[int] = (0,),
        timeout: float = 600,
        extra_env: dict[str, str] | None = None,
    ) -> StepResult:
        """Run one step; fail the test when it exits with a code not in ``ok_codes``.

        Past ``timeout`` Terraform is interrupted the way Ctrl-C does (SIGINT), then
        waited for (``interrupt_grace`` seconds) so that what it created reaches the
        state; only a Terraform that ignores the interrupt is killed.
        """
        command = [str(self.executable), *args]
        start = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**self.env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        timed_out = killed = False
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            process.send_signal(signal.SIGINT)
            try:
                stdout, stderr = process.communicate(timeout=self.interrupt_grace)
            except subprocess.TimeoutExpired:
                killed = True
                process.kill()
                stdout, stderr = process.communicate()
        seconds = time.monotonic() - start
        step = label or " ".join(a for a in args if not a.startswith("-"))
        self.timings.append((cwd.name, step, seconds))
        result = StepResult(command, process.returncode, stdout, stderr, seconds)
        output = f"--- stdout ---\n{stdout[-6000:]}\n--- stderr ---\n{stderr[-6000:]}"
        if timed_out:
            how = (
                "killed: it ignored the interrupt for "
                f"{self.interrupt_grace:.0f} s, so the state may miss what it was creating"
                if killed
                else f"interrupted (SIGINT) and exited {process.returncode}"
            )
            raise TerraformTimeout(
                f"`terraform {' '.join(args)}` in {cwd} ran past {timeout:.0f} s and was "
                f"{how} after {seconds:.1f} s in all\n{output}"
            )
        if process.returncode not in ok_codes:
            pytest.fail(
                f"`terraform {' '.join(args)}` in {cwd} exited {process.returncode} "
                f"(expected {list(ok_codes)}) after {seconds:.1f} s\n{output}"
            )
        return result

    def assert_no_changes(self, cwd: Path, why: str, *, timeout: float = 600) -> None:
        """``terraform plan -detailed-exitcode`` in ``cwd`` must plan no change: exit 2
        fails the test with ``why`` and the plan."""
        plan = self.run(
            cwd,
            "plan",
            "-input=false",
            "-no-color",
            "-detailed-exitcode",
            label="plan -detailed-exitcode",
            ok_codes=(0, 2),
            timeout=timeout,
        )
        assert plan.returncode == 0, f"{why}:\n{plan.stdout}"

    def timing_lines(self, workdir: str | None = None) -> list[str]:
        return [
            f"terraform {step:<28} {seconds:6.1f} s"
            for where, step, seconds in self.timings
            if workdir is None or where == workdir
        ]


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """Terraform on PATH with a CLI config that uses the provider mirror only."""
    executable = find_terraform()
    mirror = find_provider_mirror()
    missing = []
    if executable is None:
        missing.append("`terraform` on PATH")
    if mirror is None:
        missing.append(
            f"a provider filesystem mirror holding {REGISTRY_DIR}/hashicorp/aws/"
            f"{AWS_PROVIDER_VERSION} (set {MIRROR_ENV} to its root)"
        )
    require(missing)
    assert executable is not None and mirror is not None
    config = write_cli_config(tmp_path_factory.mktemp("terraform-cli") / "cli.tfrc", mirror)
    return Terraform(executable, config, terraform_version(executable))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class MotoServer:
    endpoint: str
    port: int

    def client(self, service: str):  # -> botocore client
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=DUMMY_KEY,
            aws_secret_access_key=DUMMY_KEY,
        )


@pytest.fixture(scope="session")
def moto_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """moto's server on a free 127.0.0.1 port, started once per session (each start costs
    a Python and Flask start-up) and stopped at its end; tests take it through
    :func:`moto_server`, which empties it first."""
    command = find_moto_server()
    require([] if command else ["`moto_server` (pip install 'moto[server]')"])
    assert command is not None
    port = _free_port()
    log_path = tmp_path_factory.mktemp("moto") / "moto_server.log"
    env = dict(os.environ)
    env.pop("AWS_PROFILE", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"moto_server exited {process.returncode} at start:\n{log_path.read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"moto_server not ready on {endpoint} after 30 s")
            time.sleep(0.1)
        yield MotoServer(endpoint, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def reset_moto(server: MotoServer) -> None:
    """Forget every resource of every service (moto's own reset endpoint)."""
    request = urllib.request.Request(f"{server.endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status


@pytest.fixture
def moto_server(moto_process: MotoServer) -> MotoServer:
    """The session's moto server, emptied for this test: every test starts on an
    account with nothing in it, as it did on a server of its own."""
    reset_moto(moto_process)
    return moto_process


def moto_provider_config(endpoint: str) -> dict[str, object]:
    """Keyword arguments of ``AwsProvider`` (snake_case) for an aws provider that talks to
    moto only."""
    return {
        "region": REGION,
        "access_key": DUMMY_KEY,
        "secret_key": DUMMY_KEY,
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": "true",
        "s3_use_path_style": True,
        "endpoints": {
            "s3": endpoint,
            "kms": endpoint,
            "iam": endpoint,
            "sts": endpoint,
            "sns": endpoint,
        },
    }


def moto_aws_provider(stack, endpoint: str):  # (TerraformStack, str) -> AwsProvider
    """An ``AwsProvider`` in ``stack`` configured by :func:`moto_provider_config`."""
    from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderEndpoints

    config = moto_provider_config(endpoint)
    endpoints = config.pop("endpoints")
    assert isinstance(endpoints, dict)
    return AwsProvider(stack, "aws", endpoints=[AwsProviderEndpoints(**endpoints)], **config)


def moto_stack(app, name: str, *, endpoint: str, required_version: str):
    """A ``TerraformStack`` for moto: the local Terraform, aws pinned to the mirror's
    version through the library's own ``pin_versions``, a moto-bound provider and a
    local state file."""
    from cdktf import LocalBackend, TerraformStack

    from snowssi_constructs import ProviderVersions, pin_versions

    stack = TerraformStack(app, name)
    pin_versions(
        stack,
        required_version=required_version,
        versions=ProviderVersions(aws=AWS_PROVIDER_VERSION),
        providers=("aws",),
    )
    moto_aws_provider(stack, endpoint)
    LocalBackend(stack, path="terraform.tfstate")
    return stack


def moto_provider_hcl(endpoint: str) -> str:
    """The same provider configuration as HCL."""
    services = "\n".join(f'    {s} = "{endpoint}"' for s in ("s3", "kms", "iam", "sts", "sns"))
    return (
        'provider "aws" {\n'
        f'  region                      = "{REGION}"\n'
        f'  access_key                  = "{DUMMY_KEY}"\n'
        f'  secret_key                  = "{DUMMY_KEY}"\n'
        "  skip_credentials_validation = true\n"
        "  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n"
        "  s3_use_path_style           = true\n"
        f"  endpoints {{\n{services}\n  }}\n"
        "}\n"
    )


def print_timings(terraform: Terraform, title: str, workdir: str, capsys) -> None:
    """Print the Terraform step timings to the terminal even when output is captured."""
    lines = [f"{title}: Terraform {terraform.version}, step timings"]
    lines += ["  " + line for line in terraform.timing_lines(workdir)]
    total = sum(s for where, _, s in terraform.timings if where == workdir)
    lines.append(f"  total {total:.1f} s")
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def apply_converge_destroy(
    terraform: Terraform,
    workdir: Path,
    *,
    check: Callable[[], None],
    title: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The cycle every apply test runs on ``workdir``'s ``cdk.tf.json``: init; plan, with
    no error and no warning (a deprecated or unknown argument would show), and apply that
    plan; plan again, which must show no change (a perpetual diff fails); ``check()`` what
    was created; and, whatever happened, destroy what the state holds and print the
    steps' timings under ``title``."""
    try:
        terraform.run(workdir, "init", "-input=false", "-no-color")
        # The plan validates the configuration first and reports what `terraform validate`
        # would (both its walks: the warnings come twice): one command, and two provider
        # starts, fewer than validate and then plan.
        plan = terraform.run(
            workdir,
            "plan",
            "-input=false",
            "-json",
            "-out=first.plan",
            label="plan (validates)",
        )
        diagnostics = plan_diagnostics(plan.stdout)
        assert diagnostics == [], diagnostics
        terraform.run(
            workdir,
            "apply",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "first.plan",
            label="apply",
        )
        terraform.assert_no_changes(workdir, "perpetual diff after apply")
        check()
    finally:
        if (workdir / "terraform.tfstate").exists():
            destroy_from_state(terraform, workdir)
        print_timings(terraform, title, workdir.name, capsys)


def plan_diagnostics(json_lines: str) -> list[str]:
    """The warnings and errors of a ``terraform plan -json`` (its machine-readable UI,
    one JSON message a line), as ``severity: summary: detail``."""
    found = []
    for line in json_lines.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("type") == "diagnostic":
            diagnostic = message["diagnostic"]
            found.append(
                f"{diagnostic['severity']}: {diagnostic['summary']}: {diagnostic.get('detail', '')}"
            )
    return found


def destroy_from_state(terraform: Terraform, workdir: Path) -> None:
    """``terraform destroy`` of what the state holds, without refreshing it first: moto
    holds exactly what the apply wrote (nothing else changes it), so the refresh would
    only read it back, and it costs one more provider start and a read of every
    resource. The apply tests check afterwards that moto holds nothing."""
    terraform.run(
        workdir,
        "destroy",
        "-input=false",
        "-no-color",
        "-auto-approve",
        "-refresh=false",
        label="destroy",
    )


@cache
def synthesized_texts() -> dict[str, str]:
    """``{"<source>/<stack>": cdk.tf.json text}`` for the default stack (source
    ``default``) and every stack of every example; synthesized once per session and
    shared by the schema and checkov tests."""
    from snowssi_constructs import SnowSSIStack
    from tests.support import EXAMPLES, load_example, synth_text

    texts = {
        f"default/{stack}": text
        for stack, text in synth_text(lambda app: SnowSSIStack(app, "snowssi")).items()
    }
    for example in EXAMPLES:
        for stack, text in synth_text(load_example(example)).items():
            texts[f"{example}/{stack}"] = text
    return texts
