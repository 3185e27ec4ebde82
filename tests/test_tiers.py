"""The rule between the two test tiers (tests/tiers.py): a unit-tier test starts no
process, and a test that uses a process-starting fixture carries the integration
marker; and what ``dev.py unit`` and ``dev.py test`` select and report."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

from tests import tiers
from tests.support import ROOT


def test_a_subprocess_in_the_unit_tier_is_refused_naming_the_marker() -> None:
    caught: list[str] = []
    with (
        tiers.no_new_processes("tests/test_x.py::test_y", caught),
        pytest.raises(tiers.ProcessInUnitTier, match=r"test_y started a process .*integration"),
    ):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    assert len(caught) == 1 and "subprocess" in caught[0]


def test_the_refusal_is_not_an_exception_code_under_test_would_swallow() -> None:
    assert not issubclass(tiers.ProcessInUnitTier, Exception)
    caught: list[str] = []
    with (
        tiers.no_new_processes("test_z", caught),
        pytest.raises(tiers.ProcessInUnitTier),
        contextlib.suppress(Exception),  # what handling a missing tool often looks like
    ):
        os.system("true")
    assert caught and "os.system" in caught[0]


def test_every_starter_is_restored_after_the_block() -> None:
    before = subprocess.Popen._execute_child  # type: ignore[attr-defined]
    with tiers.no_new_processes("test_w", []):
        assert subprocess.Popen._execute_child is not before  # type: ignore[attr-defined]
    assert subprocess.Popen._execute_child is before  # type: ignore[attr-defined]


def test_a_process_jsii_starts_is_allowed() -> None:
    """jsii starts its kernel on first use, from inside any test: its own Popen passes."""
    jsii_process = Path(tiers._JSII_DIR) / "_kernel" / "providers" / "process.py"
    assert jsii_process.is_file()
    code = compile(
        "import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'pass'], check=True)\n",
        str(jsii_process),  # a frame whose file is jsii's, as the kernel start's is
        "exec",
    )
    caught: list[str] = []
    with tiers.no_new_processes("test_v", caught):
        exec(code, {})
    assert caught == []


@dataclass
class FakeItem:
    nodeid: str
    fixturenames: list[str]
    markers: set[str] = field(default_factory=set)

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.markers else None


def test_a_process_fixture_without_the_marker_is_named_at_collection() -> None:
    items = [
        FakeItem("t::unmarked_moto", ["moto_server", "tmp_path"]),
        FakeItem("t::marked_terraform", ["terraform"], {"integration"}),
        FakeItem("t::in_process", ["synth_stack"]),
    ]
    assert tiers.unmarked_process_tests(items) == ["t::unmarked_moto"]  # type: ignore[arg-type]


def test_the_process_fixtures_are_defined_under_those_names() -> None:
    """A renamed fixture would slip past the collection check: each name must still be
    a fixture of tests/terraform_env.py, tests/conftest.py or tests/test_live_offline.py."""
    sources = ("terraform_env.py", "conftest.py", "test_live_offline.py")
    text = "\n".join((ROOT / "tests" / name).read_text(encoding="utf-8") for name in sources)
    for name in tiers.PROCESS_FIXTURES:
        assert re.search(rf"@pytest\.fixture[^\n]*\ndef {name}\(", text), name


def test_the_markers_of_the_tiers_are_declared_in_pyproject() -> None:
    assert "integration:" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


# --- dev.py --------------------------------------------------------------------------------


@pytest.fixture
def dev(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    yield module


def test_dev_py_unit_runs_ruff_then_the_unit_tier_of_both_flavours_at_once(
    dev: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []
    batches: list[list[list[str]]] = []
    monkeypatch.setattr(dev, "ensure_environment", lambda flavour, **kw: Path(f"/{flavour}/py"))
    monkeypatch.setattr(dev, "run", lambda command, env=None: commands.append(command))
    monkeypatch.setattr(
        dev, "run_side_by_side", lambda runs: batches.append([r.command for r in runs]) or 0
    )
    dev.main(["unit", "-x"])
    assert commands == [
        ["/cdktf/py", "-m", "ruff", "check", "."],
        ["/cdktf/py", "-m", "ruff", "format", "--check", "."],
    ]
    assert batches == [
        [
            [
                "/cdktf/py",
                "-m",
                "pytest",
                "-o",
                "cache_dir=.pytest_cache/cdktf",
                "-m",
                "not integration and not live",
                "-x",
            ],
            [
                "/cdktn/py",
                "-m",
                "pytest",
                "-o",
                "cache_dir=.pytest_cache/cdktn",
                "-m",
                "not integration and not shared_json and not live and not cdktf_only",
                "-x",
            ],
        ]
    ]


def test_dev_py_test_runs_both_tiers_of_both_flavours_cdktf_in_two_parts(
    dev: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[list[tuple[str, str]]] = []
    monkeypatch.setattr(dev, "ensure_environment", lambda flavour, **kw: Path(f"/{flavour}/py"))
    monkeypatch.setattr(dev, "ensure_build_backend", lambda flavour, **kw: None)
    monkeypatch.setattr(dev, "run", lambda command, env=None: None)
    monkeypatch.setattr(dev, "docs", lambda: None)
    monkeypatch.setattr(
        dev,
        "run_side_by_side",
        lambda runs: batches.append([(r.flavour, r.command[6]) for r in runs]) or 0,
    )
    dev.main(["test"])
    # Together the two CDKTF parts select exactly "not live", as one run did.
    assert batches == [
        [
            ("cdktf", "shared_json and integration and not live"),
            ("cdktf", "not (shared_json and integration) and not live"),
            ("cdktn", "not shared_json and not live and not cdktf_only"),
        ]
    ]


def run_with(dev: ModuleType, flavour: str, returncode: int, output: str) -> object:
    return dev.PytestRun("pytest on X", flavour, [], {}, returncode, 3.0, output)


@pytest.mark.parametrize(
    ("returncode", "output", "expected"),
    [
        (0, "== 1248 passed, 1 skipped in 41.52s ==\n", "passed: 1248 passed, 1 skipped in 41.52s"),
        (1, "== 1 failed, 3 passed in 2.00s ==\n", "FAILED (exit 1): 1 failed, 3 passed in 2.00s"),
        (5, "== 12 deselected in 1.00s ==\n", "no test selected (pytest exit 5)"),
    ],
)
def test_each_runs_summary_keeps_pytests_closing_line(
    dev: ModuleType, returncode: int, output: str, expected: str
) -> None:
    assert dev.verdict(run_with(dev, "cdktf", returncode, output)).startswith(expected)


def test_a_flavours_parts_add_up_in_pytests_words(dev: ModuleType) -> None:
    parts = [
        run_with(dev, "cdktf", 0, "== 14 passed, 1300 deselected in 300.00s ==\n"),
        run_with(dev, "cdktf", 0, "== 1328 passed, 1 skipped, 14 deselected in 100.0s ==\n"),
    ]
    assert dev.total_counts(parts) == "1342 passed, 1 skipped"


@pytest.mark.integration
def test_side_by_side_runs_overlap_keep_their_outputs_apart_and_fail_on_either(
    dev: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    sleeper = "import sys, time; time.sleep(1.5); print(sys.argv[1]); sys.exit(int(sys.argv[2]))"
    env = dict(os.environ)

    def run(title: str, flavour: str, out: str, code: int) -> object:
        return dev.PytestRun(title, flavour, [sys.executable, "-c", sleeper, out, str(code)], env)

    runs = [run("first", "cdktf", "out-one", 0), run("second", "cdktn", "out-two", 5)]
    assert dev.run_side_by_side(runs) == 5
    printed = capsys.readouterr().out
    assert printed.index("===== first") < printed.index("out-one") < printed.index("===== second")
    assert printed.index("===== second") < printed.index("out-two")
    assert "second: no test selected" in printed and "CDK Terrain, all: no test" in printed
    # Side by side: each took its 1.5 s, together well under the 3 s one after the other.
    assert max(r.seconds for r in runs) < 2.9, [r.seconds for r in runs]

    # One part of a flavour with no test is no failure when another part ran tests.
    parts = [run("a", "cdktf", "x", 5), run("b", "cdktf", "y", 0), run("c", "cdktn", "z", 0)]
    assert dev.run_side_by_side(parts) == 0
    parts = [run("a", "cdktf", "x", 0), run("b", "cdktf", "y", 1), run("c", "cdktn", "z", 0)]
    assert dev.run_side_by_side(parts) == 1
