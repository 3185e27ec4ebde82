"""Helpers of the live cases of issue 16 (the bootstrap's role, the transfer of an
existing deployment, failure alerts), shared by tests/test_live.py and run without the
network by tests/test_live_offline_roles.py (moto for SNS and SQS, synthesized JSON,
recorded plans).

Nothing here signs in: the cases pass a :class:`~tests.live_support.SnowflakeLogin`
and clients made by the live suite.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from typing import Any

from tests.live_support import SnowflakeLogin

BOOTSTRAP_STATE_FILE = "terraform.bootstrap.tfstate"  # SnowSSIBootstrap(app, "bootstrap")
PIPELINE_ROLE = "SNOWSSI_LIVE_DEPLOYER"
# A statement that fails whenever the task runs (numeric division by zero), so a file
# landing triggers a failed run and Snowflake's error notification.
FAILING_SQL = "SELECT 1/0"


def bootstrap_json(
    *,
    terraform_version: str,
    role: str = PIPELINE_ROLE,
    users: Sequence[str] = (),
    transfer_suffix: str | None = None,
) -> str:
    """``SnowSSIBootstrap(app, "bootstrap", ...)``'s cdk.tf.json for this Terraform; with
    ``transfer_suffix``, it also moves the default stack of that suffix to the role."""
    from snowssi_constructs import ExistingDeployment, SnowSSIBootstrap
    from tests.support import synth_text

    transfer = ExistingDeployment(name_suffix=transfer_suffix) if transfer_suffix else None
    return synth_text(
        lambda app: SnowSSIBootstrap(
            app,
            "bootstrap",
            role_name=role,
            grant_to_users=list(users),
            transfer=transfer,
            required_version=f">= {terraform_version}",
        )
    )["bootstrap"]


def under_role(login: SnowflakeLogin, role: str) -> SnowflakeLogin:
    """The same sign-in with another role (for the connector and the ``role`` variable)."""
    return dataclasses.replace(login, role=role)


def creates_or_destroys(plan: dict[str, Any]) -> list[str]:
    """Each resource a saved plan (``terraform show -json``) would create or destroy,
    replacements included; after a transfer there must be none."""
    return [
        f"{change['address']}: {'/'.join(change['change']['actions'])}"
        for change in plan.get("resource_changes", [])
        if {"create", "delete"} & set(change["change"]["actions"])
    ]


# --- Failure alerts: a queue subscribed to the topic receives the notification --------------


def subscribe_queue(sns: Any, sqs: Any, topic_arn: str, queue_name: str) -> str:
    """Create an SQS queue that the topic may deliver to, subscribe it (raw delivery off,
    so each message keeps SNS's envelope), and return the queue's URL."""
    queue_url: str = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return queue_url


def notifications(sqs: Any, queue_url: str) -> Iterator[dict[str, Any]]:
    """The messages waiting on the queue, each the JSON SNS carried (Snowflake's error
    notification), deleted once read."""
    received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
    for message in received.get("Messages", []):
        envelope = json.loads(message["Body"])
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        try:
            yield json.loads(envelope["Message"])
        except (KeyError, json.JSONDecodeError):
            continue


def reports_stall_of(message: dict[str, Any], key: str) -> bool:
    """Whether a stall alert's message (docs/failure-alerts.md, "What arrives") names
    ``key`` as the oldest waiting file, with a wait past its threshold."""
    waited, threshold = message.get("waiting_minutes"), message.get("threshold_minutes")
    return (
        message.get("oldest_file") == key
        and isinstance(waited, int)
        and isinstance(threshold, int)
        and waited > threshold
        and isinstance(message.get("waiting_files"), int)
        and message["waiting_files"] >= 1
    )


def names_task(notification: dict[str, Any], task_name: str) -> bool:
    """Whether an error notification is about ``task_name`` (its ``taskName`` is the
    fully qualified name, its last part the task's)."""
    named = str(notification.get("taskName", ""))
    return named.split(".")[-1].strip('"').upper() == task_name.upper()
