"""What the snowflake provider 2.10.1 and Snowflake do with what we declare, as data,
checked on every stack we synthesize (its resources and data sources): the default
stack, every option snapshot and every example.

Nothing here can run the snowflake provider, and its schema says only which arguments
exist. The facts below were read in the provider's source at tag ``v2.10.1`` (public
repository snowflakedb/terraform-provider-snowflake) and in Snowflake's documentation;
each names where. They hold for provider 2.10.1 only, so the first check is that every
stack pins it.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from snowssi_constructs import SnowSSIStack
from snowssi_constructs._flavour import FLAVOUR, MODULES
from snowssi_constructs.snowflake_regex import unsupported_constructs
from tests.support import EXAMPLES, load_example, synth_app
from tests.test_snapshots import OPTIONS, option_text

PROVIDER_VERSION = "2.10.1"
TAG = "v2.10.1"


@dataclass(frozen=True)
class Fact:
    statement: str
    source: str


# Every snowflake type a stack may declare must be classified here, gated or not: an
# unknown type fails the check until its fact is looked up and added.
GATED: dict[str, Fact] = {
    resource_type: Fact(
        f"{resource_type} fails at apply unless {resource_type}_resource is in "
        "preview_features_enabled",
        f"pkg/provider/previewfeatures/preview_features.go and pkg/resources/{source} @ {TAG}",
    )
    for resource_type, source in (
        ("snowflake_storage_integration", "storage_integration.go"),
        ("snowflake_stage", "stage.go"),
        ("snowflake_table", "table.go"),
        ("snowflake_file_format", "file_format.go"),
        ("snowflake_pipe", "pipe.go"),
        ("snowflake_external_table", "external_table.go"),
        ("snowflake_notification_integration", "notification_integration.go"),
    )
}
NOT_GATED: dict[str, Fact] = {
    resource_type: Fact(
        f"{resource_type} is not in allPreviewFeatures",
        f"pkg/provider/previewfeatures/preview_features.go @ {TAG}",
    )
    for resource_type in (
        "snowflake_database",
        "snowflake_schema",
        "snowflake_warehouse",
        "snowflake_task",
        "snowflake_stream_on_directory_table",
        # The bootstrap's role and grants (pkg/resources/account_role.go,
        # grant_privileges_to_account_role.go, grant_account_role.go, grant_ownership.go:
        # plain Tracking*Wrapper contexts, no PreviewFeature*Wrapper).
        "snowflake_account_role",
        "snowflake_grant_privileges_to_account_role",
        "snowflake_grant_account_role",
        "snowflake_grant_ownership",
    )
}

# Data sources are gated by their own feature, the type's name plus "_datasource", in the
# same file (the five gated ones are still gated on the provider's main branch, the three
# others are in neither list). Like the resources, every snowflake data source a stack
# declares must be classified.
GATED_DATA: dict[str, Fact] = {
    data_type: Fact(
        f"data source {data_type} fails unless {data_type}_datasource is in "
        "preview_features_enabled",
        f"pkg/provider/previewfeatures/preview_features.go @ {TAG}",
    )
    for data_type in (
        "snowflake_stages",
        "snowflake_storage_integrations",
        "snowflake_tables",
        "snowflake_file_formats",
        "snowflake_pipes",
    )
}
NOT_GATED_DATA: dict[str, Fact] = {
    data_type: Fact(
        f"data source {data_type} is not in allPreviewFeatures",
        f"pkg/provider/previewfeatures/preview_features.go @ {TAG}",
    )
    for data_type in ("snowflake_databases", "snowflake_schemas", "snowflake_warehouses")
}

# ForceNew string attributes that the provider's read writes back in another form than
# the one declared: without ignore_changes, every plan after the first replaces them.
READ_BACK_FORCE_NEW: dict[tuple[str, str], Fact] = {
    ("snowflake_stage", "directory"): Fact(
        "directory is TypeString, ForceNew, with no DiffSuppressFunc; ReadStage rebuilds it "
        "from DESCRIBE STAGE as 'NAME = value' pairs joined by spaces, without "
        "REFRESH_ON_CREATE and with the notification channel (upstream issues #3832, #4196)",
        f"pkg/resources/stage.go @ {TAG}",
    ),
}

# The AWS SNS notification integration of the failure alerts.
NOTIFICATION_SOURCE = f"pkg/resources/notification_integration.go @ {TAG}"
NOTIFICATION_FORCE_NEW = frozenset({"name", "notification_provider"})
NOTIFICATION_FORCE_NEW_FACT = Fact(
    "name and notification_provider are ForceNew: changing either replaces the "
    "integration (and a new integration has a new IAM user and external id)",
    NOTIFICATION_SOURCE,
)
NOTIFICATION_SNS_REQUIRED = Fact(
    "with notification_provider AWS_SNS, create fails unless aws_sns_topic_arn and "
    "aws_sns_role_arn are set (CreateNotificationIntegration)",
    NOTIFICATION_SOURCE,
)
NOTIFICATION_READ_BACK = Fact(
    "aws_sns_iam_user_arn and aws_sns_external_id are Computed, read back from DESCRIBE "
    "(SF_AWS_IAM_USER_ARN, SF_AWS_EXTERNAL_ID): the publishing role's trust uses them",
    NOTIFICATION_SOURCE,
)
NOTIFICATION_COMPUTED = frozenset({"aws_sns_iam_user_arn", "aws_sns_external_id"})
GRANT_OWNERSHIP_COPY = Fact(
    "outbound_privileges COPY transfers the object's current grants with its ownership "
    "(REVOKE drops them); the resource has no update, every field is ForceNew",
    f"pkg/resources/grant_ownership.go @ {TAG}",
)

SERVERLESS_NEEDS_SCHEDULE = Fact(
    "a serverless task with a WHEN and no SCHEDULE must set TARGET_COMPLETION_INTERVAL or "
    "resuming it fails (error 091865); snowflake_task has no target_completion_interval "
    "before 2.12.0 (PR #4082), so on 2.10.1 a serverless task needs a schedule",
    f"Snowflake docs 'Triggered tasks'; pkg/resources/task.go @ {TAG}",
)
SERVERLESS_SIZES = frozenset(
    {"XSMALL", "X-SMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "X-LARGE"}
    | {"XXLARGE", "X2LARGE", "2X-LARGE"}
)
SERVERLESS_SIZE_LIMIT = Fact(
    "serverless tasks are limited to the compute of an XXLARGE warehouse",
    "Snowflake docs 'Introduction to tasks'",
)
POSIX_PATTERNS = Fact(
    "regular expressions are POSIX ERE plus \\d \\s \\w \\b and their negations: no "
    "look-around, lazy quantifiers, back-references or inline flags",
    "Snowflake docs 'String functions (regular expressions)'",
)

# Patterns inside task SQL: COPY FILES ... PATTERN = '...' and RLIKE(col, '...').
_SQL_PATTERN = re.compile(r"(?:PATTERN = |RLIKE\([A-Z_]+, )'((?:\\.|[^'\\])*)'")


def violations(document: dict[str, Any]) -> list[str]:
    """Every way ``document`` breaks a fact above, each with the fact's source."""
    found: list[str] = []
    version = document["terraform"]["required_providers"]["snowflake"]["version"]
    if version != PROVIDER_VERSION:
        found.append(f"snowflake provider {version}: these facts are about {PROVIDER_VERSION}")
    providers = document.get("provider", {}).get("snowflake", [])
    enabled = {f for p in providers for f in p.get("preview_features_enabled", [])}
    declared = document.get("resource", {})
    for resource_type, by_name in declared.items():
        if not resource_type.startswith("snowflake_"):
            continue
        if resource_type in GATED:
            if f"{resource_type}_resource" not in enabled:
                fact = GATED[resource_type]
                found.append(f"{resource_type} declared, feature not enabled: {fact.source}")
        elif resource_type not in NOT_GATED:
            found.append(f"{resource_type}: no fact about its preview gate; look it up")
        for name, body in by_name.items():
            found += _resource_violations(f"{resource_type}.{name}", resource_type, body)
    for data_type in document.get("data", {}):
        if not data_type.startswith("snowflake_"):
            continue
        if data_type in GATED_DATA:
            if f"{data_type}_datasource" not in enabled:
                fact = GATED_DATA[data_type]
                found.append(f"data.{data_type} declared, feature not enabled: {fact.source}")
        elif data_type not in NOT_GATED_DATA:
            found.append(f"data.{data_type}: no fact about its preview gate; look it up")
    return found


