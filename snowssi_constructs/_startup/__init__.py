"""Start-up hook of snowssi-constructs: fast jsii loading, whatever the import order.

The package installs ``snowssi_constructs.pth``, whose one line imports this module and
runs :func:`install` at interpreter start-up (as coverage and setuptools do with
theirs). :func:`install` only puts a small finder at the front of ``sys.meta_path``;
nothing else runs until the program first imports ``jsii`` (which ``cdktf``, ``cdktn``,
``constructs`` and every binding do first) or a CDKTF provider binding. Then
:mod:`.runtime` selects the wheel's Node.js and starts the jsii kernel the fast way,
before any jsii assembly loads, so ``import cdktf`` before ``import snowssi_constructs``
is as fast as the other order.

This module and the package root above it stay small and import nothing new: they run
in every Python process of the environment, most of which never touch jsii. The
submodules that do the work never import this one (it imports them, when needed), so
what they need of it is passed to them.
``SNOWSSI_NO_STARTUP_HOOK=1`` turns the hook off; ``snowssi_constructs`` then does the
same set-up when its first construct module is imported (only in time when that
happens before cdktf is imported).
"""

import os
import sys

# Not `from typing import TYPE_CHECKING`: importing typing would cost every Python
# process of the environment about 10 ms. Type checkers treat the name alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType


OPT_OUT_ENV = "SNOWSSI_NO_STARTUP_HOOK"

# The CDKTF bindings' roots import all of their submodules; the hook gives them a
# shallow root instead. (The cdktn bindings' roots already load submodules lazily.)
SHALLOW_ROOTS = frozenset(
    {
        "cdktf_cdktf_provider_aws",
        "cdktf_cdktf_provider_snowflake",
        "cdktf_cdktf_provider_random",
        "cdktf_cdktf_provider_time",
    }
)


class StartupFinder:
    """A meta path finder that only watches ``jsii`` and the CDKTF binding roots."""

    def __init__(self) -> None:
        self.watched = {"jsii", *SHALLOW_ROOTS}

    def find_spec(
        self,
        name: str,
        path: "Sequence[str] | None" = None,
        target: "ModuleType | None" = None,
    ) -> "ModuleSpec | None":
        """Hand ``jsii`` and the binding roots to :mod:`.runtime`; nothing else."""
        if name not in self.watched:
            return None
        self.watched.discard(name)
        from . import runtime

        return runtime.find_spec(name, path, target)


def install(*, force: bool = False) -> None:
    """Put the finder on ``sys.meta_path`` (once), unless the user opted out."""
    if not force and os.environ.get(OPT_OUT_ENV, "") not in ("", "0"):
        return
    if installed():
        return
    sys.meta_path.insert(0, StartupFinder())


def activate() -> None:
    """The hook's set-up, if it has not run: what the package runs before the CDK loads.

    Without the start-up hook (``SNOWSSI_NO_STARTUP_HOOK=1``, or the package used from
    a source tree that was never installed) this is only in time when the package's
    constructs are imported before anything imports jsii's assemblies; later, it warns
    once and leaves jsii as it is.
    """
    from . import runtime

    if runtime.kernel_mode() is None:
        install(force=True)
        runtime.activate(shallow_roots=SHALLOW_ROOTS, opt_out_env=OPT_OUT_ENV)


def installed() -> bool:
    """Whether the finder is on ``sys.meta_path``."""
    return any(isinstance(finder, StartupFinder) for finder in sys.meta_path)
