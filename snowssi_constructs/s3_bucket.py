"""An S3 bucket encrypted with a KMS key: the original's ``catalog/modules/aws/s3``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from constructs import Construct

from . import validation
from ._addresses import pin, take_over
from ._attributes import resource_attribute
from ._flavour import aws, cdktf
from ._lazy import lazy_string
from ._policies import POLICY_VERSION, tls_only_statements

# The two long binding module names, shortened for the aliases below.
_lifecycle = aws.s3_bucket_lifecycle_configuration
_encryption = aws.s3_bucket_server_side_encryption_configuration

TerraformResourceLifecycle = cdktf.TerraformResourceLifecycle
S3Bucket = aws.s3_bucket.S3Bucket
S3BucketLifecycleConfiguration = _lifecycle.S3BucketLifecycleConfiguration
S3BucketLifecycleConfigurationRule = _lifecycle.S3BucketLifecycleConfigurationRule
S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload = (
    _lifecycle.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload
)
S3BucketLifecycleConfigurationRuleFilter = _lifecycle.S3BucketLifecycleConfigurationRuleFilter
S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration = (
    _lifecycle.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration
)
Fn = cdktf.Fn
S3BucketNotification = aws.s3_bucket_notification.S3BucketNotification
S3BucketPolicy = aws.s3_bucket_policy.S3BucketPolicy
S3BucketNotificationQueue = aws.s3_bucket_notification.S3BucketNotificationQueue
S3BucketOwnershipControls = aws.s3_bucket_ownership_controls.S3BucketOwnershipControls
S3BucketOwnershipControlsRule = aws.s3_bucket_ownership_controls.S3BucketOwnershipControlsRule
S3BucketPublicAccessBlock = aws.s3_bucket_public_access_block.S3BucketPublicAccessBlock
S3BucketServerSideEncryptionConfigurationA = _encryption.S3BucketServerSideEncryptionConfigurationA
S3BucketServerSideEncryptionConfigurationRuleA = (
    _encryption.S3BucketServerSideEncryptionConfigurationRuleA
)
S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA = (
    _encryption.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA
)
S3BucketVersioningA = aws.s3_bucket_versioning.S3BucketVersioningA
S3BucketVersioningVersioningConfiguration = (
    aws.s3_bucket_versioning.S3BucketVersioningVersioningConfiguration
)

# A directory table's auto-refresh records new and removed files, so both reach the queue.
NOTIFICATION_EVENTS = ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")


class EncryptedBucket(Construct):
    """A private, versioned S3 bucket with SSE-KMS by default.

    Creates the five resources of the original S3 module (the bucket, its SSE-KMS
    configuration, a public access block with all four flags on, BucketOwnerEnforced
    ownership controls and versioning) and, on request, a lifecycle configuration and
    an event notification to an SQS queue. The construct id is the address name of
    every resource it creates (``aws_s3_bucket.<id>``, ``aws_s3_bucket_versioning.<id>``
    and so on).

    :param bucket_name: the bucket's name; a literal is validated against S3's rules.
    :param kms_key_id: id (or ARN) of the KMS key for default encryption.
    :param force_destroy: let ``terraform destroy`` delete a bucket that still holds
        objects (and every version of them). True in the original.
    :param prevent_destroy: make Terraform refuse any plan that destroys the bucket.
    :param noncurrent_version_expiration_days: expire noncurrent object versions this
        many days after they become noncurrent (adds a lifecycle configuration).
    :param abort_incomplete_multipart_upload_days: abort multipart uploads left
        incomplete this many days (adds a lifecycle configuration).
    :param notification_channel_arn: send ``s3:ObjectCreated:*`` and ``s3:ObjectRemoved:*``
        events to this SQS queue, for example a Snowflake stage's directory notification
        channel (auto-refresh then sees new and deleted files).
    :param moved_from_module: the name of a module call of the HCL module whose S3
        resources this construct takes over (``inbound_bucket``); adds a ``moved``
        block for each of the five resources.
    :param require_tls: add a bucket policy that denies every S3 action on the bucket
        and its objects to requests made without TLS or with TLS below 1.2.
    :param policy_statements: statements of the bucket policy (a bucket has one
        policy, so these and ``require_tls``'s are merged into it, the TLS statements
        first); :meth:`add_to_policy` adds more after construction.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket_name: str,
        kms_key_id: str,
        force_destroy: bool = True,
        prevent_destroy: bool = False,
        noncurrent_version_expiration_days: int | None = None,
        abort_incomplete_multipart_upload_days: int | None = None,
        notification_channel_arn: str | None = None,
        moved_from_module: str | None = None,
        require_tls: bool = False,
        policy_statements: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.terraform_name, "id", id)
            problems.check(validation.bucket_name, "bucket_name", bucket_name)
            problems.check(validation.non_empty_string, "kms_key_id", kms_key_id)
            problems.check(validation.boolean, "force_destroy", force_destroy)
            problems.check(validation.boolean, "prevent_destroy", prevent_destroy)
            for prop, days in (
                ("noncurrent_version_expiration_days", noncurrent_version_expiration_days),
                ("abort_incomplete_multipart_upload_days", abort_incomplete_multipart_upload_days),
            ):
                problems.check(validation.integer, prop, days, optional=True, minimum=1)
            if notification_channel_arn is not None:
                problems.check(
                    validation.sqs_queue_arn, "notification_channel_arn", notification_channel_arn
                )
            if moved_from_module is not None:
                problems.check(validation.terraform_name, "moved_from_module", moved_from_module)
            problems.check(validation.boolean, "require_tls", require_tls)
            _check_statements(problems, "policy_statements", policy_statements)

        self._declare_module_resources(
            id,
            bucket_name=bucket_name,
            kms_key_id=kms_key_id,
            force_destroy=force_destroy,
            prevent_destroy=prevent_destroy,
            moved_from_module=moved_from_module,
        )
        self.lifecycle_configuration = self._lifecycle_configuration(
            id, noncurrent_version_expiration_days, abort_incomplete_multipart_upload_days
        )
        self.notification = self._notification(id, notification_channel_arn)
        self._address = id
        self._require_tls = require_tls is True
        self._policy_statements: list[dict[str, Any]] = []
        self.policy: S3BucketPolicy | None = None
        if self._require_tls or policy_statements:
            self.add_to_policy(*(policy_statements or ()))

    def add_to_policy(self, *statements: Mapping[str, Any]) -> None:
        """Add ``statements`` to the bucket policy (created with the first); the policy
        is rendered at synthesis, so statements may reference the bucket's ARN
        (:attr:`bucket_arn`)."""
        with validation.Problems(type(self).__name__) as problems:
            _check_statements(problems, "statements", statements)
        self._policy_statements += [dict(statement) for statement in statements]
        if self.policy is None:
            self.policy = S3BucketPolicy(
                self,
                "policy",
                bucket=self.bucket.id,
                policy=lazy_string(self._render_policy),
                # Put after the public access block, which a policy must not race.
                depends_on=[self.public_access_block],
            )
            pin(self.policy, self._address)

    @property
    def policy_document(self) -> dict[str, Any]:
        """The bucket policy as a Python structure (values may be tokens)."""
        arn = self.bucket.arn
        tls = tls_only_statements([arn, f"{arn}/*"]) if self._require_tls else []
        return {"Version": POLICY_VERSION, "Statement": [*tls, *self._policy_statements]}

    def _render_policy(self) -> str:
        return Fn.jsonencode(self.policy_document)

    def _declare_module_resources(
        self,
        id: str,
        *,
        bucket_name: str,
        kms_key_id: str,
        force_destroy: bool,
        prevent_destroy: bool,
        moved_from_module: str | None,
    ) -> None:
        """The five resources of the original's S3 module, at its addresses' names."""
        self.bucket = pin(
            S3Bucket(
                self,
                "bucket",
                bucket=bucket_name,
                force_destroy=force_destroy,
                lifecycle=(
                    TerraformResourceLifecycle(prevent_destroy=True) if prevent_destroy else None
                ),
            ),
            id,
        )
        bucket_id = self.bucket.id
        # The key id is wired directly: cdktf 0.21 renders a reference into the set-typed
        # rule block as an index that Terraform rejects.
        self.encryption = S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=bucket_id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        kms_master_key_id=kms_key_id,
                        sse_algorithm="aws:kms",
                    )
                )
            ],
        )
        self.public_access_block = S3BucketPublicAccessBlock(
            self,
            "public_access_block",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        self.ownership_controls = S3BucketOwnershipControls(
            self,
            "ownership_controls",
            bucket=bucket_id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        self.versioning = S3BucketVersioningA(
            self,
            "versioning",
            bucket=bucket_id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        take_over(
            {
                "bucket": self.bucket,
                "encryption": self.encryption,
                "public_access_block": self.public_access_block,
                "ownership_controls": self.ownership_controls,
                "versioning": self.versioning,
            },
            id,
            kind="bucket",
            module_call=moved_from_module,
        )

    def _lifecycle_configuration(
        self, id: str, noncurrent_days: int | None, abort_days: int | None
    ) -> S3BucketLifecycleConfiguration | None:
        rules = _lifecycle_rules(noncurrent_days, abort_days)
        if not rules:
            return None
        configuration = S3BucketLifecycleConfiguration(
            self,
            "lifecycle_configuration",
            bucket=self.bucket.id,
            rule=rules,
            # Lifecycle rules on noncurrent versions need versioning in place first.
            depends_on=[self.versioning],
        )
        return pin(configuration, id)

    def _notification(
        self, id: str, notification_channel_arn: str | None
    ) -> S3BucketNotification | None:
        if notification_channel_arn is None:
            return None
        notification = S3BucketNotification(
            self,
            "notification",
            bucket=self.bucket.id,
            queue=[
                S3BucketNotificationQueue(
                    queue_arn=notification_channel_arn, events=list(NOTIFICATION_EVENTS)
                )
            ],
        )
        return pin(notification, id)

    bucket_name = resource_attribute("bucket.bucket")
    """The bucket's name (the original module's ``bucket`` output)."""

    bucket_arn = resource_attribute("bucket.arn")
    """The bucket's ARN (the original module's ``arn`` output)."""

    bucket_id = resource_attribute("bucket.id")
    """The bucket's Terraform id (its name)."""

    @cached_property
    def s3_url(self) -> str:
        """``s3://<bucket name>/``, the form stages and storage integrations use."""
        return f"s3://{self.bucket.bucket}/"


def _check_statements(problems: validation.Problems, prop: str, statements: object) -> None:
    """Policy statements: a sequence of mappings, each with an ``Effect``."""
    if statements is None:
        return
    if not isinstance(statements, Sequence) or isinstance(statements, str):
        problems.add(
            prop, f"expected a sequence of policy statements, got {statements!r}", wrong_type=True
        )
        return
    for statement in statements:
        if not isinstance(statement, Mapping):
            problems.add(
                prop, f"expected a policy statement (a mapping), got {statement!r}", wrong_type=True
            )
        elif "Effect" not in statement:
            problems.add(prop, f"a policy statement needs an Effect: {dict(statement)!r}")


def _lifecycle_rules(
    noncurrent_days: int | None, abort_days: int | None
) -> list[S3BucketLifecycleConfigurationRule]:
    def whole_bucket_rule(rule_id: str, **action: Any) -> S3BucketLifecycleConfigurationRule:
        # An empty-prefix filter applies the rule to every object.
        return S3BucketLifecycleConfigurationRule(
            id=rule_id,
            status="Enabled",
            filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            **action,
        )

    rules: list[S3BucketLifecycleConfigurationRule] = []
    if abort_days is not None:
        rules.append(
            whole_bucket_rule(
                "abort-incomplete-multipart-uploads",
                abort_incomplete_multipart_upload=[
                    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                        days_after_initiation=abort_days
                    )
                ],
            )
        )
    if noncurrent_days is not None:
        rules.append(
            whole_bucket_rule(
                "expire-noncurrent-versions",
                noncurrent_version_expiration=[
                    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                        noncurrent_days=noncurrent_days
                    )
                ],
            )
        )
    return rules
