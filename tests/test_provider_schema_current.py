"""The current generation's JSON, checked against the schema of the snowflake provider
bindings CDK Terrain installs (``cdktn-provider-snowflake`` 18.3.0, generated from
provider 2.22.0), with the checker of tests/test_provider_schema.py, on both flavours.

The CDKTF bindings end at provider 2.10.1 and know neither new type, so the checker
reads the current generation's snowflake types from the schema committed with the
package (``snowssi_constructs/testing/current_schema.json``, ``python3 dev.py schema``);
one test, in the CDK Terrain environment (``cdktn_only``), holds that file equal to
what the bindings give. The bindings are newer than the 2.20.0 the JSON pins: the few
arguments 2.22.0 added are refused by 2.20.0's facts
(``snowssi_constructs.testing.facts_2_20``), which ``testing.check`` runs with the
schema check.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from snowssi_constructs import CURRENT, SnowSSIBootstrap
from snowssi_constructs.testing import assert_valid, check, synth
from snowssi_constructs.testing.facts_2_20 import violations
from snowssi_constructs.testing.schema import (
    CURRENT_TYPES,
    assembly_for,
    check_document,
    committed_schema,
    current_schema_from_bindings,
)
from tests.test_snapshots import CURRENT_OPTIONS, current_documents


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return current_documents()


@pytest.mark.cdktn_only
def test_the_committed_schema_is_what_the_cdk_terrain_bindings_give():
    # After a bindings upgrade: `python3 dev.py schema`, then review the diff.
    assert committed_schema() == current_schema_from_bindings()


def test_the_committed_schema_is_for_the_current_generations_pin():
    schema = committed_schema()
    assert schema["snowflake_version"] == CURRENT.snowflake_version
    assert schema["read_from"]["provider_version"] == "2.22.0"
    assert sorted(schema["types"]) == sorted(f"{kind}.{name}" for kind, name in CURRENT_TYPES)


def test_every_snowflake_type_of_the_current_generation_is_committed(documents):
    def with_bootstrap(app: object) -> None:
        SnowSSIBootstrap(app, "bootstrap", snowflake_provider="current",  # type: ignore[arg-type]
                         serverless_task=True, grant_to_users=["U"])  # fmt: skip

    declared = {
        f"resource.{tf_type}"
        for document in [*documents.values(), *synth(with_bootstrap).values()]
        if document["terraform"]["required_providers"]["snowflake"]["version"] == "2.20.0"
        for tf_type in document["resource"]
        if tf_type.startswith("snowflake_")
    }
    assert declared <= set(committed_schema()["types"])
    assert "resource.snowflake_account_role" in declared


@pytest.mark.cdktn_only
def test_the_snowflake_bindings_are_generated_from_2_22_0():
    # If they move, the 2.22.0-only arguments of the 2.20.0 facts must be read again.
    assert assembly_for("snowflake").provider_version.lstrip("~> ") == "2.22.0"


@pytest.mark.parametrize(
    "name",
    [
        *(f"option:{o}" for o in CURRENT_OPTIONS),
        "example:current_provider/snowssi",
        "example:current_provider/snowssi_serverless",
        "example:upgrade_from_legacy/snowssi",
    ],
)
def test_current_stack_matches_the_provider_schemas(documents, name):
    document = documents[name]
    assert "snowflake_stage_external_s3" in document["resource"]
    errors = check(document)
    assert not errors, f"{name} does not match the provider schemas:\n" + "\n".join(errors)


def test_a_misspelt_directory_argument_is_caught(documents):
    document = copy.deepcopy(documents["option:current"])
    stage = document["resource"]["snowflake_stage_external_s3"]["inbound_stage"]
    stage["directory"]["auto_refresh_enabled"] = stage["directory"].pop("auto_refresh")
    assert check_document(document) == [
        "snowflake_stage_external_s3.inbound_stage.directory: "
        "unknown attribute or block 'auto_refresh_enabled'"
    ]


def test_a_missing_required_argument_is_caught(documents):
    document = copy.deepcopy(documents["option:current"])
    integration = document["resource"]["snowflake_storage_integration_aws"]["storage_integration"]
    del integration["enabled"]
    del document["resource"]["snowflake_stage_external_s3"]["outbound_stage"]["directory"]["enable"]
    assert check_document(document) == [
        "snowflake_stage_external_s3.outbound_stage.directory: missing required attribute 'enable'",
        "snowflake_storage_integration_aws.storage_integration: "
        "missing required attribute 'enabled'",
    ]


def test_an_argument_newer_than_2_20_is_caught(documents):
    document = copy.deepcopy(documents["option:current_serverless"])
    document["resource"]["snowflake_task"]["task"]["execute_as_user"] = "LOADER"
    assert check_document(document) == []  # the 2.22.0 bindings know it
    assert [v.split(":")[0] for v in violations(document)] == [
        "snowflake_task.task.execute_as_user"
    ]


def test_assert_valid_fails_on_a_misspelt_stage_attribute_on_this_flavour(documents):
    # On CDKTF as on CDK Terrain: the committed schema, not an "unknown resource type".
    document = copy.deepcopy(documents["option:current"])
    stage = document["resource"]["snowflake_stage_external_s3"]["inbound_stage"]
    stage["storage_integrations"] = stage.pop("storage_integration")
    with pytest.raises(AssertionError) as raised:
        assert_valid(document, name="orders")
    message = str(raised.value)
    assert "snowflake_stage_external_s3.inbound_stage: unknown attribute or block " in message
    assert "'storage_integrations'" in message
    assert "unknown resource type" not in message
