"""What recomputes the current storage integration's ``describe_output`` at provider
2.20.0, and the check that an upgrade plan changes nothing outside the adopted types.

The access role's trust policy reads ``describe_output[0].iam_user_arn`` and
``external_id`` of ``snowflake_storage_integration_aws``. Any planned change of an
attribute in the resource's ``CustomizeDiff`` marks the whole ``describe_output``
unknown, so the role's policy would be updated on that plan too. On the upgrade run the
integration's state is what the importer and the first read write, so every such
attribute must be declared as they leave it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .fact import Fact

_TAG = "v2.20.0"
_SOURCE = "pkg/resources/storage_integration_aws.go"
INTEGRATION_TYPE = "snowflake_storage_integration_aws"

DESCRIBE_RECOMPUTED = Fact(
    "a planned change of enabled, storage_allowed_locations, storage_blocked_locations, "
    "comment, use_privatelink_endpoint, storage_aws_role_arn, storage_aws_external_id or "
    "storage_aws_object_acl (one its DiffSuppressFunc does not suppress) marks all of "
    "describe_output unknown; what reads describe_output changes on the same plan",
    f"{_SOURCE} (StorageIntegrationAws: CustomizeDiff, ComputedIfAnyAttributeChanged) and "
    f"pkg/resources/custom_diffs.go @ {_TAG}",
)
IMPORTED_STATE = Fact(
    "ImportStorageIntegrationAws writes use_privatelink_endpoint from DESCRIBE ('false' "
    "for an integration without private connectivity; 'default' only with the "
    "IMPORT_BOOLEAN_DEFAULT experiment), and the diff suppression compares the declared "
    "value with describe_output, so an undeclared value (default 'default') is a change; "
    "the read then writes enabled, the locations, comment, role ARN and object ACL from "
    "Snowflake, never storage_aws_external_id",
    f"{_SOURCE} (ImportStorageIntegrationAws, GetReadStorageIntegrationAwsFunc) and "
    f"pkg/resources/diff_suppressions.go (IgnoreChangeToCurrentSnowflakeValueInDescribe) "
    f"@ {_TAG}",
)

Rule = tuple[Callable[[object], bool], str]
# Every attribute of the CustomizeDiff, with the declared value that plans no change
# against the state an import of the legacy integration leaves (the legacy
# S3StorageIntegration declares enabled, provider, role ARN and locations only, and the
# current stack declares the same role ARN and locations).
ADOPTED_STATE: Mapping[str, Rule] = {
    "enabled": (lambda v: v is True, "true, as the legacy integration is"),
    "storage_allowed_locations": (lambda v: v is not None, "the legacy integration's"),
    "storage_blocked_locations": (lambda v: not v, "none: the legacy integration has none"),
    "comment": (lambda v: v is None, "unset: the legacy integration has no comment"),
    "use_privatelink_endpoint": (lambda v: v == "false", "'false', what the importer writes"),
    "storage_aws_role_arn": (lambda v: v is not None, "the legacy integration's"),
    "storage_aws_external_id": (lambda v: v is None, "unset: the state never holds one"),
    "storage_aws_object_acl": (lambda v: v is None, "unset: the legacy integration has none"),
}


def recompute_violations(document: Mapping[str, Any]) -> list[str]:
    """Each integration whose ``describe_output`` another resource reads and whose
    declaration would plan a change after import (on the upgrade run: every attribute of
    :data:`ADOPTED_STATE`; on every current stack: ``use_privatelink_endpoint``, since a
    once-imported state keeps ``"false"`` after the import block is gone)."""
    found: list[str] = []
    resources = document.get("resource", {})
    imported = {block["to"] for block in document.get("import", [])}
    for name, body in resources.get(INTEGRATION_TYPE, {}).items():
        address = f"{INTEGRATION_TYPE}.{name}"
        if not _read_elsewhere(resources, address):
            continue
        rules = ADOPTED_STATE if address in imported else _ALWAYS
        for attribute, (holds, expected) in rules.items():
            if not holds(body.get(attribute)):
                found.append(
                    f"{address}.{attribute} {body.get(attribute)!r}, should be {expected}: "
                    f"{DESCRIBE_RECOMPUTED}; {IMPORTED_STATE}"
                )
    return found


_ALWAYS = {key: ADOPTED_STATE[key] for key in ("use_privatelink_endpoint",)}


def _read_elsewhere(resources: Mapping[str, Any], address: str) -> bool:
    """Whether a resource other than ``address`` reads its ``describe_output``."""
    reference = f"{address}.describe_output"
    return any(
        reference in json.dumps(body)
        for resource_type, by_name in resources.items()
        for name, body in by_name.items()
        if f"{resource_type}.{name}" != address
    )
