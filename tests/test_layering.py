"""The package's modules import one way, without cycles, and stay small and live.

Imports run from the stack down to the helpers (the layers below); every import counts,
those under ``if TYPE_CHECKING:`` and inside functions included, since each is a
dependency a reader has to follow. A new module must be given a layer here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT

PACKAGE = "snowssi_constructs"
PACKAGE_DIR = ROOT / PACKAGE
MAX_LINES = 400

# Top to bottom; a module may import from its own layer or any layer below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("testing",),  # helpers for users' tests: may synthesize a stack; nothing imports it
    ("snowssi_constructs",),  # the lazy façade: names every public class for type checkers
    ("stack", "bootstrap"),
    ("pipeline",),
    ("options",),
    (
        "s3_bucket",
        "stage",
        "storage_integration",
        "external_s3_stage",
        "storage_integration_aws",
        "iam_role",
        "kms_key",
        "failure_alerts",
        "stall_alert",
    ),
    (
        "naming",
        "providers",
        "generations",
        "backend",
        "variables",
        "preview_features",
        "privileges",
        "processed_files",
        "_addresses",
        "_current_types",
        "_lazy",
        "_attributes",
    ),
    ("validation", "snowflake_regex"),
    ("_flavour",),
    ("_startup",),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def layer_of(module: str) -> int:
    # A subpackage's modules share the layer of the subpackage.
    relative = module.removeprefix(f"{PACKAGE}.").split(".")[0] if module != PACKAGE else PACKAGE
    for index, layer in enumerate(LAYERS):
        if relative in layer:
            return index
    raise AssertionError(f"{module} has no layer in tests/test_layering.py: give it one")


def imported_modules(module: str, source: str | None = None) -> Iterator[str]:
    """The package's modules that ``module`` (or ``source`` in its place) imports,
    anywhere in its code."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # `from . import x` imports the submodule x when there is one.
            names = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith(PACKAGE):
                yield name


GRAPH = {module: sorted(set(imported_modules(module)) - {module}) for module in MODULES}


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle of ``graph`` as the path that closes it, or None."""
    # Depth-first search; a module met again while on the path closes a cycle.
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "on path"
        path.append(module)
        for target in graph[module]:
            if state.get(target) == "on path":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in graph:
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_its_own_layer_or_below(module):
    upward = [target for target in GRAPH[module] if layer_of(target) < layer_of(module)]
    assert not upward, f"{module} imports from a layer above it: {upward}"


def test_the_import_graph_has_no_cycle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_check_finds_a_cycle_through_a_typing_only_import():
    typing_only = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .pipeline import SnowSSIPipeline\n"
    )
    module = "snowssi_constructs.options"
    assert "snowssi_constructs.pipeline" in set(imported_modules(module, typing_only))
    graph = {**GRAPH, module: sorted({*GRAPH[module], *imported_modules(module, typing_only)})}
    assert find_cycle(graph) is not None


def test_an_upward_import_is_found():
    assert layer_of("snowssi_constructs.pipeline") < layer_of("snowssi_constructs.options")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_the_line_limit(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it along a seam"


def dead_statements(tree: ast.AST) -> Iterator[ast.stmt]:
    """Statements that follow a return, raise, continue or break in the same block."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for index, statement in enumerate(block[:-1]):
                if isinstance(statement, ast.Return | ast.Raise | ast.Continue | ast.Break):
                    yield block[index + 1]
                    break


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_statement_follows_a_return_or_raise(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    dead = [statement.lineno for statement in dead_statements(tree)]
    assert not dead, f"{module}: unreachable statements at lines {dead}"


def test_the_dead_code_check_finds_code_after_a_return():
    tree = ast.parse("def f(x):\n    return x\n    x += 1\n")
    assert [statement.lineno for statement in dead_statements(tree)] == [3]
