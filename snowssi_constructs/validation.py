"""Construction-time checks of values given in Python.

Every check takes the prop's name first and, on a bad value, raises an error whose
message starts with that name (``force_destroy: expected True or False, got 'no'``):

* ``TypeError`` (:class:`PropTypeError`) when the value has the wrong type: a str where
  a bool belongs, a bool where an int belongs, a bare str where a list of str belongs;
* ``ValueError`` (:class:`PropValueError`) when the type is right and a rule is broken
  (S3's bucket-naming rules, ARN shape, version-constraint syntax, ranges, ...);
* :class:`PropTypeAndValueError`, a subclass of both, when one error reports problems of
  both kinds, so ``except TypeError`` and ``except ValueError`` each still catch it.

Each error carries ``problems``, a tuple of :class:`Problem` (prop, message, kind). A
check that can find several problems in one value reports them all at once: a bucket
name that is too long and ends in ``-s3alias`` names both rules.

Collecting every problem of a construct
---------------------------------------
A construct checks all its props first and raises one error listing everything wrong:

    with validation.Problems("SnowSSIStack") as problems:
        problems.check(validation.boolean, "force_destroy", force_destroy)
        size = problems.check(validation.warehouse_size, "warehouse_size", warehouse_size)
        if s3_backend is not None and backend is not None:
            problems.add("backend", "give either s3_backend or backend, not both")

``problems.check(rule, prop, value, *args, **kwargs)`` runs one check and returns its
result (the value, normalized where the check normalizes it), or ``None`` when the check
failed; the failure is recorded, not raised. ``problems.add(prop, message,
wrong_type=False)`` records a problem found by the construct itself. When the ``with``
block ends, one error lists every recorded problem, one line per problem, each naming
its prop, under a heading naming the owner (a single problem keeps the one-line form).
A check called directly inside the block (not through ``check``) that raises is merged
too. Without ``with``: call :meth:`Problems.raise_if_any` at the end.

Values that are Terraform tokens (known only at plan time; strings carrying cdktf's
token marker, see :func:`is_token`) are not checked here: Terraform checks them, and the
variables that carry them have ``validation`` blocks.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Concatenate, Literal, ParamSpec, TypeVar

from .snowflake_regex import unsupported_constructs

# Sizes the Snowflake provider accepts for warehouse_size (and the task's
# user_task_managed_initial_warehouse_size), upper-case.
WAREHOUSE_SIZES: frozenset[str] = frozenset(
    {
        "XSMALL", "X-SMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "X-LARGE",
        "XXLARGE", "X2LARGE", "2X-LARGE", "XXXLARGE", "X3LARGE", "3X-LARGE",
        "X4LARGE", "4X-LARGE", "X5LARGE", "5X-LARGE", "X6LARGE", "6X-LARGE",
    }
)  # fmt: skip

# S3 general purpose buckets (AWS's "General purpose bucket naming rules"). "sthree-"
# also covers the separately listed "sthree-configurator".
BUCKET_RESERVED_PREFIXES: tuple[str, ...] = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES: tuple[str, ...] = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

# The partitions an ARN can name (standard, China, GovCloud, the isolated ones and the
# European Sovereign Cloud).
AWS_PARTITIONS: tuple[str, ...] = (
    "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
)  # fmt: skip

# Terraform's version-constraint operators; no operator means "=".
VERSION_OPERATORS: tuple[str, ...] = ("=", "!=", ">", ">=", "<", "<=", "~>")

_BUCKET_CHARACTERS = re.compile(r"^[a-z0-9.-]*$")
_LETTER_OR_DIGIT = re.compile(r"[a-z0-9]")
_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_SNOWFLAKE_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_NAME_SUFFIX = re.compile(r"^[a-z0-9][a-z0-9_-]*[a-z0-9]$|^[a-z0-9]$")
# us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1.
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_VERSION_CONDITION = re.compile(
    r"^(?:(?P<operator>!=|>=|<=|~>|=|>|<)\s*)?"
    r"(?P<version>[0-9]+(?:\.[0-9]+){0,2}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)$"
)
_KMS_KEY_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_KMS_MULTI_REGION_KEY = r"mrk-[0-9a-f]{32}"
_KMS_ALIAS = r"alias/[A-Za-z0-9/_-]+"
_KMS_KEY_RESOURCE = re.compile(rf"^key/(?:{_KMS_KEY_UUID}|{_KMS_MULTI_REGION_KEY})$")
_KMS_KEY_OR_ALIAS_RESOURCE = re.compile(
    rf"^(?:key/(?:{_KMS_KEY_UUID}|{_KMS_MULTI_REGION_KEY})|{_KMS_ALIAS})$"
)
_KMS_KEY_ID = re.compile(rf"^(?:{_KMS_KEY_UUID}|{_KMS_MULTI_REGION_KEY}|{_KMS_ALIAS})$")
# IAM: role/<name> or role/<path>/<name>; path characters are printable ASCII.
_IAM_ROLE_RESOURCE = re.compile(r"^role/(?:[!-~]*/)?[\w+=,.@-]{1,64}$")
# SQS queue names: up to 80 characters, ".fifo" counted, for FIFO queues.
_SQS_QUEUE_RESOURCE = re.compile(r"^(?:[A-Za-z0-9_-]{1,75}\.fifo|[A-Za-z0-9_-]{1,80})$")
# S3 object keys are at most 1024 bytes of UTF-8.
_S3_KEY_MAX_BYTES = 1024

# How cdktf encodes an unresolved string token in Python (`${TfToken[TOKEN.12]}`).
_TOKEN_MARKER = "${TfToken["

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
    """The error reporting ``problems``, of the class their kinds call for; ``owner``
    defaults to the prop when every problem is one prop's."""
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


