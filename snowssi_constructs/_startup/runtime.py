"""What the start-up hook runs: the wheel's Node.js, a fast jsii kernel, shallow roots.

Three savings, each changing speed, never output: :mod:`.node` (the wheel's Node.js),
:mod:`.kernel` (the kernel on the bindings' lazy indexes, in one node process) and
:mod:`.roots` (CDKTF binding roots that do not import every submodule).

The user's ``JSII_RUNTIME`` or ``JSII_DEBUG`` keep jsii's own start, as does Windows
(not tested there). If anything does not fit (the fast start fails, a binding is not
laid out as expected), jsii's and Python's own way is used with one warning: slower,
the same JSON. ``SNOWSSI_PLAIN_IMPORTS=1`` chooses the plain way for both, without a
warning (the correctness tests compare both paths); ``SNOWSSI_PLAIN_KERNEL=1`` only
for the kernel.

Only the standard library is imported at module level: this module loads while the
program's first ``import jsii`` is under way.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

from . import state as _state
from .kernel import no_cyclic_gc, runtime_directory, share_cached_runtime, start_fast_kernel
from .node import select_node
from .roots import LayoutError, shallow_spec
from .state import PLAIN_IMPORTS_ENV, PLAIN_KERNEL_ENV, KernelMode, LoadMode, flag
from .versions import jsii_is_tested


def load_modes() -> dict[str, LoadMode]:
    """How each CDKTF binding root was loaded so far (for diagnostics and tests)."""
    return dict(_state.modes)


def kernel_mode() -> KernelMode | None:
    """How the jsii kernel was started.

    ``None`` before it was; ``"plain"`` also when it was already running without this
    module.
    """
    return _state.kernel[0] if _state.kernel else None


def find_spec(
    name: str, path: object = None, target: object = None
) -> importlib.machinery.ModuleSpec | None:
    """The hook's answer for ``jsii`` or a CDKTF binding root (the names it watches)."""
    if not jsii_is_tested():
        # Stepping aside: jsii starts its own kernel, every root imports the plain way.
        if not _state.kernel:
            _state.kernel.append("plain")
        if name != "jsii":
            _state.modes.setdefault(name, "plain")
        return None
    real = _state.real_spec(name, path, target)
    if real is None or real.loader is None:
        return None
    if name == "jsii":
        real.loader = _StartAfterJsii(real.loader)
        return real
    if name in _state.modes:
        return None
    if flag(PLAIN_IMPORTS_ENV):
        _state.modes[name] = "plain"
        return None
    try:
        return shallow_spec(name, real)
    except LayoutError as error:
        _state.modes[name] = "plain"
        warnings.warn(
            f"snowssi_constructs: fast loading of {name} failed ({error}); importing it "
            "the plain way, which is slower but produces the same output.",
            RuntimeWarning,
            stacklevel=2,
        )
        return None


def activate(*, shallow_roots: frozenset[str], opt_out_env: str) -> None:
    """Start the kernel now, or say why it is too late (see the package's ``activate``).

    The package's finder is on ``sys.meta_path`` already; ``shallow_roots`` are the
    binding roots it watches, ``opt_out_env`` the variable that turns it off.
    """
    if _state.kernel:
        return
    for name in shallow_roots:
        if name in sys.modules:
            _state.modes.setdefault(name, "preloaded")
    if "jsii" not in sys.modules:
        import jsii  # noqa: F401  (the finder starts the kernel right after it loads)

        return
    if _state.kernel_running():
        _state.kernel.append("plain")
        why = (
            f"the start-up hook is turned off ({opt_out_env}); unset it"
            if flag(opt_out_env)
            else "the start-up hook did not run (snowssi_constructs.pth is not in a site "
            "directory); install the package"
        )
        warnings.warn(
            "snowssi_constructs was imported after the jsii kernel started: jsii keeps the "
            f"Node.js and the kernel it chose. Because {why}, or import snowssi_constructs "
            "before cdktf.",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    start()


def start() -> None:
    """Select Node.js and start the jsii kernel; once, before any assembly loads."""
    if _state.kernel:
        return
    select_node()
    # On failure jsii keeps its temporary folder; the fast start below says what failed.
    with contextlib.suppress(Exception):
        share_cached_runtime(runtime_directory())
    with no_cyclic_gc():
        fast = not flag(PLAIN_IMPORTS_ENV) and not flag(PLAIN_KERNEL_ENV) and start_fast_kernel()
    _state.kernel.append("fast" if fast else "plain")


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
            _state.kernel[:] = ["plain"]
            warnings.warn(
                f"snowssi_constructs: setting up jsii failed ({type(error).__name__}: "
                f"{error}); jsii starts its own way, which is slower but produces the "
                "same output.",
                RuntimeWarning,
                stacklevel=2,
            )
