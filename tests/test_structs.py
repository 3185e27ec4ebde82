"""The small frozen structs check every field when they are made, naming it as the prop
it is given through (``s3_backend.bucket``), and list every bad field in one error."""

from __future__ import annotations

import pytest

from snowssi_constructs import ProviderVersions, S3StateBackend, SnowSSIStack
from snowssi_constructs.validation import PropTypeAndValueError
from tests.support import synth_app

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_a_complete_s3_state_backend_is_accepted():
    backend = S3StateBackend(
        bucket="my-terraform-state",
        key="snowssi/prod/terraform.tfstate",
        region="eu-central-1",
        encrypt=False,
        use_lockfile=False,
        kms_key_id=KEY_ARN,
    )
    assert backend.bucket == "my-terraform-state"


@pytest.mark.parametrize(
    ("fields", "prop", "rule"),
    [
        ({"bucket": ""}, "s3_backend.bucket", "a value is required"),
        ({"bucket": "Bad_Bucket"}, "s3_backend.bucket", "lowercase letters"),
        ({"bucket": "state-s3alias"}, "s3_backend.bucket", "reserved suffix '-s3alias'"),
        ({"key": "/state.tfstate"}, "s3_backend.key", "must not start or end with '/'"),
        ({"key": "a//state.tfstate"}, "s3_backend.key", "must not contain '//'"),
        ({"region": "Frankfurt"}, "s3_backend.region", "expected an AWS region"),
        ({"kms_key_id": "my-key"}, "s3_backend.kms_key_id", "expected a KMS key id"),
    ],
)
def test_a_bad_s3_state_backend_value_is_a_value_error_naming_the_field(fields, prop, rule):
    with pytest.raises(ValueError, match=prop.replace(".", r"\.")) as error:
        S3StateBackend(**{"bucket": "state-bucket", **fields})
    assert rule in str(error.value)


@pytest.mark.parametrize("field", ["encrypt", "use_lockfile"])
def test_a_non_bool_s3_state_backend_flag_is_a_type_error_naming_the_field(field):
    with pytest.raises(TypeError, match=rf"s3_backend\.{field}: expected True or False"):
        S3StateBackend(bucket="state-bucket", **{field: "yes"})


def test_every_bad_s3_state_backend_field_is_listed_in_one_error():
    with pytest.raises(PropTypeAndValueError) as error:
        S3StateBackend(bucket="Bad_Bucket", key="/k", region="x", encrypt="no")
    message = str(error.value)
    assert message.startswith("S3StateBackend: ")
    for prop in ("s3_backend.bucket", "s3_backend.key", "s3_backend.region", "s3_backend.encrypt"):
        assert f"  - {prop}: " in message


@pytest.mark.parametrize("field", ["aws", "snowflake", "random", "time"])
def test_each_provider_version_must_be_a_version_constraint(field):
    with pytest.raises(ValueError, match=rf"provider_versions\.{field}: 'latest!'"):
        ProviderVersions(**{field: "latest!"})


def test_provider_versions_accept_constraints_with_operators():
    assert ProviderVersions(aws="~> 6.21", snowflake=">= 2.10, < 3.0").aws == "~> 6.21"


def test_a_malformed_required_version_is_rejected_by_the_stack():
    with pytest.raises(ValueError, match=r"required_version: 'latest!' .* not a version condition"):
        synth_app(lambda app: SnowSSIStack(app, "snowssi", required_version="latest!"))


def test_provider_versions_given_as_a_dict_are_a_type_error():
    with pytest.raises(TypeError, match=r"provider_versions: expected a ProviderVersions"):
        synth_app(lambda app: SnowSSIStack(app, "snowssi", provider_versions={"aws": "6.21.0"}))


@pytest.mark.parametrize("field", ["force_destroy", "prevent_destroy"])
@pytest.mark.parametrize("value", ["no", 0, 1, None])
def test_bucket_protection_flags_must_be_bools(field, value):
    with pytest.raises(TypeError, match=rf"{field}: expected True or False"):
        synth_app(lambda app: SnowSSIStack(app, "snowssi", **{field: value}))


@pytest.mark.parametrize(
    "field", ["noncurrent_version_expiration_days", "abort_incomplete_multipart_upload_days"]
)
def test_bucket_lifecycle_days_must_be_at_least_one(field):
    with pytest.raises(ValueError, match=rf"{field}: must be at least 1, got 0"):
        synth_app(lambda app: SnowSSIStack(app, "snowssi", **{field: 0}))


@pytest.mark.parametrize(
    "field", ["noncurrent_version_expiration_days", "abort_incomplete_multipart_upload_days"]
)
def test_bucket_lifecycle_days_must_be_ints(field):
    with pytest.raises(TypeError, match=rf"{field}: expected an integer"):
        synth_app(lambda app: SnowSSIStack(app, "snowssi", **{field: "30"}))


def test_a_string_force_destroy_on_the_stack_fails_naming_the_prop_not_in_jsii():
    with pytest.raises(TypeError, match=r"^force_destroy: expected True or False"):
        synth_app(lambda app: SnowSSIStack(app, "snowssi", force_destroy="no"))


def test_a_string_flag_in_a_pipelines_options_fails_naming_the_prop():
    def build(app):
        stack = SnowSSIStack(app, "snowssi", pipelines=["orders"])
        stack.add_pipeline("events", prevent_destroy="yes")

    with pytest.raises(TypeError, match=r"^prevent_destroy: expected True or False"):
        synth_app(build)


def test_the_old_buckets_option_is_a_type_error_naming_it():
    def build(app):
        stack = SnowSSIStack(app, "snowssi", pipelines=["orders"])
        stack.add_pipeline("events", buckets={"prevent_destroy": "yes"})

    with pytest.raises(TypeError, match=r"^buckets: unexpected keyword argument; the pipeline"):
        synth_app(build)
