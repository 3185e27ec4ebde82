"""The AWS half of the pipeline, synthesized by the library and applied by real
Terraform to moto: it must apply, converge (no perpetual diff), create what the spec
describes and destroy cleanly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs import (
    EncryptedBucket,
    PipelineKey,
    SnowflakeAccessRole,
)
from snowssi_constructs._flavour import aws, cdktf
from tests.support import synth_text
from tests.terraform_env import (
    AWS_PROVIDER_VERSION,
    MotoServer,
    Terraform,
    apply_converge_destroy,
    moto_server,  # noqa: F401  (fixture)
    moto_stack,
    terraform,  # noqa: F401  (fixture)
)

App = cdktf.App
TerraformStack = cdktf.TerraformStack
DataAwsCallerIdentity = aws.data_aws_caller_identity.DataAwsCallerIdentity

# The JSON both flavours share: checked once, on CDKTF (see dev.py).
pytestmark = [pytest.mark.shared_json, pytest.mark.integration]

STACK = "aws-half"
INBOUND = "inbound-bucket-apply-test"
OUTBOUND = "outbound-bucket-apply-test"
ROLE = "role-apply-test"
POLICY = "policy-apply-test"
SNOWFLAKE_USER_ARN = "arn:aws:iam::123456789012:user/snowflake-standin"
EXTERNAL_ID = "STANDIN_SFCRole=1_abcdefghijklmnop="


def build_aws_half(app: App, *, endpoint: str, required_version: str) -> TerraformStack:
    stack = moto_stack(app, STACK, endpoint=endpoint, required_version=required_version)
    DataAwsCallerIdentity(stack, "current")
    key = PipelineKey(stack, "kms_key")
    inbound = EncryptedBucket(stack, "inbound_bucket", bucket_name=INBOUND, kms_key_id=key.key_id)
    outbound = EncryptedBucket(
        stack, "outbound_bucket", bucket_name=OUTBOUND, kms_key_id=key.key_id
    )
    role = SnowflakeAccessRole(
        stack,
        "access_role",
        role_name=ROLE,
        policy_name=POLICY,
        snowflake_user_arn=SNOWFLAKE_USER_ARN,
        external_id=EXTERNAL_ID,
        kms_key_arn=key.key_arn,
    )
    role.grant_read(inbound)
    role.grant_write(outbound)
    return stack


def expected_trust_policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"AWS": SNOWFLAKE_USER_ARN},
                "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
            }
        ],
    }


def expected_access_policy(key_arn: str) -> dict[str, Any]:
    inbound = f"arn:aws:s3:::{INBOUND}"
    outbound = f"arn:aws:s3:::{OUTBOUND}"

    def allow(action: str | list[str], resource: str) -> dict[str, Any]:
        return {"Action": action, "Effect": "Allow", "Resource": resource}

    return {
        "Version": "2012-10-17",
        "Statement": [
            allow(["s3:ListBucket", "s3:GetBucketLocation"], inbound),
            allow(["s3:GetObject", "s3:GetObjectVersion"], f"{inbound}/*"),
            allow("s3:ListBucket", outbound),
            allow(["s3:PutObject", "s3:DeleteObject"], f"{outbound}/*"),
            allow(["kms:Decrypt", "kms:GenerateDataKey"], key_arn),
        ],
    }


def as_document(value: str | dict[str, Any]) -> dict[str, Any]:
    """IAM returns policy documents URL-decoded as a dict (boto3) or as JSON text."""
    return json.loads(value) if isinstance(value, str) else value


def check_created_objects(moto: MotoServer) -> None:
    s3, kms, iam = moto.client("s3"), moto.client("kms"), moto.client("iam")

    keys = kms.list_keys()["Keys"]
    assert len(keys) == 1, keys
    key = kms.describe_key(KeyId=keys[0]["KeyId"])["KeyMetadata"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True

    for bucket in (INBOUND, OUTBOUND):
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ]
        assert len(rules) == 1, rules
        default = rules[0]["ApplyServerSideEncryptionByDefault"]
        assert default["SSEAlgorithm"] == "aws:kms"
        assert default["KMSMasterKeyID"] in (key["KeyId"], key["Arn"])

        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        }
        ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
        assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]

    role = iam.get_role(RoleName=ROLE)["Role"]
    # Equality of parsed JSON: statement order and string-vs-list are both significant.
    assert as_document(role["AssumeRolePolicyDocument"]) == expected_trust_policy()
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == [POLICY]
    document = iam.get_role_policy(RoleName=ROLE, PolicyName=POLICY)["PolicyDocument"]
    assert as_document(document) == expected_access_policy(key["Arn"])


def test_apply_converge_check_destroy(
    terraform: Terraform,  # noqa: F811
    moto_server: MotoServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = synth_text(
        lambda app: build_aws_half(
            app, endpoint=moto_server.endpoint, required_version=terraform.version
        )
    )[STACK]
    document = json.loads(text)
    # The pins come from the stack's props, not from editing the JSON.
    assert document["terraform"]["required_version"] == terraform.version
    assert document["terraform"]["required_providers"] == {
        "aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION}
    }
    workdir = tmp_path / STACK
    workdir.mkdir()
    (workdir / "cdk.tf.json").write_text(text)

    apply_converge_destroy(
        terraform,
        workdir,
        check=lambda: check_created_objects(moto_server),
        title="apply test (AWS half against moto)",
        capsys=capsys,
    )

    s3 = moto_server.client("s3")
    remaining = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    assert not remaining & {INBOUND, OUTBOUND}, remaining
    assert moto_server.client("iam").list_roles()["Roles"] == []
