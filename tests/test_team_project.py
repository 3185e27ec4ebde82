"""The team project (examples/team_project/) works as a user's project does.

The package's wheel is installed, with this run's flavour's extra and ``testing``, into
a fresh environment that cannot see this checkout; the project is copied to a temporary
folder, and there ``python main.py`` synthesizes its three stacks, its own pytest passes
(validity and snapshot) and ``mypy --strict`` passes, and fails on a deliberately wrong
copy, which proves that it checks the program. The CDKTF run does this on CDKTF, the
CDK Terrain run on CDK Terrain.

The environment is kept in ``.test-venvs/`` (git-ignored), one per flavour, keyed on
``pyproject.toml`` and the flavour's constraints (what decides the 500 MB of
dependencies); a changed wheel is reinstalled into it alone (``--no-deps``), so a rerun
installs nothing and a code change installs one wheel. The CLI check downloads the
flavour's CLI from npm into ``.npm-cache/`` (git-ignored) the first time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

import dev
from snowssi_constructs._flavour import FLAVOUR
from tests.support import EXAMPLES_DIR, ROOT

pytestmark = pytest.mark.integration

PROJECT = EXAMPLES_DIR / "team_project"
STACKS = ["bootstrap", "snowssi-dev", "snowssi-prod"]
VENVS = ROOT / ".test-venvs"
# Leftovers of a run in the project folder are not part of the project.
NOT_THE_PROJECT = shutil.ignore_patterns("cdktf.out", "__pycache__", ".*_cache")


def bin_dir(environment: Path) -> Path:
    return environment / ("Scripts" if os.name == "nt" else "bin")


def clean_environ() -> dict[str, str]:
    """The environment of a user's shell: nothing of this run's Python or of ours."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "MYPYPATH")
    return {
        key: value
        for key, value in os.environ.items()
        if key not in drop and not key.startswith("SNOWSSI_")
    }


