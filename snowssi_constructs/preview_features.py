"""Which snowflake provider preview features a stack must enable.

The snowflake provider gates some resources and data sources behind
``preview_features_enabled``: a gated type that is not named there plans cleanly and
fails at apply ("... is currently a preview feature, and must be enabled ..."). The
lists below are the gated types of provider 2.10.1 and 2.20.0, the two generations'
pins (``allPreviewFeatures`` in ``pkg/provider/previewfeatures/preview_features.go`` at
each tag; the feature of a type is its name plus ``_resource`` or ``_datasource``).
Promoted features are not gated and are not listed.

:func:`preview_features` looks at what a stack declares at synthesis, so a pipeline
added later, or a resource a user adds to the stack, enables its feature too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ._flavour import cdktf

TerraformDataSource = cdktf.TerraformDataSource
TerraformResource = cdktf.TerraformResource
TerraformStack = cdktf.TerraformStack

# The HCL module's own list, always first and in its order: the default stack's
# provider block stays exactly the module's.
MODULE_FEATURES: tuple[str, ...] = (
    "snowflake_storage_integration_resource",
    "snowflake_stage_resource",
)

GATED_RESOURCES: frozenset[str] = frozenset(
    [
        "snowflake_account_authentication_policy_attachment",
        "snowflake_account_password_policy_attachment",
        "snowflake_alert",
        "snowflake_api_integration",
        "snowflake_authentication_policy",
        "snowflake_cortex_search_service",
        "snowflake_current_account",
        "snowflake_current_organization_account",
        "snowflake_dynamic_table",
        "snowflake_email_notification_integration",
        "snowflake_external_function",
        "snowflake_external_table",
        "snowflake_external_volume",
        "snowflake_failover_group",
        "snowflake_file_format",
        "snowflake_function_java",
        "snowflake_function_javascript",
        "snowflake_function_python",
        "snowflake_function_scala",
        "snowflake_function_sql",
        "snowflake_job_service",
        "snowflake_managed_account",
        "snowflake_materialized_view",
        "snowflake_network_policy_attachment",
        "snowflake_network_rule",
        "snowflake_notification_integration",
        "snowflake_object_parameter",
        "snowflake_password_policy",
        "snowflake_pipe",
        "snowflake_procedure_java",
        "snowflake_procedure_javascript",
        "snowflake_procedure_python",
        "snowflake_procedure_scala",
        "snowflake_procedure_sql",
        "snowflake_sequence",
        "snowflake_share",
        "snowflake_stage",
        "snowflake_storage_integration",
        "snowflake_table",
        "snowflake_table_column_masking_policy_application",
        "snowflake_table_constraint",
        "snowflake_user_authentication_policy_attachment",
        "snowflake_user_password_policy_attachment",
        "snowflake_user_public_keys",
    ]
)

GATED_DATA_SOURCES: frozenset[str] = frozenset(
    [
        "snowflake_alerts",
        "snowflake_authentication_policies",
        "snowflake_cortex_search_services",
        "snowflake_current_account",
        "snowflake_current_role",
        "snowflake_database",
        "snowflake_database_role",
        "snowflake_dynamic_tables",
        "snowflake_external_functions",
        "snowflake_external_tables",
        "snowflake_failover_groups",
        "snowflake_file_formats",
        "snowflake_functions",
        "snowflake_materialized_views",
        "snowflake_parameters",
        "snowflake_pipes",
        "snowflake_procedures",
        "snowflake_sequences",
        "snowflake_shares",
        "snowflake_stages",
        "snowflake_storage_integrations",
        "snowflake_system_generate_scim_access_token",
        "snowflake_system_get_aws_sns_iam_policy",
        "snowflake_system_get_privatelink_config",
        "snowflake_system_get_snowflake_platform_info",
        "snowflake_tables",
    ]
)


# Provider 2.20.0, the current generation's pin (``allPreviewFeatures`` at tag ``v2.20.0``).
# The stable successors the current generation declares (``snowflake_stage_external_s3``,
# ``snowflake_storage_integration_aws``) are promoted there, so they are not listed; the
# legacy ``snowflake_stage`` and ``snowflake_storage_integration`` still are.
GATED_RESOURCES_2_20: frozenset[str] = frozenset(
    [
        "snowflake_account_authentication_policy_attachment",
        "snowflake_account_password_policy_attachment",
        "snowflake_alert",
        "snowflake_api_integration",
        "snowflake_api_integration_amazon_api_gateway",
        "snowflake_api_integration_azure_api_management",
        "snowflake_api_integration_external_mcp_dynamic_client",
        "snowflake_api_integration_external_mcp_oauth2",
        "snowflake_api_integration_git_repository_github_app",
        "snowflake_api_integration_git_repository_oauth2",
        "snowflake_api_integration_git_repository_private_link",
        "snowflake_api_integration_git_repository_token",
        "snowflake_api_integration_google_cloud_api_gateway",
        "snowflake_cortex_agent",
        "snowflake_cortex_search_service",
        "snowflake_dynamic_table",
        "snowflake_email_notification_integration",
        "snowflake_external_access_integration",
        "snowflake_external_function",
        "snowflake_external_table",
        "snowflake_failover_group",
        "snowflake_file_format",
        "snowflake_file_format_avro",
        "snowflake_file_format_csv",
        "snowflake_file_format_json",
        "snowflake_file_format_orc",
        "snowflake_file_format_parquet",
        "snowflake_file_format_xml",
        "snowflake_function_java",
        "snowflake_function_javascript",
        "snowflake_function_python",
        "snowflake_function_scala",
        "snowflake_function_sql",
        "snowflake_hybrid_table",
        "snowflake_iceberg_table",
        "snowflake_iceberg_table_from_aws_glue",
        "snowflake_iceberg_table_from_delta_files",
        "snowflake_iceberg_table_from_files",
        "snowflake_iceberg_table_from_rest",
        "snowflake_job_service",
        "snowflake_managed_account",
        "snowflake_materialized_view",
        "snowflake_mcp_server",
        "snowflake_network_policy_attachment",
        "snowflake_notebook",
        "snowflake_notification_integration",
        "snowflake_object_parameter",
        "snowflake_pipe",
        "snowflake_postgres_instance",
        "snowflake_procedure_java",
        "snowflake_procedure_javascript",
        "snowflake_procedure_python",
        "snowflake_procedure_scala",
        "snowflake_procedure_sql",
        "snowflake_semantic_view",
        "snowflake_sequence",
        "snowflake_share",
        "snowflake_stage",
        "snowflake_storage_integration",
        "snowflake_storage_lifecycle_policy",
        "snowflake_table",
        "snowflake_table_column_masking_policy_application",
        "snowflake_table_constraint",
        "snowflake_table_storage_lifecycle_policy_attachment",
        "snowflake_user_authentication_policy_attachment",
        "snowflake_user_password_policy_attachment",
        "snowflake_user_public_keys",
        "snowflake_warehouse_adaptive",
        "snowflake_warehouse_interactive",
    ]
)

GATED_DATA_SOURCES_2_20: frozenset[str] = frozenset(
    [
        "snowflake_alerts",
        "snowflake_api_integrations",
        "snowflake_cortex_agents",
        "snowflake_cortex_search_services",
        "snowflake_current_account",
        "snowflake_current_role",
        "snowflake_database",
        "snowflake_database_role",
        "snowflake_dynamic_tables",
        "snowflake_external_access_integrations",
        "snowflake_external_functions",
        "snowflake_external_tables",
        "snowflake_failover_groups",
        "snowflake_file_formats",
        "snowflake_functions",
        "snowflake_iceberg_tables",
        "snowflake_listings",
        "snowflake_materialized_views",
        "snowflake_mcp_servers",
        "snowflake_notebooks",
        "snowflake_parameters",
        "snowflake_pipes",
        "snowflake_procedures",
        "snowflake_semantic_views",
        "snowflake_sequences",
        "snowflake_shares",
        "snowflake_stages",
        "snowflake_storage_lifecycle_policies",
        "snowflake_system_generate_scim_access_token",
        "snowflake_system_get_aws_sns_iam_policy",
        "snowflake_system_get_privatelink_config",
        "snowflake_system_get_snowflake_platform_info",
        "snowflake_tables",
    ]
)


@dataclass(frozen=True)
class GatedTypes:
    """The gated resource and data-source types of one provider release."""

    resources: frozenset[str]
    data_sources: frozenset[str]

    def feature_of(self, terraform_type: str, *, data_source: bool = False) -> str | None:
        """The preview feature that gates ``terraform_type``, or None if it is not gated."""
        if data_source:
            return f"{terraform_type}_datasource" if terraform_type in self.data_sources else None
        return f"{terraform_type}_resource" if terraform_type in self.resources else None


GATED_2_10 = GatedTypes(GATED_RESOURCES, GATED_DATA_SOURCES)
GATED_2_20 = GatedTypes(GATED_RESOURCES_2_20, GATED_DATA_SOURCES_2_20)


def preview_features(
    stack: TerraformStack,
    *,
    gated: GatedTypes = GATED_2_10,
    always: tuple[str, ...] = MODULE_FEATURES,
) -> list[str]:
    """``always``, then every other feature ``stack`` declares, sorted."""
    declared: set[str] = set()
    for construct in stack.node.find_all():
        if isinstance(construct, TerraformResource | TerraformDataSource):
            feature = gated.feature_of(
                _terraform_type(construct),
                data_source=isinstance(construct, TerraformDataSource),
            )
            if feature is not None:
                declared.add(feature)
    return [*always, *sorted(declared.difference(always))]


def _terraform_type(element: TerraformResource | TerraformDataSource) -> str:
    # Generated binding classes carry their type as a class constant: read it once per
    # class instead of once per resource (each read is a call into the jsii kernel).
    constant = _type_constant(type(element))
    return constant if constant is not None else element.terraform_resource_type


@cache
def _type_constant(cls: type) -> str | None:
    value = getattr(cls, "TF_RESOURCE_TYPE", None)
    return value if isinstance(value, str) else None
