"""What the start-up hook has done so far, and the switches that steer it.

The other modules of the hook share this state; only the standard library is imported,
since this loads while the program's first ``import jsii`` is under way.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from typing import Literal

PLAIN_IMPORTS_ENV = "SNOWSSI_PLAIN_IMPORTS"
PLAIN_KERNEL_ENV = "SNOWSSI_PLAIN_KERNEL"
# For the kernel script (snowssi-runtime.js): jsii's own handling of its runtime index
# workers, and a file to which the script appends what it did with them.
PLAIN_INDEX_ENV = "SNOWSSI_PLAIN_INDEX"
INDEX_TRACE_ENV = "SNOWSSI_INDEX_TRACE"

LoadMode = Literal["fast", "plain", "preloaded"]
KernelMode = Literal["fast", "plain"]

# How each CDKTF binding root was loaded, and how the kernel was started (at most one).
modes: dict[str, LoadMode] = {}
kernel: list[KernelMode] = []


def flag(variable: str) -> bool:
    """Whether the environment variable ``variable`` is set to something but ``0``."""
    return os.environ.get(variable, "") not in ("", "0")


def kernel_running() -> bool:
    """Whether some jsii assembly has loaded, which starts the kernel."""
    return any(name.endswith("._jsii") for name in sys.modules)


def real_spec(
    name: str, path: object = None, target: object = None
) -> importlib.machinery.ModuleSpec | None:
    """The spec the rest of ``sys.meta_path`` finds for ``name``."""
    for finder in list(sys.meta_path):
        # The hook's own finder (its package imports this module, not the other way).
        if type(finder).__module__ == __package__:
            continue
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        spec = find(name, path, target)
        if spec is not None:
            return spec  # type: ignore[no-any-return]
    return None
