"""The start-up hook: the fast path whatever the import order, and nothing for a program
that never uses jsii.

Each program runs in its own process, from a folder outside the repository, the way a
user runs it: the hook is installed by the package's ``.pth`` file at start-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from snowssi_constructs._flavour import FLAVOUR, MODULES
from snowssi_constructs._startup import OPT_OUT_ENV
from tests.support import EXAMPLES, EXAMPLES_DIR, ROOT

TIMEOUT = 600
CORE = MODULES[FLAVOUR][0]
STACK_JSON = Path("cdktf.out") / "stacks" / "snowssi" / "cdk.tf.json"

# What a user writes when isort or ruff sorts the imports: the CDK first.
CDK_FIRST = textwrap.dedent(
    f"""
    from {CORE} import App

    from snowssi_constructs import SnowSSIStack

    app = App(stack_traces=False)
    SnowSSIStack(app, "snowssi")
    app.synth()
    """
)
# Appended to a program: how it ran, on the last line of stdout.
REPORT = textwrap.dedent(
    """
    import json, os, sys
    from snowssi_constructs._startup import runtime
    print(json.dumps({
        "kernel": runtime.kernel_mode(),
        "load_modes": runtime.load_modes(),
        "jsii_node": os.environ.get("JSII_NODE"),
    }))
    """
)


def _environment(**extra: str) -> dict[str, str]:
    removed = ("SNOWSSI_PLAIN_IMPORTS", "SNOWSSI_PLAIN_KERNEL", OPT_OUT_ENV, "JSII_NODE")
    env = {key: value for key, value in os.environ.items() if key not in removed}
    env.update(extra)
    return env


def _run(command: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        command,
        cwd=cwd,
        env=_environment(**extra),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    return completed


def _report(completed: subprocess.CompletedProcess[str]) -> dict[str, object]:
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _expected_fast_report() -> dict[str, object]:
    from snowssi_constructs._startup.node import wheel_node_path

    bindings = MODULES[FLAVOUR][1:]
    return {
        "kernel": "fast",
        "load_modes": dict.fromkeys(bindings, "fast") if FLAVOUR == "cdktf" else {},
        "jsii_node": str(wheel_node_path()),
    }


@pytest.mark.integration
def test_an_unrelated_program_gets_only_the_finder(tmp_path: Path):
    probe = (
        "import json, sys; print(json.dumps({'modules': sorted(sys.modules), "
        "'finders': [type(f).__module__ + '.' + type(f).__name__ for f in sys.meta_path]}))"
    )
    on = json.loads(_run([sys.executable, "-c", probe], tmp_path).stdout)
    assert on["finders"][0] == "snowssi_constructs._startup.StartupFinder"
    ours = {name for name in on["modules"] if name.split(".")[0] == "snowssi_constructs"}
    # The package's root (which imports nothing) and the hook itself, nothing else.
    assert ours == {"snowssi_constructs", "snowssi_constructs._startup"}
    assert not {"jsii", "platformdirs", CORE} & set(on["modules"])
    off = json.loads(_run([sys.executable, "-c", probe], tmp_path, **{OPT_OUT_ENV: "1"}).stdout)
    assert "snowssi_constructs._startup.StartupFinder" not in off["finders"]
    assert not [name for name in off["modules"] if name.split(".")[0] == "snowssi_constructs"]


@pytest.mark.integration
def test_importing_the_cdk_first_takes_the_fast_path_with_no_warning(tmp_path: Path):
    with ThreadPoolExecutor(2) as pool:
        cdk_first = pool.submit(
            _run, [sys.executable, "-c", CDK_FIRST + REPORT], tmp_path / "cdk-first"
        )
        library_first = pool.submit(
            _run, [sys.executable, str(ROOT / "main.py")], tmp_path / "main"
        )
        completed = cdk_first.result()
        library_first.result()
    assert completed.stderr == ""
    assert _report(completed) == _expected_fast_report()
    written = (tmp_path / "cdk-first" / STACK_JSON).read_bytes()
    assert written == (tmp_path / "main" / STACK_JSON).read_bytes()


@pytest.mark.integration
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_runs_as_a_program_on_the_fast_path(example: str, tmp_path: Path):
    # The example's own imports run first (the CDK before snowssi_constructs).
    program = (
        f"import runpy; runpy.run_path({str(EXAMPLES_DIR / example / 'main.py')!r}, "
        "run_name='__main__')\n" + REPORT
    )
    completed = _run([sys.executable, "-c", program], tmp_path)
    assert completed.stderr == ""
    assert _report(completed) == _expected_fast_report()
    assert list((tmp_path / "cdktf.out" / "stacks").glob("*/cdk.tf.json"))


@pytest.mark.integration
def test_with_the_hook_turned_off_the_cdk_first_order_warns_once(tmp_path: Path):
    program = textwrap.dedent(
        """
        import json, warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
        """
    ) + textwrap.indent(CDK_FIRST, "    ")
    program += "print(json.dumps([str(w.message) for w in caught]))\n"
    completed = _run([sys.executable, "-c", program], tmp_path / "off", **{OPT_OUT_ENV: "1"})
    caught = json.loads(completed.stdout.strip().splitlines()[-1])
    assert len(caught) == 1, caught
    assert "imported after the jsii kernel started" in caught[0]
    assert OPT_OUT_ENV in caught[0]
    assert (tmp_path / "off" / STACK_JSON).is_file()


@pytest.mark.integration
def test_the_wheel_carries_the_pth_file_and_the_hook(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        pth = archive.read("snowssi_constructs.pth").decode()
    hook = {
        "__init__.py",
        "runtime.py",
        "kernel.py",
        "roots.py",
        "node.py",
        "state.py",
        "versions.py",
    }
    assert {f"snowssi_constructs/_startup/{name}" for name in hook} <= names
    assert "snowssi_constructs/_startup/snowssi-runtime.js" in names
    assert "snowssi_constructs/_flavour.py" in names
    assert not [name for name in names if name.startswith("_snowssi_jsii")]
    # Turned off, the hook imports nothing of ours: a copy of the package elsewhere on
    # sys.path (mutmut's mutants/) is then the one a program imports.
    assert pth == (
        'import os; os.environ.get("SNOWSSI_NO_STARTUP_HOOK", "") in ("", "0") and '
        '__import__("snowssi_constructs._startup", fromlist=["install"]).install()\n'
    )
