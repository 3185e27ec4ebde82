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
which exports the same names as getters that require a module on first use; jsii finds
every type by walking the exports by FQN, so the same classes are loaded, only when
used. Before anything starts the kernel, :func:`prepare_bindings` starts it itself
through ``JSII_RUNTIME`` with a small script (in a temporary directory, next to a copy
of jsii's own runtime files) that

* resolves the bindings to their ``lazy-index.js``;
* runs jsii's kernel (``lib/program.js``) in the node process that Python starts,
  talking on Python's pipes, where jsii's default entry point is a wrapper that starts
  the kernel as a second node process and relays every message: one node process less
  (~45 MB) and a shorter round trip for each of the thousands of calls a large stack
  makes.

``JSII_RUNTIME`` and ``NODE_OPTIONS`` (which gains ``--preserve-symlinks``, as jsii's
wrapper passes it) are set only while the kernel starts, and the script puts
``NODE_OPTIONS`` back for anything the kernel starts. If the kernel is already running
(cdktf was imported before this package), the user set ``JSII_RUNTIME`` or
``JSII_DEBUG``, or on Windows (not tested there), jsii's own start is kept; if the fast
start fails, jsii starts the plain way, with one warning.

A smaller saving: the cyclic garbage collector pauses while the bindings load.

If a binding does not have the expected layout or its probe import fails, the package is
imported the plain way instead, with one warning: slower, never different. Setting
``SNOWSSI_PLAIN_IMPORTS=1`` chooses the plain way for both, without a warning (the
correctness tests use it to compare both paths); ``SNOWSSI_PLAIN_KERNEL=1`` only for the
kernel.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import importlib
import importlib.machinery
import importlib.resources
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

BINDING_PACKAGES: tuple[str, ...] = (
    "cdktf_cdktf_provider_aws",
    "cdktf_cdktf_provider_snowflake",
    "cdktf_cdktf_provider_random",
    "cdktf_cdktf_provider_time",
)
PLAIN_IMPORTS_ENV = "SNOWSSI_PLAIN_IMPORTS"
PLAIN_KERNEL_ENV = "SNOWSSI_PLAIN_KERNEL"

LoadMode = Literal["fast", "plain", "preloaded"]
KernelMode = Literal["fast", "plain"]

_ASSEMBLY_NAME = re.compile(r'JSIIAssembly\.load\(\s*"([^"]+)"')
_modes: dict[str, LoadMode] = {}
_kernel: list[KernelMode] = []


class _LayoutError(ImportError):
    """The binding package is not laid out the way the shortcut expects."""


def prepare_bindings() -> dict[str, LoadMode]:
    """Make every binding importable by submodule; returns how each root was loaded.

    Idempotent: a root that is already in ``sys.modules`` (imported the plain way by
    user code, or prepared before) is left as it is.
    """
    plain = _flag(PLAIN_IMPORTS_ENV)
    with _no_cyclic_gc():
        if not _kernel:
            fast = not plain and not _flag(PLAIN_KERNEL_ENV) and _start_fast_kernel()
            _kernel.append("fast" if fast else "plain")
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


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the bindings load: that creates many
    long-lived objects and almost no garbage cycles, yet would trigger some 75
    collections, each scanning the objects created so far."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_modes() -> dict[str, LoadMode]:
    """How each binding root was loaded so far (for diagnostics and tests)."""
    return dict(_modes)


def kernel_mode() -> KernelMode | None:
    """How this package started the jsii kernel (``None`` before :func:`prepare_bindings`
    ran; ``"plain"`` also when the kernel was already running)."""
    return _kernel[0] if _kernel else None


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


@functools.cache
def _locate(name: str) -> tuple[importlib.machinery.ModuleSpec, Path, str]:
    """The binding's spec, package directory and jsii assembly name (``@cdktf/...``).

    Cached: the kernel start and the shallow root both need it (a failure is not cached).
    """
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
    # Every public directory of a binding is a submodule package. (scandir's is_dir
    # needs no stat per entry: ~4 ms for aws's 2,200, against ~40 ms checking each
    # __init__.py.)
    with os.scandir(package_dir) as entries:
        submodules = sorted(
            entry.name for entry in entries if not entry.name.startswith("_") and entry.is_dir()
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


# The jsii kernel's entry point when the fast path starts it (JSII_RUNTIME). jsii's own
# entry point, bin/jsii-runtime.js, is a wrapper: it spawns lib/program.js as a second
# node process and relays every request and response between Python's pipes and that
# process's fd 3. This script runs lib/program.js in its own process instead, on
# Python's pipes, and requires the bindings' lazy indexes.
_RUNTIME_SCRIPT = """\
"use strict";
// Written by snowssi_constructs._bindings for one jsii kernel; see its docstring.
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { Writable } = require("stream");

// Anything the kernel starts sees the environment as the user had it.
const nodeOptions = %(node_options)s;
if (nodeOptions === null) delete process.env.NODE_OPTIONS;
else process.env.NODE_OPTIONS = nodeOptions;
delete process.env.JSII_RUNTIME;

// The kernel reads requests from and writes responses to fd 3: here, Python's pipes.
const readSync = fs.readSync;
const writeSync = fs.writeSync;
fs.readSync = function (fd, ...rest) {
  return readSync.call(fs, fd === 3 ? 0 : fd, ...rest);
};
fs.writeSync = function (fd, ...rest) {
  return writeSync.call(fs, fd === 3 ? 1 : fd, ...rest);
};

// Console output of JavaScript code must not reach fd 1, the response channel: it goes
// to stderr as one JSON line per chunk, the form jsii's wrapper uses and Python decodes.
function forwarded(name) {
  const stream = new Writable({
    write(chunk, encoding, callback) {
      const line = JSON.stringify({ [name]: Buffer.from(chunk).toString("base64") });
      const data = Buffer.from(line + "\\n");
      for (let offset = 0; offset < data.length; ) {
        offset += writeSync.call(fs, 2, data, offset);
      }
      callback();
    },
  });
  stream.fd = 2;
  return stream;
}
for (const name of ["stdout", "stderr"]) {
  const stream = forwarded(name);
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
}

// --preserve-symlinks comes through NODE_OPTIONS; the kernel looks for it in execArgv to
// link cached packages with symlinks (otherwise it copies them, seconds for aws).
if (!process.execArgv.includes("--preserve-symlinks")) {
  process.execArgv.push("--preserve-symlinks");
}

// The bindings' lazy-index.js: the exports of index.js, each required on first use.
const lazyPackages = new Set(%(packages)s);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const resolved = resolveFilename.call(this, request, ...rest);
  if (lazyPackages.has(request) && path.basename(resolved) === "index.js") {
    const lazy = path.join(path.dirname(resolved), "lazy-index.js");
    if (fs.existsSync(lazy)) return lazy;
  }
  return resolved;
};

require(path.join(__dirname, "..", "lib", "program.js"));
"""


def _start_fast_kernel() -> bool:
    """Start the jsii kernel with :data:`_RUNTIME_SCRIPT`; False if it already runs, the
    user chose a runtime (``JSII_RUNTIME``) or debugs jsii (``JSII_DEBUG``: its protocol
    echo is written for the wrapper to relay), and on Windows (untested there)."""
    if (
        sys.platform == "win32"
        or os.environ.get("JSII_RUNTIME")
        or os.environ.get("JSII_DEBUG")
        or any(name.endswith("._jsii") for name in sys.modules)
    ):
        return False
    packages = []
    for name in BINDING_PACKAGES:
        try:
            packages.append(_locate(name)[2])
        except ImportError:
            continue
    import jsii._embedded.jsii as embedded  # jsii's own runtime files, as jsii extracts them

    previous = os.environ.get("NODE_OPTIONS")
    runtime = Path(tempfile.mkdtemp(prefix="snowssi-jsii-runtime-"))
    # Registered before jsii registers the kernel's stop, so it runs after it.
    atexit.register(shutil.rmtree, runtime, ignore_errors=True)
    try:
        for resource, filename in embedded.EMBEDDED_FILES.items():
            target = runtime / filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(importlib.resources.files(embedded).joinpath(resource).read_bytes())
        script = runtime / "bin" / "snowssi-runtime.js"
        script.write_text(
            _RUNTIME_SCRIPT
            % {"node_options": json.dumps(previous), "packages": json.dumps(sorted(packages))},
            encoding="utf-8",
        )
        os.environ["JSII_RUNTIME"] = str(script)
        os.environ["NODE_OPTIONS"] = (
            f"{previous} --preserve-symlinks" if previous else "--preserve-symlinks"
        )
        # The first assembly load starts the kernel.
        importlib.import_module("constructs")
    except Exception as error:  # jsii retries with its own runtime on the next load
        _discard_failed_kernel()
        warnings.warn(
            "snowssi_constructs: starting the jsii kernel the fast way failed "
            f"({type(error).__name__}: {error}); starting it the plain way, which is slower "
            "but produces the same output.",
            RuntimeWarning,
            stacklevel=4,
        )
        return False
    finally:
        os.environ.pop("JSII_RUNTIME", None)
        if previous is None:
            os.environ.pop("NODE_OPTIONS", None)
        else:
            os.environ["NODE_OPTIONS"] = previous
    return True


def _discard_failed_kernel() -> None:
    """Stop the node process of a kernel start that failed, closing its pipes, so that
    jsii's exit hooks for it have nothing left to do. No kernel ran before, so every
    jsii node process object is that one."""
    from jsii._kernel.providers.process import _NodeProcess

    for candidate in gc.get_objects():
        if isinstance(candidate, _NodeProcess) and "_process" in vars(candidate):
            process = candidate._process
            if process.poll() is None:
                process.kill()
            # jsii starts node with stdin=PIPE, so stdin is set; checked for the type checker.
            if process.stdin is not None:
                with contextlib.suppress(OSError):  # the node process is gone: broken pipe
                    process.stdin.close()
            candidate.stop()  # waits, closes the other pipes, drops its exit hook
