"""Benchmark: what the provider schema check (``snowssi_constructs.testing.schema``) costs.

    .venv/bin/python benchmarks/provider_schema_cost.py

Loads the four bindings' jsii assemblies the way the check does (decompress, index the
class summaries, decode nothing else), then checks the default stack against them, and
prints for each assembly the time to load and index it, its size and how many types it
indexed and structs it decoded, then the time of the check itself. The aws assembly
dominates. Nothing here asserts a time: on a shared machine, read the load average it
prints.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from snowssi_constructs import SnowSSIStack  # noqa: E402
from snowssi_constructs.testing.schema import PROVIDERS, assembly_for, check_document  # noqa: E402
from tests.support import synth_text  # noqa: E402


def main() -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    assemblies = [assembly_for(provider) for provider in PROVIDERS]
    document = json.loads(synth_text(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"])
    start = time.monotonic()
    errors = check_document(document)
    check_seconds = time.monotonic() - start
    print("provider schema check: assembly load cost")
    for a in assemblies:
        print(
            f"  {a.name:<28} {a.provider_version:<8} index {a.load_seconds:5.2f} s, "
            f"{len(a.text) / 1e6:6.1f} MB, {len(a.classes)} types indexed, "
            f"{len(a.structs)} structs decoded"
        )
    total = sum(a.load_seconds for a in assemblies)
    print(f"  total {total:5.2f} s; checking the default stack then took {check_seconds:5.3f} s")
    print(f"  ({len(errors)} schema errors in the default stack)")
    if load is not None:
        print(f"  load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
