"""What the snowflake provider and Snowflake do with what a stack declares, as data, and
the check of a synthesized stack against it.

Nothing in a test can run the snowflake provider, and its schema says only which
arguments exist. The facts were read in the provider's source at the release's tag
(public repository snowflakedb/terraform-provider-snowflake) and in Snowflake's
documentation; each names where. Facts hold for one provider release, so the fact sets
are a registry keyed by the exact snowflake provider version a stack's JSON pins
(:data:`FACT_SETS`), and a stack that pins a version without a fact set is refused
(:class:`UnknownProviderVersion`), never checked against another release's facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..snowflake_regex import unsupported_constructs
from . import facts_2_20
from .alert_facts import alert_pattern_violations, alert_violations
from .deployment_facts import stream_on_table_violations, transfer_violations
from .fact import Fact
from .integration_facts import grant_ownership_violations, notification_violations
from .task_sql import task_patterns


@dataclass(frozen=True)
class FactSet:
    """The facts about one snowflake provider release.

    Every snowflake resource and data source type a stack declares must be classified,
    gated or not: an unknown type is reported until its fact is looked up and added.
    """

    version: str
    gated: Mapping[str, Fact]
    not_gated: Mapping[str, Fact]
    gated_data: Mapping[str, Fact]
    not_gated_data: Mapping[str, Fact]
    # ForceNew attributes the provider's read writes back in another form than declared:
    # without ignore_changes, every plan after the first replaces the resource.
    read_back_force_new: Mapping[tuple[str, str], Fact]
    # Set when a serverless triggered task needs a SCHEDULE on this release.
    serverless_needs_schedule: Fact | None
    serverless_sizes: frozenset[str]
    serverless_size_limit: Fact
    posix_patterns: Fact


class UnknownProviderVersion(LookupError):
    """A stack pins a snowflake provider version that no fact set is about."""


def _gated(types: Iterable[tuple[str, str]], tag: str) -> dict[str, Fact]:
    return {
        resource_type: Fact(
            f"{resource_type} fails at apply unless {resource_type}_resource is in "
            "preview_features_enabled",
            f"pkg/provider/previewfeatures/preview_features.go and pkg/resources/{source} @ {tag}",
        )
        for resource_type, source in types
    }


def _not_gated(types: Iterable[str], tag: str, kind: str = "") -> dict[str, Fact]:
    return {
        name: Fact(
            f"{kind}{name} is not in allPreviewFeatures",
            f"pkg/provider/previewfeatures/preview_features.go @ {tag}",
        )
        for name in types
    }


def _gated_data(types: Iterable[str], tag: str) -> dict[str, Fact]:
    return {
        data_type: Fact(
            f"data source {data_type} fails unless {data_type}_datasource is in "
            "preview_features_enabled",
            f"pkg/provider/previewfeatures/preview_features.go @ {tag}",
        )
        for data_type in types
    }


_TAG = "v2.10.1"
PROVIDER_2_10_1 = FactSet(
    version="2.10.1",
    gated=_gated(
        (
            ("snowflake_storage_integration", "storage_integration.go"),
            ("snowflake_stage", "stage.go"),
            ("snowflake_table", "table.go"),
            ("snowflake_file_format", "file_format.go"),
            ("snowflake_pipe", "pipe.go"),
            ("snowflake_external_table", "external_table.go"),
            ("snowflake_notification_integration", "notification_integration.go"),
            ("snowflake_alert", "alert.go"),
        ),
        _TAG,
    ),
    not_gated=_not_gated(
        (
            "snowflake_database",
            "snowflake_schema",
            "snowflake_warehouse",
            "snowflake_task",
            "snowflake_stream_on_directory_table",
            # The processed-files record's pending stream (pkg/resources/stream_on_table.go:
            # plain Tracking*Wrapper contexts).
            "snowflake_stream_on_table",
            # The bootstrap's role and grants (pkg/resources/account_role.go,
            # grant_privileges_to_account_role.go, grant_account_role.go,
            # grant_ownership.go: plain Tracking*Wrapper contexts, no preview wrapper).
            "snowflake_account_role",
            "snowflake_grant_privileges_to_account_role",
            "snowflake_grant_account_role",
            "snowflake_grant_ownership",
        ),
        _TAG,
    ),
    # Data sources are gated by their own feature, the type's name plus "_datasource"
    # (the five gated ones are still gated on the provider's main branch, the three
    # others are in neither list).
    gated_data=_gated_data(
        (
            "snowflake_stages",
            "snowflake_storage_integrations",
            "snowflake_tables",
            "snowflake_file_formats",
            "snowflake_pipes",
        ),
        _TAG,
    ),
    not_gated_data=_not_gated(
        ("snowflake_databases", "snowflake_schemas", "snowflake_warehouses"),
        _TAG,
        kind="data source ",
    ),
    read_back_force_new={
        ("snowflake_stage", "directory"): Fact(
            "directory is TypeString, ForceNew, with no DiffSuppressFunc; ReadStage rebuilds "
            "it from DESCRIBE STAGE as 'NAME = value' pairs joined by spaces, without "
            "REFRESH_ON_CREATE and with the notification channel (upstream issues #3832, "
            "#4196)",
            f"pkg/resources/stage.go @ {_TAG}",
        ),
    },
    serverless_needs_schedule=Fact(
        "a serverless task with a WHEN and no SCHEDULE must set TARGET_COMPLETION_INTERVAL "
        "or resuming it fails (error 091865); snowflake_task has no "
        "target_completion_interval before 2.12.0 (PR #4082), so on 2.10.1 a serverless "
        "task needs a schedule",
        f"Snowflake docs 'Triggered tasks'; pkg/resources/task.go @ {_TAG}",
    ),
    serverless_sizes=frozenset(
        {"XSMALL", "X-SMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "X-LARGE"}
        | {"XXLARGE", "X2LARGE", "2X-LARGE"}
    ),
    serverless_size_limit=Fact(
        "serverless tasks are limited to the compute of an XXLARGE warehouse",
        "Snowflake docs 'Introduction to tasks'",
    ),
    posix_patterns=Fact(
        "regular expressions are POSIX ERE plus \\d \\s \\w \\b and their negations: no "
        "look-around, lazy quantifiers, back-references or inline flags",
        "Snowflake docs 'String functions (regular expressions)'",
    ),
)

# The fact sets, by the exact snowflake provider version a stack's JSON pins; 2.20.0's
# facts (the current generation) are in facts_2_20, checked the same way.
FACT_SETS: dict[str, FactSet] = {PROVIDER_2_10_1.version: PROVIDER_2_10_1}


def fact_set_for(document: Mapping[str, Any]) -> FactSet | None:
    """The fact set for the snowflake provider version ``document`` pins; None when the
    stack uses no snowflake provider at all, or pins 2.20.0, whose facts are of another
    shape (:mod:`~snowssi_constructs.testing.facts_2_20`).

    :raises UnknownProviderVersion: the stack declares snowflake resources, data
        sources or a snowflake provider, and pins no version, or one without facts.
    """
    required = document.get("terraform", {}).get("required_providers", {})
    uses_snowflake = (
        "snowflake" in required
        or "snowflake" in document.get("provider", {})
        or any(t.startswith("snowflake_") for t in document.get("resource", {}))
        or any(t.startswith("snowflake_") for t in document.get("data", {}))
    )
    if not uses_snowflake:
        return None
    version = required.get("snowflake", {}).get("version")
    fact_set = FACT_SETS.get(version) if isinstance(version, str) else None
    if fact_set is None and version != facts_2_20.PROVIDER_VERSION:
        known = ", ".join(sorted({*FACT_SETS, facts_2_20.PROVIDER_VERSION}))
        raise UnknownProviderVersion(
            f"the stack pins snowflake provider version {version!r}, and there are facts "
            f"only about {known}: pin one of those exactly (required_providers.snowflake)"
        )
    return fact_set


def violations(document: Mapping[str, Any]) -> list[str]:
    """Every way ``document`` (one stack's ``cdk.tf.json``) breaks a fact about the
    snowflake provider version it pins, each with the fact's source.

    :raises UnknownProviderVersion: see :func:`fact_set_for`.
    """
    facts = fact_set_for(document)
    if facts is None:
        required = document.get("terraform", {}).get("required_providers", {})
        if required.get("snowflake", {}).get("version") == facts_2_20.PROVIDER_VERSION:
            return facts_2_20.violations(document)
        return []
    found: list[str] = []
    providers = document.get("provider", {}).get("snowflake", [])
    enabled = {f for p in providers for f in p.get("preview_features_enabled", [])}
    for resource_type, by_name in document.get("resource", {}).items():
        if not resource_type.startswith("snowflake_"):
            continue
        if resource_type in facts.gated:
            if f"{resource_type}_resource" not in enabled:
                source = facts.gated[resource_type].source
                found.append(f"{resource_type} declared, feature not enabled: {source}")
        elif resource_type not in facts.not_gated:
            found.append(f"{resource_type}: no fact about its preview gate; look it up")
        for name, body in by_name.items():
            found += _resource_violations(facts, f"{resource_type}.{name}", resource_type, body)
    for data_type in document.get("data", {}):
        if not data_type.startswith("snowflake_"):
            continue
        if data_type in facts.gated_data:
            if f"{data_type}_datasource" not in enabled:
                source = facts.gated_data[data_type].source
                found.append(f"data.{data_type} declared, feature not enabled: {source}")
        elif data_type not in facts.not_gated_data:
            found.append(f"data.{data_type}: no fact about its preview gate; look it up")
    found += transfer_violations(document, f"v{facts.version}")
    found += stream_on_table_violations(document, f"v{facts.version}")
    return found


def _resource_violations(
    facts: FactSet, address: str, resource_type: str, body: Mapping[str, Any]
) -> list[str]:
    found: list[str] = []
    ignored = body.get("lifecycle", {}).get("ignore_changes", [])
    for (fact_type, attribute), fact in facts.read_back_force_new.items():
        unguarded = ignored != "all" and attribute not in ignored
        if fact_type == resource_type and attribute in body and unguarded:
            found.append(f"{address}.{attribute} replaces on every apply: {fact.source}")
    tag = f"v{facts.version}"
    if resource_type == "snowflake_notification_integration":
        found += notification_violations(address, body, tag)
    if resource_type == "snowflake_grant_ownership":
        found += grant_ownership_violations(address, body, tag)
    if resource_type == "snowflake_alert":
        found += alert_violations(address, body, tag)
        found += alert_pattern_violations(address, body, facts.posix_patterns.source)
    if resource_type == "snowflake_task":
        size = body.get("user_task_managed_initial_warehouse_size")
        serverless = "warehouse" not in body
        needs_schedule = facts.serverless_needs_schedule
        # TARGET_COMPLETION_INTERVAL does instead of a schedule, where the provider has it.
        paced = "schedule" in body or "target_completion_interval" in body
        if serverless and needs_schedule is not None and not paced:
            found.append(f"{address}: serverless without a schedule: {needs_schedule.source}")
        if serverless and size is not None and size.upper() not in facts.serverless_sizes:
            found.append(f"{address}: serverless size {size}: {facts.serverless_size_limit.source}")
        for pattern in task_patterns(body.get("sql_statement", "")):
            for construct in unsupported_constructs(pattern):
                found.append(f"{address}: pattern has {construct}: {facts.posix_patterns.source}")
    return found
