"""The start-up hook is harmless to jsii programs that are not ours.

The hook runs in every Python process of the environment and starts the jsii kernel its
own way for any program that imports jsii, ours or not. A small foreign jsii library,
cdk8s, is installed beside this environment's packages (a flavour, so the hook is on)
and a cdk8s program runs with the hook on and with ``SNOWSSI_NO_STARTUP_HOOK=1``: its
output is the same byte for byte, and turned off, the hook's finder is not there and
none of the package is imported.

cdk8s comes from the package index once per environment, into ``<venv>/foreign/``
(without dependencies: it needs only jsii, constructs, publication and typeguard, which
every flavour's environment has). Without the index the test is skipped locally, and
fails in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from snowssi_constructs._startup.node import wheel_node_path
from tests.support import in_ci

# The integration tier (tests/tiers.py): each foreign program runs in a Python process of its own.
pytestmark = pytest.mark.integration

CDK8S = "cdk8s==2.70.115"
FOREIGN = Path(sys.prefix) / "foreign" / CDK8S.replace("==", "-")

PROGRAM = """
import json
import sys
from pathlib import Path

import cdk8s

app = cdk8s.App(outdir=sys.argv[1])
chart = cdk8s.Chart(app, "demo", labels={"app": "demo"})
config = cdk8s.ApiObject(
    chart, "config", api_version="v1", kind="ConfigMap",
    metadata=cdk8s.ApiObjectMetadata(name="demo-config", annotations={"team": "data"}),
)
config.add_json_patch(cdk8s.JsonPatch.add("/data", {"greeting": "hello", "size": "3"}))
print(app.synth_yaml())
app.synth()
print(json.dumps(chart.to_json(), sort_keys=True))
finder = any(type(finder).__name__ == "StartupFinder" for finder in sys.meta_path)
runtime = sys.modules.get("snowssi_constructs._startup.runtime")
ours = sorted(name for name in sys.modules if name.startswith("snowssi_constructs"))
print(json.dumps({
    "finder": finder,
    "kernel": runtime.kernel_mode() if runtime else None,
    "imported": ours,
}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def cdk8s_path() -> Path:
    if not (FOREIGN / "cdk8s" / "__init__.py").is_file():
        command = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        command += ["--no-deps", "--target", str(FOREIGN), CDK8S]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            message = f"could not install {CDK8S} from the package index:\n{completed.stderr}"
            if in_ci():
                pytest.fail(message)
            pytest.skip(message)
    return FOREIGN


def run_cdk8s(tmp_path: Path, cdk8s_path: Path, *, hook: bool) -> tuple[str, dict[str, bytes], str]:
    """The program's stdout, the files it wrote and its stderr."""
    name = "on" if hook else "off"
    program = tmp_path / "program.py"
    program.write_text(PROGRAM, encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SNOWSSI_", "JSII_")) and key != "PYTHONPATH"
    }
    env["PYTHONPATH"] = str(cdk8s_path)
    # The same Node.js both ways: the hook selects the wheel's, jsii takes JSII_NODE.
    env["JSII_NODE"] = str(wheel_node_path())
    if not hook:
        env["SNOWSSI_NO_STARTUP_HOOK"] = "1"
    outdir = tmp_path / name
    completed = subprocess.run(
        [sys.executable, str(program), str(outdir)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    files = {path.name: path.read_bytes() for path in sorted(outdir.iterdir())}
    return completed.stdout, files, completed.stderr


def test_a_cdk8s_program_writes_the_same_bytes_with_the_hook_on_and_off(
    tmp_path: Path, cdk8s_path: Path
):
    on_stdout, on_files, on_stderr = run_cdk8s(tmp_path, cdk8s_path, hook=True)
    off_stdout, off_files, off_stderr = run_cdk8s(tmp_path, cdk8s_path, hook=False)
    assert "kind: ConfigMap" in on_stdout and "greeting: hello" in on_stdout
    assert on_stdout == off_stdout
    assert on_files == off_files
    assert list(on_files) == ["demo.k8s.yaml"]
    # Nothing but the program's own line on stderr: no warning either way.
    assert on_stderr.count("\n") == off_stderr.count("\n") == 1


def test_the_hook_starts_the_kernel_for_a_foreign_program_and_is_absent_when_off(
    tmp_path: Path, cdk8s_path: Path
):
    on = json.loads(run_cdk8s(tmp_path, cdk8s_path, hook=True)[2].splitlines()[-1])
    off = json.loads(run_cdk8s(tmp_path, cdk8s_path, hook=False)[2].splitlines()[-1])
    assert on["finder"] is True and on["kernel"] == "fast"
    assert off == {"finder": False, "kernel": None, "imported": []}
