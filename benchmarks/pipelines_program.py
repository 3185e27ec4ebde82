"""Synthesize ``SnowSSIStack(app, "snowssi", pipelines=[p0, ..., pN-1])`` with the library.

    python benchmarks/pipelines_program.py N

Writes ``cdktf.out/stacks/snowssi/cdk.tf.json`` in the working directory, like
``main.py``; the benchmark runs it for stacks of 1, 10 and 50 pipelines.
"""

from __future__ import annotations

import sys

from snowssi_constructs import App, SnowSSIStack


def main(count: int) -> None:
    app = App(stack_traces=False)
    SnowSSIStack(app, "snowssi", pipelines=[f"p{i}" for i in range(count)])
    app.synth()


if __name__ == "__main__":
    main(int(sys.argv[1]))
