"""The README documents every public construct's props, and only props that exist.

Each construct exported by ``snowssi_constructs`` has a heading of its own in the
README's "Constructs" section, followed by a table whose first column holds one prop name
in backticks per row. The rows must be exactly the keyword-only parameters of the
construct's ``__init__``.
"""

from __future__ import annotations

import inspect
import re
import typing

import pytest
from constructs import Construct

import snowssi_constructs
from tests.support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")

CONSTRUCTS = sorted(
    name
    for name in snowssi_constructs.__all__
    if isinstance(getattr(snowssi_constructs, name), type)
    and issubclass(getattr(snowssi_constructs, name), Construct)
)


def constructs_section() -> str:
    match = re.search(r"^## Constructs\n(.*?)(?=^## )", README, re.MULTILINE | re.DOTALL)
    assert match, "the README has no '## Constructs' section"
    return match.group(1)


def documented_props(construct: str) -> list[str]:
    """The first-column names of the first table under the construct's own heading."""
    section = constructs_section()
    heading = re.search(rf"^### `{construct}\b[^\n]*\n", section, re.MULTILINE)
    assert heading, f"the README's Constructs section has no '### `{construct}`' heading"
    body = section[heading.end() :]
    next_heading = re.search(r"^### ", body, re.MULTILINE)
    body = body[: next_heading.start()] if next_heading else body
    rows = [line for line in body.splitlines() if line.startswith("|")]
    assert len(rows) > 2, f"no props table under the heading of {construct}"
    names = []
    for row in rows[2:]:  # past the header and the |---| line
        cell = row.split("|")[1].strip()
        name = re.fullmatch(r"`([a-z_][a-z0-9_]*)`", cell)
        assert name, f"{construct}: the first column must be one prop in backticks: {cell!r}"
        names.append(name.group(1))
    return names


def keyword_parameters(construct: str) -> list[str]:
    """Keyword-only parameters, and the keys of a ``**options: Unpack[SomeTypedDict]``."""
    init = getattr(snowssi_constructs, construct).__init__
    names = []
    for parameter in inspect.signature(init).parameters.values():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            names.append(parameter.name)
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            hint = typing.get_type_hints(init, include_extras=True)[parameter.name]
            assert typing.get_origin(hint) is typing.Unpack, f"{construct}: untyped **kwargs"
            (options,) = typing.get_args(hint)
            names.extend(options.__annotations__)
    return names


def test_every_public_construct_is_checked():
    assert set(CONSTRUCTS) >= {
        "SnowSSIStack",
        "SnowSSIPipeline",
        "EncryptedBucket",
        "ExternalStage",
        "S3StorageIntegration",
        "SnowflakeAccessRole",
        "PipelineKey",
    }


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_readme_table_lists_every_keyword_parameter_of_the_construct(construct):
    missing = [
        name for name in keyword_parameters(construct) if name not in documented_props(construct)
    ]
    assert not missing, f"{construct}: props missing from the README's table: {missing}"


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_readme_table_lists_no_prop_the_construct_does_not_have(construct):
    extra = [
        name for name in documented_props(construct) if name not in keyword_parameters(construct)
    ]
    assert not extra, f"{construct}: the README's table lists props that do not exist: {extra}"


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_readme_table_lists_each_prop_once(construct):
    names = documented_props(construct)
    assert len(names) == len(set(names)), f"{construct}: a prop is listed twice"
