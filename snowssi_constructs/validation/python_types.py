"""Checks of a value's Python type, and of presence: the rules every prop shares.

A wrong type is a ``TypeError`` naming the prop: ``"no"``, ``0`` and ``1`` where a bool
belongs would otherwise be rejected later by jsii, with an error that names no prop.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Collection, Iterable, Mapping, Sequence

from .problems import Problem, describe, error_for, fail, is_token


def boolean(prop: str, value: object, *, optional: bool = False) -> None:
    """A real ``bool`` (or a token); ``None`` only where ``optional``."""
    if (value is None and optional) or isinstance(value, bool) or is_token(value):
        return
    raise fail(prop, f"expected True or False, got {describe(value)}", "type")


def integer(
    prop: str,
    value: object,
    *,
    optional: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
) -> None:
    """An ``int`` (not a ``bool``), optionally within ``minimum`` and ``maximum``."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(prop, f"expected an integer, got {describe(value)}", "type")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise fail(prop, f"must be {_bounds(minimum, maximum)}, got {value}")


def _bounds(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"at least {minimum} and at most {maximum}"
    if minimum is not None:
        return f"at least {minimum}"
    return f"at most {maximum}"


def string(prop: str, value: object, *, optional: bool = False) -> None:
    """A ``str`` (a token is a str too)."""
    if (value is None and optional) or isinstance(value, str):
        return
    raise fail(prop, f"expected a string, got {describe(value)}", "type")


def string_sequence(prop: str, value: object, *, optional: bool = False) -> None:
    """A list or tuple of ``str``.

    A bare ``str`` is refused: iterated, it would be a sequence of one-letter items.
    """
    if value is None and optional:
        return
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise fail(prop, f"expected a list of strings, got {describe(value)}", "type")
    problems = [
        Problem(f"{prop}[{index}]", f"expected a string, got {describe(item)}", "type")
        for index, item in enumerate(value)
        if not isinstance(item, str)
    ]
    if problems:
        raise error_for(problems)


def instance_of(
    prop: str, value: object, expected: type | tuple[type, ...], *, optional: bool = False
) -> None:
    """An instance of ``expected`` (a struct such as ``ProviderVersions``)."""
    if (value is None and optional) or isinstance(value, expected):
        return
    classes = expected if isinstance(expected, tuple) else (expected,)
    names = " or ".join(cls.__name__ for cls in classes)
    raise fail(prop, f"expected a {names}, got {describe(value)}", "type")


def choice(prop: str, value: object, choices: Collection[str]) -> None:
    """One of ``choices`` (a ``Literal`` prop such as ``processing``)."""
    string(prop, value)
    if value not in choices:
        listed = ", ".join(repr(option) for option in choices)
        raise fail(prop, f"must be one of {listed}, got {value!r}")


def only_where(prop: str, value: object, allowed: bool, needs: str) -> None:
    """``value`` may be ``True`` only where ``allowed``; ``needs`` says what it needs."""
    if value is True and not allowed:
        raise fail(prop, needs)


def require(prop: str, value: str | None) -> str:
    """``value`` must be given and not empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise fail(prop, "a value is required and must not be empty")
    return value


def literal_string(prop: str, value: object) -> bool:
    """Type-check ``value`` as a str; False when it is a token (nothing more to check).

    A missing value (``None``) is reported as missing, not as the wrong type.
    """
    if value is None:
        require(prop, None)
    string(prop, value)
    return not is_token(value)


def literal_text(prop: str, value: object) -> bool:
    """Like :func:`literal_string`, and a literal must not be empty either.

    The prelude of every rule on a text value: True when there is text to check further.
    """
    if not literal_string(prop, value):
        return False
    require(prop, str(value))
    return True


def non_empty_string(prop: str, value: object, *, optional: bool = False) -> None:
    """A str with something in it (or a token); ``None`` only where ``optional``."""
    if value is None and optional:
        return
    literal_string(prop, value)
    if isinstance(value, str):
        require(prop, value)


def unique(prop: str, values: Iterable[str]) -> None:
    """No value may appear twice."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise fail(prop, f"{value!r} is given more than once")
        seen.add(value)


def unexpected_keyword(prop: str, accepted: Sequence[tuple[str, Sequence[str]]]) -> None:
    """``prop`` was given as a keyword the construct does not take: always a ``TypeError``.

    ``accepted`` lists what the construct does take, in groups (a description and its
    names, e.g. ``("the pipeline options", [...])``). The message suggests the closest
    name of every group, or lists them all when none is close.
    """
    names = [name for _, group in accepted for name in group]
    close = difflib.get_close_matches(prop, names, n=1)
    if close:
        hint = f"did you mean {close[0]!r}?"
    else:
        hint = "; ".join(
            f"{described} are {', '.join(sorted(group))}" for described, group in accepted if group
        )
    raise fail(prop, f"unexpected keyword argument; {hint}", "type")


def keyword_props(construct: type, *, leave_out: Collection[str] = ()) -> tuple[str, ...]:
    """The keyword-only props of ``construct``'s ``__init__`` (not its ``**options``),
    without ``leave_out``: what :func:`unexpected_keyword` matches an unknown keyword
    against, besides the pipeline options."""
    return tuple(
        name
        for name, parameter in _parameters(construct).items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name not in leave_out
    )


@functools.cache
def _parameters(construct: type) -> Mapping[str, inspect.Parameter]:
    # The class's own signature is jsii's metaclass's: read its __init__ instead.
    return inspect.signature(inspect.getattr_static(construct, "__init__")).parameters
