"""The validation rules word for word: each message, the kind of each problem and each
boundary exactly, so that a changed word, kind or comparison fails a test (written
against the mutants ``python3 dev.py mutate`` left alive)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import pytest

from snowssi_constructs import validation as v
from snowssi_constructs.validation import Problem

REQUIRED = "a value is required and must not be empty"
SIZES = (
    "2X-LARGE, 3X-LARGE, 4X-LARGE, 5X-LARGE, 6X-LARGE, LARGE, MEDIUM, SMALL, X-LARGE, "
    "X-SMALL, X2LARGE, X3LARGE, X4LARGE, X5LARGE, X6LARGE, XLARGE, XSMALL, XXLARGE, XXXLARGE"
)


def _call(text: str) -> Callable[[], object]:
    # The calls are written out as text, so each test's id reads as the call it makes.
    return lambda: eval(text, {"v": v})


TYPE_ERRORS = [
    ("v.boolean('flag', 'no')", "flag: expected True or False, got 'no' (str)"),
    ("v.integer('n', 'x', optional=True)", "n: expected an integer, got 'x' (str)"),
    ("v.string('s', 5, optional=True)", "s: expected a string, got 5 (int)"),
    ("v.string_sequence('p', None)", "p: expected a list of strings, got None (NoneType)"),
    ("v.string_sequence('p', 'ab')", "p: expected a list of strings, got 'ab' (str)"),
    ("v.string_sequence('p', [1], optional=True)", "p[0]: expected a string, got 1 (int)"),
    ("v.string_sequence('p', ['a', 1])", "p[1]: expected a string, got 1 (int)"),
    ("v.instance_of('p', None, int)", "p: expected a int, got None (NoneType)"),
    ("v.instance_of('p', 'x', int, optional=True)", "p: expected a int, got 'x' (str)"),
    ("v.instance_of('p', 'x', (int, float))", "p: expected a int or float, got 'x' (str)"),
    ("v.choice('p', 5, ['a'])", "p: expected a string, got 5 (int)"),
    ("v.non_empty_string('n', 5, optional=True)", "n: expected a string, got 5 (int)"),
    ("v.terraform_name('id', 5)", "id: expected a string, got 5 (int)"),
]


@pytest.mark.parametrize(("call", "message"), TYPE_ERRORS)
def test_a_wrong_type_is_a_type_error_word_for_word(call: str, message: str):
    with pytest.raises(TypeError) as error:
        _call(call)()
    assert str(error.value) == message
    assert not isinstance(error.value, ValueError)
    assert [problem.kind for problem in error.value.problems] == ["type"]


VALUE_ERRORS = [
    ("v.integer('n', 6, maximum=5)", "n: must be at most 5, got 6"),
    ("v.aws_region('region', None)", f"region: {REQUIRED}"),
    ("v.arn('p', None, service='sqs')", f"p: {REQUIRED}"),
    (
        "v.arn('p', 'nope', service='sqs')",
        "p: expected an ARN of the form arn:<partition>:sqs:<region>:<account>:<resource>, "
        "got 'nope'",
    ),
    (
        "v.sqs_queue_arn('q', 'arn:aws:sqs:us-east-1:123456789012:a:b')",
        "q: ARN 'arn:aws:sqs:us-east-1:123456789012:a:b': resource must look like "
        "'<queue name>', not 'a:b'",
    ),
    (
        "v.kms_key_arn('k', 'arn:aws:kms:us-east-1:123456789012:alias/a')",
        "k: ARN 'arn:aws:kms:us-east-1:123456789012:alias/a': resource must look like "
        "'key/<key id>', not 'alias/a'",
    ),
    (
        "v.iam_role_arn('r', 'arn:aws:iam::123456789012:user/u')",
        "r: ARN 'arn:aws:iam::123456789012:user/u': resource must look like 'role/<name>', "
        "not 'user/u'",
    ),
    ("v.kms_key_id('k', None)", f"k: {REQUIRED}"),
    ("v.kms_key_id('k', ' ')", f"k: {REQUIRED}"),
    (
        "v.kms_key_id('k', 'arn:aws:kms:us-east-1:123456789012:foo/bar')",
        "k: ARN 'arn:aws:kms:us-east-1:123456789012:foo/bar': resource must look like "
        "'key/<key id> or alias/<name>', not 'foo/bar'",
    ),
    ("v.s3_backend_key('key', None)", f"key: {REQUIRED}"),
    (
        "v.s3_backend_key('key', '/a//b/')",
        "key: 2 problems:\n"
        "  - key: a state key must not start or end with '/', got '/a//b/'\n"
        "  - key: a state key must not contain '//', got '/a//b/'",
    ),
    ("v.version_constraint('required_version', None)", f"required_version: {REQUIRED}"),
    (
        "v.version_constraint('required_version', 'one')",
        "required_version: 'one' in 'one' is not a version condition: expected an optional "
        "operator (=, !=, >, >=, <, <=, ~>) and a version MAJOR[.MINOR[.PATCH]][-prerelease], "
        "as in '>= 1.10, < 2.0'",
    ),
    ("v.warehouse_size('warehouse_size', None)", f"warehouse_size: {REQUIRED}"),
    ("v.warehouse_size('warehouse_size', ' ')", f"warehouse_size: {REQUIRED}"),
    (
        "v.warehouse_size('warehouse_size', 'HUGE')",
        f"warehouse_size: 'HUGE' is not a Snowflake warehouse size; use one of {SIZES}",
    ),
    (
        "v.bucket_name('b', '-Ab..c_')",
        "b: 3 problems:\n"
        "  - b: an S3 bucket name may hold only lowercase letters, digits, '.' and '-' "
        "(not 'A_'), got '-Ab..c_'\n"
        "  - b: an S3 bucket name must begin and end with a lowercase letter or digit, "
        "got '-Ab..c_'\n"
        "  - b: an S3 bucket name must not contain two adjacent periods ('..'), got '-Ab..c_'",
    ),
    (
        "v.bucket_name('b', '192.168.1.1')",
        "b: an S3 bucket name must not be formatted as an IP address, got '192.168.1.1'",
    ),
    ("v.snowflake_identifier('name', ' ')", f"name: {REQUIRED}"),
    (
        "v.snowflake_identifier('name', 'a' * 256)",
        "name: a Snowflake identifier must start with a letter or '_' and hold only letters, "
        f"digits, '_' and '$' (at most 255 characters), got {'a' * 256!r}",
    ),
    ("v.name_suffix('name_suffix', ' ')", f"name_suffix: {REQUIRED}"),
    (
        "v.name_suffix('name_suffix', 'Team A')",
        "name_suffix: a name suffix may hold only lowercase letters, digits, '-' and '_' and "
        "must begin and end with a letter or digit, got 'Team A'",
    ),
    ("v.unique('pipelines', ['a', 'b', 'a'])", "pipelines: 'a' is given more than once"),
    ("v.serverless_task_size('s', None)", f"s: {REQUIRED}"),
    (
        "v.serverless_task_size('s', 'X3LARGE')",
        "s: serverless tasks are limited to the compute of an XXLARGE warehouse, got "
        "'X3LARGE'; use one of XSMALL, SMALL, MEDIUM, LARGE, XLARGE, XXLARGE",
    ),
    ("v.snowflake_pattern('file_pattern', None)", f"file_pattern: {REQUIRED}"),
    ("v.snowflake_pattern('file_pattern', ' ')", f"file_pattern: {REQUIRED}"),
    (
        "v.snowflake_pattern('file_pattern', '(')",
        "file_pattern: not a regular expression (missing ), unterminated subpattern at "
        "position 0): '('",
    ),
    (
        "v.snowflake_pattern('file_pattern', '^(?!a).*?$')",
        "file_pattern: Snowflake runs POSIX extended regular expressions and cannot run a "
        "look-ahead '(?!' at position 1; a lazy quantifier '*?' at position 7 "
        "(in '^(?!a).*?$'); rewrite the pattern without it",
    ),
    ("v.non_empty_string('n', None)", f"n: {REQUIRED}"),
    (
        "v.terraform_name('id', '1x')",
        "id: '1x' is not a valid Terraform resource name (start with a letter or '_', then "
        "letters, digits, '_' or '-')",
    ),
    ("v.s3_url('url', None)", f"url: {REQUIRED}"),
    (
        "v.s3_url('url', 'https://x')",
        "url: an S3 stage URL must start with 's3://', got 'https://x'",
    ),
    ("v.iam_name('role_name', None, max_length=64)", f"role_name: {REQUIRED}"),
    ("v.iam_name('role_name', ' ', max_length=64)", f"role_name: {REQUIRED}"),
    (
        "v.iam_name('role_name', 'a b', max_length=64)",
        "role_name: an IAM name holds 1 to 64 letters, digits and '+=,.@_-', got 'a b'",
    ),
    ("v.account_id('account_id', None)", f"account_id: {REQUIRED}"),
    ("v.account_id('account_id', '123')", "account_id: an AWS account id is 12 digits, got '123'"),
    ("v.kms_alias_name('alias_name', None)", f"alias_name: {REQUIRED}"),
    (
        "v.kms_alias_name('alias_name', 'alias/aws/x')",
        "alias_name: a KMS alias is 'alias/' then letters, digits, '/', '_' and '-', and not "
        "'alias/aws/...', got 'alias/aws/x'",
    ),
]


@pytest.mark.parametrize(("call", "message"), VALUE_ERRORS)
def test_a_broken_rule_is_a_value_error_word_for_word(call: str, message: str):
    with pytest.raises(ValueError) as error:
        _call(call)()
    assert str(error.value) == message
    assert not isinstance(error.value, TypeError)
    assert {problem.kind for problem in error.value.problems} == {"value"}


TOKEN = "${TfToken[TOKEN.1]}"


@pytest.mark.parametrize(
    ("call", "result"),
    [
        ("v.integer('n', 5, maximum=5)", None),
        ("v.integer('n', None, optional=True)", None),
        ("v.string('s', None, optional=True)", None),
        ("v.string_sequence('p', None, optional=True)", None),
        ("v.instance_of('p', None, int, optional=True)", None),
        ("v.non_empty_string('n', None, optional=True)", None),
        ("v.s3_backend_key('key', 'k' * 1024)", "k" * 1024),
        ("v.snowflake_identifier('name', 'a' * 255)", "a" * 255),
        ("v.name_suffix('name_suffix', 'team-a')", "team-a"),
        ("v.unique('pipelines', ['a', 'b'])", None),
        ("v.serverless_task_size('s', 'xsmall')", "XSMALL"),
        (f"v.serverless_task_size('s', {TOKEN!r})", TOKEN),
        ("v.s3_url('url', 's3://bucket/')", None),
        (f"v.s3_url('url', {TOKEN!r})", None),
        ("v.iam_name('role_name', 'a' * 64, max_length=64)", None),
        ("v.account_id('account_id', '123456789012')", None),
        ("v.kms_alias_name('alias_name', 'alias/ok')", None),
    ],
)
def test_values_at_the_edge_pass(call: str, result: object):
    assert _call(call)() == result


def test_a_posix_class_passes_without_a_warning():
    # Python warns about '[[' (a possible future set syntax) when it compiles the pattern,
    # not when it takes it from its cache; the check silences that warning.
    re.purge()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert v.snowflake_pattern("file_pattern", "[[:alpha:]]+") == "[[:alpha:]]+"


@pytest.mark.parametrize(
    "kinds", [("type", "type"), ("value", "value"), ("type", "value")], ids="-".join
)
def test_the_owner_heads_an_error_of_several_problems(kinds: tuple[str, str]):
    problems = [Problem("a", "x", kinds[0]), Problem("b", "y", kinds[1])]  # type: ignore[arg-type]
    error = v.error_for(problems, "Owner")
    assert str(error) == "Owner: 2 problems:\n  - a: x\n  - b: y"
    assert error.owner == "Owner"


def test_an_error_for_no_problems_is_refused():
    with pytest.raises(ValueError, match=r"^error_for: no problems to report$"):
        v.error_for([])


def test_check_passes_positional_and_keyword_arguments_to_the_rule():
    problems = v.Problems("Owner")
    assert problems.check(v.choice, "processing", "x", ("a", "b")) is None
    assert problems.check(v.integer, "n", 0, minimum=1) is None
    assert problems.found == (
        Problem("processing", "must be one of 'a', 'b', got 'x'"),
        Problem("n", "must be at least 1, got 0"),
    )
