"""The checks of snowssi_constructs.validation: every rule, the error classes, and one
error listing every problem of a construct."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from snowssi_constructs import validation
from snowssi_constructs.validation import (
    Problem,
    Problems,
    PropTypeAndValueError,
    PropTypeError,
    PropValueError,
)

TOKEN = "${TfToken[TOKEN.12]}"
ACCOUNT = "123456789012"
KEY_UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"
MRK = "mrk-" + "0123456789abcdef" * 2


@dataclass(frozen=True)
class Struct:
    value: int = 1


# Types --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_prop_accepts_true_and_false(value):
    validation.boolean("force_destroy", value)


@pytest.mark.parametrize("value", ["no", "true", 0, 1, None, 1.0])
def test_a_bool_prop_rejects_anything_but_a_bool_as_a_type_error_naming_it(value):
    with pytest.raises(TypeError, match=r"^force_destroy: expected True or False"):
        validation.boolean("force_destroy", value)


def test_an_optional_bool_prop_accepts_none():
    validation.boolean("force_destroy", None, optional=True)


def test_a_bool_prop_leaves_a_token_unchecked():
    validation.boolean("force_destroy", TOKEN)


@pytest.mark.parametrize("value", [True, "5", 5.0, None])
def test_an_int_prop_rejects_bools_strings_and_floats_as_a_type_error(value):
    with pytest.raises(TypeError, match=r"^days: expected an integer"):
        validation.integer("days", value)


def test_an_int_prop_accepts_an_int_within_bounds():
    validation.integer("days", 7, minimum=7, maximum=30)


@pytest.mark.parametrize(("value", "bounds"), [(6, "at least 7"), (31, "at least 7")])
def test_an_int_prop_out_of_bounds_is_a_value_error(value, bounds):
    with pytest.raises(ValueError, match=rf"^days: must be {bounds} and at most 30"):
        validation.integer("days", value, minimum=7, maximum=30)


@pytest.mark.parametrize("value", [3, b"abc", None, ["a"]])
def test_a_str_prop_rejects_other_types(value):
    with pytest.raises(TypeError, match=r"^file_pattern: expected a string"):
        validation.string("file_pattern", value)


def test_a_str_sequence_prop_accepts_a_list_or_tuple_of_strings():
    validation.string_sequence("pipelines", ["orders", TOKEN])
    validation.string_sequence("pipelines", ("orders",))


def test_a_str_sequence_prop_rejects_a_bare_string():
    with pytest.raises(TypeError, match=r"^pipelines: expected a list of strings, got 'orders'"):
        validation.string_sequence("pipelines", "orders")


def test_a_str_sequence_prop_names_each_item_of_the_wrong_type():
    with pytest.raises(TypeError) as error:
        validation.string_sequence("pipelines", ["orders", 3, None])
    assert [problem.prop for problem in error.value.problems] == ["pipelines[1]", "pipelines[2]"]


def test_a_struct_prop_accepts_an_instance_of_its_class():
    validation.instance_of("buckets", Struct(), Struct)


def test_a_struct_prop_rejects_a_dict_naming_the_expected_class():
    expected = re.escape("buckets: expected a Struct, got {'value': 1} (dict)")
    with pytest.raises(TypeError, match=f"^{expected}"):
        validation.instance_of("buckets", {"value": 1}, Struct)


def test_a_flag_only_where_allowed_passes_when_allowed_or_off():
    validation.only_where("adopt_legacy", True, True, "needs current")
    validation.only_where("adopt_legacy", False, False, "needs current")


def test_a_flag_only_where_allowed_is_a_value_error_saying_what_it_needs():
    with pytest.raises(PropValueError, match=r"^adopt_legacy: needs current$"):
        validation.only_where("adopt_legacy", True, False, "needs current")


def test_a_choice_prop_rejects_a_value_outside_its_choices():
    expected = "processing: must be one of 'copy_stage', 'consume_stream', got 'stream'"
    with pytest.raises(ValueError, match=f"^{expected}$"):
        validation.choice("processing", "stream", ("copy_stage", "consume_stream"))


# S3 bucket names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["abc", "a" * 63, "my.bucket-1", "inbound-bucket-happy-panda", "s3alias-at-start"]
)
def test_valid_bucket_names_pass(name):
    assert validation.bucket_name("bucket_name", name) == name


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ab", "must be 3 to 63 characters long (is 2)"),
        ("a" * 64, "must be 3 to 63 characters long (is 64)"),
        ("Bucket", "may hold only lowercase letters, digits, '.' and '-' (not 'B')"),
        ("my_bucket", "may hold only lowercase letters, digits, '.' and '-' (not '_')"),
        ("-bucket", "must begin and end with a lowercase letter or digit"),
        ("bucket.", "must begin and end with a lowercase letter or digit"),
        ("my..bucket", "must not contain two adjacent periods ('..')"),
        ("192.168.5.4", "must not be formatted as an IP address"),
        ("xn--bucket", "must not start with the reserved prefix 'xn--'"),
        ("sthree-bucket", "must not start with the reserved prefix 'sthree-'"),
        ("sthree-configurator-x", "must not start with the reserved prefix 'sthree-'"),
        ("amzn-s3-demo-bucket", "must not start with the reserved prefix 'amzn-s3-demo-'"),
        ("bucket-s3alias", "must not end with the reserved suffix '-s3alias'"),
        ("bucket--ol-s3", "must not end with the reserved suffix '--ol-s3'"),
        ("bucket.mrap", "must not end with the reserved suffix '.mrap'"),
        ("bucket--x-s3", "must not end with the reserved suffix '--x-s3'"),
        ("bucket--table-s3", "must not end with the reserved suffix '--table-s3'"),
    ],
)
def test_each_bucket_naming_rule_is_enforced_naming_the_prop(name, rule):
    with pytest.raises(ValueError) as error:
        validation.bucket_name("bucket_name", name)
    assert {problem.prop for problem in error.value.problems} == {"bucket_name"}
    assert str(error.value).startswith("bucket_name: ")
    assert rule in str(error.value)


def test_every_broken_bucket_naming_rule_is_reported_at_once():
    name = "xn--bad..name-s3alias"
    with pytest.raises(PropValueError) as error:
        validation.bucket_name("bucket_name", name)
    message = str(error.value)
    assert message.startswith("bucket_name: 3 problems:")
    assert len(error.value.problems) == 3
    for rule in ("prefix 'xn--'", "two adjacent periods", "suffix '-s3alias'"):
        assert rule in message


def test_an_empty_bucket_name_is_reported_as_missing():
    with pytest.raises(ValueError, match=r"^bucket_name: a value is required"):
        validation.bucket_name("bucket_name", "")


def test_a_bucket_name_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match=r"^bucket_name: expected a string"):
        validation.bucket_name("bucket_name", 42)


def test_a_token_bucket_name_is_left_to_terraform():
    assert validation.bucket_name("bucket_name", f"inbound-{TOKEN}") == f"inbound-{TOKEN}"


# ARNs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:sf-snowpipe-AIDAXYZ-abc_123",
        f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:queue.fifo",
        f"arn:aws-us-gov:sqs:us-gov-west-1:{ACCOUNT}:queue",
    ],
)
def test_an_sqs_queue_arn_passes(value):
    assert validation.sqs_queue_arn("notification_channel_arn", value) == value


def test_an_sns_topic_arn_is_not_an_sqs_queue_arn():
    value = f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"
    with pytest.raises(ValueError, match=r"^notification_channel_arn: ") as error:
        validation.sqs_queue_arn("notification_channel_arn", value)
    assert "must be an ARN of service 'sqs', not 'sns'" in str(error.value)


@pytest.mark.parametrize("value", ["sf-snowpipe-queue", "arn:aws:sqs", "https://sqs.example/q"])
def test_a_value_not_shaped_like_an_arn_is_rejected(value):
    with pytest.raises(ValueError, match=r"^notification_channel_arn: expected an ARN of the form"):
        validation.sqs_queue_arn("notification_channel_arn", value)


@pytest.mark.parametrize(
    ("value", "part"),
    [
        (f"arn:azure:sqs:us-east-1:{ACCOUNT}:q", "partition must be one of aws, aws-cn"),
        (f"arn:aws:sqs:useast1:{ACCOUNT}:q", "region must be an AWS region"),
        ("arn:aws:sqs:us-east-1:1234:q", "account must be 12 digits"),
        (f"arn:aws:sqs:us-east-1:{ACCOUNT}:bad/queue", "resource must look like '<queue name>'"),
    ],
)
def test_each_part_of_an_arn_is_checked(value, part):
    with pytest.raises(ValueError, match=r"^channel: ") as error:
        validation.sqs_queue_arn("channel", value)
    assert part in str(error.value)


def test_every_wrong_part_of_an_arn_is_reported_at_once():
    with pytest.raises(ValueError) as error:
        validation.sqs_queue_arn("channel", "arn:aws:sns:nowhere:42:topic")
    assert len(error.value.problems) == 3


def test_an_iam_role_arn_has_an_empty_region():
    validation.iam_role_arn("role_arn", f"arn:aws:iam::{ACCOUNT}:role/snowssi-role")
    validation.iam_role_arn("role_arn", f"arn:aws:iam::{ACCOUNT}:role/service-role/x")
    with pytest.raises(ValueError, match="region must be empty for 'iam'"):
        validation.iam_role_arn("role_arn", f"arn:aws:iam:us-east-1:{ACCOUNT}:role/x")


def test_an_iam_user_arn_is_not_a_role_arn():
    with pytest.raises(ValueError, match="resource must look like 'role/<name>'"):
        validation.iam_role_arn("role_arn", f"arn:aws:iam::{ACCOUNT}:user/x")


def test_a_kms_key_arn_names_a_key():
    validation.kms_key_arn("kms_key_arn", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_UUID}")
    validation.kms_key_arn("kms_key_arn", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{MRK}")
    with pytest.raises(ValueError, match="resource must look like 'key/<key id>'"):
        validation.kms_key_arn("kms_key_arn", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/x")


def test_an_arn_token_is_left_to_terraform():
    validation.kms_key_arn("kms_key_arn", TOKEN)


# KMS key ids, regions, state keys -------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        KEY_UUID,
        MRK,
        "alias/snowssi-state",
        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_UUID}",
        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/snowssi",
    ],
)
def test_a_kms_key_id_may_be_an_id_an_alias_or_an_arn_of_either(value):
    assert validation.kms_key_id("kms_key_id", value) == value


@pytest.mark.parametrize("value", ["my-key", "alias/", "1234ABCD-12AB-34CD-56EF-1234567890AB"])
def test_a_kms_key_id_of_another_shape_is_rejected(value):
    with pytest.raises(ValueError, match=r"^kms_key_id: expected a KMS key id"):
        validation.kms_key_id("kms_key_id", value)


def test_a_kms_key_arn_of_another_service_is_rejected_as_a_key_id():
    with pytest.raises(ValueError, match="service 'kms', not 's3'"):
        validation.kms_key_id("kms_key_id", "arn:aws:s3:::bucket")


@pytest.mark.parametrize("value", ["us-east-1", "us-gov-west-1", "cn-north-1", "eusc-de-east-1"])
def test_region_shaped_values_pass(value):
    assert validation.aws_region("region", value) == value


@pytest.mark.parametrize("value", ["US-EAST-1", "us-east", "useast1", "us east 1", ""])
def test_values_not_shaped_like_a_region_are_rejected(value):
    with pytest.raises(ValueError, match=r"^region: expected an AWS region"):
        validation.aws_region("region", value)


def test_a_state_key_with_folders_passes():
    key = "snowssi/dev/terraform.tfstate"
    assert validation.s3_backend_key("key", key) == key


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("/snowssi/terraform.tfstate", "must not start or end with '/'"),
        ("snowssi/", "must not start or end with '/'"),
        ("snowssi//terraform.tfstate", "must not contain '//'"),
        ("k" * 1025, "at most 1024 bytes"),
        (" ", "a value is required"),
    ],
)
def test_each_state_key_rule_of_the_s3_backend_is_enforced(value, rule):
    with pytest.raises(ValueError, match=r"^key: ") as error:
        validation.s3_backend_key("key", value)
    assert rule in str(error.value)


# Version constraints --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "1.14.0",
        "= 1.14.0",
        "=1.14.0",
        ">= 1.10",
        "~> 6.21",
        "~> 1",
        ">= 1.2.0, < 2.0.0",
        "!= 1.3.0",
        "1.15.0-beta1",
        "= 1.0.0-rc.1",
        " >= 1.10 , <= 1.14 ",
    ],
)
def test_terraform_version_constraints_pass(value):
    assert validation.version_constraint("required_version", value) == value


@pytest.mark.parametrize(
    "value", ["latest!", "latest", ">= ", "=> 1.0", "1.2.3.4", "v1.2.3", "1.0,", "~> 1.x", "== 1"]
)
def test_malformed_version_constraints_are_rejected_naming_the_prop(value):
    with pytest.raises(ValueError, match=r"^required_version: .* is not a version condition"):
        validation.version_constraint("required_version", value)


def test_every_malformed_condition_of_a_constraint_is_reported():
    with pytest.raises(ValueError) as error:
        validation.version_constraint("required_version", "latest, >= 1.0, newest")
    assert [problem.prop for problem in error.value.problems] == ["required_version"] * 2


def test_an_empty_version_constraint_is_reported_as_missing():
    with pytest.raises(ValueError, match=r"^required_version: a value is required"):
        validation.version_constraint("required_version", "")


# One error for every problem of a construct ---------------------------------------------


def test_problems_of_wrong_values_end_in_one_value_error_listing_each_prop():
    with pytest.raises(PropValueError) as error, Problems("SnowSSIStack") as problems:
        problems.check(validation.integer, "refresh_schedule_minutes", 0, minimum=1)
        problems.check(validation.warehouse_size, "warehouse_size", "HUGE")
    assert not isinstance(error.value, TypeError)
    lines = str(error.value).splitlines()
    assert lines[0] == "SnowSSIStack: 2 problems:"
    assert lines[1].startswith("  - refresh_schedule_minutes: must be at least 1")
    assert lines[2].startswith("  - warehouse_size: 'HUGE' is not a Snowflake warehouse size")


def test_problems_of_wrong_types_end_in_one_type_error():
    with pytest.raises(PropTypeError) as error, Problems("SnowSSIStack") as problems:
        problems.check(validation.boolean, "force_destroy", "no")
        problems.check(validation.boolean, "prevent_destroy", 1)
    assert not isinstance(error.value, ValueError)
    assert [problem.prop for problem in error.value.problems] == [
        "force_destroy",
        "prevent_destroy",
    ]


def test_mixed_problems_end_in_an_error_that_is_both_a_type_and_a_value_error():
    with pytest.raises(PropTypeAndValueError) as error, Problems("EncryptedBucket") as problems:
        problems.check(validation.boolean, "force_destroy", "no")
        problems.check(validation.bucket_name, "bucket_name", "Bad_Bucket")
    assert isinstance(error.value, TypeError)
    assert isinstance(error.value, ValueError)
    assert [problem.kind for problem in error.value.problems] == ["type", "value", "value"]


def test_a_single_problem_keeps_the_one_line_message():
    with pytest.raises(ValueError) as error, Problems("SnowSSIStack") as problems:
        problems.check(validation.require, "required_version", "")
    assert str(error.value) == "required_version: a value is required and must not be empty"


def test_no_problem_raises_nothing_and_check_returns_the_checked_value():
    with Problems("SnowSSIStack") as problems:
        size = problems.check(validation.warehouse_size, "warehouse_size", "xsmall")
    assert size == "XSMALL"
    assert problems.found == ()


def test_a_failed_check_returns_none_and_is_recorded():
    problems = Problems("SnowSSIStack")
    assert problems.check(validation.warehouse_size, "warehouse_size", "HUGE") is None
    assert [problem.prop for problem in problems.found] == ["warehouse_size"]


def test_problems_added_by_the_construct_are_listed_with_the_checked_ones():
    with pytest.raises(PropTypeAndValueError) as error, Problems("SnowSSIStack") as problems:
        problems.add("backend", "give either s3_backend or backend, not both")
        problems.add("buckets", "expected a BucketProtection", wrong_type=True)
    assert error.value.problems == (
        Problem("backend", "give either s3_backend or backend, not both", "value"),
        Problem("buckets", "expected a BucketProtection", "type"),
    )


def test_a_check_called_directly_inside_the_block_is_merged_into_the_one_error():
    with pytest.raises(PropValueError) as error, Problems("SnowSSIStack") as problems:
        problems.add("backend", "give either s3_backend or backend, not both")
        validation.integer("kms_deletion_window_days", 3, minimum=7, maximum=30)
    assert [problem.prop for problem in error.value.problems] == [
        "backend",
        "kms_deletion_window_days",
    ]
    assert error.value.__suppress_context__


def test_an_unrelated_error_inside_the_block_is_not_swallowed():
    with pytest.raises(KeyError), Problems("SnowSSIStack") as problems:
        problems.add("backend", "give either s3_backend or backend, not both")
        raise KeyError("bug")


def test_raise_if_any_reports_without_a_with_block():
    problems = Problems("PipelineKey")
    problems.raise_if_any()
    problems.check(validation.integer, "deletion_window_days", "7")
    with pytest.raises(TypeError, match=re.escape("deletion_window_days: expected an integer")):
        problems.raise_if_any()


def test_error_for_needs_at_least_one_problem():
    with pytest.raises(ValueError, match="no problems"):
        validation.error_for([])


# SNS topics and Snowflake roles (issue 16) ------------------------------------------


@pytest.mark.parametrize("name", ["alerts", "team_alerts-1", "a" * 256])
def test_a_standard_sns_topic_arn_passes(name):
    arn = f"arn:aws:sns:us-east-1:{ACCOUNT}:{name}"
    assert validation.sns_topic_arn("alert_topic_arn", arn) == arn


def test_a_fifo_sns_topic_arn_is_refused_naming_the_prop():
    with pytest.raises(
        PropValueError,
        match=r"^alert_topic_arn: Snowflake cannot publish error notifications to a FIFO "
        r"topic; give a standard SNS topic, got 'arn:aws:sns:us-east-1:123456789012:a\.fifo'$",
    ):
        validation.sns_topic_arn("alert_topic_arn", f"arn:aws:sns:us-east-1:{ACCOUNT}:a.fifo")


@pytest.mark.parametrize(
    ("value", "part"),
    [
        (f"arn:aws:sqs:us-east-1:{ACCOUNT}:alerts", "service 'sns'"),
        (f"arn:aws:sns:us-east-1:{ACCOUNT}:bad/name", "resource must look like '<topic name>'"),
        (f"arn:aws:sns:us-east-1:{ACCOUNT}:" + "a" * 257, "resource must look like"),
        ("arn:aws:sns:us-east-1:12:alerts", "account must be 12 digits"),
    ],
)
def test_each_part_of_an_sns_topic_arn_is_checked(value, part):
    with pytest.raises(PropValueError, match=rf"^alert_topic_arn: .*{re.escape(part)}"):
        validation.sns_topic_arn("alert_topic_arn", value)


def test_an_sns_topic_arn_token_is_left_to_terraform():
    assert validation.sns_topic_arn("alert_topic_arn", TOKEN) == TOKEN


@pytest.mark.parametrize("name", ["SNOWSSI_DEPLOYER", "_role", "role$1", "ACCOUNTADMIN"])
def test_a_role_name_snowflake_accepts_unquoted_passes(name):
    assert validation.account_role_name("snowflake_role", name) == name


@pytest.mark.parametrize("name", ["pipeline role", "1ROLE", "ROLE;DROP", "r-1", "R" * 256])
def test_a_role_name_snowflake_would_reject_is_refused(name):
    with pytest.raises(PropValueError, match=r"^snowflake_role: a Snowflake identifier"):
        validation.account_role_name("snowflake_role", name)


@pytest.mark.parametrize("name", [*sorted(validation.SYSTEM_ROLES), "sysadmin", "Public"])
def test_a_new_role_may_not_be_a_system_role(name):
    validation.account_role_name("role_name", name)  # an existing role: fine
    message = (
        f"role_name: '{name}' is a Snowflake system role; name a new role for the pipeline "
        "(for example SNOWSSI_DEPLOYER)"
    )
    with pytest.raises(PropValueError, match=f"^{re.escape(message)}$"):
        validation.account_role_name("role_name", name, new=True)


def test_a_new_role_given_as_a_token_is_left_to_terraform():
    assert validation.account_role_name("role_name", TOKEN, new=True) == TOKEN


def test_a_new_role_of_another_name_passes():
    assert validation.account_role_name("role_name", "SNOWSSI_DEPLOYER", new=True) == (
        "SNOWSSI_DEPLOYER"
    )


@pytest.mark.parametrize(("value", "error"), [("", PropValueError), (5, PropTypeError)])
def test_an_empty_or_non_text_sns_topic_arn_is_refused_naming_the_prop(value, error):
    with pytest.raises(error, match=r"^alert_topic_arn: "):
        validation.sns_topic_arn("alert_topic_arn", value)


def test_an_unexpected_keyword_is_a_type_error_with_the_closest_name_of_any_group():
    groups = [("the options", ["file_pattern", "processing"]), ("the props", ["pipelines"])]
    with pytest.raises(PropTypeError, match=r"^pipeline: .*; did you mean 'pipelines'\?$"):
        validation.unexpected_keyword("pipeline", groups)
    with pytest.raises(PropTypeError, match=r"^procesing: .*; did you mean 'processing'\?$"):
        validation.unexpected_keyword("procesing", groups)


def test_an_unexpected_keyword_far_from_every_name_lists_each_nonempty_group_sorted():
    groups = [("the options", ["b", "a"]), ("nothing", []), ("the props", ["zz_prop"])]
    with pytest.raises(PropTypeError) as raised:
        validation.unexpected_keyword("qqqqqqq", groups)
    assert str(raised.value) == (
        "qqqqqqq: unexpected keyword argument; the options are a, b; the props are zz_prop"
    )
