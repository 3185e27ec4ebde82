"""Snapshots of the whole synthesized JSON of the default stack and of every example.

Update them deliberately with ``python3 dev.py test --snapshot-update`` and review the
diff: a changed snapshot is a changed deployment.
"""

from __future__ import annotations

import json

from snowssi_constructs import SnowSSIStack

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from tests.support import EXAMPLES, load_example, synth_text


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_default_stack_snapshot(snapshot_json):
    text = synth_text(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]
    assert json.loads(text) == snapshot_json


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_snapshot(example, snapshot_json):
    stacks = synth_text(load_example(example))
    assert {name: json.loads(text) for name, text in stacks.items()} == snapshot_json
