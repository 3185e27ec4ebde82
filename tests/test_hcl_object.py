"""The reader of the HCL object expressions inside ``${jsonencode(...)}``, and
``checkov_input``'s rendering of every policy with it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from snowssi_constructs.testing.checkov_input import key_policy_for_ckv_aws_33, scannable
from snowssi_constructs.testing.hcl_object import (
    HclSyntaxError,
    is_jsonencode,
    jsonencode_argument,
    parse_hcl_value,
)


def test_literals_are_their_values() -> None:
    assert parse_hcl_value('{"a" = 1, "b" = -2.5, "c" = true, "d" = false, "e" = null}') == {
        "a": 1,
        "b": -2.5,
        "c": True,
        "d": False,
        "e": None,
    }
    assert parse_hcl_value('["x", [], {}, ["y",],]') == ["x", [], {}, ["y"]]
    assert parse_hcl_value('{a = "identifier key", "b": "colon"}') == {
        "a": "identifier key",
        "b": "colon",
    }


def test_string_escapes_are_decoded() -> None:
    text = r'"a\"b\\c\nd\te\rf\u00e9\U0001F600"'
    assert parse_hcl_value(text) == 'a"b\\c\nd\te\rf\u00e9\U0001f600'


def test_templates_keep_interpolations_directives_and_their_escapes() -> None:
    text = r'"${aws_s3_bucket.b.arn}/*, ${format("%s}", "]")} $${literal} %{if true}x%{endif} %%{"'
    assert parse_hcl_value(text) == (
        '${aws_s3_bucket.b.arn}/*, ${format("%s}", "]")} $${literal} %{if true}x%{endif} %%{'
    )


def test_other_expressions_become_interpolations() -> None:
    assert parse_hcl_value(
        '{"Resource" = aws_kms_key.k.arn, "Value" = x.describe_output[0].v[0].value,'
        ' "Arn" = format("arn:aws:iam::%s:role/%s", data.a.b, lower(join("", ["r-", "}"]))),'
        ' "Cond" = var.a != "" ? var.a : null}'
    ) == {
        "Resource": "${aws_kms_key.k.arn}",
        "Value": "${x.describe_output[0].v[0].value}",
        "Arn": '${format("arn:aws:iam::%s:role/%s", data.a.b, lower(join("", ["r-", "}"])))}',
        "Cond": '${var.a != "" ? var.a : null}',
    }


@pytest.mark.parametrize(
    "text",
    [
        '{"a" = 1 "b" = 2}',  # no comma
        '{"a" 1}',  # no equals sign
        '["a"',  # unclosed
        '"abc',  # unterminated string
        r'"\q"',  # unknown escape
        r'"\u00"',  # short escape
        "f(x]",  # mismatched brackets
        '{"a" = }',  # no value
        '{"a" = 1} x',  # trailing text
        "{1 = 2}",  # not a key
    ],
)
def test_what_is_not_the_grammar_is_an_error(text: str) -> None:
    with pytest.raises(HclSyntaxError, match="offset"):
        parse_hcl_value(text)


def test_jsonencode_argument_reads_only_a_whole_jsonencode() -> None:
    assert is_jsonencode('${jsonencode({"a" = b.c})}')
    assert jsonencode_argument('${jsonencode({"a" = b.c})}') == {"a": "${b.c}"}
    assert not is_jsonencode("${aws_s3_bucket.b.arn}")
    with pytest.raises(HclSyntaxError, match="not a"):
        jsonencode_argument("${aws_s3_bucket.b.arn}")


def test_scannable_copy_holds_each_policy_as_json_text(default_document: dict[str, Any]) -> None:
    copy = json.loads(scannable(json.dumps(default_document)))
    resources = default_document["resource"]
    for resource_type, name, argument in (
        ("aws_iam_role", "role", "assume_role_policy"),
        ("aws_iam_role_policy", "policy", "policy"),
    ):
        rendered = copy["resource"][resource_type][name][argument]
        assert json.loads(rendered) == jsonencode_argument(resources[resource_type][name][argument])
    # The rest as synthesized.
    assert copy["resource"]["aws_s3_bucket"] == resources["aws_s3_bucket"]
    assert "moved" not in copy
    assert "required_version" not in copy["terraform"]


def test_key_policy_is_an_object_with_wildcard_principals_as_ckv_aws_33_reads_them() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:x", "*"]}},
            {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "${data.x.arn}"}},
            {"Sid": "C", "Effect": "Deny", "Principal": "*"},
            {"Sid": "D", "Effect": "Allow", "Principal": {"AWS": "*"}, "Condition": {}},
        ],
    }
    assert key_policy_for_ckv_aws_33(policy) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": "*"},
            {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "${data.x.arn}"}},
            {"Sid": "D", "Effect": "Allow", "Principal": "*", "Condition": {}},
        ],
    }


def test_a_policy_the_scan_cannot_read_is_an_error_naming_it() -> None:
    document = {
        "resource": {
            "aws_iam_role": {"role": {"assume_role_policy": '${jsonencode({"a" = 1 "b" = 2})}'}}
        }
    }
    with pytest.raises(HclSyntaxError, match=r"^aws_iam_role\.role\.assume_role_policy: expected"):
        scannable(json.dumps(document))
