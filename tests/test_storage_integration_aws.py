"""AwsStorageIntegration: the current generation's integration
(snowflake_storage_integration_aws, provider 2.20.0)."""

from __future__ import annotations

import pytest

from snowssi_constructs import AwsStorageIntegration, EncryptedBucket
from snowssi_constructs._flavour import cdktf
from tests.conftest import parsed
from tests.support import resources

TerraformOutput = cdktf.TerraformOutput

ROLE_ARN = "arn:aws:iam::123456789012:role/role-happy-panda"


def test_integration_allows_each_bucket_given_to_allow(construct_stack):
    integration = AwsStorageIntegration(
        construct_stack, "storage_integration", name="SI", role_arn=ROLE_ARN
    )
    for name in ("inbound-x", "outbound-x"):
        integration.allow(
            EncryptedBucket(
                construct_stack, name.replace("-", "_"), bucket_name=name, kms_key_id="k"
            )
        )
    res = resources(parsed(construct_stack))
    assert res["snowflake_storage_integration_aws.storage_integration"] == {
        "name": "SI",
        "enabled": True,
        "storage_provider": "S3",
        "storage_aws_role_arn": ROLE_ARN,
        "storage_allowed_locations": [
            "s3://${aws_s3_bucket.inbound_x.bucket}/",
            "s3://${aws_s3_bucket.outbound_x.bucket}/",
        ],
        # What the provider's importer writes for it: the upgrade plan shows no change,
        # so describe_output (read by the access role's trust) is not recomputed.
        "use_privatelink_endpoint": "false",
    }


def test_trust_attributes_come_from_the_flat_describe_output(construct_stack):
    integration = AwsStorageIntegration(
        construct_stack, "storage_integration", name="SI", role_arn=ROLE_ARN
    )
    for name, value in (
        ("user", integration.iam_user_arn),
        ("external_id", integration.external_id),
        ("name", integration.integration_name),
    ):
        TerraformOutput(construct_stack, name, value=value)
    outputs = {k: v["value"] for k, v in parsed(construct_stack)["output"].items()}
    prefix = "snowflake_storage_integration_aws.storage_integration"
    assert outputs == {
        "user": f"${{{prefix}.describe_output[0].iam_user_arn}}",
        "external_id": f"${{{prefix}.describe_output[0].external_id}}",
        "name": f"${{{prefix}.name}}",
    }


def test_adopting_the_legacy_integration_imports_it_by_name(construct_stack):
    AwsStorageIntegration(
        construct_stack, "storage_integration", name="SI", role_arn=ROLE_ARN, adopt_legacy=True
    )
    document = parsed(construct_stack)
    assert document["import"] == [
        {"to": "snowflake_storage_integration_aws.storage_integration", "id": '"SI"'}
    ]
    assert document["removed"] == [
        {
            "from": "snowflake_storage_integration.storage_integration",
            "lifecycle": [{"destroy": False}],
        }
    ]


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("name", "1SI", "Snowflake identifier"),
        ("role_arn", "arn:aws:iam::123:user/x", "role"),
        ("adopt_legacy", 1, "True or False"),
    ],
)
def test_bad_values_are_rejected_naming_the_prop(construct_stack, prop, value, message):
    props = {"name": "SI", "role_arn": ROLE_ARN, prop: value}
    with pytest.raises((ValueError, TypeError), match=prop) as error:
        AwsStorageIntegration(construct_stack, "storage_integration", **props)
    assert message in str(error.value)


def test_the_integration_declares_what_the_importer_writes_with_or_without_adopting(
    construct_stack,
):
    for adopt_legacy in (False, True):
        AwsStorageIntegration(
            construct_stack,
            f"integration_{adopt_legacy}".lower(),
            name="SI",
            role_arn=ROLE_ARN,
            adopt_legacy=adopt_legacy,
        )
    declared = resources(parsed(construct_stack))
    assert {
        address: body["use_privatelink_endpoint"]
        for address, body in declared.items()
        if address.startswith("snowflake_storage_integration_aws.")
    } == {
        "snowflake_storage_integration_aws.integration_false": "false",
        "snowflake_storage_integration_aws.integration_true": "false",
    }
