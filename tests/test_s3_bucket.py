"""EncryptedBucket: the original S3 submodule, resource by resource (spec section 5)."""

from __future__ import annotations

import pytest

from snowssi_constructs import EncryptedBucket
from snowssi_constructs._flavour import aws, cdktf
from snowssi_constructs.testing.hcl_object import jsonencode_argument
from tests.conftest import parsed, synthesized
from tests.support import resources, tls_only_bucket_policy

TerraformOutput = cdktf.TerraformOutput
Testing = cdktf.Testing
S3Bucket = aws.s3_bucket.S3Bucket
S3BucketOwnershipControls = aws.s3_bucket_ownership_controls.S3BucketOwnershipControls
S3BucketPublicAccessBlock = aws.s3_bucket_public_access_block.S3BucketPublicAccessBlock
S3BucketServerSideEncryptionConfigurationA = (
    aws.s3_bucket_server_side_encryption_configuration.S3BucketServerSideEncryptionConfigurationA
)
S3BucketVersioningA = aws.s3_bucket_versioning.S3BucketVersioningA

KEY = "alias/test-key"


def make(stack, **options):
    return EncryptedBucket(
        stack, "inbound_bucket", bucket_name="inbound-bucket-happy-panda", kms_key_id=KEY, **options
    )


def test_bucket_has_the_given_name_and_force_destroy_like_the_original(construct_stack):
    make(construct_stack)
    assert Testing.to_have_resource_with_properties(
        synthesized(construct_stack),
        S3Bucket.TF_RESOURCE_TYPE,
        {"bucket": "inbound-bucket-happy-panda", "force_destroy": True},
    )


def test_default_encryption_is_sse_kms_with_the_given_key(construct_stack):
    make(construct_stack)
    body = resources(parsed(construct_stack))[
        "aws_s3_bucket_server_side_encryption_configuration.inbound_bucket"
    ]
    assert body == {
        "bucket": "${aws_s3_bucket.inbound_bucket.id}",
        "rule": [
            {
                "apply_server_side_encryption_by_default": {
                    "kms_master_key_id": KEY,
                    "sse_algorithm": "aws:kms",
                }
            }
        ],
    }
    assert S3BucketServerSideEncryptionConfigurationA.TF_RESOURCE_TYPE in synthesized(
        construct_stack
    )


