"""Every resource, data source and provider block of the synthesized JSON, checked
against the provider schemas the pinned bindings were generated from.

The checker reads the bindings' jsii assemblies (see
:mod:`snowssi_constructs.testing.schema`, where users' own tests reach it too); these
tests are its first user.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from snowssi_constructs import EncryptedBucket, PipelineKey
from snowssi_constructs._flavour import aws, cdktf
from snowssi_constructs.testing.schema import (
    PROVIDERS,
    assembly_for,
    binding_packages,
    check_document,
)
from tests.support import LEGACY_EXAMPLES
from tests.terraform_env import synthesized_texts
from tests.test_snapshots import LEGACY_OPTIONS, option_text

App = cdktf.App
TerraformStack = cdktf.TerraformStack
AwsProvider = aws.provider.AwsProvider

# The JSON both flavours share: checked once, on CDKTF (see dev.py).
pytestmark = pytest.mark.shared_json


# The legacy generation's stacks; the current generation's are checked against the CDK
# Terrain bindings (tests/test_provider_schema_current.py).
SOURCES = ["default", *LEGACY_EXAMPLES]


def documents_of(source: str) -> dict[str, dict[str, Any]]:
    return {
        label: json.loads(text)
        for label, text in synthesized_texts().items()
        if label.split("/", 1)[0] == source
    }


def test_assemblies_are_the_pinned_provider_versions() -> None:
    # The schema is only as good as the binding it comes from (spec section 1).
    expected = {"aws": "6.21.0", "snowflake": "2.10.1", "random": "3.7.2", "time": "0.13.1"}
    assert binding_packages()["aws"] == "cdktf_cdktf_provider_aws"
    assert {p: assembly_for(p).provider_version.lstrip("~> ") for p in PROVIDERS} == expected


@pytest.mark.parametrize("source", SOURCES)
def test_stack_matches_provider_schemas(source: str) -> None:
    documents = documents_of(source)
    assert documents, f"{source} synthesized no stack"
    for label, document in documents.items():
        assert document.get("resource"), f"{label} declares no resource"
        errors = check_document(document)
        assert not errors, f"{label} does not match the provider schemas:\n" + "\n".join(errors)


@pytest.mark.parametrize("option", LEGACY_OPTIONS)
def test_option_stack_matches_provider_schemas(option: str) -> None:
    # The stacks of tests/test_snapshots.py: the parts only options add (the S3
    # notification, the serverless task, the processed-files table, ...).
    document = json.loads(option_text(option))
    assert document.get("resource"), f"option {option} declares no resource"
    errors = "\n".join(check_document(document))
    assert not errors, f"option {option} does not match the provider schemas:\n{errors}"


def broken_stack(app: App) -> TerraformStack:
    stack = TerraformStack(app, "broken")
    AwsProvider(stack, "aws", region="us-east-1")
    key = PipelineKey(stack, "kms_key")
    bucket = EncryptedBucket(
        stack, "inbound_bucket", bucket_name="inbound-x", kms_key_id=key.key_id
    )
    key.key.add_override("enable_rotation", True)  # typo of enable_key_rotation
    bucket.versioning.add_override("versioning_configuration.state", "Enabled")  # nested typo
    bucket.encryption.add_override("bucket", None)  # removes a required attribute
    bucket.encryption.add_override(
        "rule.0.apply_server_side_encryption_by_default.sse_algorithm", None
    )  # removes a required attribute of a nested block
    return stack


def test_checker_catches_escape_hatch_mistakes() -> None:
    from tests.support import synth_app

    document = synth_app(broken_stack)["broken"]
    assert check_document(document) == [
        "aws_kms_key.kms_key: unknown attribute or block 'enable_rotation'",
        "aws_s3_bucket_server_side_encryption_configuration.inbound_bucket: "
        "missing required attribute 'bucket'",
        "aws_s3_bucket_server_side_encryption_configuration.inbound_bucket.rule[0]"
        ".apply_server_side_encryption_by_default: missing required attribute 'sse_algorithm'",
        "aws_s3_bucket_versioning.inbound_bucket.versioning_configuration: "
        "unknown attribute or block 'state'",
    ]


def test_checker_catches_unknown_types_and_provider_arguments() -> None:
    document = {
        "provider": {"aws": [{"region": "us-east-1", "alias": "x", "regoin": "us-east-1"}]},
        "resource": {"aws_s3_bukket": {"b": {"bucket": "b"}}},
        "data": {"aws_caller_identity": {"current": {"depends_on": []}}},
    }
    assert check_document(document) == [
        "aws_s3_bukket: unknown resource type",
        "provider.aws[0]: unknown attribute or block 'regoin'",
    ]


def test_bootstrap_with_every_grant_matches_provider_schemas() -> None:
    # The example's bootstrap has no transfer; this one has every resource type the
    # bootstrap declares (role, account grants, role grants, ownership transfers).
    from snowssi_constructs import ExistingDeployment, SnowSSIBootstrap
    from tests.support import synth_text

    transfer = ExistingDeployment(
        name_suffix="happy-panda", processed_files=True, refresh_tasks=True, failure_alerts=True
    )
    text = synth_text(
        lambda app: SnowSSIBootstrap(
            app,
            "bootstrap",
            grant_to_users=["DEPLOYER"],
            grant_to_roles=["SYSADMIN"],
            serverless_task=True,
            transfer=transfer,
        )
    )["bootstrap"]
    document = json.loads(text)
    assert set(document["resource"]) == {
        "snowflake_account_role",
        "snowflake_grant_privileges_to_account_role",
        "snowflake_grant_account_role",
        "snowflake_grant_ownership",
    }
    errors = check_document(document)
    assert not errors, "\n".join(errors)
