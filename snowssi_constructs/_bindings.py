"""Fast loading of the prebuilt provider bindings.

Every construct in this package imports its provider classes from the binding
submodules (``cdktf_cdktf_provider_aws.s3_bucket`` and so on), and the package runs
:func:`prepare_bindings` before any of them. Why: each binding package's root
``__init__`` imports all of its submodules, about 2,200 for aws, which costs 12 to 19 s
of Python import (and seconds more tearing them down at exit) when a stack uses eight.

:func:`prepare_bindings` registers each binding's root package in ``sys.modules``
without executing its ``__init__``. Python then imports a submodule by running only
that submodule (and the package's ``_jsii`` module, which loads the jsii assembly), so
the classes, the JSON they synthesize and the jsii assembly are the same ones as with a
plain import. Two gaps of a bare root are closed here:

* attribute access on the root (``cdktf_cdktf_provider_aws.kms_key``) imports that
  submodule on demand, so user code that imports the bindings the plain way still works;
* jsii's table from submodule FQN to Python module is filled, so an object that the
  JavaScript side creates, whose class lives in a submodule Python has not imported yet,
  is resolved by importing that submodule instead of failing as ``Unknown type``.

If a binding does not have the expected layout or its probe import fails, the package is
imported the plain way instead, with one warning: slower, never different. Setting
``SNOWSSI_PLAIN_IMPORTS=1`` chooses the plain way without a warning (the correctness
tests use it to compare both paths).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Literal

BINDING_PACKAGES: tuple[str, ...] = (
    "cdktf_cdktf_provider_aws",
    "cdktf_cdktf_provider_snowflake",
    "cdktf_cdktf_provider_random",
    "cdktf_cdktf_provider_time",
)
PLAIN_IMPORTS_ENV = "SNOWSSI_PLAIN_IMPORTS"

LoadMode = Literal["fast", "plain", "preloaded"]

_ASSEMBLY_NAME = re.compile(r'JSIIAssembly\.load\(\s*"([^"]+)"')
_modes: dict[str, LoadMode] = {}


class _LayoutError(ImportError):
    """The binding package is not laid out the way the shortcut expects."""


def prepare_bindings() -> dict[str, LoadMode]:
    """Make every binding importable by submodule; returns how each root was loaded.

    Idempotent: a root that is already in ``sys.modules`` (imported the plain way by
    user code, or prepared before) is left as it is.
    """
    plain = os.environ.get(PLAIN_IMPORTS_ENV, "") not in ("", "0")
    for name in BINDING_PACKAGES:
        if name in _modes:
            continue
        if name in sys.modules:
            _modes[name] = "preloaded"
        elif plain:
            importlib.import_module(name)
            _modes[name] = "plain"
        else:
            _modes[name] = _load_fast_or_plain(name)
    return dict(_modes)


def load_modes() -> dict[str, LoadMode]:
    """How each binding root was loaded so far (for diagnostics and tests)."""
    return dict(_modes)


def _load_fast_or_plain(name: str) -> LoadMode:
    try:
        _install_shallow_root(name)
        # Every binding has a `provider` submodule; importing it proves that the bare
        # root, the `_jsii` assembly load and submodule imports all work.
        importlib.import_module(f"{name}.provider")
    except ImportError as error:
        _forget(name)
        warnings.warn(
            f"snowssi_constructs: fast loading of {name} failed ({error}); importing it "
            "the plain way, which is slower but produces the same output.",
            RuntimeWarning,
            stacklevel=3,
        )
        importlib.import_module(name)
        return "plain"
    return "fast"


def _install_shallow_root(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    locations = list(spec.submodule_search_locations or [])
    if not locations:
        raise _LayoutError(f"{name} is not a package")
    package_dir = Path(locations[0])
    jsii_init = package_dir / "_jsii" / "__init__.py"
    if not jsii_init.is_file():
        raise _LayoutError(f"{name} has no _jsii/__init__.py")
    match = _ASSEMBLY_NAME.search(jsii_init.read_text(encoding="utf-8"))
    if match is None:
        raise _LayoutError(f"{name}/_jsii does not load a jsii assembly")

    submodules = sorted(
        entry.name
        for entry in package_dir.iterdir()
        if not entry.name.startswith("_") and (entry / "__init__.py").is_file()
    )
    module = importlib.util.module_from_spec(spec)
    module.__all__ = submodules  # type: ignore[attr-defined]
    module.__getattr__ = _submodule_getattr(name)  # type: ignore[method-assign]
    sys.modules[name] = module
    _register_submodule_fqns(match.group(1), name, submodules)


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


def _forget(name: str) -> None:
    for key in [k for k in sys.modules if k == name or k.startswith(f"{name}.")]:
        del sys.modules[key]