def test_public_access_is_blocked_by_all_four_flags(construct_stack):
    make(construct_stack)
    assert Testing.to_have_resource_with_properties(
        synthesized(construct_stack),
        S3BucketPublicAccessBlock.TF_RESOURCE_TYPE,
        {
            "bucket": "${aws_s3_bucket.inbound_bucket.id}",
            "block_public_acls": True,
            "block_public_policy": True,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
    )


def test_ownership_is_bucket_owner_enforced(construct_stack):
    make(construct_stack)
    body = resources(parsed(construct_stack))[
        f"{S3BucketOwnershipControls.TF_RESOURCE_TYPE}.inbound_bucket"
    ]
    assert body == {
        "bucket": "${aws_s3_bucket.inbound_bucket.id}",
        "rule": {"object_ownership": "BucketOwnerEnforced"},
    }


def test_versioning_is_enabled(construct_stack):
    make(construct_stack)
    body = resources(parsed(construct_stack))[
        f"{S3BucketVersioningA.TF_RESOURCE_TYPE}.inbound_bucket"
    ]
    assert body == {
        "bucket": "${aws_s3_bucket.inbound_bucket.id}",
        "versioning_configuration": {"status": "Enabled"},
    }


def test_exactly_the_five_resources_of_the_original_module_by_default(construct_stack):
    make(construct_stack)
    assert sorted(resources(parsed(construct_stack))) == [
        "aws_s3_bucket.inbound_bucket",
        "aws_s3_bucket_ownership_controls.inbound_bucket",
        "aws_s3_bucket_public_access_block.inbound_bucket",
        "aws_s3_bucket_server_side_encryption_configuration.inbound_bucket",
        "aws_s3_bucket_versioning.inbound_bucket",
    ]
    assert "moved" not in parsed(construct_stack)


def test_moved_from_module_adds_one_moved_block_per_module_resource(construct_stack):
    make(construct_stack, moved_from_module="inbound_bucket")
    assert parsed(construct_stack)["moved"] == [
        {
            "from": "module.inbound_bucket.aws_s3_bucket.bucket",
            "to": "aws_s3_bucket.inbound_bucket",
        },
        {
            "from": "module.inbound_bucket.aws_s3_bucket_server_side_encryption_configuration"
            ".encryption_configuration",
            "to": "aws_s3_bucket_server_side_encryption_configuration.inbound_bucket",
        },
        {
            "from": "module.inbound_bucket.aws_s3_bucket_public_access_block.public_access_block",
            "to": "aws_s3_bucket_public_access_block.inbound_bucket",
        },
        {
            "from": "module.inbound_bucket.aws_s3_bucket_ownership_controls.ownership_controls",
            "to": "aws_s3_bucket_ownership_controls.inbound_bucket",
        },
        {
            "from": "module.inbound_bucket.aws_s3_bucket_versioning.versioning",
            "to": "aws_s3_bucket_versioning.inbound_bucket",
        },
    ]


def test_attributes_reference_the_bucket(construct_stack):
    bucket = make(construct_stack)
    for name, value in (
        ("arn", bucket.bucket_arn),
        ("name", bucket.bucket_name),
        ("url", bucket.s3_url),
    ):
        TerraformOutput(construct_stack, name, value=value)
    outputs = parsed(construct_stack)["output"]
    assert [outputs[key]["value"] for key in ("arn", "name", "url")] == [
        "${aws_s3_bucket.inbound_bucket.arn}",
        "${aws_s3_bucket.inbound_bucket.bucket}",
        "s3://${aws_s3_bucket.inbound_bucket.bucket}/",
    ]


def test_force_destroy_can_be_turned_off_and_destroy_prevented(construct_stack):
    make(construct_stack, force_destroy=False, prevent_destroy=True)
    body = resources(parsed(construct_stack))["aws_s3_bucket.inbound_bucket"]
    assert body["force_destroy"] is False
    assert body["lifecycle"] == {"prevent_destroy": True}


def test_lifecycle_aborts_multipart_uploads_and_expires_noncurrent_versions(construct_stack):
    make(
        construct_stack,
        noncurrent_version_expiration_days=45,
        abort_incomplete_multipart_upload_days=3,
    )
    body = resources(parsed(construct_stack))[
        "aws_s3_bucket_lifecycle_configuration.inbound_bucket"
    ]
    assert body["depends_on"] == ["aws_s3_bucket_versioning.inbound_bucket"]
    rules = {rule["id"]: rule for rule in body["rule"]}
    assert rules["abort-incomplete-multipart-uploads"]["abort_incomplete_multipart_upload"] == [
        {"days_after_initiation": 3}
    ]
    assert rules["expire-noncurrent-versions"]["noncurrent_version_expiration"] == [
        {"noncurrent_days": 45}
    ]
    assert all(rule["status"] == "Enabled" for rule in rules.values())


def test_notification_sends_object_created_events_to_the_queue(construct_stack):
    arn = "arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-queue"
    make(construct_stack, notification_channel_arn=arn)
    body = resources(parsed(construct_stack))["aws_s3_bucket_notification.inbound_bucket"]
    assert body == {
        "bucket": "${aws_s3_bucket.inbound_bucket.id}",
        "queue": [{"queue_arn": arn, "events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}],
    }


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ab", "3 to 63 characters"),
        ("a" * 64, "3 to 63 characters"),
        ("Inbound-Bucket", "lowercase letters"),
        ("inbound_bucket", "lowercase letters"),
        ("-inbound", "begin and end"),
        ("in..bound", "'..'"),
        ("192.168.1.1", "IP address"),
        ("", "required"),
    ],
)
def test_bad_bucket_names_are_rejected_naming_the_prop(construct_stack, name, rule):
    with pytest.raises(ValueError, match="bucket_name") as error:
        EncryptedBucket(construct_stack, "b", bucket_name=name, kms_key_id=KEY)
    assert {problem.prop for problem in error.value.problems} == {"bucket_name"}
    assert rule in str(error.value)


def test_bad_lifecycle_days_and_ids_are_rejected(construct_stack):
    with pytest.raises(ValueError, match=r"^noncurrent_version_expiration_days: "):
        make(construct_stack, noncurrent_version_expiration_days=0)
    with pytest.raises(ValueError, match=r"^kms_key_id: "):
        EncryptedBucket(construct_stack, "c", bucket_name="abc", kms_key_id="")
    with pytest.raises(ValueError, match=r"^id: '1bad id' is not a valid Terraform") as error:
        EncryptedBucket(construct_stack, "1bad id", bucket_name="abc", kms_key_id=KEY)
    assert [problem.prop for problem in error.value.problems] == ["id"]


def test_no_bucket_policy_by_default_as_in_the_original(construct_stack):
    make(construct_stack)
    assert "aws_s3_bucket_policy.inbound_bucket" not in resources(parsed(construct_stack))


def test_require_tls_denies_every_action_without_tls_or_below_tls_1_2(construct_stack):
    make(construct_stack, require_tls=True)
    body = resources(parsed(construct_stack))["aws_s3_bucket_policy.inbound_bucket"]
    assert body["bucket"] == "${aws_s3_bucket.inbound_bucket.id}"
    # Put after the public access block.
    assert body["depends_on"] == ["aws_s3_bucket_public_access_block.inbound_bucket"]
    bucket = "${aws_s3_bucket.inbound_bucket.arn}"
    assert jsonencode_argument(body["policy"]) == tls_only_bucket_policy(bucket)


def test_the_users_statements_are_merged_into_the_one_bucket_policy(construct_stack):
    given = {"Sid": "Given", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket"}
    later = {"Sid": "Later", "Effect": "Deny", "Principal": "*", "Action": "s3:PutBucketAcl"}
    bucket = make(construct_stack, require_tls=True, policy_statements=[given])
    bucket.add_to_policy(later)
    found = resources(parsed(construct_stack))
    assert [address for address in found if address.startswith("aws_s3_bucket_policy.")] == [
        "aws_s3_bucket_policy.inbound_bucket"
    ]
    statements = jsonencode_argument(found["aws_s3_bucket_policy.inbound_bucket"]["policy"])[
        "Statement"
    ]
    assert [statement["Sid"] for statement in statements] == [
        "DenyRequestsWithoutTls",
        "DenyTlsBelow12",
        "Given",
        "Later",
    ]


def test_statements_alone_make_a_policy_without_the_tls_statements(construct_stack):
    allow = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}
    make(construct_stack).add_to_policy(allow)
    body = resources(parsed(construct_stack))["aws_s3_bucket_policy.inbound_bucket"]
    assert jsonencode_argument(body["policy"])["Statement"] == [allow]


def test_bad_policy_props_are_rejected_naming_the_prop(construct_stack):
    def bucket(id, **props):
        return EncryptedBucket(construct_stack, id, bucket_name="abc", kms_key_id=KEY, **props)

    with pytest.raises(TypeError, match=r"^require_tls: "):
        bucket("a", require_tls="yes")
    with pytest.raises(TypeError, match=r"^policy_statements: expected a sequence"):
        bucket("b", policy_statements={"Effect": "Deny"})
    with pytest.raises(TypeError, match=r"^policy_statements: expected a policy statement"):
        bucket("c", policy_statements=["Deny"])
    with pytest.raises(ValueError, match=r"^policy_statements: a policy statement needs an Effect"):
        bucket("d", policy_statements=[{"Action": "s3:*"}])
    with pytest.raises(ValueError, match=r"^statements: a policy statement needs an Effect"):
        bucket("e").add_to_policy({"Action": "s3:*"})
