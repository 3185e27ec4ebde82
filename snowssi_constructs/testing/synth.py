"""Synthesize a program's stacks in this process, and normalise the JSON for snapshots."""

from __future__ import annotations

import importlib.metadata
import json
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._flavour import App

# The version CDKTF writes into "//".metadata.version: the one place where the JSON of
# the two flavours differs. Normalised JSON holds it on either flavour, so a snapshot
# taken on CDKTF matches on CDK Terrain (and across CDK Terrain releases).
CDKTF_VERSION = "0.21.0"


def synth_texts(build: Callable[[App], object]) -> dict[str, str]:
    """Run ``build(app)`` on a fresh ``App`` and synthesize it, as a program's
    ``app.synth()`` does, into a temporary folder; each stack's ``cdk.tf.json`` text, byte
    for byte, keyed by stack name."""
    from .._flavour import App

    with tempfile.TemporaryDirectory(prefix="snowssi-synth-") as outdir:
        # No stack traces: they hold the paths of the program's files.
        app = App(outdir=outdir, stack_traces=False)
        build(app)
        app.synth()
        stacks = Path(outdir) / "stacks"
        return {p.name: (p / "cdk.tf.json").read_text() for p in sorted(stacks.iterdir())}


def synth(build: Callable[[App], object]) -> dict[str, dict[str, Any]]:
    """Like :func:`synth_texts`, each stack's JSON as a dict, normalised
    (:func:`normalise`): the same on every run, on CDKTF and on CDK Terrain."""
    return {name: normalise(json.loads(text)) for name, text in synth_texts(build).items()}


def normalise(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` (one stack's JSON) with CDKTF's version (:data:`CDKTF_VERSION`) in
    ``"//".metadata.version``, after checking that it holds the installed flavour's.

    Everything else is kept: the JSON is deterministic (no paths, no timestamps).
    """
    from .._flavour import FLAVOUR

    metadata = document["//"]["metadata"]
    installed = CDKTF_VERSION if FLAVOUR == "cdktf" else importlib.metadata.version(FLAVOUR)
    if metadata["version"] != installed:
        raise ValueError(
            f"the stack's metadata.version is {metadata['version']!r}, not {FLAVOUR} "
            f"{installed}: was it synthesized by another CDK?"
        )
    return {
        **document,
        "//": {**document["//"], "metadata": {**metadata, "version": CDKTF_VERSION}},
    }
