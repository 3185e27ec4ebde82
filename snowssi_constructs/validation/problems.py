"""Collecting the problems of a construct's props and reporting them as one error.

Every check takes the prop's name first and, on a bad value, raises an error whose
message starts with that name (``force_destroy: expected True or False, got 'no'``):

* ``TypeError`` (:class:`PropTypeError`) when the value has the wrong type;
* ``ValueError`` (:class:`PropValueError`) when the type is right and a rule is broken;
* :class:`PropTypeAndValueError`, a subclass of both, when one error reports problems of
  both kinds, so ``except TypeError`` and ``except ValueError`` each still catch it.

A construct checks all its props inside one :class:`Problems` block and raises one
error listing everything wrong:

    with validation.Problems("SnowSSIStack") as problems:
        problems.check(validation.boolean, "force_destroy", force_destroy)
        size = problems.check(validation.warehouse_size, "warehouse_size", warehouse_size)
        if s3_backend is not None and backend is not None:
            problems.add("backend", "give either s3_backend or backend, not both")

Values that are Terraform tokens (:func:`is_token`) are left to Terraform.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Concatenate, Literal, ParamSpec, TypeVar

# How cdktf encodes an unresolved string token in Python (`${TfToken[TOKEN.12]}`).
TOKEN_MARKER = "${TfToken["

_P = ParamSpec("_P")
_R = TypeVar("_R")
_V = TypeVar("_V")

ProblemKind = Literal["type", "value"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one prop."""

    prop: str
    message: str
    kind: ProblemKind = "value"

    def __str__(self) -> str:
        return f"{self.prop}: {self.message}"


class PropError(Exception):
    """Base of the errors raised by these checks; ``problems`` lists every problem.

    Never raised itself: see :class:`PropTypeError`, :class:`PropValueError` and
    :class:`PropTypeAndValueError`, which :func:`error_for` picks between.
    """

    def __init__(self, problems: Sequence[Problem], owner: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.owner = owner
        super().__init__(_render(self.problems, owner))


class PropTypeError(PropError, TypeError):
    """Every problem is a value of the wrong type."""


class PropValueError(PropError, ValueError):
    """Every problem is a value of the right type that breaks a rule."""


class PropTypeAndValueError(PropTypeError, PropValueError):
    """Problems of both kinds: catchable as ``TypeError`` and as ``ValueError``."""


def _render(problems: tuple[Problem, ...], owner: str | None) -> str:
    if len(problems) == 1:
        return str(problems[0])
    heading = f"{len(problems)} problems"
    if owner:
        heading = f"{owner}: {heading}"
    return "\n".join([f"{heading}:", *(f"  - {problem}" for problem in problems)])


def error_for(problems: Sequence[Problem], owner: str | None = None) -> PropError:
    """The error reporting ``problems``, of the class their kinds call for.

    ``owner`` defaults to the prop when every problem is one prop's.
    """
    if not problems:
        raise ValueError("error_for: no problems to report")
    props = {problem.prop for problem in problems}
    if owner is None and len(props) == 1:
        (owner,) = props
    kinds = {problem.kind for problem in problems}
    if kinds == {"type"}:
        return PropTypeError(problems, owner)
    if kinds == {"value"}:
        return PropValueError(problems, owner)
    return PropTypeAndValueError(problems, owner)


def fail(prop: str, message: str, kind: ProblemKind = "value") -> PropError:
    """The error for one problem of ``prop`` (for a check to raise)."""
    return error_for([Problem(prop, message, kind)])


def describe(value: object) -> str:
    """``value`` and its type, for a message about a value of the wrong type."""
    return f"{value!r} ({type(value).__name__})"


def is_token(value: object) -> bool:
    """True when ``value`` holds a Terraform token, not only a value known in Python.

    Checked in Python, where ``Token.is_unresolved`` would cost a call into the jsii
    kernel for every validated prop (thousands in a large stack).
    """
    return isinstance(value, str) and TOKEN_MARKER in value


class Problems:
    """Collects the problems of one construct's props and raises them as one error.

    ``owner`` (the construct's class name) heads the message when there is more than
    one problem. ``check`` records a failing check instead of raising it; a check called
    directly inside the ``with`` block that raises is merged too. Without ``with``, call
    :meth:`raise_if_any` at the end.
    """

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._found: list[Problem] = []

    def __enter__(self) -> Problems:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        if isinstance(exc, PropError):
            self._found.extend(exc.problems)
        elif exc is not None:
            return False
        error = self.error()
        if error is not None:
            # The merged error replaces a check's own error; chaining would repeat it.
            raise error from None
        return False

    @property
    def found(self) -> tuple[Problem, ...]:
        """The problems recorded so far."""
        return tuple(self._found)

    def check(
        self,
        rule: Callable[Concatenate[str, _V, _P], _R],
        prop: str,
        value: _V,
        /,
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _R | None:
        """Run ``rule(prop, value, *args, **kwargs)``.

        Returns its result, or ``None`` after recording the problems it raised.
        """
        try:
            return rule(prop, value, *args, **kwargs)
        except PropError as error:
            self._found.extend(error.problems)
            return None

    def collect(self, call: Callable[[], _R]) -> _R | None:
        """Return ``call()``, or ``None`` after recording the problems its error lists:
        for a value that checks itself (a settings class) while more is checked after it."""
        try:
            return call()
        except PropError as error:
            self._found.extend(error.problems)
            return None

    def add(self, prop: str, message: str, *, wrong_type: bool = False) -> None:
        """Record a problem the construct found itself."""
        self._found.append(Problem(prop, message, "type" if wrong_type else "value"))

    def error(self) -> PropError | None:
        """The error for everything recorded, or ``None`` if nothing was."""
        return error_for(self._found, self.owner) if self._found else None

    def raise_if_any(self) -> None:
        """Raise the error for everything recorded, if anything was."""
        error = self.error()
        if error is not None:
            raise error
