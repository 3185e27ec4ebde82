"""Root variables (spec section 2) and provider configurations (section 3)."""

from __future__ import annotations

import pytest

from snowssi_constructs import ProviderVersions, SnowSSIStack
from tests.support import synth_app

SIZES = ["XSMALL", "SMALL", "MEDIUM"]


@pytest.mark.parametrize(
    ("name", "type_", "default", "sensitive"),
    [
        ("region", "string", "us-east-1", False),
        ("access_key", "string", None, True),
        ("secret_key", "string", None, True),
        ("organization_name", "string", None, False),
        ("account_name", "string", None, False),
        ("user", "string", None, False),
        ("password", "string", None, True),
        ("role", "string", "ACCOUNTADMIN", False),
        ("warehouse_sizes", "list(string)", SIZES, False),
    ],
)
def test_variable_matches_the_original(default_document, name, type_, default, sensitive):
    variable = default_document["variable"][name]
    assert variable["type"] == type_
    # A null default must be written out: without it the variable becomes required.
    assert "default" in variable
    assert variable["default"] == default
    assert variable.get("sensitive", False) is sensitive


def test_exactly_the_originals_variables(default_document):
    assert sorted(default_document["variable"]) == sorted(
        [
            "region",
            "access_key",
            "secret_key",
            "organization_name",
            "account_name",
            "user",
            "password",
            "role",
            "warehouse_sizes",
        ]
    )


def test_warehouse_sizes_are_validated_without_changing_resources(default_document):
    (validation,) = default_document["variable"]["warehouse_sizes"]["validation"]
    condition = validation["condition"]
    assert condition.startswith("${length(var.warehouse_sizes) > 2 && alltrue(")
    for size in [*SIZES, "LARGE", "X6LARGE"]:
        assert f'\\"{size}\\"' in condition.replace('"', '\\"')
    assert "at least three" in validation["error_message"]


def test_aws_provider_reads_region_and_nulls_empty_keys(default_document):
    assert default_document["provider"]["aws"] == [
        {
            "region": "${var.region}",
            "access_key": '${var.access_key != "" ? var.access_key : null}',
            "secret_key": '${var.secret_key != "" ? var.secret_key : null}',
        }
    ]


def test_snowflake_provider_matches_the_original(default_document):
    assert default_document["provider"]["snowflake"] == [
        {
            "organization_name": "${var.organization_name}",
            "account_name": "${var.account_name}",
            "user": "${var.user}",
            "role": "${var.role}",
            "password": '${var.password != "" ? var.password : null}',
            # The key keeps its case (cdktf would snake-case a map attribute's keys).
            "params": {"MULTI_STATEMENT_COUNT": "0"},
            "preview_features_enabled": [
                "snowflake_storage_integration_resource",
                "snowflake_stage_resource",
            ],
        }
    ]


def test_random_and_time_providers_have_no_settings(default_document):
    assert default_document["provider"]["random"] == [{}]
    assert default_document["provider"]["time"] == [{}]


def test_required_version_and_provider_pins_are_props(synth_stack):
    document = synth_stack(
        required_version=">= 1.11",
        provider_versions=ProviderVersions(aws="~> 6.21", snowflake="2.10.1"),
    )
    terraform = document["terraform"]
    assert terraform["required_version"] == ">= 1.11"
    assert terraform["required_providers"]["aws"] == {
        "source": "hashicorp/aws",
        "version": "~> 6.21",
    }
    assert terraform["required_providers"]["time"]["version"] == "0.13.1"


def test_empty_required_version_is_rejected():
    with pytest.raises(ValueError, match="required_version"):
        synth_app(lambda app: SnowSSIStack(app, "snowssi", required_version=""))


def _features(document):
    return document["provider"]["snowflake"][0]["preview_features_enabled"]


def test_a_processed_files_table_enables_the_table_preview_feature(synth_stack):
    # snowflake_table is gated in provider 2.10.1: without the feature it fails at apply.
    assert _features(synth_stack(processing="consume_stream")) == [
        "snowflake_storage_integration_resource",
        "snowflake_stage_resource",
        "snowflake_table_resource",
    ]


def test_a_pipeline_added_later_enables_its_features():
    def build(app):
        stack = SnowSSIStack(app, "snowssi", pipelines=["orders"])
        stack.add_pipeline("events", processing="consume_stream")

    assert "snowflake_table_resource" in _features(synth_app(build)["snowssi"])


def test_a_gated_resource_the_user_adds_enables_its_feature():
    from snowssi_constructs._flavour import snowflake

    DataSnowflakeCurrentRole = snowflake.data_snowflake_current_role.DataSnowflakeCurrentRole
    FileFormat = snowflake.file_format.FileFormat

    def build(app):
        stack = SnowSSIStack(app, "snowssi")
        FileFormat(stack, "csv", name="CSV", database="DB", schema="S", format_type="CSV")
        DataSnowflakeCurrentRole(stack, "current_role")

    assert _features(synth_app(build)["snowssi"]) == [
        "snowflake_storage_integration_resource",
        "snowflake_stage_resource",
        "snowflake_current_role_datasource",
        "snowflake_file_format_resource",
    ]
