"""Terraform rules: version constraints, resource names, and the stack's name suffix."""

from __future__ import annotations

import re

from .problems import Problem, error_for, fail
from .python_types import literal_text, require, string

# Terraform's version-constraint operators; no operator means "=".
VERSION_OPERATORS: tuple[str, ...] = ("=", "!=", ">", ">=", "<", "<=", "~>")

_VERSION_CONDITION = re.compile(
    r"^(?:(?P<operator>!=|>=|<=|~>|=|>|<)\s*)?"
    r"(?P<version>[0-9]+(?:\.[0-9]+){0,2}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)$"
)
_TERRAFORM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Like random_pet's output: it stands in for the pet name in every resource name.
_NAME_SUFFIX = re.compile(r"^[a-z0-9][a-z0-9_-]*[a-z0-9]$|^[a-z0-9]$")


def version_constraint(prop: str, value: str) -> str:
    """Terraform version-constraint syntax.

    Comma-separated conditions, each an optional operator (``=``, ``!=``, ``>``, ``>=``,
    ``<``, ``<=``, ``~>``) and a version ``MAJOR[.MINOR[.PATCH]]`` with an optional
    ``-prerelease`` suffix.
    """
    if not literal_text(prop, value):
        return value
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


def terraform_name(prop: str, value: object) -> None:
    """A Terraform resource name: a letter or '_', then letters, digits, '_' or '-'."""
    string(prop, value)
    if not _TERRAFORM_NAME.match(str(value)):
        raise fail(
            prop,
            f"{value!r} is not a valid Terraform resource name (start with a letter or '_', "
            "then letters, digits, '_' or '-')",
        )


def name_suffix(prop: str, value: str) -> str:
    """A fixed name suffix: lowercase letters, digits, '-' and '_', like a pet name."""
    string(prop, value)
    require(prop, value)
    if not _NAME_SUFFIX.match(value):
        raise fail(
            prop,
            "a name suffix may hold only lowercase letters, digits, '-' and '_' "
            f"and must begin and end with a letter or digit, got {value!r}",
        )
    return value
