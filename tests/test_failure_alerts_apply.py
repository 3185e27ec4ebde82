"""The AWS half of the failure alerts (topic, key and its policy, topic policy,
publishing role and its policy), applied by real Terraform to moto: it applies,
re-plans with no change, holds what the spec says, and destroys cleanly. The Snowflake
half (the notification integration) cannot run here: a stand-in IAM user and external
id take the place of what the integration reads back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs import AlertPublisherRole, AlertTopic
from snowssi_constructs._flavour import cdktf
from tests.support import synth_text
from tests.terraform_env import (
    MotoServer,
    Terraform,
    apply_converge_destroy,
    moto_server,  # noqa: F401  (fixture)
    moto_stack,
    terraform,  # noqa: F401  (fixture)
)

App = cdktf.App
TerraformStack = cdktf.TerraformStack

# The JSON both flavours share: checked once, on CDKTF (see dev.py).
pytestmark = [pytest.mark.shared_json, pytest.mark.integration]

STACK = "alerts-aws-half"
ACCOUNT = "123456789012"  # moto's default account
TOPIC = "alerts-topic-apply-test"
ROLE = "alerts-role-apply-test"
POLICY = "alerts-policy-apply-test"
SNOWFLAKE_USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/snowflake-sns-standin"
EXTERNAL_ID = "STANDIN_SFCRole=2_abcdefghijklmnop="


def build_alerts_aws_half(app: App, *, endpoint: str, required_version: str) -> TerraformStack:
    stack = moto_stack(app, STACK, endpoint=endpoint, required_version=required_version)
    topic = AlertTopic(stack, "topic", topic_name=TOPIC, account_id=ACCOUNT,
                       publisher_role_name=ROLE)  # fmt: skip
    AlertPublisherRole(
        stack,
        "publisher",
        role_name=ROLE,
        policy_name=POLICY,
        snowflake_user_arn=SNOWFLAKE_USER_ARN,
        external_id=EXTERNAL_ID,
        topic_arn=topic.topic_arn,
        kms_key_arn=topic.key_arn,
    )
    return stack


def as_document(value: str | dict[str, Any]) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else value


def check_created_objects(moto: MotoServer) -> None:
    sns, kms, iam = moto.client("sns"), moto.client("kms"), moto.client("iam")
    (topic,) = sns.list_topics()["Topics"]
    arn = topic["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:{ACCOUNT}:{TOPIC}"
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes.get("FifoTopic", "false") == "false"
    (key,) = kms.list_keys()["Keys"]
    key_arn = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"]
    assert attributes["KmsMasterKeyId"] == key_arn
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    key_policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    publisher = key_policy["Statement"][1]
    assert publisher["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert publisher["Condition"]["ArnEquals"]["aws:PrincipalArn"] == (
        f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
    )
    topic_policy = json.loads(attributes["Policy"])
    assert [s["Sid"] for s in topic_policy["Statement"]] == [
        "AccountOwnsTopic",
        "PublishOverTlsOnly",
    ]

    role = iam.get_role(RoleName=ROLE)["Role"]
    assert as_document(role["AssumeRolePolicyDocument"])["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"AWS": SNOWFLAKE_USER_ARN},
            "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
        }
    ]
    document = iam.get_role_policy(RoleName=ROLE, PolicyName=POLICY)["PolicyDocument"]
    assert as_document(document)["Statement"] == [
        {"Action": "sns:Publish", "Effect": "Allow", "Resource": arn},
        {"Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Effect": "Allow", "Resource": key_arn},
    ]


def test_alerts_apply_converge_check_destroy(
    terraform: Terraform,  # noqa: F811
    moto_server: MotoServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = synth_text(
        lambda app: build_alerts_aws_half(
            app, endpoint=moto_server.endpoint, required_version=terraform.version
        )
    )[STACK]
    workdir = tmp_path / STACK
    workdir.mkdir()
    (workdir / "cdk.tf.json").write_text(text)
    apply_converge_destroy(
        terraform,
        workdir,
        check=lambda: check_created_objects(moto_server),
        title="apply test (failure alerts' AWS half against moto)",
        capsys=capsys,
    )

    assert moto_server.client("sns").list_topics()["Topics"] == []
    assert moto_server.client("iam").list_roles()["Roles"] == []
