"""The KMS key that encrypts the pipeline's buckets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from constructs import Construct

from . import validation
from ._addresses import pin
from ._attributes import resource_attribute
from ._flavour import aws, cdktf
from ._policies import POLICY_VERSION

Fn = cdktf.Fn
KmsAlias = aws.kms_alias.KmsAlias
KmsKey = aws.kms_key.KmsKey

# What a key administrator may do: AWS's key-administrators statement (the one the KMS
# console writes) with its wildcards spelled out, for a symmetric key, and without
# kms:CreateGrant (a grant is permission to use the key) and the import actions.
KEY_ADMINISTRATION_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)


class PipelineKey(Construct):
    """A customer-managed KMS key with automatic rotation (the original's
    ``aws_kms_key.kms_key``: rotation and nothing else).

    :param key_policy: attach a key policy in which the account root administers the
        key and the Snowflake role may ``kms:Decrypt`` and ``kms:GenerateDataKey``
        (selected by ``aws:PrincipalArn``, so the key can exist before the role), and
        an alias. Needs ``account_id`` and ``user_role_name``.
    :param separate_administration: with ``key_policy``, administration and use are
        separate: the administrators may manage the key (``KEY_ADMINISTRATION_ACTIONS``)
        but not use it, and only the Snowflake role may use it. Without it, the account
        root holds ``kms:*`` (AWS's default key policy), so any principal whose IAM
        policy allows KMS may also decrypt.
    :param administrators: with ``separate_administration``, the ARNs of the IAM
        principals that administer the key; by default the account root, which leaves
        the choice to the account's IAM policies and cannot be deleted, so the key
        cannot become unmanageable. Name the role Terraform runs as among them (KMS
        refuses a policy that would lock out the principal that sets it).
    :param users: with ``separate_administration``, the ARNs of the IAM principals
        that may use the key besides the Snowflake role: whoever uploads files to an
        inbound bucket or reads an outbound one (S3 uses the key on their behalf).
    :param deletion_window_days: days (7 to 30) a scheduled deletion waits.
    :param alias_name: ``alias/...`` created with the key policy.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        key_policy: bool = False,
        separate_administration: bool = False,
        administrators: Sequence[str] | None = None,
        users: Sequence[str] | None = None,
        deletion_window_days: int | None = None,
        account_id: str | None = None,
        user_role_name: str | None = None,
        alias_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.terraform_name, "id", id)
            problems.check(validation.boolean, "key_policy", key_policy)
            problems.check(validation.boolean, "separate_administration", separate_administration)
            if separate_administration is True and key_policy is not True:
                problems.add(
                    "separate_administration", "is a kind of key policy; give key_policy=True"
                )
            for prop, principals in (("administrators", administrators), ("users", users)):
                check_key_principals(problems, prop, principals, separate_administration)
            problems.check(
                validation.integer,
                "deletion_window_days",
                deletion_window_days,
                optional=True,
                minimum=7,
                maximum=30,
            )
            # Needed only with a key policy, where they are required.
            optional = key_policy is not True
            for prop, value in (
                ("account_id", account_id),
                ("user_role_name", user_role_name),
                ("alias_name", alias_name),
            ):
                problems.check(validation.non_empty_string, prop, value, optional=optional)
            if account_id is not None:
                problems.check(validation.account_id, "account_id", account_id)
            if alias_name is not None:
                problems.check(validation.kms_alias_name, "alias_name", alias_name)
        policy = None
        # The checks above made both required when key_policy; the test narrows the types.
        if key_policy and account_id is not None and user_role_name is not None:
            policy = role_key_policy(
                account_id,
                user_role_name,
                sid="SnowflakeRoleUsesKey",
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                separate_administration=separate_administration,
                administrators=administrators,
                users=users,
            )
        self.key = KmsKey(
            self,
            "key",
            enable_key_rotation=True,
            policy=policy,
            deletion_window_in_days=deletion_window_days,
            description="SnowSSI bucket encryption" if key_policy else None,
        )
        pin(self.key, id)
        self.alias: KmsAlias | None = None
        if key_policy:
            self.alias = KmsAlias(
                self,
                "alias",
                name=alias_name,
                target_key_id=self.key.key_id,
            )
            pin(self.alias, id)

    key_id = resource_attribute("key.key_id")
    """The key's id, for the buckets' default encryption."""

    key_arn = resource_attribute("key.arn")
    """The key's ARN, for the access role's policy."""


def check_key_principals(
    problems: validation.Problems,
    prop: str,
    principals: Sequence[str] | None,
    separate_administration: object,
) -> None:
    """Record the problems of a key's administrators or users (``prop``): IAM principal
    ARNs, at least one, given only with a key policy that separates administration from
    use (without one, the account's IAM policies decide both)."""
    if principals is None:
        return
    problems.check(validation.string_sequence, prop, principals)
    if separate_administration is not True:
        problems.add(
            prop,
            "names principals of a key policy that separates administration from use; "
            "give hardened=True or the separation",
        )
    if isinstance(principals, Sequence) and not isinstance(principals, str):
        if not principals:
            problems.add(prop, "name at least one principal, or None")
        for arn in principals:
            if isinstance(arn, str):
                problems.check(validation.arn, prop, arn, service="iam", regional=False)


def role_key_policy(
    account_id: str,
    role_name: str,
    *,
    sid: str,
    actions: list[str],
    separate_administration: bool = False,
    administrators: Sequence[str] | None = None,
    users: Sequence[str] | None = None,
) -> str:
    """A key policy: the account administers the key, and the role ``role_name`` of the
    account may use it for ``actions`` (statement ``sid``). The role is named by the
    principal's ARN in a condition, so the policy does not need the role to exist
    (naming it as the principal would make the key depend on the role, and, for the
    alerts key, close a cycle through the integration that trusts it).

    Without ``separate_administration`` the account holds ``kms:*``, AWS's default key
    policy. With it, ``administrators`` (the account root by default) hold only
    ``KEY_ADMINISTRATION_ACTIONS``, so using the key is for the role (and ``users``)
    alone."""
    root = f"arn:aws:iam::{account_id}:root"
    # Fn.format, not an f-string: a function token inside a string inside
    # Fn.jsonencode would be escaped by cdktf.
    role = Fn.format("arn:aws:iam::%s:role/%s", [account_id, role_name])
    administration: dict[str, Any] = {
        "Sid": "AccountAdministersKey",
        "Effect": "Allow",
        "Principal": {"AWS": root},
        "Action": "kms:*",
        "Resource": "*",
    }
    if separate_administration:
        administration = {
            "Sid": "KeyAdministratorsManageKey",
            "Effect": "Allow",
            "Principal": {"AWS": list(administrators) if administrators else root},
            "Action": list(KEY_ADMINISTRATION_ACTIONS),
            "Resource": "*",
        }
    policy: str = Fn.jsonencode(
        {
            "Version": POLICY_VERSION,
            "Statement": [
                administration,
                {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"AWS": root},
                    "Action": actions,
                    "Resource": "*",
                    "Condition": {
                        "ArnEquals": {"aws:PrincipalArn": [role, *users] if users else role}
                    },
                },
            ],
        }
    )
    return policy
