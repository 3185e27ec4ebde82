"""A user's ``mypy --strict``, in a project of its own, reads the bindings' roots from the
partial stub packages the wheel ships: it stays out of the bindings' thousands of
submodules, and the user's own code still gets the bindings' full types.

Correctness only: how long it takes is measured by ``benchmarks/user_mypy.py`` (see
docs/performance.md), never asserted here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from snowssi_constructs._flavour import FLAVOUR, MODULES

# The integration tier (tests/tiers.py): mypy runs on each program in a process of its own.
pytestmark = pytest.mark.integration

CORE, AWS = MODULES[FLAVOUR][0], MODULES[FLAVOUR][1]
TIMEOUT = 600

PROGRAMS = {
    # The ten-line program of the benchmark.
    "main.py": f'''"""A user's program: the default SnowSSI stack, synthesized."""

from {CORE} import App

from snowssi_constructs import SnowSSIStack

app = App()
SnowSSIStack(app, "snowssi")
app.synth()
''',
    # The user's own code, on a binding class the library does not use.
    "own_binding.py": f"""from {CORE} import App, TerraformStack
from {AWS}.sqs_queue import SqsQueue

app = App()
stack = TerraformStack(app, "mine")
queue = SqsQueue(stack, "queue", name="orders", delay_seconds=5)
arn: str = queue.arn
""",
    "binding_error.py": f"""from {CORE} import App, TerraformStack
from {AWS}.sqs_queue import SqsQueue

SqsQueue(TerraformStack(App(), "mine"), "queue", delay_seconds="5")
""",
    "api_error.py": f"""from {CORE} import App

from snowssi_constructs import SnowSSIStack

SnowSSIStack(App(), "snowssi", hardened="yes")
""",
    # The flavour's App and TerraformStack as the package exports them: typed on either
    # flavour (on CDK Terrain, mypy once saw them as Any and passed anything).
    "root_classes_error.py": """from snowssi_constructs import App, SnowSSIBootstrap, TerraformStack

app = App(outdir=1)
TerraformStack(app)
SnowSSIBootstrap(app, "bootstrap", serverless_tasks=True)
""",
    # Through the root alone, a submodule nobody imported is reported: import it.
    "root_only.py": f"""import {AWS}

{AWS}.vpc.Vpc
""",
}

ERROR = re.compile(r"^(?P<file>[\w.]+):\d+: error: (?P<message>.*)  \[(?P<code>[\w-]+)\]$")


@pytest.fixture(scope="module")
def mypy_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], str]:
    """One cold run over the programs: the errors reported, and the verbose log."""
    project = tmp_path_factory.mktemp("user-project")
    for name, text in PROGRAMS.items():
        (project / name).write_text(text)
    # No configuration file in the project: mypy's defaults and --strict, as a user has.
    mypy = [sys.executable, "-m", "mypy", "--strict", "--verbose", "--cache-dir", "cache"]
    completed = subprocess.run(
        [*mypy, *sorted(PROGRAMS)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    errors = [m.groupdict() for m in map(ERROR.match, completed.stdout.splitlines()) if m]
    assert completed.returncode == 1, completed.stdout + completed.stderr[-3000:]
    return errors, completed.stderr


def test_the_users_programs_pass(mypy_run):
    errors, _ = mypy_run
    assert not [e for e in errors if e["file"] in ("main.py", "own_binding.py")], errors


def test_a_type_error_on_a_binding_class_is_reported(mypy_run):
    errors, _ = mypy_run
    (error,) = [e for e in errors if e["file"] == "binding_error.py"]
    assert error["code"] == "arg-type"
    assert '"delay_seconds" to "SqsQueue" has incompatible type "str"' in error["message"]


def test_a_type_error_on_the_librarys_api_is_reported(mypy_run):
    errors, _ = mypy_run
    (error,) = [e for e in errors if e["file"] == "api_error.py"]
    assert error["code"] == "arg-type"
    assert '"hardened" to "SnowSSIStack" has incompatible type "str"' in error["message"]


def test_the_exported_app_and_stack_are_typed_on_this_flavour(mypy_run):
    errors, _ = mypy_run
    reported = [(e["code"], e["message"]) for e in errors if e["file"] == "root_classes_error.py"]
    assert [code for code, _ in reported] == ["arg-type", "call-arg", "call-arg"], reported
    assert '"outdir" to "App" has incompatible type "int"' in reported[0][1]
    assert 'Missing positional argument "id" in call to "TerraformStack"' in reported[1][1]
    assert 'Unexpected keyword argument "serverless_tasks"' in reported[2][1]


def test_a_submodule_reached_only_through_the_root_is_reported(mypy_run):
    errors, _ = mypy_run
    (error,) = [e for e in errors if e["file"] == "root_only.py"]
    assert error["message"] == 'Module has no attribute "vpc"'
    assert error["code"] == "attr-defined"


def test_mypy_reads_the_shipped_root_stub_not_the_bindings_submodules(mypy_run):
    _, log = mypy_run
    parsed = re.findall(r"Parsing (\S+) \(([\w.]+)\)", log)
    (root,) = [path for path, module in parsed if module == AWS]
    assert Path(root).parent.name == f"{AWS}-stubs"
    assert Path(root).parent.parent.name == "site-packages"
    submodules = {module for _, module in parsed if module.startswith(f"{AWS}.")}
    # The ones the programs and (on CDKTF, what type checkers see) the library import,
    # not the binding's 2,200.
    assert f"{AWS}.sqs_queue" in submodules
    assert len(submodules) < 40, sorted(submodules)


ROOT_STUBS = [f"{package}-stubs" for names in MODULES.values() for package in names[1:]]


def test_the_wheel_ships_a_partial_stub_package_for_each_bindings_root(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for stubs in ROOT_STUBS:
            assert f"{stubs}/__init__.pyi" in names, stubs
            # "partial": every module the stub package lacks comes from the binding.
            assert archive.read(f"{stubs}/py.typed").decode() == "partial\n", stubs
            # Empty but for comments: the root declares nothing, and imports nothing.
            root = archive.read(f"{stubs}/__init__.pyi").decode()
            assert all(line.startswith("#") for line in root.splitlines() if line.strip())
    assert not [name for name in names if name.startswith("stubs/")]
