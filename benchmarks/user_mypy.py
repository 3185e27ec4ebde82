"""Benchmark: a user's cold ``mypy --strict`` on a ten-line program, in a project of its own.

    .venv/bin/python benchmarks/user_mypy.py [--runs 3] [--baseline-runs 1]
    .venv-cdktn/bin/python benchmarks/user_mypy.py          # the same on CDK Terrain

Each run writes a program (the ten-line ``PROGRAM``, then the same with a binding class of
the user's own) into a fresh temporary folder (no configuration file,
as a user's new project has) and runs ``python -m mypy --strict main.py`` there with a
fresh cache folder, so every run is cold, on the interpreter that runs this script, with
its installed packages: the bindings, and the partial stub packages of their roots that
the wheel ships.

The baseline is the same run as without those stub packages: mypy type-checks for a
second interpreter (``--python-executable``), a virtual environment made for the run
whose site-packages links every entry of this one's except the root stubs the package
ships, so mypy follows the bindings' real roots into every submodule (this takes a
minute or more; ``--baseline-runs 0`` leaves it out). For each cell it prints the
median and range of the wall time and the peak RSS of the mypy process (``os.wait4``;
Linux and macOS), the exit status, the ratio baseline / with stubs, and the load
average. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from pathlib import Path

# Which flavour the interpreter has: the program imports its App.
FLAVOUR = "cdktf" if importlib.util.find_spec("cdktf") else "cdktn"
BINDINGS = {
    "cdktf": [f"cdktf_cdktf_provider_{p}" for p in ("aws", "snowflake", "random", "time")],
    "cdktn": [f"cdktn_provider_{p}" for p in ("aws", "snowflake", "random", "time")],
}
PROGRAM = f'''"""A user's program: the default SnowSSI stack, synthesized."""

from {FLAVOUR} import App

from snowssi_constructs import SnowSSIStack

app = App()
SnowSSIStack(app, "snowssi")
app.synth()
'''
# The same, and a binding class of the user's own (through its submodule).
AWS = BINDINGS[FLAVOUR][0]
PROGRAM_WITH_BINDING = PROGRAM.replace(
    "\napp = App()\n",
    f"from {AWS}.sqs_queue import SqsQueue\n\napp = App()\n",
).replace(
    'SnowSSIStack(app, "snowssi")\n',
    'stack = SnowSSIStack(app, "snowssi")\nSqsQueue(stack, "queue", name="orders")\n',
)
PROGRAMS = {"ten-line program": PROGRAM, "and a binding class of its own": PROGRAM_WITH_BINDING}


def without_root_stubs(folder: Path) -> str:
    """A virtual environment in ``folder`` that sees this one's site-packages but for the
    stub packages of the bindings' roots; its interpreter."""
    target = folder / "baseline-venv"
    venv.create(target, with_pip=False)
    (site_packages,) = target.glob("lib/python*/site-packages")
    shipped = {f"{package}-stubs" for packages in BINDINGS.values() for package in packages}
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if entry.name not in shipped and not (site_packages / entry.name).exists():
            (site_packages / entry.name).symlink_to(entry)
    return str(target / "bin" / "python")


def run_once(program: str, baseline: bool) -> tuple[float, float, int]:
    """One cold run: (wall seconds, peak RSS in MB, exit status)."""
    with tempfile.TemporaryDirectory(prefix="snowssi-user-mypy-") as folder:
        project = Path(folder) / "project"
        project.mkdir()
        (project / "main.py").write_text(program)
        options = ["--python-executable", without_root_stubs(Path(folder))] if baseline else []
        command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", f"{folder}/cache"]
        command += options
        start = time.monotonic()
        process = subprocess.Popen(
            [*command, "main.py"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        # ru_maxrss is in KiB on Linux, in bytes on macOS.
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024
        return seconds, usage.ru_maxrss / scale, process.returncode


def report(label: str, runs: list[tuple[float, float, int]]) -> float:
    times = [r[0] for r in runs]
    median = statistics.median(times)
    rss = statistics.median(r[1] for r in runs)
    statuses = sorted({r[2] for r in runs})
    print(
        f"  {label:<34} {median:7.2f} s ({min(times):.2f} to {max(times):.2f}), "
        f"{rss:6.0f} MB, {len(runs)} run(s), exit {statuses}"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"user mypy --strict, cold, {FLAVOUR}; load average {load[0]:.2f} at the start")
    for label, program in PROGRAMS.items():
        print(f" {label}:")
        with_stubs = [run_once(program, baseline=False) for _ in range(args.runs)]
        median = report("with the shipped root stubs", with_stubs)
        if args.baseline_runs:
            baseline = [run_once(program, baseline=True) for _ in range(args.baseline_runs)]
            base = report("baseline: the bindings' real roots", baseline)
            print(f"  baseline / with stubs: {base / median:.1f}x")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
