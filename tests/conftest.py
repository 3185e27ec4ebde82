"""Shared fixtures. The default stack is synthesized once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs import SnowSSIStack
from snowssi_constructs._flavour import FLAVOUR, cdktf
from tests import tiers
from tests.support import ROOT, in_ci, synth_app

# One moto server for the whole session, whichever module asks for it (through the
# function-scoped moto_server fixture the test modules import, which empties it).
from tests.terraform_env import moto_process  # noqa: F401  (fixture)

TerraformStack = cdktf.TerraformStack
Testing = cdktf.Testing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Stop the run when a test that uses a process-starting fixture is not marked
    ``integration`` (tests/tiers.py); deselect (not skip) the ``cdktn_only`` tests
    outside CDK Terrain: they read the CDK Terrain bindings' schema, which a CDKTF
    environment does not have."""
    unmarked = tiers.unmarked_process_tests(items)
    if unmarked:
        fixtures = ", ".join(sorted(tiers.PROCESS_FIXTURES))
        raise pytest.UsageError(
            f"these tests start a process through a fixture ({fixtures}) but are not "
            f"marked @pytest.mark.{tiers.MARKER} (docs/contributing.md, 'Test tiers'):\n  "
            + "\n  ".join(unmarked)
        )
    if FLAVOUR == "cdktn":
        return
    deselected = [item for item in items if item.get_closest_marker("cdktn_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("cdktn_only")]


def _unit_tier_phase(item: pytest.Item) -> Generator[None, object, object]:
    """One phase (set-up, call, teardown) of a test; in the unit tier, with every way
    of starting a process refused (tests/tiers.py)."""
    if tiers.is_integration(item) or item.get_closest_marker("live"):
        return (yield)
    caught: list[str] = []
    with tiers.no_new_processes(item.nodeid, caught):
        result = yield
    if caught:  # the code under test caught the refusal: the test fails all the same
        pytest.fail(caught[0], pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _unit_tier_phase(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _unit_tier_phase(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _unit_tier_phase(item))


# Builds the wheel with hatchling's own build API, in the repository root, into argv[1].
BUILD_WHEEL = "import sys; from hatchling.build import build_wheel; build_wheel(sys.argv[1])"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's wheel, built once per session with hatchling from the folder
    `python3 dev.py test` installs it into, beside the environment's site-packages (see
    dev.py's ensure_build_backend): no package index. Fails on CI without that folder,
    skips elsewhere."""
    backend = Path(sys.prefix) / "build-backend"
    if not (backend / "hatchling").is_dir():
        message = f"no build backend in {backend}: `python3 dev.py test` installs it"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    target = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOWSSI_")}
    completed = subprocess.run(
        [sys.executable, "-c", BUILD_WHEEL, str(target)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(backend), "SNOWSSI_NO_STARTUP_HOOK": "1"},
        timeout=600,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    (built,) = target.glob("snowssi_constructs-*.whl")
    return built


@pytest.fixture(scope="session")
def default_document() -> dict[str, Any]:
    """The default stack's cdk.tf.json, as ``python main.py`` writes it."""
    return synth_app(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]


@pytest.fixture(scope="session")
def synth_stack() -> Callable[..., dict[str, Any]]:
    """Synthesize ``SnowSSIStack(app, "snowssi", **options)`` and return its document."""

    def synth(**options: Any) -> dict[str, Any]:
        return synth_app(lambda app: SnowSSIStack(app, "snowssi", **options))["snowssi"]

    return synth


@pytest.fixture
def construct_stack() -> TerraformStack:
    """An empty stack on a cdktf testing app, for per-construct tests."""
    return TerraformStack(Testing.app(), "test")


def synthesized(stack: TerraformStack) -> str:
    return Testing.synth(stack)


def parsed(stack: TerraformStack) -> dict[str, Any]:
    return json.loads(Testing.synth(stack))


__all__ = ["parsed", "synthesized"]
