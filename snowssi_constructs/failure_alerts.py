"""Failure alerts: a task that fails publishes Snowflake's error notification to SNS.

Three constructs, so the AWS half can be built (and applied to an emulator) without the
Snowflake half: :class:`AlertTopic` (a standard SNS topic encrypted with its own KMS
key, a key policy and a topic policy), :class:`AlertPublisherRole` (the IAM role
Snowflake assumes to publish, and its policy) and :class:`FailureAlerts`, which joins
them to an AWS SNS notification integration; a task names that integration as its
``error_integration``.

SNS error notifications work only for Snowflake accounts hosted on AWS, which a stack
cannot know, so the stack creates alerts only when asked (``failure_alerts=True``),
also under the hardened preset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from constructs import Construct

from . import validation
from ._addresses import pin
from ._attributes import resource_attribute
from ._flavour import aws, cdktf, snowflake
from ._policies import POLICY_VERSION
from .iam_role import check_assumed_role_props, snowflake_trust_policy
from .kms_key import check_key_principals, role_key_policy
from .naming import Naming

Fn = cdktf.Fn
IamRole = aws.iam_role.IamRole
IamRolePolicy = aws.iam_role_policy.IamRolePolicy
KmsKey = aws.kms_key.KmsKey
SnsTopic = aws.sns_topic.SnsTopic
SnsTopicPolicy = aws.sns_topic_policy.SnsTopicPolicy
NotificationIntegration = snowflake.notification_integration.NotificationIntegration

# What a publisher needs on the key of an encrypted topic (SNS encrypts each message
# with a data key).
KMS_PUBLISH_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey*")
# What the account keeps on its own topic (the actions of SNS's default topic policy).
OWNER_TOPIC_ACTIONS = (
    "sns:AddPermission",
    "sns:DeleteTopic",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "sns:Publish",
    "sns:RemovePermission",
    "sns:SetTopicAttributes",
    "sns:Subscribe",
)


class AlertTopic(Construct):
    """A standard (not FIFO) SNS topic, encrypted with a KMS key of its own.

    The key policy lets the account administer the key and the publisher role (selected
    by ``aws:PrincipalArn``, so the key can exist before the role) use it to publish.
    The topic policy keeps the topic to its account and refuses publishing without TLS.
    Addresses: ``aws_sns_topic``, ``aws_kms_key`` and ``aws_sns_topic_policy``, each
    named ``address``.

    :param topic_name: the topic's name (not ``.fifo``).
    :param account_id: the AWS account id (a token of the caller identity is fine).
    :param publisher_role_name: the name of the role that publishes, for the key policy;
        build it with :meth:`~snowssi_constructs.naming.Naming.aws_nestable`.
    :param deletion_window_days: days (7 to 30) a scheduled deletion of the key waits.
    :param separate_administration: the key's administrators may manage it but not use
        it; only the publisher role uses it (see
        :class:`~snowssi_constructs.kms_key.PipelineKey`).
    :param key_administrators: with ``separate_administration``, the ARNs of the IAM
        principals that administer the key (by default the account root).
    :param address: the address name of the three resources.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        topic_name: str,
        account_id: str,
        publisher_role_name: str,
        deletion_window_days: int | None = None,
        separate_administration: bool = False,
        key_administrators: Sequence[str] | None = None,
        address: str = "failure_alerts",
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.non_empty_string, "topic_name", topic_name)
            if isinstance(topic_name, str) and topic_name.endswith(".fifo"):
                problems.add(
                    "topic_name",
                    f"Snowflake cannot publish to a FIFO topic; got {topic_name!r}",
                )
            problems.check(validation.account_id, "account_id", account_id)
            problems.check(validation.non_empty_string, "publisher_role_name", publisher_role_name)
            problems.check(
                validation.integer,
                "deletion_window_days",
                deletion_window_days,
                optional=True,
                minimum=7,
                maximum=30,
            )
            problems.check(validation.boolean, "separate_administration", separate_administration)
            check_key_principals(
                problems, "key_administrators", key_administrators, separate_administration
            )
            problems.check(validation.terraform_name, "address", address)
        root = f"arn:aws:iam::{account_id}:root"
        self.key = KmsKey(
            self,
            "key",
            description="SnowSSI failure alerts topic encryption",
            enable_key_rotation=True,
            deletion_window_in_days=deletion_window_days,
            policy=role_key_policy(
                account_id,
                publisher_role_name,
                sid="SnowflakePublisherUsesKey",
                actions=list(KMS_PUBLISH_ACTIONS),
                separate_administration=separate_administration,
                administrators=key_administrators,
            ),
        )
        pin(self.key, address)
        self.topic = SnsTopic(self, "topic", name=topic_name, kms_master_key_id=self.key.arn)
        pin(self.topic, address)
        self.policy = pin(self._topic_policy(root), address)

    def _topic_policy(self, root: str) -> SnsTopicPolicy:
        """The account keeps its topic; publishing without TLS is refused."""
        return SnsTopicPolicy(
            self,
            "policy",
            arn=self.topic.arn,
            policy=Fn.jsonencode(
                {
                    "Version": POLICY_VERSION,
                    "Statement": [
                        {
                            "Sid": "AccountOwnsTopic",
                            "Effect": "Allow",
                            "Principal": {"AWS": root},
                            "Action": list(OWNER_TOPIC_ACTIONS),
                            "Resource": self.topic.arn,
                        },
                        {
                            "Sid": "PublishOverTlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sns:Publish",
                            "Resource": self.topic.arn,
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                }
            ),
        )

    topic_arn = resource_attribute("topic.arn")
    """The topic's ARN: subscribe an e-mail address or a chat hook to it."""

    key_arn = resource_attribute("key.arn")
    """The ARN of the key that encrypts the topic."""


class AlertPublisherRole(Construct):
    """The IAM role Snowflake's notification integration assumes to publish.

    Its trust policy lets ``snowflake_user_arn`` assume it with ``external_id`` (both
    read back from the integration, which names this role by an ARN built from the
    account id and ``role_name``, so there is no dependency cycle). Its inline policy
    allows ``sns:Publish`` on the topic and, for an encrypted topic, the KMS data-key
    actions on its key. Addresses: ``aws_iam_role`` and ``aws_iam_role_policy`` named
    ``address``.

    :param role_name: the role's name; :param policy_name: its inline policy's name.
    :param snowflake_user_arn: the integration's ``aws_sns_iam_user_arn``.
    :param external_id: the integration's ``aws_sns_external_id``.
    :param topic_arn: the topic to publish to.
    :param kms_key_arn: the topic's KMS key, or ``None`` for an unencrypted topic.
    :param address: the address name of the two resources.
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
        topic_arn: str,
        kms_key_arn: str | None = None,
        address: str = "failure_alerts",
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
            problems.check(validation.sns_topic_arn, "topic_arn", topic_arn)
            if kms_key_arn is not None:
                problems.check(validation.kms_key_arn, "kms_key_arn", kms_key_arn)
            problems.check(validation.terraform_name, "address", address)
        self.role = IamRole(
            self,
            "role",
            name=role_name,
            assume_role_policy=snowflake_trust_policy(snowflake_user_arn, external_id),
        )
        pin(self.role, address)
        statements: list[dict[str, Any]] = [
            {"Action": "sns:Publish", "Effect": "Allow", "Resource": topic_arn}
        ]
        if kms_key_arn is not None:
            statements.append(
                {"Action": list(KMS_PUBLISH_ACTIONS), "Effect": "Allow", "Resource": kms_key_arn}
            )
        self.policy = IamRolePolicy(
            self,
            "policy",
            name=policy_name,
            role=self.role.id,
            policy=Fn.jsonencode({"Version": POLICY_VERSION, "Statement": statements}),
        )
        pin(self.policy, address)

    role_arn = resource_attribute("role.arn")
    """The role's ARN."""


class FailureAlerts(Construct):
    """An AWS SNS notification integration that tasks name as ``error_integration``.

    With no ``topic_arn`` it creates an :class:`AlertTopic`; with one (bring your own
    topic) it publishes there, and ``topic_kms_key_arn`` names the topic's key when the
    topic is encrypted with a customer-managed key. Either way it creates the
    :class:`AlertPublisherRole`. Address of the integration:
    ``snowflake_notification_integration.<address>``.

    :param integration_name: the notification integration's name.
    :param account_id: the AWS account id; the integration names the publisher role by
        an ARN built from it.
    :param role_name: the publisher role's name (a Terraform expression is fine).
    :param nestable_role_name: the same name built with ``join``
        (:meth:`~snowssi_constructs.naming.Naming.aws_nestable`), for the key policy;
        defaults to ``role_name``.
    :param policy_name: the publisher role's inline policy's name.
    :param topic_name: the name of the topic to create; not with ``topic_arn``.
    :param topic_arn: an existing standard topic to publish to; not with ``topic_name``.
    :param topic_kms_key_arn: the KMS key of an existing encrypted topic.
    :param deletion_window_days: days (7 to 30) a scheduled deletion of a created key
        waits.
    :param separate_administration: a created key's administrators may manage it but
        not use it (see :class:`AlertTopic`).
    :param key_administrators: with ``separate_administration``, the ARNs of the IAM
        principals that administer a created key (by default the account root).
    :param address: the address name of every resource of the alerts.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        integration_name: str,
        account_id: str,
        role_name: str,
        policy_name: str,
        nestable_role_name: str | None = None,
        topic_name: str | None = None,
        topic_arn: str | None = None,
        topic_kms_key_arn: str | None = None,
        deletion_window_days: int | None = None,
        separate_administration: bool = False,
        key_administrators: Sequence[str] | None = None,
        address: str = "failure_alerts",
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.snowflake_identifier, "integration_name", integration_name)
            problems.check(validation.account_id, "account_id", account_id)
            problems.check(validation.iam_name, "role_name", role_name, max_length=64)
            if (topic_name is None) == (topic_arn is None):
                problems.add("topic_arn", "give either topic_name or topic_arn, not both")
            if topic_arn is not None:
                problems.check(validation.sns_topic_arn, "topic_arn", topic_arn)
            if topic_kms_key_arn is not None:
                problems.check(validation.kms_key_arn, "topic_kms_key_arn", topic_kms_key_arn)
                if topic_arn is None:
                    problems.add(
                        "topic_kms_key_arn",
                        "names the key of an existing topic; give topic_arn with it",
                    )
            problems.check(validation.terraform_name, "address", address)
        self.topic: AlertTopic | None = None
        if topic_arn is None:
            self.topic = AlertTopic(
                self,
                "topic",
                topic_name=str(topic_name),
                account_id=account_id,
                publisher_role_name=nestable_role_name or role_name,
                deletion_window_days=deletion_window_days,
                separate_administration=separate_administration,
                key_administrators=key_administrators,
                address=address,
            )
            topic_arn, topic_kms_key_arn = self.topic.topic_arn, self.topic.key_arn
        self.topic_arn: str = topic_arn
        self.integration = NotificationIntegration(
            self,
            "integration",
            name=integration_name,
            enabled=True,
            notification_provider="AWS_SNS",
            aws_sns_topic_arn=topic_arn,
            # Built, not referenced: the role's trust references this integration.
            aws_sns_role_arn=f"arn:aws:iam::{account_id}:role/{role_name}",
            comment="SnowSSI task failure notifications",
        )
        pin(self.integration, address)
        self.publisher = AlertPublisherRole(
            self,
            "publisher",
            role_name=role_name,
            policy_name=policy_name,
            snowflake_user_arn=self.integration.aws_sns_iam_user_arn,
            external_id=self.integration.aws_sns_external_id,
            topic_arn=topic_arn,
            kms_key_arn=topic_kms_key_arn,
            address=address,
        )

    integration_name = resource_attribute("integration.name")
    """The integration's name, for a task's ``error_integration``."""

    @classmethod
    def for_stack(
        cls,
        scope: Construct,
        *,
        naming: Naming,
        account_id: str,
        topic_arn: str | None,
        topic_kms_key_arn: str | None,
        deletion_window_days: int | None,
        separate_administration: bool = False,
        key_administrators: Sequence[str] | None = None,
    ) -> FailureAlerts:
        """The alerts of a SnowSSI stack, named from its suffix like its other resources
        (``ALERTS_INTEGRATION_<suffix>``, ``alerts-topic-<suffix>``,
        ``alerts-role-<suffix>``, ``alerts-policy-<suffix>``)."""
        return cls(
            scope,
            "failure_alerts",
            integration_name=naming.snowflake("ALERTS_INTEGRATION_"),
            account_id=account_id,
            role_name=naming.aws("alerts-role-"),
            nestable_role_name=naming.aws_nestable("alerts-role-"),
            policy_name=naming.aws("alerts-policy-"),
            topic_name=naming.aws("alerts-topic-") if topic_arn is None else None,
            topic_arn=topic_arn,
            topic_kms_key_arn=topic_kms_key_arn,
            deletion_window_days=deletion_window_days,
            separate_administration=separate_administration,
            key_administrators=key_administrators,
        )
