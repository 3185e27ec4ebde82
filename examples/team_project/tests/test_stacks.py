"""The team's stacks: valid against the provider facts and schemas, and as reviewed."""

from collections.abc import Callable
from typing import Any

from syrupy.assertion import SnapshotAssertion

from main import build
from snowssi_constructs import App
from snowssi_constructs.testing import assert_valid

# What the fixture snowssi_synth is: synth(build) gives each stack's JSON by name.
Synth = Callable[[Callable[[App], object]], dict[str, dict[str, Any]]]


def test_the_program_declares_the_bootstrap_and_both_environments(snowssi_synth: Synth) -> None:
    assert sorted(snowssi_synth(build)) == ["bootstrap", "snowssi-dev", "snowssi-prod"]


def test_every_stack_holds_to_the_provider_facts_and_schemas(snowssi_synth: Synth) -> None:
    for name, document in snowssi_synth(build).items():
        assert_valid(document, name=name)


def test_the_environments_keep_their_state_in_s3(snowssi_synth: Synth) -> None:
    stacks = snowssi_synth(build)
    for name in ("snowssi-dev", "snowssi-prod"):
        assert "s3" in stacks[name]["terraform"]["backend"], name


def test_the_stacks_are_as_reviewed(
    snowssi_synth: Synth, snowssi_snapshot: SnapshotAssertion
) -> None:
    assert snowssi_synth(build) == snowssi_snapshot
