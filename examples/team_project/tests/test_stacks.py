"""The team's stacks: valid against the provider facts and schemas, and as reviewed."""

from main import build
from snowssi_constructs.testing import SnapshotFixture, SynthFixture, assert_valid


def test_the_program_declares_the_bootstrap_and_both_environments(
    snowssi_synth: SynthFixture,
) -> None:
    assert sorted(snowssi_synth(build)) == ["bootstrap", "snowssi-dev", "snowssi-prod"]


def test_every_stack_holds_to_the_provider_facts_and_schemas(snowssi_synth: SynthFixture) -> None:
    for name, document in snowssi_synth(build).items():
        assert_valid(document, name=name)


def test_every_stack_keeps_its_state_in_s3(snowssi_synth: SynthFixture) -> None:
    for name, document in snowssi_synth(build).items():
        assert "s3" in document["terraform"]["backend"], name


def test_the_stacks_are_as_reviewed(
    snowssi_synth: SynthFixture, snowssi_snapshot: SnapshotFixture
) -> None:
    assert snowssi_synth(build) == snowssi_snapshot
