"""The tests' own helpers: one reading of ``CI``."""

from __future__ import annotations

import re

import pytest

from tests.support import CI_ENV, ROOT, in_ci

# Reading the variable by its name: through os.environ (subscript, get, `in`) or os.getenv.
_READS_CI = re.compile(r"""(?:environ|getenv)\b.{0,12}["']CI["']|["']CI["']\s+(?:not\s+)?in\b""")


@pytest.mark.parametrize("value", ["true", "TRUE", "True", " true\n", "1", "yes", "YES"])
def test_ci_is_on_for_true_1_and_yes(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv(CI_ENV, value)
    assert in_ci() is True


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off", "ci"])
def test_ci_is_off_otherwise(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv(CI_ENV, value)
    assert in_ci() is False


def test_ci_is_off_when_unset(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(CI_ENV, raising=False)
    assert in_ci() is False


def test_only_the_helper_reads_ci():
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").glob("*.py"))
        if _READS_CI.search(path.read_text())
    ]
    assert readers == []


@pytest.mark.parametrize(
    "line",
    ['os.environ.get("{}", "")', "os.getenv('{}')", 'os.environ["{}"]', '"{}" in os.environ'],
)
def test_the_ci_scan_finds_a_reading(line: str):
    assert _READS_CI.search(line.format(CI_ENV))