def task_patterns(sql: str) -> list[str]:
    """The regular expressions in a task's SQL, as Snowflake reads them: the text of
    each ``PATTERN = '...'`` and ``RLIKE(col, '...')`` literal, unescaped."""
    return [re.sub(r"\\(.)", r"\1", pattern) for pattern in _SQL_PATTERN.findall(sql)]


def _resource_violations(address: str, resource_type: str, body: dict[str, Any]) -> list[str]:
    found: list[str] = []
    ignored = body.get("lifecycle", {}).get("ignore_changes", [])
    for (fact_type, attribute), fact in READ_BACK_FORCE_NEW.items():
        unguarded = ignored != "all" and attribute not in ignored
        if fact_type == resource_type and attribute in body and unguarded:
            found.append(f"{address}.{attribute} replaces on every apply: {fact.source}")
    if resource_type == "snowflake_notification_integration":
        found += _notification_violations(address, body)
    if resource_type == "snowflake_grant_ownership" and body.get("outbound_privileges") != "COPY":
        found.append(f"{address}: the transfer drops the object's grants: {GRANT_OWNERSHIP_COPY}")
    if resource_type == "snowflake_task":
        size = body.get("user_task_managed_initial_warehouse_size")
        serverless = "warehouse" not in body
        if serverless and "schedule" not in body:
            found.append(f"{address}: serverless without a schedule: {SERVERLESS_NEEDS_SCHEDULE}")
        if serverless and size is not None and size.upper() not in SERVERLESS_SIZES:
            found.append(f"{address}: serverless size {size}: {SERVERLESS_SIZE_LIMIT.source}")
        for pattern in task_patterns(body.get("sql_statement", "")):
            for construct in unsupported_constructs(pattern):
                found.append(f"{address}: pattern has {construct}: {POSIX_PATTERNS.source}")
    return found


