"""Facts about the failure alerts' notification integration and the bootstrap's
ownership transfers, the same at provider 2.10.1 and 2.20.0 (read at both tags), and the
checks both fact sets run with them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fact import Fact


def notification_source(tag: str) -> str:
    """Where the notification integration's facts were read, at ``tag``."""
    return f"pkg/resources/notification_integration.go @ {tag}"


def notification_violations(address: str, body: Mapping[str, Any], tag: str) -> list[str]:
    """What an AWS SNS ``snowflake_notification_integration`` must not do."""
    source = notification_source(tag)
    sns_required = Fact(
        "with notification_provider AWS_SNS, create fails unless aws_sns_topic_arn and "
        "aws_sns_role_arn are set (CreateNotificationIntegration)",
        source,
    )
    force_new = Fact(
        "name and notification_provider are ForceNew: changing either replaces the "
        "integration (and a new integration has a new IAM user and external id)",
        source,
    )
    found: list[str] = []
    if str(body.get("notification_provider", "")).upper() == "AWS_SNS":
        missing = [a for a in ("aws_sns_topic_arn", "aws_sns_role_arn") if not body.get(a)]
        if missing:
            found.append(f"{address}: no {', '.join(missing)}: {sns_required.source}")
        # A reference to the role would be a cycle: the role's trust reads this integration.
        if "aws_iam_role." in str(body.get("aws_sns_role_arn", "")):
            found.append(f"{address}: aws_sns_role_arn references the role (a cycle)")
    for attribute in ("name", "notification_provider"):
        if "aws_sns_topic." in str(body.get(attribute, "")):
            found.append(f"{address}.{attribute} follows the topic: {force_new.source}")
    return found


# Computed, read back from DESCRIBE (SF_AWS_IAM_USER_ARN, SF_AWS_EXTERNAL_ID): the
# publishing role's trust uses them.
NOTIFICATION_COMPUTED = ("aws_sns_iam_user_arn", "aws_sns_external_id")


def grant_ownership_violations(address: str, body: Mapping[str, Any], tag: str) -> list[str]:
    """A transfer of ownership must keep the object's grants."""
    copy_grants = Fact(
        "outbound_privileges COPY transfers the object's current grants with its ownership "
        "(REVOKE drops them); the resource has no update, every field is ForceNew",
        f"pkg/resources/grant_ownership.go @ {tag}",
    )
    if body.get("outbound_privileges") != "COPY":
        return [f"{address}: the transfer drops the object's grants: {copy_grants.source}"]
    return []


def publishing_role_trusts(document: Mapping[str, Any], integration: str) -> bool:
    """Whether a role of ``document`` trusts the integration's IAM user with its
    external id, both read back from it."""
    roles = document.get("resource", {}).get("aws_iam_role", {}).values()
    wanted = [
        f"snowflake_notification_integration.{integration}.{a}" for a in NOTIFICATION_COMPUTED
    ]
    return any(all(w in role["assume_role_policy"] for w in wanted) for role in roles)