class Problems:
    """Collects the problems of one construct's props and raises them as one error.

    See the module docstring for the pattern; ``owner`` (the construct's class name)
    heads the message when there is more than one problem.
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
        """``rule(prop, value, *args, **kwargs)``; its result, or ``None`` after
        recording the problems it raised."""
        try:
            return rule(prop, value, *args, **kwargs)
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


def _fail(prop: str, message: str, kind: ProblemKind = "value") -> PropError:
    return error_for([Problem(prop, message, kind)])


def _describe(value: object) -> str:
    return f"{value!r} ({type(value).__name__})"


def is_token(value: object) -> bool:
    """True when ``value`` holds a Terraform token, not only a value known in Python.

    Checked in Python, where ``Token.is_unresolved`` would cost a call into the jsii
    kernel for every validated prop (thousands in a large stack).
    """
    return isinstance(value, str) and _TOKEN_MARKER in value


# Types ------------------------------------------------------------------------------


def boolean(prop: str, value: object, *, optional: bool = False) -> None:
    """A real ``bool``: ``"no"``, ``0`` and ``1`` are rejected (jsii would reject them
    later with an error that names no prop)."""
    if (value is None and optional) or isinstance(value, bool) or is_token(value):
        return
    raise _fail(prop, f"expected True or False, got {_describe(value)}", "type")


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
        raise _fail(prop, f"expected an integer, got {_describe(value)}", "type")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise _fail(prop, f"must be {_bounds(minimum, maximum)}, got {value}")


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
    raise _fail(prop, f"expected a string, got {_describe(value)}", "type")


def string_sequence(prop: str, value: object, *, optional: bool = False) -> None:
    """A list or tuple of ``str``. A bare ``str`` is refused: iterated, it would be a
    sequence of one-letter items."""
    if value is None and optional:
        return
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _fail(prop, f"expected a list of strings, got {_describe(value)}", "type")
    problems = [
        Problem(f"{prop}[{index}]", f"expected a string, got {_describe(item)}", "type")
        for index, item in enumerate(value)
        if not isinstance(item, str)
    ]
    if problems:
        raise error_for(problems)


def instance_of(
    prop: str, value: object, expected: type | tuple[type, ...], *, optional: bool = False
) -> None:
    """An instance of ``expected`` (a struct such as ``BucketProtection``)."""
    if (value is None and optional) or isinstance(value, expected):
        return
    classes = expected if isinstance(expected, tuple) else (expected,)
    names = " or ".join(cls.__name__ for cls in classes)
    raise _fail(prop, f"expected a {names}, got {_describe(value)}", "type")


def choice(prop: str, value: object, choices: Collection[str]) -> None:
    """One of ``choices`` (a ``Literal`` prop such as ``processing``)."""
    string(prop, value)
    if value not in choices:
        listed = ", ".join(repr(option) for option in choices)
        raise _fail(prop, f"must be one of {listed}, got {value!r}")


def _literal_string(prop: str, value: object) -> bool:
    """Type-checks ``value`` as a str; False when it is a token (nothing more to check).
    A missing value (``None``) is reported as missing, not as the wrong type."""
    if value is None:
        require(prop, None)
    string(prop, value)
    return not is_token(value)


# Values -----------------------------------------------------------------------------


def require(prop: str, value: str | None) -> str:
    """``value`` must be given and not empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail(prop, "a value is required and must not be empty")
    return value


