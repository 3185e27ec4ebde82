"""snowssi_constructs.testing, as a user's project gets it: the test file of
docs/testing.md run in a project of its own, the pytest plugin, the helpers, and the
CI workflows (the user's in the docs, the repository's own)."""

from __future__ import annotations

import copy
import importlib.metadata
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from snowssi_constructs import SnowSSIStack, testing
from snowssi_constructs._flavour import FLAVOUR, MODULES
from snowssi_constructs.testing.schema import binding_packages
from tests.support import ROOT, synth_app
from tests.test_checkov import checkov_env

DOCS_PAGE = ROOT / "docs" / "testing.md"
TIMEOUT = 600


def fenced_block(title: str) -> str:
    """The code block of docs/testing.md whose title is ``title``."""
    page = DOCS_PAGE.read_text(encoding="utf-8")
    match = re.search(rf'```\w+ title="{re.escape(title)}"\n(.*?)\n```', page, re.DOTALL)
    assert match, f"docs/testing.md has no block titled {title}"
    return match.group(1) + "\n"


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The plugin is found through the package's entry point, as in a user's project.
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        timeout=TIMEOUT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.integration
def test_the_test_file_of_the_docs_passes_in_a_project_of_its_own(tmp_path: Path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_my_stack.py").write_text(fenced_block("tests/test_my_stack.py"))
    first = run_pytest(tmp_path, "--snapshot-update")
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-3000:]
    again = run_pytest(tmp_path)
    assert again.returncode == 0, again.stdout[-5000:] + again.stderr[-3000:]
    assert "2 passed" in again.stdout
    snapshot = tmp_path / "tests/__snapshots__/test_my_stack/test_the_stacks_are_as_reviewed.json"
    stacks = json.loads(snapshot.read_text())
    assert list(stacks) == ["orders"]
    assert stacks["orders"]["//"]["metadata"]["version"] == testing.CDKTF_VERSION
    assert "snowflake_task" in stacks["orders"]["resource"]


def run_mypy(project: Path, *files: str) -> list[str]:
    """A user's ``mypy --strict`` (no configuration file) on ``files``: its error lines."""
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", "cache", *files],
        cwd=project,
        timeout=TIMEOUT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stdout + completed.stderr[-3000:]
    return [line for line in completed.stdout.splitlines() if ": error: " in line]


@pytest.mark.integration
def test_the_test_file_of_the_docs_passes_mypy_strict_which_really_checks_it(tmp_path: Path):
    text = fenced_block("tests/test_my_stack.py")
    (tmp_path / "test_my_stack.py").write_text(text)
    assert run_mypy(tmp_path, "test_my_stack.py") == []
    # Not a pass by Any: a wrong prop, a wrong App call and a wrong fixture use are errors,
    # on either flavour (App is typed on CDK Terrain too).
    broken = text.replace("hardened=True", 'hardened="yes"') + (
        "\n\ndef test_wrong(snowssi_synth: SynthFixture) -> None:\n"
        "    App(outdir=1)\n"
        "    snowssi_synth(42)\n"
    )
    (tmp_path / "test_my_stack.py").write_text(broken)
    errors = run_mypy(tmp_path, "test_my_stack.py")
    assert len(errors) == 3, errors
    assert '"hardened" to "SnowSSIStack" has incompatible type "str"' in errors[0]
    assert '"outdir" to "App" has incompatible type "int"' in errors[1]
    assert 'to "__call__" of "SynthFixture" has incompatible type "int"' in errors[2]


@pytest.mark.integration
def test_a_changed_stack_fails_the_snapshot_in_that_project(tmp_path: Path):
    (tmp_path / "tests").mkdir()
    test_file = tmp_path / "tests" / "test_my_stack.py"
    test_file.write_text(fenced_block("tests/test_my_stack.py"))
    assert run_pytest(tmp_path, "--snapshot-update", "-k", "reviewed").returncode == 0
    test_file.write_text(test_file.read_text().replace('"returns"', '"refunds"'))
    changed = run_pytest(tmp_path, "-k", "reviewed")
    assert changed.returncode == 1, changed.stdout[-3000:]
    assert "refunds" in changed.stdout


@pytest.mark.integration
def test_the_plugin_is_registered_and_loads_nothing_heavy():
    (entry_point,) = [
        ep for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "snowssi"
    ]
    assert entry_point.value == "snowssi_constructs.testing.plugin"
    # pytest loads the plugin in every run of the environment: it must cost nothing.
    probe = (
        "import sys, snowssi_constructs.testing.plugin\n"
        "print(sorted(m for m in ('jsii', 'cdktf', 'cdktn', 'constructs', 'syrupy')"
        " if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT, check=True
    )
    assert completed.stdout.strip() == "[]"


@pytest.mark.integration
def test_without_syrupy_the_snapshot_fixture_names_the_extra(tmp_path: Path):
    # A syrupy that cannot be imported stands in for one that is not installed; pytest
    # is told not to load syrupy's own plugin, as it would not find one.
    fake = tmp_path / "site" / "syrupy"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError(\"No module named 'syrupy'\")\n")
    (tmp_path / "test_user.py").write_text("def test_it(snowssi_snapshot):\n    pass\n")
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:syrupy"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        timeout=TIMEOUT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stdout[-3000:] + completed.stderr[-2000:]
    assert "snowssi_snapshot needs syrupy: pip install 'snowssi-constructs[testing]'" in (
        completed.stdout
    )


