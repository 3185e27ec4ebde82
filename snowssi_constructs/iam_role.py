"""The IAM role that Snowflake's storage integration assumes to read and write S3."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from . import validation
from ._addresses import pin
from ._attributes import resource_attribute
from ._flavour import aws, cdktf
from ._lazy import lazy_string
from ._policies import POLICY_VERSION
from .s3_bucket import EncryptedBucket

Fn = cdktf.Fn
IamRole = aws.iam_role.IamRole
IamRolePolicy = aws.iam_role_policy.IamRolePolicy


class SnowflakeAccessRole(Construct):
    """An IAM role trusted by the storage integration's IAM user, with an inline policy.

    The trust policy lets ``snowflake_user_arn`` assume the role when it presents
    ``external_id``. The inline access policy grants, per bucket, exactly what the
    pipeline needs, in the order the buckets were granted, then KMS use of the key:
    :meth:`grant_read` adds ``s3:ListBucket``/``s3:GetBucketLocation`` on the bucket and
    ``s3:GetObject``/``s3:GetObjectVersion`` on its objects; :meth:`grant_write` adds
    ``s3:ListBucket`` on the bucket and ``s3:PutObject``/``s3:DeleteObject`` on its
    objects (the original's grants), or with ``baseline=True`` Snowflake's documented
    baseline for a location it writes: read as above plus put and delete. Grants may be
    added after construction; the policy is rendered at synthesis.

    Addresses: ``aws_iam_role.<role_address>`` and ``aws_iam_role_policy.<policy_address>``
    (``role`` and ``policy`` by default, the original's).

    :param kms_via_service: the KMS statement holds only for requests that AWS service
        endpoint makes on the role's behalf (``kms:ViaService``), for example
        ``s3.us-east-1.amazonaws.com``: the role cannot call ``kms:Decrypt`` directly.
    :param resource_account: the S3 statements hold only on buckets of this account
        (``s3:ResourceAccount``): S3 ARNs name no account, and a released bucket name
        can be registered by another one.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_name: str,
        policy_name: str,
        snowflake_user_arn: str,
        external_id: str,
        kms_key_arn: str,
        kms_via_service: str | None = None,
        resource_account: str | None = None,
        role_address: str = "role",
        policy_address: str = "policy",
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            check_assumed_role_props(
                problems,
                role_name=role_name,
                policy_name=policy_name,
                snowflake_user_arn=snowflake_user_arn,
                external_id=external_id,
            )
            problems.check(validation.kms_key_arn, "kms_key_arn", kms_key_arn)
            problems.check(
                validation.non_empty_string, "kms_via_service", kms_via_service, optional=True
            )
            if resource_account is not None:
                problems.check(validation.account_id, "resource_account", resource_account)
            problems.check(validation.terraform_name, "role_address", role_address)
            problems.check(validation.terraform_name, "policy_address", policy_address)
        self._kms_key_arn = kms_key_arn
        self._kms_via_service = kms_via_service
        self._resource_account = resource_account
        self._statements: list[dict[str, Any]] = []

        self.role = IamRole(
            self,
            "role",
            name=role_name,
            assume_role_policy=snowflake_trust_policy(snowflake_user_arn, external_id),
        )
        pin(self.role, role_address)
        self.policy = IamRolePolicy(
            self,
            "policy",
            name=policy_name,
            role=self.role.id,
            policy=lazy_string(self._render_policy),
        )
        pin(self.policy, policy_address)

    def grant_read(self, bucket: EncryptedBucket) -> None:
        """Let the role list ``bucket`` and read its objects."""
        self._statements += [
            _allow(["s3:ListBucket", "s3:GetBucketLocation"], bucket.bucket_arn),
            _allow(["s3:GetObject", "s3:GetObjectVersion"], f"{bucket.bucket_arn}/*"),
        ]

    def grant_write(self, bucket: EncryptedBucket, *, baseline: bool = False) -> None:
        """Let the role list ``bucket`` and write and delete its objects; with
        ``baseline``, also locate the bucket and read its objects and their versions
        (what Snowflake's IAM guide for S3 stages lists)."""
        if baseline:
            self._statements += [
                _allow(["s3:ListBucket", "s3:GetBucketLocation"], bucket.bucket_arn),
                _allow(
                    ["s3:PutObject", "s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion"],
                    f"{bucket.bucket_arn}/*",
                ),
            ]
            return
        self._statements += [
            # A plain string, as in the original: the provider compares policies as JSON,
            # so a one-item list would show as a change on a migrated state.
            _allow("s3:ListBucket", bucket.bucket_arn),
            _allow(["s3:PutObject", "s3:DeleteObject"], f"{bucket.bucket_arn}/*"),
        ]

    @property
    def policy_document(self) -> dict[str, Any]:
        """The access policy as a Python structure (values may be tokens)."""
        s3_statements = [
            _on_condition(statement, "s3:ResourceAccount", self._resource_account)
            for statement in self._statements
        ]
        kms = _allow(["kms:Decrypt", "kms:GenerateDataKey"], self._kms_key_arn)
        return {
            "Version": POLICY_VERSION,
            "Statement": [
                *s3_statements,
                _on_condition(kms, "kms:ViaService", self._kms_via_service),
            ],
        }

    role_arn = resource_attribute("role.arn")
    """The role's ARN."""

    role_name = resource_attribute("role.name")
    """The role's name."""

    def _render_policy(self) -> str:
        return Fn.jsonencode(self.policy_document)


def _allow(action: str | list[str], resource: str) -> dict[str, Any]:
    return {"Action": action, "Effect": "Allow", "Resource": resource}


def _on_condition(statement: dict[str, Any], key: str, value: str | None) -> dict[str, Any]:
    """``statement`` holding only where ``key`` equals ``value`` (as is when ``None``)."""
    if value is None:
        return statement
    return {**statement, "Condition": {"StringEquals": {key: value}}}


def check_assumed_role_props(
    problems: validation.Problems,
    *,
    role_name: str,
    policy_name: str,
    snowflake_user_arn: str,
    external_id: str,
) -> None:
    """Record the problems of the props every role Snowflake assumes takes: its name,
    its inline policy's name, and the integration's IAM user and external id."""
    problems.check(validation.iam_name, "role_name", role_name, max_length=64)
    problems.check(validation.iam_name, "policy_name", policy_name, max_length=128)
    problems.check(
        validation.arn, "snowflake_user_arn", snowflake_user_arn, service="iam", regional=False
    )
    problems.check(validation.non_empty_string, "external_id", external_id)


def snowflake_trust_policy(snowflake_user_arn: str, external_id: str) -> str:
    """The trust policy of a role Snowflake assumes: its IAM user, with the external id
    the integration presents (both read back from the integration)."""
    policy: str = Fn.jsonencode(
        {
            "Version": POLICY_VERSION,
            "Statement": [
                {
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {"AWS": snowflake_user_arn},
                    "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                }
            ],
        }
    )
    return policy
