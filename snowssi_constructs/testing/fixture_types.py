"""The types of the pytest fixtures, for a test module that ``mypy --strict`` checks.

Kept apart from the plugin and the helpers: importing it loads nothing but ``typing``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

    from .._flavour import App


class SynthFixture(Protocol):
    """The fixture ``snowssi_synth``: ``snowssi_synth(build)`` runs ``build(app)`` on a
    fresh ``App`` and returns each stack's normalised JSON, by stack name."""

    def __call__(self, build: Callable[[App], object], /) -> dict[str, dict[str, Any]]:
        """Synthesize ``build``'s stacks (see :func:`~snowssi_constructs.testing.synth`)."""
        ...


SnapshotFixture: TypeAlias = "SnapshotAssertion"
"""The fixture ``snowssi_snapshot``: syrupy's ``SnapshotAssertion``, writing JSON."""