def run(command: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def user_environment(wheel: Path) -> Path:
    """A venv with the wheel, ``[<flavour>,testing]`` and mypy, installed with the
    flavour's constraints; reused while pyproject.toml and constraints.txt are unchanged."""
    constraints = "\n".join(dev.constraint_lines(FLAVOUR)) + "\n"
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + constraints.encode())
    environment = VENVS / f"team-{FLAVOUR}-{key.hexdigest()[:16]}"
    for stale in VENVS.glob(f"team-{FLAVOUR}-*"):
        if stale != environment:
            shutil.rmtree(stale, ignore_errors=True)
    python = bin_dir(environment) / ("python.exe" if os.name == "nt" else "python")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    complete = environment / ".complete"
    if not complete.exists():
        shutil.rmtree(environment, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(environment)
        (environment / "constraints.txt").write_text(constraints, encoding="utf-8")
        constrained = ["-c", str(environment / "constraints.txt")]
        requirement = f"{wheel}[{FLAVOUR},testing]"
        installed = run([*pip, "install", *constrained, requirement, "mypy"], cwd=environment)
        assert installed.returncode == 0, installed.stderr[-5000:]
        complete.write_text("")
    wheel_stamp = environment / ".wheel-sha256"
    wheel_digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if not wheel_stamp.exists() or wheel_stamp.read_text() != wheel_digest:
        reinstall = ["install", "--no-deps", "--force-reinstall", str(wheel)]
        installed = run([*pip, *reinstall], cwd=environment)
        assert installed.returncode == 0, installed.stderr[-5000:]
        wheel_stamp.write_text(wheel_digest)
    return python


@pytest.fixture(scope="module")
def python(wheel: Path) -> Path:
    """The interpreter of the user's environment, on this run's flavour."""
    return user_environment(wheel)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the team project, outside the checkout."""
    copy = tmp_path / "team_project"
    shutil.copytree(PROJECT, copy, ignore=NOT_THE_PROJECT)
    return copy


def test_the_environment_cannot_see_the_checkout(python: Path, project: Path) -> None:
    where = run(
        [str(python), "-c", "import snowssi_constructs; print(snowssi_constructs.__file__)"],
        cwd=project,
    )
    assert where.returncode == 0, where.stderr
    location = Path(where.stdout.strip())
    # The package the environment imports is the wheel's copy in its own site-packages,
    # never the checkout's source (the environment itself lives in .test-venvs/).
    assert python.parent.parent in location.parents, location
    assert "site-packages" in location.parts
    assert ROOT / "snowssi_constructs" not in location.parents, location


def test_main_synthesizes_the_three_stacks(python: Path, project: Path) -> None:
    synthesized = run([str(python), "main.py"], cwd=project)
    assert synthesized.returncode == 0, synthesized.stderr[-5000:]
    stacks = sorted(path.name for path in (project / "cdktf.out" / "stacks").iterdir())
    assert stacks == STACKS


def test_the_projects_own_tests_pass(python: Path, project: Path) -> None:
    tested = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert tested.returncode == 0, tested.stdout[-5000:] + tested.stderr[-2000:]
    assert "4 passed" in tested.stdout
    # The start-up hook imports the package before pytest loads its plugin; a user's
    # run must not warn about it on every test session.
    assert "warning" not in tested.stdout.lower(), tested.stdout[-3000:]


def test_mypy_strict_passes_on_the_project(python: Path, project: Path) -> None:
    checked = run([str(python), "-m", "mypy"], cwd=project)
    assert checked.returncode == 0, checked.stdout[-5000:]
    assert "Success: no issues found in 2 source files" in checked.stdout


@pytest.mark.parametrize(
    ("path", "right", "wrong", "reported"),
    [
        # A misspelt prop of the library's construct.
        ("main.py", "failure_alerts=True", "failure_alert=True", "failure_alert"),
        # The flavour's App, as the package exports it, is a real type.
        ("main.py", "app = App(stack_traces=False)", "app = App(stack_trace=False)", "stack_trace"),
        # The test file too: a misspelt keyword of a testing helper.
        (
            "tests/test_stacks.py",
            "assert_valid(document, name=name)",
            "assert_valid(document, nam=name)",
            "nam",
        ),
    ],
)
def test_mypy_strict_fails_on_a_wrong_copy(
    python: Path, project: Path, path: str, right: str, wrong: str, reported: str
) -> None:
    source = project / path
    text = source.read_text(encoding="utf-8")
    assert right in text
    source.write_text(text.replace(right, wrong), encoding="utf-8")
    checked = run([str(python), "-m", "mypy"], cwd=project)
    assert checked.returncode == 1, checked.stdout[-5000:]
    assert f'Unexpected keyword argument "{reported}"' in checked.stdout, checked.stdout


def test_the_cli_synthesizes_what_main_writes(python: Path, project: Path) -> None:
    # `snowssi-cli <flavour> synth` runs the project's cdktf.json app ("python main.py")
    # in the same environment, through npx on the wheel's Node.js.
    cli = bin_dir(python.parent.parent) / ("snowssi-cli.exe" if os.name == "nt" else "snowssi-cli")
    env = {**clean_environ(), "SNOWSSI_NPM_CACHE": str(ROOT / ".npm-cache")}
    synthesized = subprocess.run(
        [str(cli), FLAVOUR, "synth"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert synthesized.returncode == 0, synthesized.stdout[-3000:] + synthesized.stderr[-3000:]
    by_cli = {
        name: (project / "cdktf.out" / "stacks" / name / "cdk.tf.json").read_bytes()
        for name in STACKS
    }
    shutil.rmtree(project / "cdktf.out")
    by_main = run([str(python), "main.py"], cwd=project)
    assert by_main.returncode == 0, by_main.stderr[-5000:]
    for name in STACKS:
        assert (project / "cdktf.out" / "stacks" / name / "cdk.tf.json").read_bytes() == by_cli[
            name
        ], name
