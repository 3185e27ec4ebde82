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
from tests.support import synth_text, tls_only_bucket_policy
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
ALIAS = "alias/snowssi-apply-test"
VIA_S3 = "s3.us-east-1.amazonaws.com"
MOTO_ACCOUNT = "123456789012"


def build_aws_half(
    app: App, *, endpoint: str, required_version: str, hardened: bool = False
) -> TerraformStack:
    """The AWS half; ``hardened``: with what hardened=True adds to it (the separated key
    policy, TLS-only bucket policies and the access role's conditions)."""
    stack = moto_stack(app, STACK, endpoint=endpoint, required_version=required_version)
    account_id = DataAwsCallerIdentity(stack, "current").account_id
    key = PipelineKey(
        stack,
        "kms_key",
        key_policy=hardened,
        separate_administration=hardened,
        account_id=account_id if hardened else None,
        user_role_name=ROLE if hardened else None,
        alias_name=ALIAS if hardened else None,
    )
    inbound, outbound = (
        EncryptedBucket(
            stack, f"{side}_bucket", bucket_name=name, kms_key_id=key.key_id, require_tls=hardened
        )
        for side, name in (("inbound", INBOUND), ("outbound", OUTBOUND))
    )
    role = SnowflakeAccessRole(
        stack,
        "access_role",
        role_name=ROLE,
        policy_name=POLICY,
        snowflake_user_arn=SNOWFLAKE_USER_ARN,
        external_id=EXTERNAL_ID,
        kms_key_arn=key.key_arn,
        kms_via_service=VIA_S3 if hardened else None,
        resource_account=account_id if hardened else None,
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


def expected_access_policy(key_arn: str, *, hardened: bool = False) -> dict[str, Any]:
    inbound = f"arn:aws:s3:::{INBOUND}"
    outbound = f"arn:aws:s3:::{OUTBOUND}"

    def allow(action: str | list[str], resource: str, key: str, value: str) -> dict[str, Any]:
        statement = {"Action": action, "Effect": "Allow", "Resource": resource}
        if hardened:
            statement["Condition"] = {"StringEquals": {key: value}}
        return statement

    in_account = ("s3:ResourceAccount", MOTO_ACCOUNT)
    return {
        "Version": "2012-10-17",
        "Statement": [
            allow(["s3:ListBucket", "s3:GetBucketLocation"], inbound, *in_account),
            allow(["s3:GetObject", "s3:GetObjectVersion"], f"{inbound}/*", *in_account),
            allow("s3:ListBucket", outbound, *in_account),
            allow(["s3:PutObject", "s3:DeleteObject"], f"{outbound}/*", *in_account),
            allow(["kms:Decrypt", "kms:GenerateDataKey"], key_arn, "kms:ViaService", VIA_S3),
        ],
    }


def as_document(value: str | dict[str, Any]) -> dict[str, Any]:
    """IAM returns policy documents URL-decoded as a dict (boto3) or as JSON text."""
    return json.loads(value) if isinstance(value, str) else value


def check_created_objects(moto: MotoServer, *, hardened: bool = False) -> None:
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
        if hardened:
            policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
            assert policy == tls_only_bucket_policy(f"arn:aws:s3:::{bucket}")

    if hardened:
        key_policy = json.loads(
            kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
        )
        administration, use = key_policy["Statement"]
        assert administration["Principal"] == {"AWS": f"arn:aws:iam::{MOTO_ACCOUNT}:root"}
        assert "kms:Decrypt" not in administration["Action"]
        role_arn = f"arn:aws:iam::{MOTO_ACCOUNT}:role/{ROLE}"
        assert use["Condition"] == {"ArnEquals": {"aws:PrincipalArn": role_arn}}

    role = iam.get_role(RoleName=ROLE)["Role"]
    # Equality of parsed JSON: statement order and string-vs-list are both significant.
    assert as_document(role["AssumeRolePolicyDocument"]) == expected_trust_policy()
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == [POLICY]
    document = iam.get_role_policy(RoleName=ROLE, PolicyName=POLICY)["PolicyDocument"]
    assert as_document(document) == expected_access_policy(key["Arn"], hardened=hardened)


@pytest.mark.parametrize("hardened", [False, True], ids=["default", "hardened"])
def test_apply_converge_check_destroy(
    terraform: Terraform,  # noqa: F811
    moto_server: MotoServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    hardened: bool,
) -> None:
    text = synth_text(
        lambda app: build_aws_half(
            app,
            endpoint=moto_server.endpoint,
            required_version=terraform.version,
            hardened=hardened,
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
        check=lambda: check_created_objects(moto_server, hardened=hardened),
        title=f"apply test ({'hardened ' if hardened else ''}AWS half against moto)",
        capsys=capsys,
    )

    s3 = moto_server.client("s3")
    remaining = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    assert not remaining & {INBOUND, OUTBOUND}, remaining
    assert moto_server.client("iam").list_roles()["Roles"] == []
