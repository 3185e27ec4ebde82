"""Snowflake rules: identifiers, warehouse and serverless task sizes, file patterns."""

from __future__ import annotations

import re
import warnings

from ..snowflake_regex import unsupported_constructs
from .problems import fail, is_token
from .python_types import literal_text

# Sizes the Snowflake provider accepts for warehouse_size (and the task's
# user_task_managed_initial_warehouse_size), upper-case.
WAREHOUSE_SIZES: frozenset[str] = frozenset(
    {
        "XSMALL", "X-SMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "X-LARGE",
        "XXLARGE", "X2LARGE", "2X-LARGE", "XXXLARGE", "X3LARGE", "3X-LARGE",
        "X4LARGE", "4X-LARGE", "X5LARGE", "5X-LARGE", "X6LARGE", "6X-LARGE",
    }
)  # fmt: skip
# Serverless tasks get at most the compute of an XXLARGE warehouse ("Introduction to
# tasks" in Snowflake's documentation); larger initial sizes are rejected at apply.
SERVERLESS_TASK_SIZES: frozenset[str] = frozenset(
    {"XSMALL", "X-SMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "X-LARGE",
     "XXLARGE", "X2LARGE", "2X-LARGE"}
)  # fmt: skip

# A Snowflake task schedule in minutes: at most 8 days (11,520 minutes). Also the
# longest threshold of a stall alert.
MAX_SCHEDULE_MINUTES = 11_520

_SNOWFLAKE_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


def snowflake_identifier(prop: str, value: str) -> str:
    """Unquoted Snowflake identifiers: a letter or '_', then letters, digits, '_', '$'."""
    if not literal_text(prop, value):
        return value
    if len(value) > 255 or not _SNOWFLAKE_IDENTIFIER.match(value):
        raise fail(
            prop,
            "a Snowflake identifier must start with a letter or '_' and hold only "
            f"letters, digits, '_' and '$' (at most 255 characters), got {value!r}",
        )
    return value


# The system roles: a role the bootstrap creates must not be one of them.
SYSTEM_ROLES: frozenset[str] = frozenset(
    {"ACCOUNTADMIN", "ORGADMIN", "PUBLIC", "SECURITYADMIN", "SYSADMIN", "USERADMIN"}
)


def account_role_name(prop: str, value: str, *, new: bool = False) -> str:
    """A role name the provider can use unquoted (a Snowflake identifier); with ``new``,
    a role to create, so not one of the system roles."""
    # Past this check the value is a str: an identifier, or a token, which upper-cased
    # is no system role.
    snowflake_identifier(prop, value)
    if new and value.upper() in SYSTEM_ROLES:
        raise fail(
            prop,
            f"{value!r} is a Snowflake system role; name a new role for the pipeline "
            "(for example SNOWSSI_DEPLOYER)",
        )
    return value


def warehouse_size(prop: str, value: str) -> str:
    """One of the warehouse sizes Snowflake accepts; returned upper-case."""
    if not literal_text(prop, value):
        return value
    if value.upper() not in WAREHOUSE_SIZES:
        raise fail(
            prop,
            f"{value!r} is not a Snowflake warehouse size; use one of "
            f"{', '.join(sorted(WAREHOUSE_SIZES))}",
        )
    return value.upper()


def serverless_task_size(prop: str, value: str) -> str:
    """A warehouse size a serverless task may start with (XSMALL to XXLARGE)."""
    size = warehouse_size(prop, value)
    if not is_token(size) and size not in SERVERLESS_TASK_SIZES:
        raise fail(
            prop,
            "serverless tasks are limited to the compute of an XXLARGE warehouse, "
            f"got {value!r}; use one of XSMALL, SMALL, MEDIUM, LARGE, XLARGE, XXLARGE",
        )
    return size


def snowflake_pattern(prop: str, value: str) -> str:
    """A regular expression that both Python and Snowflake's POSIX engine accept."""
    if not literal_text(prop, value):
        return value
    try:
        with warnings.catch_warnings():
            # POSIX classes such as [[:alpha:]] are Snowflake syntax; Python only warns.
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(value)
    except re.error as error:
        raise fail(prop, f"not a regular expression ({error}): {value!r}") from error
    found = unsupported_constructs(value)
    if found:
        listed = "; ".join(str(construct) for construct in found)
        raise fail(
            prop,
            f"Snowflake runs POSIX extended regular expressions and cannot run {listed} "
            f"(in {value!r}); rewrite the pattern without it",
        )
    return value
