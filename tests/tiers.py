"""The two test tiers and the rule between them (docs/contributing.md, "Test tiers").

* The **integration** tier (``@pytest.mark.integration``): every test that starts another
  process, itself or through a fixture: Terraform, moto's server, checkov, the CDK CLIs,
  a wheel build or install, a Python or Node.js subprocess.
* The **unit** tier: everything else, above all every test that synthesizes in-process.
  ``python3 dev.py unit`` runs it on both flavours in about a minute.

Two checks hold the rule. At collection, a test that uses one of
:data:`PROCESS_FIXTURES` without the marker stops the run (:func:`unmarked_process_tests`).
While a unit-tier test runs (its fixtures' set-up and teardown included),
:func:`no_new_processes` makes every way of starting a process raise
:class:`ProcessInUnitTier`, which the test cannot swallow with ``except Exception``,
and the test fails even if it does catch it. jsii's own kernel is the one exception:
jsii starts its Node.js process lazily, on the first call into a binding, which may
happen inside any test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsii
import pytest

MARKER = "integration"

# Fixtures that start a process for the test that uses them (tests/terraform_env.py,
# tests/conftest.py, tests/test_live_offline.py).
PROCESS_FIXTURES = frozenset(
    {"terraform", "moto_process", "moto_server", "wheel", "fake_terraform"}
)

# The functions of ``os`` that start a process without the subprocess module (the ones
# this platform has): os.spawn* and os.popen go through these or through subprocess.
_OS_STARTERS = ("system", "fork", "forkpty", "posix_spawn", "posix_spawnp", "startfile")

_JSII_DIR = str(Path(jsii.__file__).resolve().parent)


class ProcessInUnitTier(BaseException):
    """A unit-tier test started a process. A BaseException, so that code under test
    that catches ``Exception`` (a subprocess failure handled as "tool missing", say)
    cannot hide it."""


def is_integration(item: pytest.Item) -> bool:
    return item.get_closest_marker(MARKER) is not None


def unmarked_process_tests(items: Iterable[pytest.Item]) -> list[str]:
    """The node ids of the collected tests that use a process-starting fixture but are
    not marked ``integration``."""
    return [
        item.nodeid
        for item in items
        if PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())) and not is_integration(item)
    ]


def _started_by_jsii() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(_JSII_DIR):
            return True
        frame = frame.f_back
    return False


@contextmanager
def no_new_processes(test: str, caught: list[str]) -> Iterator[None]:
    """Within the block, starting a process raises :class:`ProcessInUnitTier` (and
    appends its description to ``caught``), unless jsii starts its kernel."""

    def refuse(what: str) -> None:
        message = (
            f"{test} started a process ({what}) but is in the unit tier: mark it "
            f"@pytest.mark.{MARKER} (docs/contributing.md, 'Test tiers')"
        )
        caught.append(message)
        raise ProcessInUnitTier(message)

    def guard_popen(original: Callable[..., Any]) -> Callable[..., Any]:
        def execute_child(self: subprocess.Popen[Any], args: Any, *rest: Any, **kw: Any) -> Any:
            if not _started_by_jsii():
                refuse(f"subprocess: {args!r}"[:300])
            return original(self, args, *rest, **kw)

        return execute_child

    def guard_os(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def starter(*args: Any, **kwargs: Any) -> Any:
            if not _started_by_jsii():
                refuse(f"os.{name}{args!r}"[:300])
            return original(*args, **kwargs)

        return starter

    saved: list[tuple[object, str, Any]] = [
        (subprocess.Popen, "_execute_child", subprocess.Popen._execute_child)  # type: ignore[attr-defined]
    ]
    saved += [(os, name, getattr(os, name)) for name in _OS_STARTERS if hasattr(os, name)]
    subprocess.Popen._execute_child = guard_popen(saved[0][2])  # type: ignore[attr-defined]
    for owner, name, original in saved[1:]:
        setattr(owner, name, guard_os(name, original))
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
