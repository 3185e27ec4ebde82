"""A new machine is fast from the second run on: the first run leaves jsii's runtime index.

jsii (1.142) reads a cached package's assembly through a runtime index when there is one
(``.jsii.runtime-index.v1`` beside the package in its package cache) and otherwise
parses the whole assembly (129 MB of JSON for aws) and builds the index in a worker
thread. The kernel script (``_startup/snowssi-runtime.js``) starts that worker before
jsii's parse rather than after it, one per package, and the kernel's exit waits for it:
after one ``python main.py`` in an empty ``HOME`` every package the run loaded has its
index, the next run parses no assembly, and no process of either run is left. The
script's trace (``SNOWSSI_INDEX_TRACE``) shows what it did. How fast the runs are is the
benchmark's business (``benchmarks/synth_benchmark.py --fresh-home``), not a test's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import ANY

import pytest

from snowssi_constructs._flavour import FLAVOUR
from snowssi_constructs._startup.state import INDEX_TRACE_ENV, PLAIN_INDEX_ENV
from tests.support import ROOT

# The integration tier (tests/tiers.py): each run is a fresh Python process.
pytestmark = pytest.mark.integration

STACK_JSON = Path("cdktf.out") / "stacks" / "snowssi" / "cdk.tf.json"

INDEX = ".jsii.runtime-index.v1"
MANIFEST = ".jsii.runtime.v1.json"


def jsii_builds_a_runtime_index() -> bool:
    import jsii._embedded.jsii as embedded

    return any("runtime-index-worker" in name for name in embedded.EMBEDDED_FILES.values())


def processes_with_home(home: Path) -> list[int]:
    """The processes whose environment has ``HOME=home``."""
    marker = f"HOME={home}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            found.append(int(entry))
    return found


def cached_packages(home: Path) -> dict[str, Path]:
    """Each package of jsii's package cache under ``home``, by name: its folder."""
    cache = home / ".cache" / "aws" / "jsii" / "package-cache"
    packages = {}
    for assembly in cache.glob("**/.jsii"):
        package_json = (assembly.parent / "package.json").read_text(encoding="utf-8")
        packages[json.loads(package_json)["name"]] = assembly.parent
    return packages


def run_main(home: Path, work: Path, trace: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """``python main.py`` in ``work`` with ``HOME=home``, the script tracing to ``trace``."""
    work.mkdir(exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SNOWSSI_", "JSII_", "XDG_"))
    }
    env.update(HOME=str(home), **{INDEX_TRACE_ENV: str(trace)}, **extra)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def read_trace(trace: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]


def needs_a_runtime_index() -> None:
    if sys.platform != "linux":
        pytest.skip("reads /proc")
    if not jsii_builds_a_runtime_index():
        import jsii

        pytest.skip(f"jsii {jsii.__version__} builds no runtime index")


@dataclass(frozen=True)
class FirstRun:
    """``python main.py`` run once in an empty ``HOME``, with the script's trace."""

    home: Path
    folder: Path
    completed: subprocess.CompletedProcess[str]
    events: list[dict[str, object]]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    needs_a_runtime_index()
    folder = tmp_path_factory.mktemp("fresh-home")
    home = folder / "home"
    home.mkdir()
    completed = run_main(home, folder / "first", folder / "first.trace")
    events = read_trace(folder / "first.trace") if completed.returncode == 0 else []
    yield FirstRun(home, folder, completed, events)
    # jsii's package cache is about 490 MB: not for pytest's kept temporary folders.
    shutil.rmtree(home, ignore_errors=True)


def test_one_run_in_a_fresh_home_leaves_the_runtime_index_and_no_process(first_run: FirstRun):
    check_the_caches(first_run.completed, first_run.home)


def test_each_index_worker_starts_before_jsiis_parse_and_once_per_package(first_run: FirstRun):
    assert first_run.completed.returncode == 0, first_run.completed.stderr
    events = first_run.events
    workers = [
        (event["package"], event["started"]) for event in events if event["event"] == "worker"
    ]
    first, *others = [package for package, _ in workers]
    packages = cached_packages(first_run.home)
    assert sorted([first, *others]) == sorted(packages), "one worker per package"
    # jsii's first worker shows which assembly features it supports, and so when jsii
    # then finds no index for a package, its worker starts at once.
    assert workers == [(first, "after-parse"), *((package, "early") for package in others)]
    # The exit comes last; when a worker was still running it waited, and says so after.
    ending = [event["event"] for event in events[len(workers) :]]
    waited = events[len(workers)]["waiting"] if ending else None
    assert ending == (["exit", "exit-waited"] if waited else ["exit"]), events


def test_the_second_run_parses_no_assembly_and_writes_the_same_json(first_run: FirstRun):
    assert first_run.completed.returncode == 0, first_run.completed.stderr
    folder = first_run.folder
    second = run_main(first_run.home, folder / "second", folder / "second.trace")
    assert second.returncode == 0, second.stderr
    assert processes_with_home(first_run.home) == []
    # Every package is read through its index: no parse, so no worker and nothing to wait for.
    assert read_trace(folder / "second.trace") == [
        {"event": "exit", "package": None, "ms": ANY, "waiting": 0}
    ]
    first_json = (folder / "first" / STACK_JSON).read_bytes()
    assert (folder / "second" / STACK_JSON).read_bytes() == first_json


def test_plain_index_leaves_the_workers_to_jsii(tmp_path: Path):
    needs_a_runtime_index()
    home = tmp_path / "home"
    home.mkdir()
    try:
        completed = run_main(home, tmp_path / "work", tmp_path / "trace", **{PLAIN_INDEX_ENV: "1"})
        assert completed.returncode == 0, completed.stderr
        assert processes_with_home(home) == []
        assert read_trace(tmp_path / "trace") == [
            {"event": "exit", "package": None, "ms": ANY, "waiting": 0}
        ]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def check_the_caches(completed: subprocess.CompletedProcess[str], home: Path) -> None:
    assert completed.returncode == 0, completed.stderr
    assert "Warning" not in completed.stderr, completed.stderr
    assert processes_with_home(home) == []

    packages = cached_packages(home)
    binding = "@cdktf/provider-aws" if FLAVOUR == "cdktf" else "@cdktn/provider-aws"
    assert binding in packages and "constructs" in packages, sorted(packages)
    without_index = [
        name
        for name, folder in packages.items()
        if not ((folder / INDEX).is_file() and (folder / MANIFEST).is_file())
    ]
    assert without_index == []
    # Nothing half-written is left beside them.
    assert not [path for folder in packages.values() for path in folder.glob(".jsii.*.tmp")]
