"""The pytest plugin: pytest loads it through the package's ``pytest11`` entry point, in
every pytest run of an environment the package is installed in.

So it imports only pytest at load time: the fixtures import the CDK, the bindings and
syrupy when a test asks for them, and a project that never uses them pays nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

    from .fixture_types import SnapshotFixture, SynthFixture


@pytest.fixture
def snowssi_synth() -> SynthFixture:
    """:func:`snowssi_constructs.testing.synth`: ``snowssi_synth(build)`` runs
    ``build(app)`` on a fresh ``App`` and returns each stack's normalised JSON, by
    stack name."""
    from .synth import synth

    return synth


@pytest.fixture
def snowssi_snapshot(request: pytest.FixtureRequest) -> SnapshotFixture:
    """syrupy's ``snapshot``, writing each snapshot as a JSON file of its own
    (``__snapshots__/<test module>/<test name>.json``): compare it with
    ``assert snowssi_synth(build) == snowssi_snapshot``; update with
    ``pytest --snapshot-update``."""
    try:
        from syrupy.extensions.json import JSONSnapshotExtension
    except ImportError as error:
        raise ImportError(
            "the fixture snowssi_snapshot needs syrupy: pip install "
            "'snowssi-constructs[testing]' (with your flavour's extra)"
        ) from error
    snapshot: SnapshotAssertion = request.getfixturevalue("snapshot")
    return snapshot.use_extension(JSONSnapshotExtension)
