"""The jsii kernel, started on the bindings' lazy indexes in one node process.

jsii's kernel ``require()``s each provider package's main ``lib/index.js``, which
requires every one of its modules (about 2,200 for aws: 2.3 to 3.7 s and ~600 MB of node
heap). Each binding, of either flavour, also ships ``lib/lazy-index.js``, which exports
the same names as getters that require a module on first use; jsii finds every type by
walking the exports by FQN, so the same classes are loaded, only when used.

:func:`start_fast_kernel` starts the kernel through ``JSII_RUNTIME`` with the script
``snowssi-runtime.js`` beside this module, which resolves the bindings to their
``lazy-index.js`` and runs jsii's kernel (``lib/program.js``) in the node process that
Python starts, on Python's pipes, where jsii's default entry point is a wrapper that
starts the kernel as a second node process and relays every message: one node process
less (~45 MB) and a shorter round trip for each of the thousands of calls a large stack
makes. The script and a copy of jsii's runtime files live in one folder per jsii version
under the user's cache directory (:func:`runtime_directory`), written once, atomically;
nothing is left in a temporary folder.

The script also sees that the first run in an empty cache leaves jsii's runtime
indexes: jsii (1.142) reads a cached package through an index beside it when there is
one, and otherwise parses the whole assembly (129 MB of JSON for aws) and then builds
the index in a worker thread, which the exit request used to end before a short synth
let it finish. The script starts that worker when jsii finds no index, before jsii's own
parse, so that the two run at once, and makes the exit wait for the workers; so every
later run is as fast as on a warm machine, and the first is no slower
(docs/performance.md, "A new machine"). ``SNOWSSI_PLAIN_INDEX=1`` leaves the workers
to jsii; ``SNOWSSI_INDEX_TRACE=<file>`` appends a JSON line to the file for each worker
and for the exit.

``JSII_RUNTIME`` and ``NODE_OPTIONS`` (which gains ``--preserve-symlinks``, as jsii's
wrapper passes it) are set only while the kernel starts, and the script puts
``NODE_OPTIONS`` back for anything the kernel starts.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

from . import state
from .roots import locate

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
CACHE_APP_NAME = "snowssi-constructs"
SCRIPT_NAME = "snowssi-runtime.js"
SCRIPT = Path(__file__).with_name(SCRIPT_NAME)
# A folder that is still being written after this long belongs to a killed run.
STALE_SECONDS = 600


@functools.cache
def runtime_directory() -> Path:
    """The folder with jsii's runtime files and the kernel script, written once.

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
    files[f"bin/{SCRIPT_NAME}"] = SCRIPT.read_bytes()
    digest = hashlib.sha256()
    for filename, content in files.items():
        digest.update(filename.encode() + b"\0" + hashlib.sha256(content).digest())
    cache = Path(platformdirs.user_cache_dir(CACHE_APP_NAME, appauthor=False))
    final = cache / f"jsii-runtime-{jsii.__version__}-{digest.hexdigest()[:12]}"
    if (final / "bin" / SCRIPT_NAME).is_file():
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
            if not (final / "bin" / SCRIPT_NAME).is_file():
                raise  # not a lost race
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return final


def share_cached_runtime(folder: Path) -> None:
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
            if time.time() - partial.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(partial, ignore_errors=True)


def _lazy_packages() -> list[str]:
    packages = []
    for name in BINDING_PACKAGES:
        try:
            packages.append(locate(name)[1])
        except ImportError:
            continue
    return sorted(packages)


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the kernel starts.

    Starting it creates many long-lived objects and almost no garbage cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def start_fast_kernel() -> bool:
    """Start the jsii kernel with the script; False where jsii must start its own way.

    That is when the kernel already runs, the user chose a runtime (``JSII_RUNTIME``) or
    debugs jsii (``JSII_DEBUG``: its protocol echo is written for the wrapper to relay),
    and on Windows (untested there).
    """
    if (
        sys.platform == "win32"
        or os.environ.get("JSII_RUNTIME")
        or os.environ.get("JSII_DEBUG")
        or state.kernel_running()
    ):
        return False
    import json

    previous = os.environ.get("NODE_OPTIONS")
    parameters = ("SNOWSSI_JSII_NODE_OPTIONS", "SNOWSSI_JSII_LAZY_PACKAGES", "SNOWSSI_JSII_INDEX")
    try:
        script = runtime_directory() / "bin" / SCRIPT_NAME
        os.environ[parameters[0]] = json.dumps(previous)
        os.environ[parameters[1]] = json.dumps(_lazy_packages())
        os.environ[parameters[2]] = json.dumps(
            {
                "plain": state.flag(state.PLAIN_INDEX_ENV),
                "trace": os.environ.get(state.INDEX_TRACE_ENV) or None,
            }
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
    """Stop the node process of a kernel start that failed, closing its pipes.

    jsii's exit hooks for it then have nothing left to do. No kernel ran before, so
    every jsii node process object is that one.
    """
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