def _notification_violations(address: str, body: dict[str, Any]) -> list[str]:
    found: list[str] = []
    if str(body.get("notification_provider", "")).upper() == "AWS_SNS":
        missing = [a for a in ("aws_sns_topic_arn", "aws_sns_role_arn") if not body.get(a)]
        if missing:
            found.append(f"{address}: no {', '.join(missing)}: {NOTIFICATION_SNS_REQUIRED.source}")
        # A reference to the role would be a cycle: the role's trust reads this integration.
        if "aws_iam_role." in str(body.get("aws_sns_role_arn", "")):
            found.append(f"{address}: aws_sns_role_arn references the role (a cycle)")
    for attribute in NOTIFICATION_FORCE_NEW:
        if "aws_sns_topic." in str(body.get(attribute, "")):
            found.append(f"{address}.{attribute} follows the topic: {NOTIFICATION_FORCE_NEW_FACT}")
    return found


def publishing_role_trusts(document: dict[str, Any], integration: str) -> bool:
    """Whether a role of ``document`` trusts the integration's IAM user with its
    external id, both read back from it (``NOTIFICATION_READ_BACK``)."""
    roles = document.get("resource", {}).get("aws_iam_role", {}).values()
    wanted = [
        f"snowflake_notification_integration.{integration}.{a}" for a in NOTIFICATION_COMPUTED
    ]
    return any(all(w in role["assume_role_policy"] for w in wanted) for role in roles)


