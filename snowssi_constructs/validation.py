"""Construction-time checks of values given in Python.

Each check raises ``ValueError`` naming the prop and the rule, before anything is
synthesized. Values that are Terraform tokens (known only at plan time) are skipped
here; the variables that carry them have ``validation`` blocks instead.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

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

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_SNOWFLAKE_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_NAME_SUFFIX = re.compile(r"^[a-z0-9][a-z0-9_-]*[a-z0-9]$|^[a-z0-9]$")


# How cdktf encodes an unresolved string token in Python (`${TfToken[TOKEN.12]}`).
_TOKEN_MARKER = "${TfToken["


def is_token(value: object) -> bool:
    """True when ``value`` holds a Terraform token, not only a value known in Python.

    Checked in Python, where ``Token.is_unresolved`` would cost a call into the jsii
    kernel for every validated prop (thousands in a large stack).
    """
    return isinstance(value, str) and _TOKEN_MARKER in value


def require(prop: str, value: str | None) -> str:
    """``value`` must be given and not empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{prop}: a value is required and must not be empty")
    return value


def bucket_name(prop: str, value: str) -> str:
    """S3 bucket names: 3 to 63 characters of lowercase letters, digits, '-' and '.'."""
    require(prop, value)
    if is_token(value):
        return value
    if not 3 <= len(value) <= 63:
        raise ValueError(
            f"{prop}: an S3 bucket name must be 3 to 63 characters long, "
            f"got {len(value)} ({value!r})"
        )
    if not _BUCKET_NAME.match(value):
        raise ValueError(
            f"{prop}: an S3 bucket name may hold only lowercase letters, digits, '-' and "
            f"'.', and must begin and end with a letter or digit, got {value!r}"
        )
    if ".." in value or _IP_ADDRESS.match(value):
        raise ValueError(
            f"{prop}: an S3 bucket name must not contain '..' or look like an IP "
            f"address, got {value!r}"
        )
    return value


def snowflake_identifier(prop: str, value: str) -> str:
    """Unquoted Snowflake identifiers: a letter or '_', then letters, digits, '_', '$'."""
    require(prop, value)
    if is_token(value):
        return value
    if len(value) > 255 or not _SNOWFLAKE_IDENTIFIER.match(value):
        raise ValueError(
            f"{prop}: a Snowflake identifier must start with a letter or '_' and hold only "
            f"letters, digits, '_' and '$' (at most 255 characters), got {value!r}"
        )
    return value


def warehouse_size(prop: str, value: str) -> str:
    """One of the warehouse sizes Snowflake accepts; returned upper-case."""
    require(prop, value)
    if is_token(value):
        return value
    if value.upper() not in WAREHOUSE_SIZES:
        raise ValueError(
            f"{prop}: {value!r} is not a Snowflake warehouse size; use one of "
            f"{', '.join(sorted(WAREHOUSE_SIZES))}"
        )
    return value.upper()


def name_suffix(prop: str, value: str) -> str:
    """A fixed name suffix: lowercase letters, digits, '-' and '_', like a pet name."""
    require(prop, value)
    if not _NAME_SUFFIX.match(value):
        raise ValueError(
            f"{prop}: a name suffix may hold only lowercase letters, digits, '-' and '_' "
            f"and must begin and end with a letter or digit, got {value!r}"
        )
    return value


def positive_int(prop: str, value: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An integer within bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{prop}: expected an integer, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ValueError(f"{prop}: must be at least {minimum}{upper}, got {value}")
    return value


def unique(prop: str, values: Iterable[str]) -> None:
    """No value may appear twice."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{prop}: {value!r} is given more than once")
        seen.add(value)


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
        raise ValueError(
            f"{prop}: serverless tasks are limited to the compute of an XXLARGE warehouse, "
            f"got {value!r}; use one of XSMALL, SMALL, MEDIUM, LARGE, XLARGE, XXLARGE"
        )
    return size


def snowflake_pattern(prop: str, value: str) -> str:
    """A regular expression that both Python and Snowflake's POSIX engine accept."""
    require(prop, value)
    if is_token(value):
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