def test_pytest_and_syrupy_are_the_testing_extra_not_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0] for r in project["dependencies"]]
    assert not {"pytest", "syrupy"} & set(names)
    testing_extra = project["optional-dependencies"]["testing"]
    assert {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0] for r in testing_extra} == {
        "pytest",
        "syrupy",
    }


@pytest.fixture(scope="module")
def normalised_default() -> dict[str, Any]:
    return testing.synth(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]


def test_synth_normalises_on_either_flavour(normalised_default: dict[str, Any]):
    raw = synth_app(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]
    installed = "0.21.0" if FLAVOUR == "cdktf" else importlib.metadata.version(FLAVOUR)
    assert raw["//"]["metadata"]["version"] == installed
    assert normalised_default["//"]["metadata"]["version"] == testing.CDKTF_VERSION
    assert {**normalised_default, "//": None} == {**raw, "//": None}


def test_normalise_refuses_json_of_another_cdk(normalised_default: dict[str, Any]):
    document = copy.deepcopy(normalised_default)
    document["//"]["metadata"]["version"] = "0.20.0"  # neither flavour's
    with pytest.raises(ValueError, match=r"'0\.20\.0', not"):
        testing.normalise(document)


def test_the_schema_is_the_installed_flavours():
    assert list(binding_packages().values()) == list(MODULES[FLAVOUR][1:])


@pytest.mark.shared_json
def test_the_default_stack_is_valid(normalised_default: dict[str, Any]):
    assert testing.check(normalised_default) == []
    testing.assert_valid(normalised_default)


@pytest.mark.shared_json
def test_assert_valid_names_the_stack_and_every_problem(normalised_default: dict[str, Any]):
    document = copy.deepcopy(normalised_default)
    del document["resource"]["snowflake_stage"]["inbound_stage"]["lifecycle"]
    document["resource"]["aws_kms_key"]["kms_key"]["enable_rotation"] = True
    with pytest.raises(AssertionError) as raised:
        testing.assert_valid(document, name="team-a")
    assert str(raised.value).splitlines() == [
        "team-a has 2 problem(s):",
        "snowflake_stage.inbound_stage.directory replaces on every apply: "
        "pkg/resources/stage.go @ v2.10.1",
        "aws_kms_key.kms_key: unknown attribute or block 'enable_rotation'",
    ]


# The CI workflows: the user's (docs/testing.md) and the repository's own.

WORKFLOW = ROOT / ".github" / "workflows" / "checks.yml"
USER_WORKFLOW = ".github/workflows/infrastructure.yml"


def steps(text: str) -> list[dict[str, Any]]:
    (job,) = yaml.safe_load(text)["jobs"].values()
    return list(job["steps"])


def test_the_repository_workflow_runs_dev_py_test_with_the_users_actions():
    ours, theirs = steps(WORKFLOW.read_text()), steps(fenced_block(USER_WORKFLOW))
    assert [s["run"] for s in ours if "run" in s][-1] == "python3 dev.py test"
    uses = [s["uses"] for s in ours if "uses" in s]
    assert uses == [s["uses"] for s in theirs if "uses" in s]
    assert uses == ["actions/checkout@v4", "actions/setup-python@v5"]


def test_the_user_workflow_synthesizes_tests_and_scans():
    runs = [s["run"] for s in steps(fenced_block(USER_WORKFLOW)) if "run" in s]
    assert "python main.py" in runs
    assert "python -m pytest" in runs
    (scan,) = [r for r in runs if "checkov" in r]
    assert "--framework terraform_json" in scan
    assert "checkov_input cdktf.out checkov-input" in scan


def run_step(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One line of a workflow's ``run``, on this environment's python and checkov."""
    words = shlex.split(command)
    tools = {"python": sys.executable, "checkov": str(Path(sys.executable).parent / "checkov")}
    return subprocess.run(
        [tools.get(words[0], words[0]), *words[1:]],
        cwd=cwd,
        env=checkov_env(),
        timeout=TIMEOUT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.integration
@pytest.mark.shared_json
def test_the_user_workflow_synthesizes_and_scans_a_project(tmp_path: Path):
    (tmp_path / "main.py").write_text(
        "from snowssi_constructs import App, SnowSSIStack\n\n"
        'app = App()\nSnowSSIStack(app, "snowssi")\napp.synth()\n'
    )
    # The project keeps its accepted findings where checkov reads them, as ours does.
    (tmp_path / ".checkov.yaml").write_text((ROOT / ".checkov.yaml").read_text())
    by_name = {s.get("name"): s for s in steps(fenced_block(USER_WORKFLOW))}
    lines = [by_name["Synthesize"]["run"], *by_name["Scan the Terraform JSON"]["run"].splitlines()]
    for line in lines:
        completed = run_step(line, tmp_path)
        assert completed.returncode == 0, f"{line}:\n{completed.stdout[-3000:]}{completed.stderr}"
    assert (tmp_path / "checkov-input" / "snowssi" / "cdk.tf.json").is_file()
    summary = re.search(r"Passed checks: (\d+), Failed checks: (\d+)", completed.stdout)
    assert summary and int(summary.group(1)) > 0 and summary.group(2) == "0", completed.stdout
    assert "Parsing errors" not in completed.stdout


@pytest.mark.parametrize("source", ["repository", "docs"])
def test_the_workflows_name_no_host(source: str):
    text = WORKFLOW.read_text() if source == "repository" else fenced_block(USER_WORKFLOW)
    assert not re.search(r"://|\b[\w-]+\.(?:com|org|io|net|dev)\b", text)