def _stacks() -> dict[str, dict[str, Any]]:
    documents = {"default": synth_app(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]}
    for option in OPTIONS:
        documents[f"option:{option}"] = json.loads(option_text(option))
    for example in EXAMPLES:
        for stack, document in synth_app(load_example(example)).items():
            documents[f"example:{example}/{stack}"] = document
    return documents


@pytest.fixture(scope="module")
def stacks() -> dict[str, dict[str, Any]]:
    return _stacks()


STACK_NAMES = ["default", *(f"option:{o}" for o in sorted(OPTIONS))]


@pytest.mark.parametrize("name", STACK_NAMES)
def test_stack_holds_to_the_provider_facts(stacks, name):
    assert violations(stacks[name]) == []


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_holds_to_the_provider_facts(stacks, example):
    documents = {k: v for k, v in stacks.items() if k.startswith(f"example:{example}/")}
    assert documents
    assert {k: violations(v) for k, v in documents.items()} == {k: [] for k in documents}


def test_every_checked_stack_declares_snowflake_resources(stacks):
    # The facts would pass vacuously on a stack without the Snowflake half.
    for name, document in stacks.items():
        assert any(t.startswith("snowflake_") for t in document["resource"]), name


# Mutations: each drops one safeguard from a real stack; the check must catch it.


def test_dropping_the_directory_ignore_is_caught(stacks):
    document = copy.deepcopy(stacks["default"])
    del document["resource"]["snowflake_stage"]["inbound_stage"]["lifecycle"]
    assert violations(document) == [
        "snowflake_stage.inbound_stage.directory replaces on every apply: "
        f"pkg/resources/stage.go @ {TAG}"
    ]


def test_dropping_the_table_feature_is_caught(stacks):
    document = copy.deepcopy(stacks["option:consume_stream"])
    assert "snowflake_table" in document["resource"]
    provider = document["provider"]["snowflake"][0]
    provider["preview_features_enabled"].remove("snowflake_table_resource")
    assert len(violations(document)) == 1
    assert violations(document)[0].startswith("snowflake_table declared, feature not enabled")


def test_dropping_the_serverless_schedule_is_caught(stacks):
    document = copy.deepcopy(stacks["option:serverless_task"])
    del document["resource"]["snowflake_task"]["task"]["schedule"]
    assert [v.split(":")[0] for v in violations(document)] == ["snowflake_task.task"]


def test_a_serverless_size_above_xxlarge_is_caught(stacks):
    document = copy.deepcopy(stacks["option:serverless_task"])
    document["resource"]["snowflake_task"]["task"]["user_task_managed_initial_warehouse_size"] = (
        "X3LARGE"
    )
    assert len(violations(document)) == 1


def test_a_look_ahead_pattern_in_task_sql_is_caught(stacks):
    document = copy.deepcopy(stacks["option:file_pattern"])
    task = document["resource"]["snowflake_task"]["task"]
    task["sql_statement"] = task["sql_statement"].replace(
        "PATTERN = '", "PATTERN = '^(?!.*_backup)"
    )
    assert len(violations(document)) == 1


def test_an_unclassified_snowflake_type_is_caught(stacks):
    document = copy.deepcopy(stacks["default"])
    document["resource"]["snowflake_alert"] = {"a": {"name": "A"}}
    assert violations(document) == ["snowflake_alert: no fact about its preview gate; look it up"]


def test_another_provider_version_is_caught(stacks):
    document = copy.deepcopy(stacks["default"])
    document["terraform"]["required_providers"]["snowflake"]["version"] = "2.12.0"
    assert len(violations(document)) == 1


def test_a_look_ahead_pattern_in_the_stream_filter_is_caught(stacks):
    document = copy.deepcopy(stacks["option:consume_stream_file_pattern"])
    task = document["resource"]["snowflake_task"]["task"]
    task["sql_statement"] = task["sql_statement"].replace(
        "RLIKE(RELATIVE_PATH, '", "RLIKE(RELATIVE_PATH, '(?!.*_backup)"
    )
    violation = (
        "snowflake_task.task: pattern has a look-ahead '(?!' at position 0: "
        "Snowflake docs 'String functions (regular expressions)'"
    )
    assert violations(document) == [violation, violation]  # the COPY and the INSERT


