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

The JavaScript side has the same problem: jsii's kernel ``require()``s each provider
package's main ``lib/index.js``, which requires every one of its ~2,200 modules (2.3 to
3.7 s and ~600 MB of node heap for aws). Each binding also ships ``lib/lazy-index.js``,
which exports the same names as getters that require a module on first use. Before the
kernel starts, :func:`prepare_bindings` therefore starts it with a small ``--require``
hook (a temporary file, passed in ``NODE_OPTIONS`` for that one start and then removed
from the environment again) that resolves these packages to ``lazy-index.js``. jsii
finds every type by walking the exports by FQN, so the same classes are loaded, only
when used. If the kernel has already started (cdktf imported before this package), the
full index is used.

If a binding does not have the expected layout or its probe import fails, the package is
imported the plain way instead, with one warning: slower, never different. Setting
``SNOWSSI_PLAIN_IMPORTS=1`` chooses the plain way (Python and JavaScript) without a
warning (the correctness tests use it to compare both paths); ``SNOWSSI_EAGER_JS=1``
keeps only the JavaScript side plain.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import json
import os
import re
import sys
import tempfile
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
EAGER_JS_ENV = "SNOWSSI_EAGER_JS"

LoadMode = Literal["fast", "plain", "preloaded"]
JsIndexMode = Literal["lazy", "eager"]

_ASSEMBLY_NAME = re.compile(r'JSIIAssembly\.load\(\s*"([^"]+)"')
_modes: dict[str, LoadMode] = {}
_js_index: list[JsIndexMode] = []


class _LayoutError(ImportError):
    """The binding package is not laid out the way the shortcut expects."""


def prepare_bindings() -> dict[str, LoadMode]:
    """Make every binding importable by submodule; returns how each root was loaded.

    Idempotent: a root that is already in ``sys.modules`` (imported the plain way by
    user code, or prepared before) is left as it is.
    """
    plain = _flag(PLAIN_IMPORTS_ENV)
    if not _js_index:
        lazy = not plain and not _flag(EAGER_JS_ENV) and _start_kernel_with_lazy_index()
        _js_index.append("lazy" if lazy else "eager")
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


def js_index_mode() -> JsIndexMode | None:
    """Whether the jsii kernel loads the bindings' JavaScript lazily (``None`` before
    :func:`prepare_bindings` ran)."""
    return _js_index[0] if _js_index else None


def _flag(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0")


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


def _locate(name: str) -> tuple[importlib.machinery.ModuleSpec, Path, str]:
    """The binding's spec, package directory and jsii assembly name (``@cdktf/...``)."""
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
    return spec, package_dir, match.group(1)


def _install_shallow_root(name: str) -> None:
    spec, package_dir, assembly = _locate(name)
    submodules = sorted(
        entry.name
        for entry in package_dir.iterdir()
        if not entry.name.startswith("_") and (entry / "__init__.py").is_file()
    )
    module = importlib.util.module_from_spec(spec)
    module.__all__ = submodules  # type: ignore[attr-defined]
    module.__getattr__ = _submodule_getattr(name)  # type: ignore[method-assign]
    sys.modules[name] = module
    _register_submodule_fqns(assembly, name, submodules)


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


# Loaded by `node --require` into both processes jsii starts (its wrapper, then the
# kernel that the wrapper spawns with the same environment). The kernel puts
# NODE_OPTIONS back as it was, so nothing it might spawn inherits the hook.
_LAZY_INDEX_HOOK = """\
"use strict";
// Written by snowssi_constructs._bindings for one jsii kernel start.
(function () {
  try {
    const stage = "SNOWSSI_LAZY_INDEX_STAGE";
    if (process.env[stage]) {
      delete process.env[stage];
      const previous = %(node_options)s;
      if (previous === null) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = previous;
    } else {
      process.env[stage] = "1";
    }
    const Module = require("module");
    const path = require("path");
    const fs = require("fs");
    const packages = new Set(%(packages)s);
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      const resolved = resolveFilename.call(this, request, ...rest);
      if (packages.has(request) && path.basename(resolved) === "index.js") {
        const lazy = path.join(path.dirname(resolved), "lazy-index.js");
        if (fs.existsSync(lazy)) return lazy;
      }
      return resolved;
    };
  } catch (error) {
    // Without the hook the kernel loads the full index: slower, same result.
  }
})();
"""


def _start_kernel_with_lazy_index() -> bool:
    """Start the jsii kernel with the lazy-index hook; False if it already runs."""
    if any(name.endswith("._jsii") for name in sys.modules):
        return False
    packages = []
    for name in BINDING_PACKAGES:
        try:
            packages.append(_locate(name)[2])
        except ImportError:
            continue
    if not packages:
        return False
    previous = os.environ.get("NODE_OPTIONS")
    source = _LAZY_INDEX_HOOK % {
        "node_options": json.dumps(previous),
        "packages": json.dumps(sorted(packages)),
    }
    fd, hook_path = tempfile.mkstemp(prefix="snowssi-jsii-", suffix=".cjs")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as hook:
            hook.write(source)
        quoted = Path(hook_path).as_posix().replace("\\", "\\\\").replace('"', '\\"')
        require = f'--require "{quoted}"'
        os.environ["NODE_OPTIONS"] = f"{previous} {require}" if previous else require
        # The first assembly load starts the kernel; when it returns, both node
        # processes have read the hook, so the file can go.
        importlib.import_module("constructs")
    except Exception as error:  # the kernel retries without the hook on the next load
        warnings.warn(
            f"snowssi_constructs: starting jsii with the lazy JavaScript index failed "
            f"({error}); loading the full index, which is slower but produces the same "
            "output.",
            RuntimeWarning,
            stacklevel=4,
        )
        return False
    finally:
        if previous is None:
            os.environ.pop("NODE_OPTIONS", None)
        else:
            os.environ["NODE_OPTIONS"] = previous
        Path(hook_path).unlink(missing_ok=True)
    return True