def bucket_name(prop: str, value: str) -> str:
    """A general purpose S3 bucket name; every rule it breaks is reported at once."""
    if not _literal_string(prop, value):
        return value
    require(prop, value)
    problems = [
        Problem(prop, f"an S3 bucket name {rule}, got {value!r}")
        for rule in _bucket_name_violations(value)
    ]
    if problems:
        raise error_for(problems)
    return value


def _bucket_name_violations(name: str) -> Iterable[str]:
    if not 3 <= len(name) <= 63:
        yield f"must be 3 to 63 characters long (is {len(name)})"
    if not _BUCKET_CHARACTERS.match(name):
        others = "".join(sorted({c for c in name if not _BUCKET_CHARACTERS.match(c)}))
        yield f"may hold only lowercase letters, digits, '.' and '-' (not {others!r})"
    if not (_LETTER_OR_DIGIT.match(name[0]) and _LETTER_OR_DIGIT.match(name[-1])):
        yield "must begin and end with a lowercase letter or digit"
    if ".." in name:
        yield "must not contain two adjacent periods ('..')"
    if _IP_ADDRESS.match(name):
        yield "must not be formatted as an IP address"
    for prefix in BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            yield f"must not start with the reserved prefix {prefix!r}"
    for suffix in BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            yield f"must not end with the reserved suffix {suffix!r}"


def snowflake_identifier(prop: str, value: str) -> str:
    """Unquoted Snowflake identifiers: a letter or '_', then letters, digits, '_', '$'."""
    if not _literal_string(prop, value):
        return value
    require(prop, value)
    if len(value) > 255 or not _SNOWFLAKE_IDENTIFIER.match(value):
        raise _fail(
            prop,
            "a Snowflake identifier must start with a letter or '_' and hold only "
            f"letters, digits, '_' and '$' (at most 255 characters), got {value!r}",
        )
    return value


def warehouse_size(prop: str, value: str) -> str:
    """One of the warehouse sizes Snowflake accepts; returned upper-case."""
    if not _literal_string(prop, value):
        return value
    require(prop, value)
    if value.upper() not in WAREHOUSE_SIZES:
        raise _fail(
            prop,
            f"{value!r} is not a Snowflake warehouse size; use one of "
            f"{', '.join(sorted(WAREHOUSE_SIZES))}",
        )
    return value.upper()


def name_suffix(prop: str, value: str) -> str:
    """A fixed name suffix: lowercase letters, digits, '-' and '_', like a pet name."""
    string(prop, value)
    require(prop, value)
    if not _NAME_SUFFIX.match(value):
        raise _fail(
            prop,
            "a name suffix may hold only lowercase letters, digits, '-' and '_' "
            f"and must begin and end with a letter or digit, got {value!r}",
        )
    return value


