"""The facts about snowflake provider 2.20.0, the current generation's pin, and the check
of a stack against them (:func:`violations`).

Read in the provider's source at tag ``v2.20.0`` (public repository
snowflakedb/terraform-provider-snowflake), in its ``MIGRATION_GUIDE.md`` and in
Terraform's documentation; each fact names where (the project's
docs/provider-behaviour.md, "Provider 2.20.0, read at its source", holds the notes).
Besides the preview gates of 2.10.1's facts, they cover what 2.20.0 adds: deprecated
and promoted types, what replaces a
stage, what is never read back, the triggered serverless task, what a reference may
read, the import IDs and the Terraform floor of the one-time upgrade.
:func:`snowssi_constructs.testing.facts.violations` calls this for a stack that pins
2.20.0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..snowflake_regex import unsupported_constructs
from .alert_facts import alert_pattern_violations, alert_violations
from .deployment_facts import stream_on_table_violations, transfer_violations
from .fact import Fact
from .integration_facts import grant_ownership_violations, notification_violations
from .recompute_facts import recompute_violations
from .task_sql import task_patterns, without_expressions

PROVIDER_VERSION = "2.20.0"
SERVERLESS_SIZES = frozenset(
    {"XSMALL", "X-SMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "X-LARGE"}
    | {"XXLARGE", "X2LARGE", "2X-LARGE"}
)
TAG = "v2.20.0"
R = "pkg/resources"


GATES = f"pkg/provider/previewfeatures/preview_features.go @ {TAG}"
# Every snowflake type a current stack declares must be classified: gated (its feature
# must be enabled), stable, or deprecated (must not be declared at all).
GATED = {
    resource_type: Fact(f"{resource_type} is in allPreviewFeatures", GATES)
    for resource_type in (
        "snowflake_table",
        "snowflake_notification_integration",
        "snowflake_alert",
    )
}
STABLE = {
    resource_type: Fact(f"{resource_type} is not gated (or promoted)", GATES)
    for resource_type in (
        "snowflake_database",
        "snowflake_schema",
        "snowflake_warehouse",
        "snowflake_task",
        "snowflake_stream_on_directory_table",
        "snowflake_stream_on_table",
        "snowflake_stage_external_s3",
        "snowflake_storage_integration_aws",
        "snowflake_account_role",
        "snowflake_grant_privileges_to_account_role",
        "snowflake_grant_account_role",
        "snowflake_grant_ownership",
    )
}
DEPRECATED = {
    resource_type: Fact(
        f"{resource_type} is deprecated since 2.13.0, still gated, and removed in v3",
        f"MIGRATION_GUIDE.md 'v2.12.x -> v2.13.0' and {R}/{source} @ {TAG}",
    )
    for resource_type, source in (
        ("snowflake_stage", "stage.go"),
        ("snowflake_storage_integration", "storage_integration.go"),
    )
}
# Naming a promoted feature only warns ("Stable feature used on preview feature list").
PROMOTED_FEATURES = Fact(
    "snowflake_stage_external_s3_resource and snowflake_storage_integration_aws_resource "
    "are promoted: listing them warns, and the values go away in v3",
    f"{GATES} (promotedFeatures); pkg/provider/provider.go @ {TAG}",
)
# The legacy features are needed only while Terraform forgets legacy objects: before
# hashicorp/terraform PR #35458 a `removed` block still refreshes the forgotten object.
LEGACY_FEATURES_WHILE_FORGETTING = Fact(
    "snowflake_stage_resource and snowflake_storage_integration_resource are needed only "
    "where removed blocks forget legacy objects (older Terraform refreshes them)",
    "hashicorp/terraform PR #35458; " + GATES,
)

# Attributes that replace the object when they change, and those never read back.
STAGE_FORCE_NEW = Fact(
    "database, schema and directory.aws_sns_topic force replacement; so do removing the "
    "directory or encryption block and any change of directory.auto_refresh",
    f"{R}/external_s3_stage.go (CustomizeDiff) and {R}/stages_common.go @ {TAG}",
)
SNS_TOPIC_NOT_READ = Fact(
    "directory.aws_sns_topic is ForceNew and never read back: set, it risks a replacement "
    "after the directory is rewritten on read",
    f"{R}/external_s3_stage.go @ {TAG}",
)
STAGE_DIRECTORY = Fact(
    "directory.enable is required; auto_refresh and refresh_on_create take 'true', 'false' "
    "or 'default'",
    f"{R}/external_s3_stage.go @ {TAG}",
)
STAGE_ENCRYPTION = Fact(
    "encryption holds exactly one of aws_cse, aws_sse_s3, aws_sse_kms, none",
    f"{R}/external_s3_stage.go @ {TAG}",
)
PRIVATELINK_CONFLICT = Fact(
    "use_privatelink_endpoint conflicts with storage_integration",
    f"{R}/external_s3_stage.go @ {TAG}",
)
STREAM_STAGE_FQN = Fact(
    "the stream's stage must be a fully qualified name (IsValidIdentifier"
    "[SchemaObjectIdentifier]) since 2.17.0",
    f"{R}/stream_on_directory_table.go @ {TAG}; MIGRATION_GUIDE.md 'v2.16.0 -> v2.17.0'",
)
TRIGGERED_SERVERLESS = Fact(
    "a serverless task with a WHEN and no SCHEDULE must set TARGET_COMPLETION_INTERVAL "
    "(error 091865); target_completion_interval is a block with exactly one of hours, "
    "minutes, seconds, each at least 1 (since 2.12.0)",
    f"Snowflake docs 'Triggered tasks'; {R}/task.go @ {TAG}",
)
SERVERLESS_SIZE_LIMIT = Fact(
    "serverless tasks are limited to the compute of an XXLARGE warehouse",
    "Snowflake docs 'Introduction to tasks'",
)
NOT_IN_2_20 = Fact(
    "task.execute_as_user and the provider's experimental_features_disabled are in the "
    "2.22.0 bindings but not in 2.20.0",
    f"{R}/task.go and pkg/provider/provider.go @ {TAG}",
)
POSIX_PATTERNS = Fact(
    "regular expressions are POSIX ERE plus \\d \\s \\w \\b and their negations",
    "Snowflake docs 'String functions (regular expressions)'",
)
# What a reference may read: the attributes the types have at 2.20.0.
READABLE = {
    "snowflake_stage_external_s3": Fact(
        "readable: name, database, schema, url, fully_qualified_name, stage_type, cloud, "
        "show_output, describe_output (no directory_notification_channel before 2.22.0)",
        f"{R}/external_s3_stage.go, {R}/stages_common.go, pkg/schemas/stage_describe.go @ {TAG}",
    ),
    "snowflake_storage_integration_aws": Fact(
        "readable: name, fully_qualified_name, show_output, and a flat describe_output "
        "(iam_user_arn, external_id, ...)",
        f"{R}/storage_integration_aws.go, "
        f"pkg/schemas/storage_integration_aws_details_gen.go @ {TAG}",
    ),
}
_READABLE_PATHS = {
    "snowflake_stage_external_s3": re.compile(
        r"(name|database|schema|url|fully_qualified_name|stage_type|cloud|id"
        r"|show_output\[0\]\.\w+|describe_output\[0\]\.(location|directory_table)\[0\]"
        r"\.(url|aws_access_point_arn|enable|auto_refresh|last_refreshed_on))"
    ),
    "snowflake_storage_integration_aws": re.compile(
        r"(name|fully_qualified_name|id|show_output\[0\]\.\w+|describe_output\[0\]\."
        r"(id|enabled|provider|allowed_locations|blocked_locations|comment"
        r"|use_privatelink_endpoint|iam_user_arn|role_arn|object_acl|external_id))"
    ),
}
_REFERENCE = re.compile(
    r"\b(snowflake_stage_external_s3|snowflake_storage_integration_aws)\.(\w+)\."
    r"([\w.\[\]]+?)(?=[^\w.\[\]]|$)"
)
IMPORT_IDS = {
    "snowflake_stage_external_s3": Fact(
        'the importer takes "<db>"."<schema>"."<stage>" (ImportName[SchemaObjectIdentifier])',
        f"{R}/external_s3_stage.go and examples/resources/snowflake_stage_external_s3/"
        f"import.sh @ {TAG}",
    ),
    "snowflake_storage_integration_aws": Fact(
        'the importer takes "<name>" (ParseAccountObjectIdentifier)',
        f"{R}/storage_integration_aws.go and examples/resources/"
        f"snowflake_storage_integration_aws/import.sh @ {TAG}",
    ),
}
_ID_FORMS = {
    "snowflake_stage_external_s3": re.compile(r'"[^"]+"\."[^"]+"\."[^"]+"'),
    "snowflake_storage_integration_aws": re.compile(r'"[^"]+"'),
}
TERRAFORM_FLOOR = Fact(
    "import blocks need Terraform 1.5.0 and removed blocks 1.7.0; a removed block must "
    "not name a declared resource",
    "Terraform docs 'Import' (v1.5) and 'Remove resources' (v1.7); "
    "internal/refactoring/remove_statement.go",
)


def violations(document: Mapping[str, Any]) -> list[str]:
    """Every way ``document`` breaks a fact above, each with the fact's source."""
    found: list[str] = []
    version = document["terraform"]["required_providers"]["snowflake"]["version"]
    if version != PROVIDER_VERSION:
        found.append(f"snowflake provider {version}: these facts are about {PROVIDER_VERSION}")
    provider = document.get("provider", {}).get("snowflake", [{}])[0]
    enabled = set(provider.get("preview_features_enabled", []))
    declared = document.get("resource", {})
    needed: set[str] = set()
    for resource_type, by_name in declared.items():
        if not resource_type.startswith("snowflake_"):
            continue
        if resource_type in GATED:
            needed.add(f"{resource_type}_resource")
            if f"{resource_type}_resource" not in enabled:
                found.append(
                    f"{resource_type} declared, feature not enabled: {GATED[resource_type]}"
                )
        elif resource_type in DEPRECATED:
            found.append(f"{resource_type} declared: {DEPRECATED[resource_type]}")
        elif resource_type not in STABLE:
            found.append(f"{resource_type}: no fact about its preview gate; look it up")
        for name, body in by_name.items():
            found += _resource_violations(f"{resource_type}.{name}", resource_type, body)
    if "experimental_features_disabled" in provider:
        found.append(f"provider.snowflake.experimental_features_disabled: {NOT_IN_2_20}")
    promoted = {
        "snowflake_stage_external_s3_resource",
        "snowflake_storage_integration_aws_resource",
    }
    for feature in sorted(enabled & promoted):
        found.append(f"{feature} enabled: {PROMOTED_FEATURES}")
    forgets_legacy = any(
        block["from"].split(".")[-2] in DEPRECATED for block in document.get("removed", [])
    )
    if forgets_legacy:
        needed |= {f"{t}_resource" for t in DEPRECATED}
    for feature in sorted(enabled - needed - promoted):
        found.append(f"{feature} enabled but nothing needs it: {LEGACY_FEATURES_WHILE_FORGETTING}")
    found += _reference_violations(json.dumps(document))
    found += _upgrade_violations(document)
    found += recompute_violations(document)
    found += transfer_violations(document, TAG) + stream_on_table_violations(document, TAG)
    return found


