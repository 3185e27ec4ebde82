"""Every public construct rejects bad input at construction, naming the prop: a wrong
type is a ``TypeError``, a wrong value a ``ValueError``, never a jsii error; several bad
props of one construct come in one error that lists them all."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from snowssi_constructs import (
    EncryptedBucket,
    ExternalStage,
    Naming,
    PipelineKey,
    S3StorageIntegration,
    SnowflakeAccessRole,
    SnowSSIPipeline,
    SnowSSIStack,
)
from snowssi_constructs._flavour import cdktf
from snowssi_constructs.validation import PropError
from tests.support import resources

TerraformStack = cdktf.TerraformStack
Testing = cdktf.Testing

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-queue"
ROLE_ARN = "arn:aws:iam::123456789012:role/snowssi"
USER_ARN = "arn:aws:iam::123456789012:user/snowflake"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:topic"


def stack() -> TerraformStack:
    return TerraformStack(Testing.app(), "test")


def bucket(**props: Any) -> None:
    EncryptedBucket(stack(), "b", **{"bucket_name": "my-bucket", "kms_key_id": KEY_ARN, **props})


def stage(**props: Any) -> None:
    base = {
        "name": "STAGE",
        "url": "s3://my-bucket/",
        "database": "DB",
        "schema": "S",
        "storage_integration": "SI",
    }
    ExternalStage(stack(), "s", **{**base, **props})


INTEGRATION_PROPS: dict[str, Any] = {"name": "SI", "role_arn": ROLE_ARN}
ROLE_PROPS: dict[str, Any] = {
    "role_name": "snowssi",
    "policy_name": "snowssi",
    "snowflake_user_arn": USER_ARN,
    "external_id": "ABC_SFCRole=1_x",
    "kms_key_arn": KEY_ARN,
}


def integration(**props: Any) -> None:
    S3StorageIntegration(stack(), "i", **{**INTEGRATION_PROPS, **props})


def role(**props: Any) -> None:
    SnowflakeAccessRole(stack(), "r", **{**ROLE_PROPS, **props})


def key(**props: Any) -> None:
    PipelineKey(stack(), "k", **props)


def pipeline(**props: Any) -> None:
    scope = stack()
    base: dict[str, Any] = {
        "naming": Naming("team-a"),
        "database": "DB",
        "schema": "S",
        "warehouse": "WH",
        "kms_key_id": KEY_ARN,
        "integration": S3StorageIntegration(scope, "i", **INTEGRATION_PROPS),
        "access_role": SnowflakeAccessRole(scope, "r", **ROLE_PROPS),
    }
    SnowSSIPipeline(scope, "p", **{**base, **props})


def snowssi_stack(**props: Any) -> None:
    SnowSSIStack(Testing.app(), "snowssi", **props)


def add_pipeline(**props: Any) -> None:
    SnowSSIStack(Testing.app(), "snowssi", pipelines=["orders"]).add_pipeline("events", **props)


TypeCase = tuple[Callable[..., None], dict[str, Any], str]

WRONG_TYPES: list[TypeCase] = [
    (snowssi_stack, {"hardened": "yes"}, "hardened"),
    (snowssi_stack, {"force_destroy": "no"}, "force_destroy"),
    (snowssi_stack, {"prevent_destroy": 1}, "prevent_destroy"),
    (snowssi_stack, {"serverless_task": "true"}, "serverless_task"),
    (snowssi_stack, {"outputs": None}, "outputs"),
    (snowssi_stack, {"warehouse_auto_resume": "true"}, "warehouse_auto_resume"),
    (snowssi_stack, {"kms_key_policy": "yes"}, "kms_key_policy"),
    (snowssi_stack, {"outbound_baseline_access": 1}, "outbound_baseline_access"),
    (snowssi_stack, {"require_tls": "yes"}, "require_tls"),
    (
        snowssi_stack,
        {"kms_key_separate_administration": "yes"},
        "kms_key_separate_administration",
    ),
    (snowssi_stack, {"access_role_conditions": 1}, "access_role_conditions"),
    (
        snowssi_stack,
        {"hardened": True, "kms_key_administrators": "arn:aws:iam::123456789012:root"},
        "kms_key_administrators",
    ),
    (snowssi_stack, {"warehouse_auto_suspend": "60"}, "warehouse_auto_suspend"),
    (snowssi_stack, {"kms_deletion_window_days": 7.5}, "kms_deletion_window_days"),
    (snowssi_stack, {"refresh_schedule_minutes": True}, "refresh_schedule_minutes"),
    (snowssi_stack, {"serverless_schedule_minutes": "5"}, "serverless_schedule_minutes"),
    (
        snowssi_stack,
        {"noncurrent_version_expiration_days": "30"},
        "noncurrent_version_expiration_days",
    ),
    (snowssi_stack, {"pipelines": "orders"}, "pipelines"),
    (snowssi_stack, {"pipelines": ["orders", 2]}, "pipelines[1]"),
    (snowssi_stack, {"name_suffix": 7}, "name_suffix"),
    (snowssi_stack, {"file_pattern": 5}, "file_pattern"),
    (snowssi_stack, {"sql_statement": 5}, "sql_statement"),
    (snowssi_stack, {"serverless_initial_size": None}, "serverless_initial_size"),
    (snowssi_stack, {"provider_versions": {"aws": "6.21.0"}}, "provider_versions"),
    (snowssi_stack, {"s3_backend": {"bucket": "state"}}, "s3_backend"),
    (snowssi_stack, {"backend": "s3"}, "backend"),
    (snowssi_stack, {"file_patern": ".*"}, "file_patern"),
    (add_pipeline, {"force_destroy": "no"}, "force_destroy"),
    (add_pipeline, {"buckets": {"force_destroy": False}}, "buckets"),
    (pipeline, {"naming": "team-a"}, "naming"),
    (pipeline, {"database": 1}, "database"),
    (pipeline, {"integration": "SI"}, "integration"),
    (pipeline, {"access_role": None}, "access_role"),
    (pipeline, {"name": 3}, "name"),
    (bucket, {"force_destroy": "no"}, "force_destroy"),
    (bucket, {"prevent_destroy": 0}, "prevent_destroy"),
    (bucket, {"bucket_name": 3}, "bucket_name"),
    (bucket, {"noncurrent_version_expiration_days": "7"}, "noncurrent_version_expiration_days"),
    (stage, {"wait_after": "policy"}, "wait_after"),
    (stage, {"database": 1}, "database"),
    (integration, {"name": 1}, "name"),
    (role, {"external_id": 1}, "external_id"),
    (key, {"key_policy": "yes"}, "key_policy"),
    (key, {"deletion_window_days": "7"}, "deletion_window_days"),
]

ValueCase = tuple[Callable[..., None], dict[str, Any], str]

WRONG_VALUES: list[ValueCase] = [
    (snowssi_stack, {"required_version": "latest!"}, "required_version"),
    (snowssi_stack, {"notification_channel_arn": TOPIC_ARN}, "notification_channel_arn"),
    (snowssi_stack, {"processing": "stream"}, "processing"),
    (snowssi_stack, {"pipelines": ["Orders"]}, "pipelines"),
    (snowssi_stack, {"pipelines": []}, "pipelines"),
    (snowssi_stack, {"warehouse_size": "HUGE"}, "warehouse_size"),
    (snowssi_stack, {"serverless_initial_size": "X4LARGE"}, "serverless_initial_size"),
    (snowssi_stack, {"kms_deletion_window_days": 3}, "kms_deletion_window_days"),
    (snowssi_stack, {"sql_statement": "  "}, "sql_statement"),
    (snowssi_stack, {"name_suffix": "Team A"}, "name_suffix"),
    (snowssi_stack, {"name_suffix": "team-s3alias"}, "name_suffix"),
    (add_pipeline, {"file_pattern": "(?i)x"}, "file_pattern"),
    (pipeline, {"name": "Orders"}, "name"),
    (pipeline, {"database": ""}, "database"),
    (bucket, {"bucket_name": "Bad_Bucket"}, "bucket_name"),
    (bucket, {"bucket_name": "xn--bucket"}, "bucket_name"),
    (bucket, {"bucket_name": "sthree-bucket"}, "bucket_name"),
    (bucket, {"bucket_name": "amzn-s3-demo-bucket"}, "bucket_name"),
    (bucket, {"bucket_name": "bucket-s3alias"}, "bucket_name"),
    (bucket, {"bucket_name": "bucket--ol-s3"}, "bucket_name"),
    (bucket, {"bucket_name": "bucket.mrap"}, "bucket_name"),
    (bucket, {"bucket_name": "bucket--x-s3"}, "bucket_name"),
    (bucket, {"bucket_name": "bucket--table-s3"}, "bucket_name"),
    (bucket, {"notification_channel_arn": TOPIC_ARN}, "notification_channel_arn"),
    (bucket, {"kms_key_id": ""}, "kms_key_id"),
    (bucket, {"abort_incomplete_multipart_upload_days": 0}, "abort_incomplete_multipart_upload_days"),  # noqa: E501
    (stage, {"url": "https://my-bucket/"}, "url"),
    (stage, {"name": "my stage"}, "name"),
    (integration, {"role_arn": "arn:aws:iam::123456789012:user/x"}, "role_arn"),
    (integration, {"role_arn": "arn:aws:s3:::bucket"}, "role_arn"),
    (role, {"kms_key_arn": "arn:aws:sqs:us-east-1:123456789012:q"}, "kms_key_arn"),
    (role, {"snowflake_user_arn": "not-an-arn"}, "snowflake_user_arn"),
    (role, {"role_name": "role with spaces"}, "role_name"),
    (role, {"role_address": "1role"}, "role_address"),
    (key, {"deletion_window_days": 31}, "deletion_window_days"),
    (key, {"key_policy": True}, "account_id"),
    (key, {"key_policy": True, "account_id": "12", "user_role_name": "r"}, "account_id"),
    (key, {"alias_name": "alias/aws/s3"}, "alias_name"),
    (snowssi_stack, {"hardened": True, "snowflake_role": "SYSADMIN"}, "snowflake_role"),
    (snowssi_stack, {"kms_key_separate_administration": True}, "kms_key_separate_administration"),
    (snowssi_stack, {"kms_key_administrators": ["arn:aws:iam::123456789012:root"]}, "kms_key_administrators"),  # noqa: E501
    (snowssi_stack, {"hardened": True, "kms_key_users": ["not-an-arn"]}, "kms_key_users"),
    (snowssi_stack, {"hardened": True, "kms_key_administrators": []}, "kms_key_administrators"),
    (role, {"resource_account": "12345"}, "resource_account"),
    (key, {"separate_administration": True}, "separate_administration"),
]  # fmt: skip


def _name(case: TypeCase) -> str:
    build, props, prop = case
    return f"{build.__name__}-{prop}-{next(iter(props.values()))!r}"


@pytest.mark.parametrize("case", WRONG_TYPES, ids=_name)
def test_a_wrong_type_is_a_type_error_naming_the_prop(case):
    build, props, prop = case
    with pytest.raises(TypeError, match=rf"(^|\n  - ){re.escape(prop)}: ") as error:
        build(**props)
    assert isinstance(error.value, PropError)


@pytest.mark.parametrize("case", WRONG_VALUES, ids=_name)
def test_a_wrong_value_is_a_value_error_naming_the_prop(case):
    build, props, prop = case
    with pytest.raises(ValueError, match=rf"(^|\n  - ){re.escape(prop)}: ") as error:
        build(**props)
    assert isinstance(error.value, PropError)


def test_several_bad_props_of_one_construct_come_in_one_error():
    with pytest.raises(PropError) as error:
        bucket(bucket_name="Bad_Bucket", force_destroy="no", notification_channel_arn="x")
    assert {problem.prop for problem in error.value.problems} == {
        "bucket_name",
        "force_destroy",
        "notification_channel_arn",
    }
    assert str(error.value).startswith("EncryptedBucket: ")
    assert isinstance(error.value, TypeError) and isinstance(error.value, ValueError)


def test_several_bad_stack_props_come_in_one_error():
    with pytest.raises(PropError) as error:
        snowssi_stack(warehouse_size="HUGE", file_pattern="a*?", refresh_schedule_minutes=0)
    assert [p.prop for p in error.value.problems] == [
        "warehouse_size",
        "file_pattern",
        "refresh_schedule_minutes",
    ]


def test_tokens_are_left_to_terraform(construct_stack):
    name = cdktf.TerraformVariable(construct_stack, "bucket", type="string").string_value
    key = cdktf.TerraformVariable(construct_stack, "key", type="string").string_value
    EncryptedBucket(construct_stack, "b", bucket_name=name, kms_key_id=key)
    # Part of a name, too: the literal part is not checked alone.
    EncryptedBucket(construct_stack, "c", bucket_name=f"in-{name}", kms_key_id=key)
    res = resources(json.loads(Testing.synth(construct_stack)))
    assert res["aws_s3_bucket.b"]["bucket"] == "${var.bucket}"
    assert res["aws_s3_bucket.c"]["bucket"] == "in-${var.bucket}"
    for bucket in ("b", "c"):
        (rule,) = res[f"aws_s3_bucket_server_side_encryption_configuration.{bucket}"]["rule"]
        assert rule["apply_server_side_encryption_by_default"] == {
            "kms_master_key_id": "${var.key}",
            "sse_algorithm": "aws:kms",
        }


def test_a_misspelt_option_is_named_with_the_option_meant():
    with pytest.raises(TypeError, match=r"^file_patern: .*did you mean 'file_pattern'\?"):
        snowssi_stack(file_patern=".*")
