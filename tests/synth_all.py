"""Synthesize every configuration the correctness guard compares, in one process.

    python -m tests.synth_all OUTDIR        (from the repository root)

Writes ``OUTDIR/<case>/stacks/<stack>/cdk.tf.json`` for the default stack (``default``),
every example (``example-<name>``) and a 10-pipeline stack (``pipelines-10``), and
``OUTDIR/modes.json``: how the bindings were loaded (``runtime.load_modes()``), how the
jsii kernel was started (``runtime.kernel_mode()``) and which binding submodules
Python imported.
``tests/test_fast_loading.py`` runs it once with the fast path and once with
``SNOWSSI_PLAIN_IMPORTS=1`` and compares the files byte for byte.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from snowssi_constructs import SnowSSIStack
from snowssi_constructs._flavour import FLAVOUR, MODULES, cdktf
from snowssi_constructs._startup import runtime
from tests.support import EXAMPLES, load_example

App = cdktf.App

PIPELINES = 10


def cases() -> dict[str, Callable[[App], object]]:
    builds: dict[str, Callable[[App], object]] = {
        "default": lambda app: SnowSSIStack(app, "snowssi"),
        f"pipelines-{PIPELINES}": lambda app: SnowSSIStack(
            app, "snowssi", pipelines=[f"p{i}" for i in range(PIPELINES)]
        ),
    }
    builds.update({f"example-{name}": load_example(name) for name in EXAMPLES})
    return builds


def main(outdir: Path) -> None:
    for case, build in cases().items():
        app = App(outdir=str(outdir / case), stack_traces=False)
        build(app)
        app.synth()
    imported = sorted(
        name
        for name in sys.modules
        if name.partition(".")[0] in MODULES[FLAVOUR][1:] and "." in name
    )
    (outdir / "modes.json").write_text(
        json.dumps(
            {
                "load_modes": runtime.load_modes(),
                "kernel": runtime.kernel_mode(),
                "binding_submodules": imported,
                "flavour": FLAVOUR,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
