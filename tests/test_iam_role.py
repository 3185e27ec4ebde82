"""SnowflakeAccessRole: the trust and access policies (spec section 4), read as JSON."""

from __future__ import annotations

import pytest

from snowssi_constructs import EncryptedBucket, SnowflakeAccessRole
from snowssi_constructs.testing.hcl_object import jsonencode_argument
from tests.conftest import parsed
from tests.support import resources

INBOUND = "${aws_s3_bucket.inbound_bucket.arn}"
OUTBOUND = "${aws_s3_bucket.outbound_bucket.arn}"
KEY = "${aws_kms_key.kms_key.arn}"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_trust_policy_lets_the_integration_user_assume_the_role_with_the_external_id(
    default_document,
):
    document = jsonencode_argument(
        resources(default_document)["aws_iam_role.role"]["assume_role_policy"]
    )
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {
                    "AWS": "${snowflake_storage_integration.storage_integration"
                    ".storage_aws_iam_user_arn}"
                },
                "Condition": {
                    "StringEquals": {
                        "sts:ExternalId": "${snowflake_storage_integration.storage_integration"
                        ".describe_output[0].storage_aws_external_id[0].value}"
                    }
                },
            }
        ],
    }


def test_access_policy_has_the_five_statements_in_order(default_document):
    document = jsonencode_argument(
        resources(default_document)["aws_iam_role_policy.policy"]["policy"]
    )
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Effect": "Allow",
                "Resource": INBOUND,
            },
            {
                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                "Effect": "Allow",
                "Resource": f"{INBOUND}/*",
            },
            # A plain string, not a one-item list, as in the original.
            {"Action": "s3:ListBucket", "Effect": "Allow", "Resource": OUTBOUND},
            {
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Effect": "Allow",
                "Resource": f"{OUTBOUND}/*",
            },
            {"Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Effect": "Allow", "Resource": KEY},
        ],
    }


def test_grants_added_after_construction_land_before_the_kms_statement(construct_stack):
    role = SnowflakeAccessRole(
        construct_stack,
        "access",
        role_name="role-x",
        policy_name="policy-x",
        snowflake_user_arn="arn:aws:iam::123456789012:user/sf",
        external_id="ext-1",
        kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    extra = EncryptedBucket(construct_stack, "extra", bucket_name="extra-bucket", kms_key_id="k")
    role.grant_write(extra)
    document = jsonencode_argument(
        resources(parsed(construct_stack))["aws_iam_role_policy.policy"]["policy"]
    )
    actions = [statement["Action"] for statement in document["Statement"]]
    assert actions == [
        "s3:ListBucket",
        ["s3:PutObject", "s3:DeleteObject"],
        ["kms:Decrypt", "kms:GenerateDataKey"],
    ]
    trust = jsonencode_argument(
        resources(parsed(construct_stack))["aws_iam_role.role"]["assume_role_policy"]
    )
    assert trust["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:user/sf"}


@pytest.mark.parametrize(
    "prop", ["role_name", "policy_name", "snowflake_user_arn", "external_id", "kms_key_arn"]
)
def test_empty_values_are_rejected(construct_stack, prop):
    props = {
        "role_name": "r",
        "policy_name": "p",
        "snowflake_user_arn": "u",
        "external_id": "e",
        "kms_key_arn": "k",
    }
    props[prop] = ""
    with pytest.raises(ValueError, match=prop):
        SnowflakeAccessRole(construct_stack, "access", **props)


def test_conditions_keep_kms_to_s3_and_the_buckets_to_the_account(construct_stack):
    role = SnowflakeAccessRole(
        construct_stack,
        "access",
        role_name="role-x",
        policy_name="policy-x",
        snowflake_user_arn="arn:aws:iam::123456789012:user/sf",
        external_id="ext-1",
        kms_key_arn=KEY_ARN,
        kms_via_service="s3.eu-west-1.amazonaws.com",
        resource_account="123456789012",
    )
    bucket = EncryptedBucket(construct_stack, "extra", bucket_name="extra-bucket", kms_key_id="k")
    role.grant_read(bucket)
    role.grant_write(bucket)
    document = jsonencode_argument(
        resources(parsed(construct_stack))["aws_iam_role_policy.policy"]["policy"]
    )
    *s3, kms = document["Statement"]
    assert len(s3) == 4
    for statement in s3:
        assert statement["Condition"] == {"StringEquals": {"s3:ResourceAccount": "123456789012"}}
    assert kms["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}


def test_bad_condition_values_are_rejected_naming_the_prop(construct_stack):
    props = {
        "role_name": "r",
        "policy_name": "p",
        "snowflake_user_arn": "arn:aws:iam::123456789012:user/sf",
        "external_id": "e",
        "kms_key_arn": KEY_ARN,
    }
    with pytest.raises(ValueError, match=r"^resource_account: "):
        SnowflakeAccessRole(construct_stack, "a", **props, resource_account="12345")
    with pytest.raises(ValueError, match=r"^kms_via_service: "):
        SnowflakeAccessRole(construct_stack, "b", **props, kms_via_service="")
