"""Shallow roots for the CDKTF provider bindings.

A CDKTF binding's root ``__init__`` imports all of its submodules: 12 to 19 s of Python
for aws when a stack uses eight. :func:`shallow_spec` gives the root a loader that
registers it without running its ``__init__``; Python then imports a submodule by
running only that submodule (and the package's ``_jsii`` module, which loads the jsii
assembly), so the classes, the JSON and the assembly are the same. Attribute access on
the root imports that submodule on demand, and jsii's table from submodule FQN to Python
module is filled, so an object that the JavaScript side creates, whose class lives in a
submodule Python has not imported yet, resolves by importing it. (The cdktn bindings'
roots already load submodules lazily.)
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import os
import re
import types
from collections.abc import Callable
from pathlib import Path

from . import state

_ASSEMBLY_NAME = re.compile(r'JSIIAssembly\.load\(\s*"([^"]+)"')


class LayoutError(ImportError):
    """The binding package is not laid out the way the shortcut expects."""


@functools.cache
def locate(name: str) -> tuple[Path, str]:
    """The binding's package directory and jsii assembly name (``@cdktf/...``).

    Cached: the kernel start and the shallow root both need it (a failure is not cached).
    """
    spec = state.real_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return layout(name, spec)


def layout(name: str, spec: importlib.machinery.ModuleSpec) -> tuple[Path, str]:
    """The package directory and assembly name of the binding that ``spec`` finds."""
    locations = list(spec.submodule_search_locations or [])
    if not locations:
        raise LayoutError(f"{name} is not a package")
    package_dir = Path(locations[0])
    jsii_init = package_dir / "_jsii" / "__init__.py"
    if not jsii_init.is_file():
        raise LayoutError(f"{name} has no _jsii/__init__.py")
    match = _ASSEMBLY_NAME.search(jsii_init.read_text(encoding="utf-8"))
    if match is None:
        raise LayoutError(f"{name}/_jsii does not load a jsii assembly")
    return package_dir, match.group(1)


def shallow_spec(name: str, real: importlib.machinery.ModuleSpec) -> importlib.machinery.ModuleSpec:
    """A spec for the binding root ``name`` whose loader skips the root's ``__init__``."""
    package_dir, assembly = layout(name, real)
    # Every public directory of a binding is a submodule package. (scandir's is_dir
    # needs no stat per entry: ~4 ms for aws's 2,200, against ~40 ms checking each
    # __init__.py.)
    with os.scandir(package_dir) as entries:
        submodules = sorted(
            entry.name for entry in entries if not entry.name.startswith("_") and entry.is_dir()
        )
    spec = importlib.machinery.ModuleSpec(
        name, _ShallowRoot(assembly, submodules), origin=real.origin, is_package=True
    )
    spec.submodule_search_locations = list(real.submodule_search_locations or [])
    spec.has_location = real.has_location
    spec.cached = real.cached
    return spec


class _ShallowRoot(importlib.abc.Loader):
    """Registers a binding root without running its ``__init__``."""

    def __init__(self, assembly: str, submodules: list[str]) -> None:
        self.assembly = assembly
        self.submodules = submodules

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        name = module.__name__
        module.__all__ = self.submodules  # type: ignore[attr-defined]
        module.__getattr__ = _submodule_getattr(name)  # type: ignore[method-assign]
        _register_submodule_fqns(self.assembly, name, self.submodules)
        state.modes[name] = "fast"


def _submodule_getattr(root: str) -> Callable[[str], types.ModuleType]:
    def __getattr__(attribute: str) -> types.ModuleType:
        if attribute.startswith("__"):
            raise AttributeError(f"module {root!r} has no attribute {attribute!r}")
        try:
            return importlib.import_module(f"{root}.{attribute}")
        except ModuleNotFoundError as error:
            raise AttributeError(f"module {root!r} has no attribute {attribute!r}") from error

    return __getattr__


def _register_submodule_fqns(assembly: str, root: str, submodules: list[str]) -> None:
    # jsii names a submodule by the camelCase of its Python name (s3_bucket -> s3Bucket).
    from jsii import _reference_map

    _reference_map._submodule_fqn_map.update(
        {f"{assembly}.{_camel(sub)}": f"{root}.{sub}" for sub in submodules}
    )
    _reference_map._assembly_to_module.setdefault(assembly, root)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
