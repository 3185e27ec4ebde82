"""ExternalStage: the original stage submodule (spec section 6)."""

from __future__ import annotations

import pytest

from snowssi_constructs import ExternalStage
from snowssi_constructs._flavour import cdktf
from tests.conftest import parsed
from tests.support import resources

TerraformOutput = cdktf.TerraformOutput

PROPS = {
    "name": "inbound_stage_happy_panda",
    "url": "s3://inbound-bucket-happy-panda/",
    "database": "DB",
    "schema": "SCHEMA",
    "storage_integration": "SI",
}


def test_stage_has_a_refreshing_directory_table_and_waits_for_iam(construct_stack):
    ExternalStage(construct_stack, "inbound_stage", **PROPS)
    res = resources(parsed(construct_stack))
    assert res["snowflake_stage.inbound_stage"] == {
        "name": "INBOUND_STAGE_HAPPY_PANDA",
        "url": "s3://inbound-bucket-happy-panda/",
        "database": "DB",
        "schema": "SCHEMA",
        "storage_integration": "SI",
        "directory": "ENABLE = true, AUTO_REFRESH = true, REFRESH_ON_CREATE = true",
        "depends_on": ["time_sleep.inbound_stage"],
        # The provider reads `directory` back in another form and it forces
        # replacement: without this every apply after the first replaces the stage.
        "lifecycle": {"ignore_changes": ["directory"]},
    }
    assert res["time_sleep.inbound_stage"] == {"create_duration": "30s"}


def test_wait_after_orders_the_wait_after_given_resources(construct_stack):
    first = ExternalStage(construct_stack, "first", **PROPS)
    ExternalStage(construct_stack, "second", wait_after=[first.stage], **PROPS)
    res = resources(parsed(construct_stack))
    assert res["time_sleep.second"]["depends_on"] == ["snowflake_stage.first"]


def test_moved_blocks_from_the_stage_module(construct_stack):
    ExternalStage(construct_stack, "outbound_stage", moved_from_module="outbound_stage", **PROPS)
    assert parsed(construct_stack)["moved"] == [
        {
            "from": "module.outbound_stage.time_sleep.wait_30s_for_iam_propagation",
            "to": "time_sleep.outbound_stage",
        },
        {
            "from": "module.outbound_stage.snowflake_stage.stage",
            "to": "snowflake_stage.outbound_stage",
        },
    ]


def test_fully_qualified_name_is_the_stage_attribute(construct_stack):
    stage = ExternalStage(construct_stack, "inbound_stage", **PROPS)
    TerraformOutput(construct_stack, "fqn", value=stage.fully_qualified_name)
    assert parsed(construct_stack)["output"]["fqn"]["value"] == (
        "${snowflake_stage.inbound_stage.fully_qualified_name}"
    )


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("name", "1STAGE", "Snowflake identifier"),
        ("name", "MY-STAGE", "Snowflake identifier"),
        ("name", "", "required"),
        ("url", "https://bucket/", "s3://"),
        ("database", "", "required"),
        ("schema", " ", "required"),
        ("storage_integration", "", "required"),
    ],
)
def test_bad_values_are_rejected_naming_the_prop(construct_stack, prop, value, message):
    with pytest.raises(ValueError, match=prop) as error:
        ExternalStage(construct_stack, "stage", **{**PROPS, prop: value})
    assert message in str(error.value)
