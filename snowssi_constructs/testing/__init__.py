"""Testing helpers for your own stacks: the checks the library's own tests run.

Install the ``testing`` extra (pytest and syrupy): ``pip install
'snowssi-constructs[cdktf,testing]'``. Then:

- :func:`synth` synthesizes a program's stacks to normalised dicts, the same on every
  run and on CDKTF and CDK Terrain;
- :func:`check` lists every way a stack breaks a fact about the snowflake provider
  version it pins (:mod:`~snowssi_constructs.testing.facts`) or the provider schemas of
  the installed bindings (:mod:`~snowssi_constructs.testing.schema`);
  :func:`assert_valid` fails with that list;
- the pytest plugin (:mod:`~snowssi_constructs.testing.plugin`, loaded by pytest
  itself) gives the fixtures ``snowssi_synth`` and ``snowssi_snapshot`` (syrupy, as
  JSON), typed :class:`SynthFixture` and :class:`SnapshotFixture` for a test module
  that ``mypy --strict`` checks.

Importing this package loads neither the CDK nor the bindings; :func:`synth` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fact import Fact
from .facts import FACT_SETS, FactSet, UnknownProviderVersion, violations
from .fixture_types import SnapshotFixture, SynthFixture
from .schema import check_document
from .synth import CDKTF_VERSION, normalise, synth, synth_texts


def check(document: Mapping[str, Any]) -> list[str]:
    """Every problem of ``document`` (one stack's JSON): its provider-fact violations,
    then its schema errors, each as a readable line; empty when there is none.

    :raises UnknownProviderVersion: the stack pins a snowflake provider version that no
        fact set is about.
    """
    return [*violations(document), *check_document(document)]


def assert_valid(document: Mapping[str, Any], *, name: str = "stack") -> None:
    """Fail, listing every problem :func:`check` finds in ``document``.

    :param name: how the message names the stack.
    :raises AssertionError: when there is a problem.
    """
    problems = check(document)
    if problems:
        raise AssertionError(f"{name} has {len(problems)} problem(s):\n" + "\n".join(problems))


__all__ = [
    "CDKTF_VERSION",
    "FACT_SETS",
    "Fact",
    "FactSet",
    "SnapshotFixture",
    "SynthFixture",
    "UnknownProviderVersion",
    "assert_valid",
    "check",
    "check_document",
    "normalise",
    "synth",
    "synth_texts",
    "violations",
]
