"""The fast kernel's runtime folder: one per jsii version in the user's cache directory,
written atomically, shared by concurrent runs, and nothing left in the temporary folder
by a run that is killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jsii
import pytest

from snowssi_constructs._flavour import FLAVOUR, MODULES
from snowssi_constructs._startup import kernel

TIMEOUT = 600
POSIX = sys.platform != "win32"
LINUX = sys.platform.startswith("linux")

# Starts the kernel the way a program does, then waits to be killed.
PROGRAM = textwrap.dedent(
    f"""
    import sys, time
    from {MODULES[FLAVOUR][0]} import App
    from snowssi_constructs import SnowSSIStack
    from snowssi_constructs._startup import runtime

    app = App(outdir="out", stack_traces=False)
    SnowSSIStack(app, "snowssi")
    app.synth()
    print(runtime.kernel_mode(), flush=True)
    if sys.argv[1:] == ["wait"]:
        time.sleep(600)
    """
)

pytestmark = pytest.mark.skipif(not POSIX, reason="the fast kernel start is POSIX-only")


def _environment(tmp_path: Path) -> dict[str, str]:
    removed = ("SNOWSSI_PLAIN_IMPORTS", "SNOWSSI_PLAIN_KERNEL", "SNOWSSI_NO_STARTUP_HOOK")
    env = {key: value for key, value in os.environ.items() if key not in removed}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["TMPDIR"] = str(tmp_path / "tmp")
    return env


def _start(tmp_path: Path, name: str, *args: str) -> subprocess.Popen[str]:
    cwd = tmp_path / name
    cwd.mkdir()
    return subprocess.Popen(
        [sys.executable, "-c", PROGRAM, *args],
        cwd=cwd,
        env=_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _runtime_folders(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "cache" / kernel.CACHE_APP_NAME).iterdir())


@pytest.mark.integration
def test_concurrent_first_runs_share_one_complete_folder(tmp_path: Path):
    processes = [_start(tmp_path, "first"), _start(tmp_path, "second")]
    for process in processes:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0, stderr[-5000:]
        assert stdout.split() == ["fast"]
        assert stderr == ""
    (folder,) = _runtime_folders(tmp_path)
    assert folder.startswith(f"jsii-runtime-{jsii.__version__}-")
    written = tmp_path / "cache" / kernel.CACHE_APP_NAME / folder
    assert (written / "bin" / "snowssi-runtime.js").read_text() == kernel.SCRIPT.read_text()
    assert (written / "lib" / "program.js").is_file()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_run_that_loses_the_race_takes_the_winners_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The collision forced: another run renames its complete folder into place just
    before this run's rename, which then fails; this run removes its own copy and uses
    the other's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = tmp_path / kernel.CACHE_APP_NAME
    rename = Path.rename
    failed: list[OSError] = []

    def rename_after_another_run(self: Path, target: Path) -> Path:
        winner = cache / "another-run"
        shutil.copytree(self, winner)
        (winner / "written-by-another-run").touch()
        rename(winner, target)
        try:
            return rename(self, target)
        except OSError as error:
            failed.append(error)
            raise

    monkeypatch.setattr(Path, "rename", rename_after_another_run)
    kernel.runtime_directory.cache_clear()
    try:
        folder = kernel.runtime_directory()
    finally:
        kernel.runtime_directory.cache_clear()

    assert len(failed) == 1, "this run's rename must have lost the race"
    assert (folder / "written-by-another-run").is_file()  # the winner's folder, kept
    assert (folder / "bin" / "snowssi-runtime.js").read_text() == kernel.SCRIPT.read_text()
    assert [p.name for p in cache.iterdir()] == [folder.name]  # no partial copy left


@pytest.mark.integration
@pytest.mark.skipif(not LINUX, reason="waits for the kernel to exit by reading /proc (Linux)")
def test_a_killed_run_leaves_nothing_of_the_runtime_behind(tmp_path: Path):
    process = _start(tmp_path, "first", "wait")
    try:
        assert process.stdout is not None
        assert process.stdout.readline().split() == ["fast"]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    # The kernel, a child of the killed process, exits when its pipes close.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _kernel_alive(tmp_path):
        time.sleep(0.2)
    # Neither this package's runtime folder nor jsii's own temporary copy of it.
    assert list((tmp_path / "tmp").iterdir()) == []
    (folder,) = _runtime_folders(tmp_path)
    assert folder.startswith("jsii-runtime-")


def _kernel_alive(tmp_path: Path) -> bool:
    """Whether a process whose environment names this test's cache is alive (Linux)."""
    marker = str(tmp_path / "cache").encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker in Path(f"/proc/{pid}/environ").read_bytes():
                return True
        except OSError:
            continue
    return False


def test_a_partial_folder_of_a_killed_writer_is_removed_once_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = tmp_path / kernel.CACHE_APP_NAME
    stale, recent = cache / ".partial-stale", cache / ".partial-recent"
    for partial in (stale, recent):
        (partial / "bin").mkdir(parents=True)
    old = time.time() - 3600
    os.utime(stale, (old, old))

    kernel.runtime_directory.cache_clear()
    try:
        folder = kernel.runtime_directory()
    finally:
        kernel.runtime_directory.cache_clear()

    assert folder.parent == cache
    assert (folder / "bin" / "snowssi-runtime.js").is_file()
    assert not stale.exists()
    assert recent.exists()  # perhaps another run's, still being written
