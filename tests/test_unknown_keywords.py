"""An unknown keyword to a construct is a ``TypeError`` naming it, with the closest
of every prop the construct takes (its own props and the pipeline options), and no
message names anything a user cannot pass."""

from __future__ import annotations

import re
from typing import Any

import pytest

from snowssi_constructs import SnowSSIBootstrap, SnowSSIPipeline, SnowSSIStack
from snowssi_constructs._flavour import cdktf
from snowssi_constructs.options import PipelineOptions, PipelineSettings
from snowssi_constructs.validation import PropTypeError
from snowssi_constructs.validation import keyword_props as props_of

Testing = cdktf.Testing


def stack_error(**props: Any) -> str:
    with pytest.raises(TypeError) as raised:
        SnowSSIStack(Testing.app(), "snowssi", **props)
    assert isinstance(raised.value, PropTypeError)
    return str(raised.value)


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("failure_alert", "failure_alerts"),
        ("pipeline", "pipelines"),
        ("name_sufix", "name_suffix"),
        ("file_patern", "file_pattern"),
        ("serverless_tasks", "serverless_task"),
    ],
)
def test_the_stack_suggests_the_closest_of_its_props_and_the_pipeline_options(given, meant):
    assert stack_error(**{given: True}) == (
        f"{given}: unexpected keyword argument; did you mean {meant!r}?"
    )


def test_without_a_close_name_the_stack_lists_its_props_and_the_pipeline_options():
    message = stack_error(zzz=1)
    options, props = message.split("; ")[1:]
    listed = ", ".join(sorted(PipelineOptions.__annotations__))
    assert options == f"the pipeline options are {listed}"
    assert props.startswith("SnowSSIStack's props are ")
    assert "failure_alerts" in props and "pipelines" in props


def test_no_message_names_an_internal_option():
    message = stack_error(described_as="pipeline options")
    assert message.startswith("described_as: unexpected keyword argument; ")
    assert "described_as" not in message.split(";", 1)[1]
    assert "described_as" not in PipelineSettings.names()
    assert set(PipelineSettings.names()) == set(PipelineOptions.__annotations__)


def test_add_pipeline_suggests_its_name_prop_too():
    stack = SnowSSIStack(Testing.app(), "snowssi", pipelines=["orders"])
    with pytest.raises(TypeError, match=r"^nme: unexpected keyword argument; did you mean 'name'"):
        stack.add_pipeline("events", nme="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^prevent_destroyed: .*did you mean 'prevent_destroy'\?$"):
        stack.add_pipeline("events", prevent_destroyed=True)  # type: ignore[call-arg]


def test_the_pipeline_suggests_its_own_props_and_the_pipeline_options():
    stack = SnowSSIStack(Testing.app(), "snowssi", pipelines=["orders"])
    shared = {
        "naming": stack.naming,
        "database": stack.database.name,
        "schema": stack.schema.name,
        "warehouse": None,
        "kms_key_id": stack.kms_key.key_id,
        "integration": stack.storage_integration,
        "access_role": stack.access_role,
        "name": "events",
    }
    for given, meant in (("error_integrations", "error_integration"), ("procesing", "processing")):
        with pytest.raises(TypeError, match=rf"^{given}: .*did you mean {meant!r}\?$"):
            SnowSSIPipeline(stack, f"p_{given}", **shared, **{given: "x"})


def test_the_bootstrap_suggests_the_closest_prop_and_keeps_the_other_problems():
    with pytest.raises(TypeError) as raised:
        SnowSSIBootstrap(Testing.app(), "b", serverless_tasks=True, role_name="x y")  # type: ignore[call-arg]
    assert isinstance(raised.value, ValueError)  # the role name's problem is in the same error
    assert re.search(
        r"\n  - serverless_tasks: unexpected keyword argument; did you mean 'serverless_task'\?\n",
        str(raised.value),
    )


def test_the_bootstrap_lists_its_props_when_none_is_close():
    with pytest.raises(TypeError, match=r"^zzz: .*; SnowSSIBootstrap's props are ") as raised:
        SnowSSIBootstrap(Testing.app(), "b", zzz=1)  # type: ignore[call-arg]
    assert "grant_to_users" in str(raised.value)


def test_a_constructs_props_are_its_keyword_only_parameters():
    assert props_of(SnowSSIBootstrap)[:2] == ("role_name", "grant_to_users")
    assert "scope" not in props_of(SnowSSIStack) and "options" not in props_of(SnowSSIStack)