@pytest.mark.parametrize("option", sorted(o for o in OPTIONS if "file_pattern" in OPTIONS[o]))
def test_the_check_reads_each_pattern_of_the_task_sql(stacks, option):
    # The facts check the pattern Snowflake runs: the option's own, once per statement.
    sql = stacks[f"option:{option}"]["resource"]["snowflake_task"]["task"]["sql_statement"]
    statements = 2 if OPTIONS[option].get("processing") == "consume_stream" else 1
    assert task_patterns(sql) == [OPTIONS[option]["file_pattern"]] * statements


def _with_storage_integrations_data_source(app):
    stack = SnowSSIStack(app, "snowssi")
    data = importlib.import_module(f"{MODULES[FLAVOUR][2]}.data_snowflake_storage_integrations")
    data.DataSnowflakeStorageIntegrations(stack, "integrations")


def test_a_gated_data_source_a_user_adds_holds_to_the_facts():
    document = synth_app(_with_storage_integrations_data_source)["snowssi"]
    assert "snowflake_storage_integrations" in document["data"]
    assert violations(document) == []
    provider = document["provider"]["snowflake"][0]
    provider["preview_features_enabled"].remove("snowflake_storage_integrations_datasource")
    assert violations(document) == [
        "data.snowflake_storage_integrations declared, feature not enabled: "
        f"pkg/provider/previewfeatures/preview_features.go @ {TAG}"
    ]


def test_an_unclassified_snowflake_data_source_is_caught(stacks):
    document = copy.deepcopy(stacks["default"])
    document["data"]["snowflake_users"] = {"u": {}}
    assert violations(document) == [
        "data.snowflake_users: no fact about its preview gate; look it up"
    ]


def test_the_alerts_integration_is_trusted_through_what_it_reads_back(stacks):
    document = stacks["option:failure_alerts"]
    (name,) = document["resource"]["snowflake_notification_integration"]
    assert publishing_role_trusts(document, name)
    role = document["resource"]["aws_iam_role"][name]
    role["assume_role_policy"] = role["assume_role_policy"].replace("aws_sns_external_id", "id")
    assert not publishing_role_trusts(document, name)


def test_a_notification_integration_without_its_role_is_caught(stacks):
    document = copy.deepcopy(stacks["option:failure_alerts"])
    (body,) = document["resource"]["snowflake_notification_integration"].values()
    del body["aws_sns_role_arn"]
    assert violations(document) == [
        f"snowflake_notification_integration.failure_alerts: no aws_sns_role_arn: "
        f"{NOTIFICATION_SOURCE}"
    ]


def test_a_role_arn_referencing_the_role_is_caught(stacks):
    document = copy.deepcopy(stacks["option:failure_alerts"])
    (body,) = document["resource"]["snowflake_notification_integration"].values()
    body["aws_sns_role_arn"] = "${aws_iam_role.failure_alerts.arn}"
    assert len(violations(document)) == 1


def test_dropping_the_notification_feature_is_caught(stacks):
    document = copy.deepcopy(stacks["option:failure_alerts"])
    provider = document["provider"]["snowflake"][0]
    provider["preview_features_enabled"].remove("snowflake_notification_integration_resource")
    assert violations(document) == [
        "snowflake_notification_integration declared, feature not enabled: "
        "pkg/provider/previewfeatures/preview_features.go and "
        f"pkg/resources/notification_integration.go @ {TAG}"
    ]


def test_a_transfer_that_revokes_grants_is_caught():
    document = synth_app(load_example("least_privilege"))["bootstrap"]
    assert violations(document) == []
    document["resource"]["snowflake_grant_ownership"] = {
        "t": {
            "on": {"object_type": "DATABASE", "object_name": "D"},
            "outbound_privileges": "REVOKE",
        }
    }
    assert len(violations(document)) == 1
