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

# Top to bottom, by name; a module may import from its own layer or any layer below it.
# docs/contributing.md's module table names each module's layer (a test below).
LAYERS: dict[str, tuple[str, ...]] = {
    "testing": ("testing",),  # helpers for users' tests: may synthesize; nothing imports it
    "root": ("snowssi_constructs",),  # the lazy façade: names every public class
    "stacks": ("stack", "stack_props", "bootstrap", "app_checks"),
    "pipeline": ("pipeline", "pipeline_props", "outputs"),
    "options": ("options", "settings"),
    "constructs": (
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
    "helpers": (
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
        "_policies",
    ),
    "validation": ("validation", "snowflake_regex"),
    "flavour": ("_flavour",),
    "cli": ("cli",),  # the snowssi-cli command: the wheel's Node.js, no CDK
    "startup": ("_startup",),
}
MAX_FUNCTION_LINES = 80
CONTRIBUTING = ROOT / "docs" / "contributing.md"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def layer_of(module: str) -> int:
    # A subpackage's modules share the layer of the subpackage.
    relative = module.removeprefix(f"{PACKAGE}.").split(".")[0] if module != PACKAGE else PACKAGE
    for index, layer in enumerate(LAYERS.values()):
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


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_function_is_over_the_line_limit(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{module}: over {MAX_FUNCTION_LINES} lines: {long}; give each step a method"


def generation_branches(tree: ast.AST) -> Iterator[int]:
    """Lines of the ``if`` statements and conditional expressions whose test reads a
    ``generation`` (``generation.x`` or ``self.generation.x``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.IfExp):
            names = {
                sub.value.attr if isinstance(sub.value, ast.Attribute) else sub.value.id
                for sub in ast.walk(node.test)
                if isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Attribute | ast.Name)
            }
            if "generation" in names:
                yield node.lineno


def test_at_most_two_places_branch_on_the_generation():
    places = [
        f"{module}:{line}"
        for module in sorted(MODULES)
        for line in generation_branches(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    ]
    # SnowSSIStack._storage_integration and SnowSSIPipeline._stage choose a construct by
    # the generation's type; everything else reads the generation's fields as data.
    assert len(places) <= 2, f"branches on the generation: {places}"


def test_the_generation_branch_check_finds_a_branch():
    tree = ast.parse("if self.generation.is_current:\n    pass\nx = 1 if generation.name else 2\n")
    assert list(generation_branches(tree)) == [1, 3]


def contributor_map() -> dict[str, str]:
    """docs/contributing.md's module table: module -> layer."""
    rows = {}
    for line in CONTRIBUTING.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 3:
            rows[cells[0].split("`")[1]] = cells[1]
    return rows


def top_level_modules() -> set[str]:
    """The package's modules and subpackages, as its layers name them."""
    return {
        PACKAGE if module == PACKAGE else module.removeprefix(f"{PACKAGE}.").split(".")[0]
        for module in MODULES
    }


def test_every_module_is_a_row_of_the_contributor_map():
    documented = contributor_map()
    assert top_level_modules() - documented.keys() == set(), "modules without a row"
    assert documented.keys() - top_level_modules() == set(), "rows of no module"


def test_the_contributor_map_names_each_module_s_layer():
    names = list(LAYERS)
    wrong = {
        module: layer
        for module, layer in contributor_map().items()
        if layer not in names or module not in LAYERS[layer]
    }
    assert wrong == {}, f"rows whose layer is not the one LAYERS gives: {wrong}"
