"""A frozen value resolved from layers of options, once: the base of
:class:`~snowssi_constructs.options.PipelineSettings` and
:class:`~snowssi_constructs.options.SharedSettings`, and the rule that an option a
provider generation does not read is an error."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from . import validation
from .generations import Generation

# Groups of names an unknown keyword is matched against: (how a message calls them, names).
Accepted = Sequence[tuple[str, Sequence[str]]]


class Settings:
    """A frozen value resolved from layers of options (see :meth:`resolve`)."""

    # Set by @dataclass on each subclass: the settings, and the class variables too.
    __dataclass_fields__: ClassVar[dict[str, Any]]
    # What an error calls the settings, when it lists them; not a setting.
    _described_as: ClassVar[str] = "settings"

    if TYPE_CHECKING:

        def __init__(self, **settings: Any) -> None: ...

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The settings' names: the dataclass fields, without its class variables."""
        return tuple(field.name for field in dataclasses.fields(cls))

    @classmethod
    def resolve(
        cls,
        *layers: Mapping[str, object],
        called: type | None = None,
        also_accepted: Accepted = (),
    ) -> Self:
        """The defaults overlaid with ``layers`` in order (the last one wins).

        A key that is not a setting is a ``TypeError`` naming it, with the closest name
        among the settings, the props of the construct ``called``
        (:func:`~snowssi_constructs.validation.keyword_props`) and ``also_accepted``
        (groups: a description and the names), reported with every problem of the
        values in one error.
        """
        if called is not None:
            also_accepted = [
                (f"{called.__name__}'s props", validation.keyword_props(called)),
                *also_accepted,
            ]
        merged: dict[str, Any] = {}
        for layer in layers:
            merged.update(layer)
        names = cls.names()
        accepted = ((f"the {cls._described_as}", names), *also_accepted)
        with validation.Problems(cls.__name__) as problems:
            for unknown in sorted(merged.keys() - set(names)):
                del merged[unknown]
                problems.check(validation.unexpected_keyword, unknown, accepted)
            resolved = cls(**merged)
        return resolved

    def updated(self, *layers: Mapping[str, object], also_accepted: Accepted = ()) -> Self:
        """These settings overlaid with ``layers``, resolved again."""
        return self.resolve(vars(self), *layers, also_accepted=also_accepted)


def check_generation_options(
    problems: validation.Problems, options: Mapping[str, object], generation: Generation
) -> None:
    """Record each option given in ``options`` that ``generation`` does not read, as a
    problem naming the option and the generation (it would be dropped without a word)."""
    for option, reason in generation.unread_options:
        if option in options:
            problems.add(
                option,
                f"does nothing on the {generation.name!r} provider generation: {reason}",
            )