def _resource_violations(address: str, resource_type: str, body: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    if resource_type == "snowflake_stage_external_s3":
        directory = body.get("directory")
        if not isinstance(directory, dict) or directory.get("enable") is not True:
            found.append(f"{address}: no directory table: {STAGE_DIRECTORY}")
        else:
            if "aws_sns_topic" in directory:
                found.append(f"{address}.directory.aws_sns_topic: {SNS_TOPIC_NOT_READ}")
            for key in ("auto_refresh", "refresh_on_create"):
                if directory.get(key, "default") not in ("true", "false", "default"):
                    found.append(f"{address}.directory.{key}: {STAGE_DIRECTORY}")
        encryption = body.get("encryption")
        if encryption is not None and len(encryption) != 1:
            found.append(f"{address}.encryption: {STAGE_ENCRYPTION}")
        if "use_privatelink_endpoint" in body and "storage_integration" in body:
            found.append(f"{address}: {PRIVATELINK_CONFLICT}")
        for key in ("database", "schema"):
            if key not in body:
                found.append(f"{address}: no {key}: {STAGE_FORCE_NEW}")
    elif resource_type == "snowflake_stream_on_directory_table":
        stage = body.get("stage", "")
        reference = re.fullmatch(r"\$\{[\w.]+\.fully_qualified_name\}", stage)
        literal = re.fullmatch(r'("?[^".${}]+"?\.){2}"?[^".${}]+"?', stage)
        if not (reference or literal):
            found.append(f"{address}.stage {stage!r}: {STREAM_STAGE_FQN}")
    elif resource_type == "snowflake_task":
        found += _task_violations(address, body)
    elif resource_type == "snowflake_notification_integration":
        found += notification_violations(address, body, TAG)
    elif resource_type == "snowflake_grant_ownership":
        found += grant_ownership_violations(address, body, TAG)
    elif resource_type == "snowflake_alert":
        found += alert_violations(address, body, TAG)
        found += alert_pattern_violations(address, body, POSIX_PATTERNS.source)
    return found


def _task_violations(address: str, body: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    if "execute_as_user" in body:
        found.append(f"{address}.execute_as_user: {NOT_IN_2_20}")
    serverless = "warehouse" not in body
    interval = body.get("target_completion_interval")
    if serverless and "when" in body and "schedule" not in body and interval is None:
        found.append(
            f"{address}: triggered serverless task without an interval: {TRIGGERED_SERVERLESS}"
        )
    if interval is not None:
        units = {k: v for k, v in interval.items() if k in ("hours", "minutes", "seconds")}
        valid = len(units) == 1 == len(interval) and all(
            isinstance(v, int) and v >= 1 for v in units.values()
        )
        if not valid:
            found.append(f"{address}.target_completion_interval {interval}: {TRIGGERED_SERVERLESS}")
    size = body.get("user_task_managed_initial_warehouse_size")
    if serverless and size is not None and size.upper() not in SERVERLESS_SIZES:
        found.append(f"{address}: serverless size {size}: {SERVERLESS_SIZE_LIMIT}")
    for pattern in task_patterns(body.get("sql_statement", "")):
        for construct in unsupported_constructs(pattern):
            found.append(f"{address}: pattern has {construct}: {POSIX_PATTERNS}")
    return found


def _reference_violations(text: str) -> list[str]:
    found = []
    for resource_type, name, path in _REFERENCE.findall(text):
        if not _READABLE_PATHS[resource_type].fullmatch(path):
            found.append(f"{resource_type}.{name}.{path}: {READABLE[resource_type]}")
    return sorted(set(found))


def _upgrade_violations(document: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    declared = {
        f"{resource_type}.{name}"
        for resource_type, by_name in document.get("resource", {}).items()
        for name in by_name
    }
    for block in document.get("import", []):
        to = block["to"]
        resource_type = to.split(".")[0]
        if to not in declared:
            found.append(f"import to {to}: not declared: {TERRAFORM_FLOOR}")
        form = _ID_FORMS.get(resource_type)
        if form is None or not form.fullmatch(without_expressions(block["id"])):
            fact = IMPORT_IDS.get(resource_type, TERRAFORM_FLOOR)
            found.append(f"import of {to}, id {block['id']!r}: {fact}")
    for block in document.get("removed", []):
        if block["from"] in declared:
            found.append(f"removed {block['from']}: still declared: {TERRAFORM_FLOOR}")
        if block.get("lifecycle") != [{"destroy": False}]:
            found.append(f"removed {block['from']} destroys the object: {TERRAFORM_FLOOR}")
    floor = _floor(document["terraform"].get("required_version", ""))
    needs = (1, 7, 0) if "removed" in document else (1, 5, 0) if "import" in document else None
    if needs and (floor is None or floor < needs):
        found.append(f"required_version allows Terraform below {needs}: {TERRAFORM_FLOOR}")
    return found


def _floor(constraint: str) -> tuple[int, ...] | None:
    """The lowest Terraform version ``constraint`` allows, for ``>=``/``~>``/exact."""
    lows = []
    for part in constraint.split(","):
        match = re.fullmatch(r"\s*(>=|~>|=)?\s*(\d+)\.(\d+)(?:\.(\d+))?\s*", part)
        if match:
            lows.append(tuple(int(x or 0) for x in match.groups()[1:]))
    return max(lows) if lows else None