def positive_int(prop: str, value: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An integer within bounds (a wrong type is a ``TypeError``)."""
    integer(prop, value, minimum=minimum, maximum=maximum)
    return value


def unique(prop: str, values: Iterable[str]) -> None:
    """No value may appear twice."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _fail(prop, f"{value!r} is given more than once")
        seen.add(value)


def aws_region(prop: str, value: str) -> str:
    """The shape of an AWS region name (``us-east-1``, ``us-gov-west-1``)."""
    if not _literal_string(prop, value):
        return value
    if not _REGION.match(value):
        raise _fail(prop, f"expected an AWS region such as 'us-east-1', got {value!r}")
    return value


def arn(
    prop: str,
    value: str,
    *,
    service: str,
    resource: re.Pattern[str] | None = None,
    resource_shape: str = "",
    regional: bool = True,
) -> str:
    """``arn:<partition>:<service>:<region>:<12-digit account>:<resource>``.

    :param service: the service the ARN must name (``sqs``, ``kms``, ``iam``).
    :param resource: the pattern the resource part must match, shown as
        ``resource_shape`` (``key/<key id>``) in the message.
    :param regional: False for a global service (IAM), whose ARNs have an empty region.
    Every part that is wrong is reported.
    """
    if not _literal_string(prop, value):
        return value
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise _fail(
            prop,
            f"expected an ARN of the form arn:<partition>:{service}:<region>:<account>:"
            f"{resource_shape or '<resource>'}, got {value!r}",
        )
    _, partition, named_service, region, account, resource_part = parts
    problems: list[str] = []
    if partition not in AWS_PARTITIONS:
        problems.append(f"partition must be one of {', '.join(AWS_PARTITIONS)}, not {partition!r}")
    if named_service != service:
        problems.append(f"must be an ARN of service {service!r}, not {named_service!r}")
    if regional and not _REGION.match(region):
        problems.append(f"region must be an AWS region such as 'us-east-1', not {region!r}")
    if not regional and region:
        problems.append(f"region must be empty for {service!r}, not {region!r}")
    if not _ACCOUNT_ID.match(account):
        problems.append(f"account must be 12 digits, not {account!r}")
    if resource is not None and not resource.match(resource_part):
        problems.append(f"resource must look like {resource_shape!r}, not {resource_part!r}")
    if problems:
        raise error_for([Problem(prop, f"ARN {value!r}: {problem}") for problem in problems])
    return value


def sqs_queue_arn(prop: str, value: str) -> str:
    """An SQS queue's ARN (a Snowflake stage's notification channel is one)."""
    return arn(
        prop, value, service="sqs", resource=_SQS_QUEUE_RESOURCE, resource_shape="<queue name>"
    )


def kms_key_arn(prop: str, value: str) -> str:
    """A KMS key's ARN (``...:key/<key id>``; an alias ARN names no key to grant on)."""
    return arn(
        prop, value, service="kms", resource=_KMS_KEY_RESOURCE, resource_shape="key/<key id>"
    )


def iam_role_arn(prop: str, value: str) -> str:
    """An IAM role's ARN (``arn:aws:iam::<account>:role/<path/><name>``)."""
    return arn(
        prop,
        value,
        service="iam",
        resource=_IAM_ROLE_RESOURCE,
        resource_shape="role/<name>",
        regional=False,
    )


def kms_key_id(prop: str, value: str) -> str:
    """What S3 and Terraform's s3 backend accept as a KMS key: a key id, a multi-Region
    key id (``mrk-...``), an alias (``alias/...``), or the ARN of a key or an alias."""
    if not _literal_string(prop, value):
        return value
    require(prop, value)
    if value.startswith("arn:"):
        return arn(
            prop,
            value,
            service="kms",
            resource=_KMS_KEY_OR_ALIAS_RESOURCE,
            resource_shape="key/<key id> or alias/<name>",
        )
    if not _KMS_KEY_ID.match(value):
        raise _fail(
            prop,
            "expected a KMS key id (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-...), an "
            f"alias (alias/<name>) or a key or alias ARN, got {value!r}",
        )
    return value


def s3_backend_key(prop: str, value: str) -> str:
    """The object key of Terraform's s3 backend: not empty, no leading or trailing '/'
    (the backend rejects both), no '//', at most 1024 bytes (S3's limit)."""
    if not _literal_string(prop, value):
        return value
    require(prop, value)
    rules = []
    if value.startswith("/") or value.endswith("/"):
        rules.append("must not start or end with '/'")
    if "//" in value:
        rules.append("must not contain '//'")
    if len(value.encode("utf-8")) > _S3_KEY_MAX_BYTES:
        rules.append(f"must be at most {_S3_KEY_MAX_BYTES} bytes long")
    if rules:
        raise error_for([Problem(prop, f"a state key {rule}, got {value!r}") for rule in rules])
    return value


def version_constraint(prop: str, value: str) -> str:
    """Terraform version-constraint syntax: comma-separated conditions, each an optional
    operator (``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~>``) and a version
    ``MAJOR[.MINOR[.PATCH]]`` with an optional ``-prerelease`` suffix."""
    if not _literal_string(prop, value):
        return value
    require(prop, value)
    problems = [
        Problem(
            prop,
            f"{condition.strip()!r} in {value!r} is not a version condition: expected an "
            f"optional operator ({', '.join(VERSION_OPERATORS)}) and a version "
            "MAJOR[.MINOR[.PATCH]][-prerelease], as in '>= 1.10, < 2.0'",
        )
        for condition in value.split(",")
        if not _VERSION_CONDITION.match(condition.strip())
    ]
    if problems:
        raise error_for(problems)
    return value


# Serverless tasks get at most the compute of an XXLARGE warehouse ("Introduction to
# tasks" in Snowflake's documentation); larger initial sizes are rejected at apply.
SERVERLESS_TASK_SIZES: frozenset[str] = frozenset(
    {"XSMALL", "X-SMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "X-LARGE",
     "XXLARGE", "X2LARGE", "2X-LARGE"}
)  # fmt: skip


def serverless_task_size(prop: str, value: str) -> str:
    """A warehouse size a serverless task may start with (XSMALL to XXLARGE)."""
    size = warehouse_size(prop, value)
    if not is_token(size) and size not in SERVERLESS_TASK_SIZES:
        raise _fail(
            prop,
            "serverless tasks are limited to the compute of an XXLARGE warehouse, "
            f"got {value!r}; use one of XSMALL, SMALL, MEDIUM, LARGE, XLARGE, XXLARGE",
        )
    return size


def snowflake_pattern(prop: str, value: str) -> str:
    """A regular expression that both Python and Snowflake's POSIX engine accept."""
    if not _literal_string(prop, value):
        return value
    require(prop, value)
    try:
        with warnings.catch_warnings():
            # POSIX classes such as [[:alpha:]] are Snowflake syntax; Python only warns.
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(value)
    except re.error as error:
        raise _fail(prop, f"not a regular expression ({error}): {value!r}") from error
    found = unsupported_constructs(value)
    if found:
        listed = "; ".join(str(construct) for construct in found)
        raise _fail(
            prop,
            f"Snowflake runs POSIX extended regular expressions and cannot run {listed} "
            f"(in {value!r}); rewrite the pattern without it",
        )
    return value
    try:
        with warnings.catch_warnings():
            # POSIX classes such as [[:alpha:]] are Snowflake syntax; Python only warns.
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(value)
    except re.error as error:
        raise ValueError(f"{prop}: not a regular expression ({error}): {value!r}") from error
    found = unsupported_constructs(value)
    if found:
        listed = "; ".join(str(construct) for construct in found)
        raise ValueError(
            f"{prop}: Snowflake runs POSIX extended regular expressions and cannot run "
            f"{listed} (in {value!r}); rewrite the pattern without it"
        )
    return value


def non_empty_string(prop: str, value: object, *, optional: bool = False) -> None:
    """A str with something in it (or a token); ``None`` only where ``optional``."""
    if value is None and optional:
        return
    _literal_string(prop, value)
    if isinstance(value, str):
        require(prop, value)


_TERRAFORM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def terraform_name(prop: str, value: object) -> None:
    """A Terraform resource name: a letter or '_', then letters, digits, '_' or '-'."""
    string(prop, value)
    if not _TERRAFORM_NAME.match(str(value)):
        raise _fail(
            prop,
            f"{value!r} is not a valid Terraform resource name (start with a letter or '_', "
            "then letters, digits, '_' or '-')",
        )


def s3_url(prop: str, value: object) -> None:
    """An ``s3://bucket/...`` location."""
    if _literal_string(prop, value) and not str(value).startswith("s3://"):
        raise _fail(prop, f"an S3 stage URL must start with 's3://', got {value!r}")


_IAM_NAME = re.compile(r"^[\w+=,.@-]+$")


def iam_name(prop: str, value: object, *, max_length: int) -> None:
    """An IAM role or policy name: letters, digits and ``+=,.@_-``, up to ``max_length``."""
    if not _literal_string(prop, value):
        return
    text = str(value)
    require(prop, text)
    if len(text) > max_length or not _IAM_NAME.match(text):
        raise _fail(
            prop,
            f"an IAM name holds 1 to {max_length} letters, digits and '+=,.@_-', got {text!r}",
        )


def account_id(prop: str, value: object) -> None:
    """A 12-digit AWS account id."""
    if _literal_string(prop, value) and not _ACCOUNT_ID.match(str(value)):
        raise _fail(prop, f"an AWS account id is 12 digits, got {value!r}")


def kms_alias_name(prop: str, value: object) -> None:
    """``alias/<name>``, not in the ``alias/aws/`` namespace AWS keeps for itself."""
    if not _literal_string(prop, value):
        return
    text = str(value)
    if not re.fullmatch(_KMS_ALIAS, text) or text.startswith("alias/aws/"):
        raise _fail(
            prop,
            "a KMS alias is 'alias/' then letters, digits, '/', '_' and '-', and not "
            f"'alias/aws/...', got {text!r}",
        )
