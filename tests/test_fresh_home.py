"""A new machine is fast from the second run on: the first run leaves jsii's runtime index.

jsii (1.142) reads a cached package's assembly through a runtime index when there is one
(``.jsii.runtime-index.v1`` beside the package in its package cache) and otherwise
parses the whole assembly (129 MB of JSON for aws) and builds the index in a worker
thread. The kernel's exit waits for that worker (``_startup/snowssi-runtime.js``), so
after one ``python main.py`` in an empty ``HOME`` every package the run loaded has its
index, and no process of the run is left. How fast the runs are is the benchmark's
business (``benchmarks/synth_benchmark.py --fresh-home``), not a test's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from snowssi_constructs._flavour import FLAVOUR
from tests.support import ROOT

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


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_one_run_in_a_fresh_home_leaves_the_runtime_index_and_no_process(tmp_path: Path):
    if not jsii_builds_a_runtime_index():
        import jsii

        pytest.skip(f"jsii {jsii.__version__} builds no runtime index")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SNOWSSI_", "JSII_", "XDG_"))
    }
    env["HOME"] = str(home)
    completed = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        check_the_caches(completed, home)
    finally:
        # jsii's package cache is about 490 MB: not for pytest's kept temporary folders.
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
