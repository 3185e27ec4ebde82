"""S3StorageIntegration and PipelineKey."""

from __future__ import annotations

import pytest

from snowssi_constructs import EncryptedBucket, PipelineKey, S3StorageIntegration
from snowssi_constructs.kms_key import KEY_ADMINISTRATION_ACTIONS
from snowssi_constructs.testing.hcl_object import jsonencode_argument
from tests.conftest import parsed
from tests.support import resources


def test_allowed_locations_follow_the_order_buckets_are_allowed(construct_stack):
    integration = S3StorageIntegration(
        construct_stack,
        "storage_integration",
        name="SI_X",
        role_arn="arn:aws:iam::123456789012:role/r",
    )
    for name in ("first-bucket", "second-bucket", "third-bucket"):
        integration.allow(
            EncryptedBucket(
                construct_stack, name.replace("-", "_"), bucket_name=name, kms_key_id="k"
            )
        )
    body = resources(parsed(construct_stack))["snowflake_storage_integration.storage_integration"]
    assert body["storage_allowed_locations"] == [
        "s3://${aws_s3_bucket.first_bucket.bucket}/",
        "s3://${aws_s3_bucket.second_bucket.bucket}/",
        "s3://${aws_s3_bucket.third_bucket.bucket}/",
    ]
    assert body["storage_aws_role_arn"] == "arn:aws:iam::123456789012:role/r"
    assert (body["type"], body["enabled"], body["storage_provider"]) == (
        "EXTERNAL_STAGE",
        True,
        "S3",
    )


def test_bad_integration_name_is_rejected(construct_stack):
    with pytest.raises(ValueError, match=r"^name: a Snowflake identifier ") as error:
        S3StorageIntegration(
            construct_stack, "si", name="bad name", role_arn="arn:aws:iam::123456789012:role/r"
        )
    assert [problem.prop for problem in error.value.problems] == ["name"]


def test_key_without_options_only_rotates(construct_stack):
    PipelineKey(construct_stack, "kms_key")
    assert resources(parsed(construct_stack)) == {
        "aws_kms_key.kms_key": {"enable_key_rotation": True}
    }


def test_key_policy_lets_the_account_administer_and_the_role_use_the_key(construct_stack):
    PipelineKey(
        construct_stack,
        "kms_key",
        key_policy=True,
        deletion_window_days=14,
        account_id="123456789012",
        user_role_name="role-x",
        alias_name="alias/snowssi-x",
    )
    res = resources(parsed(construct_stack))
    key = res["aws_kms_key.kms_key"]
    assert key["deletion_window_in_days"] == 14
    policy = jsonencode_argument(key["policy"])
    admin, use = policy["Statement"]
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert admin["Action"] == "kms:*"
    assert use["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert use["Condition"] == {
        "ArnEquals": {
            "aws:PrincipalArn": '${format("arn:aws:iam::%s:role/%s", "123456789012", "role-x")}'
        }
    }
    assert res["aws_kms_alias.kms_key"] == {
        "name": "alias/snowssi-x",
        "target_key_id": "${aws_kms_key.kms_key.key_id}",
    }


@pytest.mark.parametrize("days", [6, 31])
def test_deletion_window_must_be_7_to_30_days(construct_stack, days):
    with pytest.raises(ValueError, match="deletion_window_days"):
        PipelineKey(construct_stack, "kms_key", deletion_window_days=days)


def test_key_policy_needs_the_account_and_role(construct_stack):
    with pytest.raises(ValueError, match="account_id"):
        PipelineKey(
            construct_stack, "kms_key", key_policy=True, user_role_name="r", alias_name="alias/a"
        )


def separated_key(construct_stack, **props):
    PipelineKey(
        construct_stack,
        "kms_key",
        key_policy=True,
        separate_administration=True,
        account_id="123456789012",
        user_role_name="role-x",
        alias_name="alias/snowssi-x",
        **props,
    )
    return jsonencode_argument(resources(parsed(construct_stack))["aws_kms_key.kms_key"]["policy"])


ROLE_X = '${format("arn:aws:iam::%s:role/%s", "123456789012", "role-x")}'


def test_separated_key_policy_lets_administrators_manage_but_not_use_the_key(construct_stack):
    admin, use = separated_key(construct_stack)["Statement"]
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert admin["Action"] == list(KEY_ADMINISTRATION_ACTIONS)
    assert "kms:PutKeyPolicy" in admin["Action"]  # the key stays manageable
    for using in ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:CreateGrant"):
        assert using not in admin["Action"]
    assert not any("*" in action for action in admin["Action"])
    assert use["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert use["Condition"] == {"ArnEquals": {"aws:PrincipalArn": ROLE_X}}


def test_separated_key_policy_names_the_administrators_and_other_users_given(construct_stack):
    admins = ["arn:aws:iam::123456789012:role/platform-admin"]
    uploader = "arn:aws:iam::123456789012:role/uploader"
    policy = separated_key(construct_stack, administrators=admins, users=[uploader])
    admin, use = policy["Statement"]
    assert admin["Principal"] == {"AWS": admins}
    assert use["Condition"] == {"ArnEquals": {"aws:PrincipalArn": [ROLE_X, uploader]}}


def test_key_principals_are_iam_arns_given_only_with_the_separation(construct_stack):
    def key(id, **props):
        PipelineKey(
            construct_stack,
            id,
            key_policy=True,
            account_id="123456789012",
            user_role_name="role-x",
            alias_name="alias/snowssi-x",
            **props,
        )

    admins = ["arn:aws:iam::123456789012:role/admin"]
    with pytest.raises(ValueError, match=r"^administrators: names principals of a key policy"):
        key("a", administrators=admins)
    with pytest.raises(ValueError, match=r"^users: .*expected an ARN"):
        key("b", separate_administration=True, users=["role/uploader"])
    with pytest.raises(ValueError, match=r"^administrators: name at least one principal"):
        key("c", separate_administration=True, administrators=[])
    with pytest.raises(ValueError, match=r"^separate_administration: is a kind of key policy"):
        PipelineKey(construct_stack, "d", separate_administration=True)
