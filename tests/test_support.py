"""The tests' own helpers: one reading of ``CI``; the apply cycle's reading of a plan."""

from __future__ import annotations

import re

import pytest

from tests.support import CI_ENV, ROOT, in_ci

# Reading the variable by its name: through os.environ (subscript, get, `in`) or os.getenv.
_READS_CI = re.compile(r"""(?:environ|getenv)\b.{0,12}["']CI["']|["']CI["']\s+(?:not\s+)?in\b""")


@pytest.mark.parametrize("value", ["true", "TRUE", "True", " true\n", "1", "yes", "YES"])
def test_ci_is_on_for_true_1_and_yes(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv(CI_ENV, value)
    assert in_ci() is True


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off", "ci"])
def test_ci_is_off_otherwise(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv(CI_ENV, value)
    assert in_ci() is False


def test_ci_is_off_when_unset(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(CI_ENV, raising=False)
    assert in_ci() is False


def test_only_the_helper_reads_ci():
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").glob("*.py"))
        if _READS_CI.search(path.read_text())
    ]
    assert readers == []


@pytest.mark.parametrize(
    "line",
    ['os.environ.get("{}", "")', "os.getenv('{}')", 'os.environ["{}"]', '"{}" in os.environ'],
)
def test_the_ci_scan_finds_a_reading(line: str):
    assert _READS_CI.search(line.format(CI_ENV))


# A line of `terraform plan -json` (Terraform 1.11.4, aws 5.100.0) for a bucket with the
# deprecated `acl`, as `terraform validate` reports it too; shortened to its keys.
PLAN_WARNING = (
    '{"@level":"warn","@message":"Warning: Argument is deprecated","@module":"terraform.ui",'
    '"diagnostic":{"severity":"warning","summary":"Argument is deprecated","detail":"acl is '
    'deprecated. Use the aws_s3_bucket_acl resource instead.","address":"aws_s3_bucket.b"},'
    '"type":"diagnostic"}'
)
PLAN_VERSION = '{"@level":"info","@message":"Terraform 1.11.4","type":"version"}'


def test_the_apply_cycles_plan_check_sees_a_warning_terraform_validate_would_report():
    from tests.terraform_env import plan_diagnostics

    assert plan_diagnostics(f"{PLAN_VERSION}\n{PLAN_WARNING}\n") == [
        "warning: Argument is deprecated: acl is deprecated. Use the aws_s3_bucket_acl "
        "resource instead."
    ]
    assert plan_diagnostics(f"{PLAN_VERSION}\n") == []
