"""Shared fixtures. The default stack is synthesized once per session."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from snowssi_constructs import SnowSSIStack
from snowssi_constructs._flavour import FLAVOUR, cdktf
from tests.support import synth_app

TerraformStack = cdktf.TerraformStack
Testing = cdktf.Testing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) the ``cdktn_only`` tests outside CDK Terrain: they read the
    CDK Terrain bindings' schema, which a CDKTF environment does not have."""
    if FLAVOUR == "cdktn":
        return
    deselected = [item for item in items if item.get_closest_marker("cdktn_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("cdktn_only")]


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
