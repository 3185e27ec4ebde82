"""What hardened=True adds for security, read from the stack's JSON (docs/security.md),
and the sensitive external-ID output of every stack."""

from __future__ import annotations

import pytest

from snowssi_constructs import SnowSSIStack
from snowssi_constructs.kms_key import KEY_ADMINISTRATION_ACTIONS
from snowssi_constructs.testing.hcl_object import jsonencode_argument
from tests.support import resources, synth_app, tls_only_bucket_policy

ACCOUNT = "${data.aws_caller_identity.current.account_id}"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


@pytest.fixture(scope="module")
def hardened(synth_stack):
    return synth_stack(hardened=True)


def test_the_default_stack_keeps_accountadmin_as_the_module_does(default_document):
    assert default_document["variable"]["role"]["default"] == "ACCOUNTADMIN"


def test_hardened_runs_as_the_bootstraps_role(hardened, synth_stack):
    assert hardened["variable"]["role"]["default"] == "SNOWSSI_DEPLOYER"
    named = synth_stack(hardened=True, snowflake_role="PIPELINE_OWNER")
    assert named["variable"]["role"]["default"] == "PIPELINE_OWNER"


@pytest.mark.parametrize("role", ["ACCOUNTADMIN", "sysadmin", "SECURITYADMIN"])
def test_a_system_role_with_hardened_is_an_error_naming_snowflake_role(role):
    with pytest.raises(
        ValueError, match=r"^snowflake_role: .* is a Snowflake system role"
    ) as error:
        synth_app(lambda app: SnowSSIStack(app, "snowssi", hardened=True, snowflake_role=role))
    assert [problem.prop for problem in error.value.problems] == ["snowflake_role"]


def test_hardened_buckets_deny_requests_without_tls_or_below_tls_1_2(hardened):
    res = resources(hardened)
    for side in ("inbound", "outbound"):
        arn = f"${{aws_s3_bucket.{side}_bucket.arn}}"
        body = res[f"aws_s3_bucket_policy.{side}_bucket"]
        assert body["bucket"] == f"${{aws_s3_bucket.{side}_bucket.id}}"
        assert jsonencode_argument(body["policy"]) == tls_only_bucket_policy(arn)


def test_the_default_stack_has_no_bucket_policy_as_the_module(default_document):
    assert not [a for a in resources(default_document) if a.startswith("aws_s3_bucket_policy.")]


def test_hardened_key_policy_separates_administration_from_use(hardened):
    policy = jsonencode_argument(resources(hardened)["aws_kms_key.kms_key"]["policy"])
    administration, use = policy["Statement"]
    assert administration["Principal"] == {"AWS": ROOT}
    assert administration["Action"] == list(KEY_ADMINISTRATION_ACTIONS)
    assert use["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    role = use["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    assert role.startswith('${format("arn:aws:iam::%s:role/%s", ' + ACCOUNT[2:-1])
    assert '"role-"' in role


def test_hardened_alerts_key_names_the_publisher_role_as_its_only_user(synth_stack):
    res = resources(synth_stack(hardened=True, failure_alerts=True))
    policy = jsonencode_argument(res["aws_kms_key.failure_alerts"]["policy"])
    administration, use = policy["Statement"]
    assert administration["Action"] == list(KEY_ADMINISTRATION_ACTIONS)
    assert use["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert '"alerts-role-"' in use["Condition"]["ArnEquals"]["aws:PrincipalArn"]


def test_the_key_administrators_and_users_given_are_named(synth_stack):
    admins = ["arn:aws:iam::123456789012:role/platform-admin"]
    uploader = "arn:aws:iam::123456789012:role/uploader"
    res = resources(
        synth_stack(
            hardened=True,
            failure_alerts=True,
            kms_key_administrators=admins,
            kms_key_users=[uploader],
        )
    )
    for key in ("kms_key", "failure_alerts"):
        administration, _ = jsonencode_argument(res[f"aws_kms_key.{key}"]["policy"])["Statement"]
        assert administration["Principal"] == {"AWS": admins}
    _, use = jsonencode_argument(res["aws_kms_key.kms_key"]["policy"])["Statement"]
    assert use["Condition"]["ArnEquals"]["aws:PrincipalArn"][1] == uploader


def test_key_principals_need_the_separated_key_policy():
    with pytest.raises(ValueError, match=r"^kms_key_users: names principals") as error:
        synth_app(
            lambda app: SnowSSIStack(
                app, "snowssi", kms_key_users=["arn:aws:iam::123456789012:role/uploader"]
            )
        )
    assert [problem.prop for problem in error.value.problems] == ["kms_key_users"]


def test_hardened_access_role_uses_kms_only_through_s3_and_only_the_accounts_buckets(
    hardened,
):
    policy = jsonencode_argument(resources(hardened)["aws_iam_role_policy.policy"]["policy"])
    *s3, kms = policy["Statement"]
    assert all(statement["Action"][0].startswith("s3:") for statement in s3)
    for statement in s3:
        assert statement["Condition"] == {"StringEquals": {"s3:ResourceAccount": ACCOUNT}}
    assert kms["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.${var.region}.amazonaws.com"}
    }


def test_each_hardening_is_an_option_of_its_own(synth_stack):
    res = resources(synth_stack(require_tls=True, access_role_conditions=True))
    assert "aws_s3_bucket_policy.inbound_bucket" in res
    assert "aws_kms_key.kms_key" in res and "policy" not in res["aws_kms_key.kms_key"]
    assert (
        "Condition"
        in jsonencode_argument(res["aws_iam_role_policy.policy"]["policy"])["Statement"][-1]
    )
    softer = resources(
        synth_stack(hardened=True, require_tls=False, kms_key_separate_administration=False)
    )
    assert "aws_s3_bucket_policy.inbound_bucket" not in softer
    administration, _ = jsonencode_argument(softer["aws_kms_key.kms_key"]["policy"])["Statement"]
    assert administration["Action"] == "kms:*"


@pytest.mark.parametrize(
    "props",
    [{}, {"hardened": True}, {"snowflake_provider": "current"}, {"pipelines": ["a", "b"]}],
    ids=["default", "hardened", "current", "pipelines"],
)
def test_the_external_id_output_is_sensitive_in_every_stack(synth_stack, props):
    outputs = synth_stack(**props)["output"]
    assert outputs["storage_integration_external_id"]["sensitive"] is True
    # Only it: the names and ARNs stay visible.
    assert [name for name, body in outputs.items() if body.get("sensitive")] == [
        "storage_integration_external_id"
    ]
