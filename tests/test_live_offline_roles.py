"""The helpers of the live cases of issue 16 (tests/live_roles.py), run without the
network: the bootstrap's JSON, the plan check of the transfer, and the failure alert's
path from topic to queue on moto (SNS and SQS), with a message shaped like Snowflake's
error notification (a stand-in: the live case reads the real one)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.live_roles import (
    PIPELINE_ROLE,
    bootstrap_json,
    creates_or_destroys,
    names_task,
    notifications,
    reports_stall_of,
    subscribe_queue,
    under_role,
)
from tests.live_support import SnowflakeLogin, wait_for
from tests.terraform_env import MotoServer, moto_server  # noqa: F401  (fixture)

LOGIN = SnowflakeLogin(
    organization_name="ORG", account_name="ACCOUNT", user="ME", role="ACCOUNTADMIN",
    password="secret",
)  # fmt: skip


def test_the_bootstrap_is_pinned_to_the_runs_terraform_and_grants_the_role_to_the_user():
    document = json.loads(bootstrap_json(terraform_version="1.11.4", users=["ME"]))
    assert document["terraform"]["required_version"] == ">= 1.11.4"
    resource = document["resource"]
    assert resource["snowflake_account_role"]["pipeline_role"]["name"] == PIPELINE_ROLE
    (grant,) = resource["snowflake_grant_account_role"].values()
    assert grant["user_name"] == "ME"
    assert "snowflake_grant_ownership" not in resource


def test_the_bootstrap_of_the_transfer_case_moves_the_deployment_of_its_suffix():
    text = bootstrap_json(terraform_version="1.11.4", transfer_suffix="live-1-transfer")
    grants = json.loads(text)["resource"]["snowflake_grant_ownership"]
    assert grants["transfer_database"]["on"] == {
        "object_type": "DATABASE",
        "object_name": '"DATABASE_LIVE_1_TRANSFER"',
    }
    assert grants["transfer_task"]["on"]["object_name"] == (
        '"DATABASE_LIVE_1_TRANSFER"."SCHEMA_LIVE_1_TRANSFER"."TASK_LIVE_1_TRANSFER"'
    )


def test_under_role_changes_only_the_role():
    deployer = under_role(LOGIN, PIPELINE_ROLE)
    assert deployer.role == PIPELINE_ROLE
    assert deployer.connect_arguments(warehouse="W") == {
        **LOGIN.connect_arguments(warehouse="W"),
        "role": PIPELINE_ROLE,
    }


def _change(address: str, *actions: str) -> dict[str, Any]:
    return {"address": address, "change": {"actions": list(actions)}}


def test_the_transfer_plan_check_lets_updates_through_and_names_creates_and_destroys():
    plan = {
        "resource_changes": [
            _change("snowflake_database.database", "no-op"),
            _change("snowflake_task.task", "update"),  # resuming the suspended task
            _change("snowflake_schema.schema", "create"),
            _change("snowflake_stage.inbound_stage", "delete", "create"),
            _change("snowflake_warehouse.warehouse", "delete"),
        ]
    }
    assert creates_or_destroys(plan) == [
        "snowflake_schema.schema: create",
        "snowflake_stage.inbound_stage: delete/create",
        "snowflake_warehouse.warehouse: delete",
    ]
    assert creates_or_destroys({"resource_changes": plan["resource_changes"][:2]}) == []


NOTIFICATION = {
    "version": "1.0",
    "messageType": "USER_TASK_FAILED",
    "taskName": '"DATABASE_X"."SCHEMA_X"."TASK_X"',
    "messages": [{"errorCode": "100051", "errorMessage": "Division by zero"}],
}


@pytest.mark.integration
def test_a_published_error_notification_reaches_the_subscribed_queue(
    moto_server: MotoServer,  # noqa: F811
):
    sns, sqs = moto_server.client("sns"), moto_server.client("sqs")
    topic_arn = sns.create_topic(Name="alerts")["TopicArn"]
    queue_url = subscribe_queue(sns, sqs, topic_arn, "alerts-queue")
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert subscription["Protocol"] == "sqs"
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])["Attributes"][
            "Policy"
        ]
    )
    assert policy["Statement"][0]["Condition"] == {"ArnEquals": {"aws:SourceArn": topic_arn}}
    sns.publish(TopicArn=topic_arn, Message=json.dumps({"unrelated": True}))
    sns.publish(TopicArn=topic_arn, Message=json.dumps(NOTIFICATION))
    received: list[dict[str, Any]] = []

    def arrived() -> bool:
        received.extend(notifications(sqs, queue_url))
        return any(names_task(n, "TASK_X") for n in received)

    wait_for(arrived, "the notification on the queue", timeout=30.0, poll=1.0)
    assert NOTIFICATION in received
    assert not [n for n in received if names_task(n, "OTHER_TASK")]


def test_names_task_reads_the_last_part_of_the_qualified_name():
    assert names_task(NOTIFICATION, "task_x")
    assert not names_task(NOTIFICATION, "SCHEMA_X")
    assert not names_task({}, "TASK_X")


STALL = {
    "pipeline": "default",
    "task": '"DB"."SC"."TASK_X"',
    "oldest_file": "live/abc.csv",
    "waiting_minutes": 3,
    "waiting_files": 1,
    "threshold_minutes": 1,
}


def test_a_stall_message_is_recognised_by_its_oldest_file_and_wait():
    assert reports_stall_of(STALL, "live/abc.csv")
    assert not reports_stall_of(STALL, "live/other.csv")
    assert not reports_stall_of({**STALL, "waiting_minutes": 1}, "live/abc.csv")
    assert not reports_stall_of({**STALL, "waiting_files": 0}, "live/abc.csv")
    # A failure notification is not a stall message.
    assert not reports_stall_of({"taskName": "TASK_X"}, "live/abc.csv")
