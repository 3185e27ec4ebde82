"""Security scan: checkov on the synthesized JSON of the default stack and the examples.

checkov must use ``--framework terraform_json`` (the ``terraform`` framework finds
nothing in ``cdk.tf.json`` and exits 0), so every test asserts that resources were
actually checked. The default stack may skip only the HCL module's own skips
(``.checkov.yaml``); the hardened stack only those in ``.checkov-hardened.yaml``.

checkov 3.3.30's terraform_json parser cannot read two blocks cdktf writes: a string
``terraform.required_version`` and the list-shaped ``moved`` (both end in "this method
receives only dicts" and a parsing error that drops the whole file; checkov issue
#7454). Neither declares a resource, so the scanned copy leaves them out, and the
tests assert there were no parsing errors.

checkov evaluates no ``${jsonencode(...)}``: on the JSON as synthesized, its policy
checks read no document and pass whatever the policy allows. The scanned copy
(``checkov_input.scannable``) renders every policy, and
``test_checkov_fails_wildcards_injected_into_the_policies`` shows the checks now read
them: each injected wildcard fails its check, which passes on the unrendered copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs.testing.checkov_input import scannable
from tests.support import EXAMPLES, ROOT
from tests.terraform_env import require, synthesized_texts

# The JSON both flavours share: checked once, on CDKTF (see dev.py).
pytestmark = pytest.mark.shared_json

CONFIG = ROOT / ".checkov.yaml"
HARDENED_CONFIG = ROOT / ".checkov-hardened.yaml"
# The HCL module's own skips (spec, defect 4).
ORIGINAL_SKIPS = {"CKV_AWS_18", "CKV2_AWS_61", "CKV2_AWS_62", "CKV2_AWS_64", "CKV_AWS_144"}
# Stacks built with hardened=True.
HARDENED_STACKS = ("hardened/snowssi", "environments/snowssi-prod")


def checkov_command() -> list[str]:
    executable = Path(sys.executable).parent / "checkov"
    require([] if executable.is_file() else [f"checkov next to {sys.executable}"])
    return [str(executable)]


def skips_of(config: Path) -> set[str]:
    import yaml

    return set(yaml.safe_load(config.read_text())["skip-check"])


@dataclass
class Scan:
    """One checkov run over several stacks, results split by stack label."""

    summary: dict[str, Any]
    results: dict[str, list[dict[str, Any]]]  # "passed_checks"... -> checks
    parsing_errors: list[str]

    def checks(self, label: str, outcome: str) -> list[dict[str, Any]]:
        return [
            c
            for c in self.results.get(outcome, [])
            if c["file_path"].strip("/").startswith(label + "/")
        ]

    def counts(self, label: str) -> dict[str, int]:
        return {
            outcome.split("_")[0]: len(self.checks(label, outcome))
            for outcome in ("passed_checks", "skipped_checks", "failed_checks")
        }

    def resources(self, label: str) -> set[tuple[str, int, int]]:
        """The blocks checked, as (file, first line, last line): checkov 3.3.30 names a
        resource ``resource.<name>`` (without its type) in most terraform_json results,
        so the name alone does not identify it."""
        return {
            (c["file_path"], *c["file_line_range"])
            for outcome in ("passed_checks", "skipped_checks", "failed_checks")
            for c in self.checks(label, outcome)
        }

    def passed(self, label: str, check_id: str) -> list[str]:
        return [
            c["resource"] for c in self.checks(label, "passed_checks") if c["check_id"] == check_id
        ]

    def failed_ids(self, label: str) -> Counter[str]:
        return Counter(c["check_id"] for c in self.checks(label, "failed_checks"))


def checkov_env() -> dict[str, str]:
    """The environment without the user's checkov settings (CKV_*, BC_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CKV_", "BC_", "PRISMA_"))}
    env["BC_SKIP_MAPPING"] = "TRUE"  # offline: no guideline download
    return env


def start_scan(
    root: Path,
    labels: list[str],
    config: Path | None,
    tmp: Path,
    texts: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[str], Path]:
    """checkov over the stacks ``labels`` of ``texts`` (the synthesized stacks by
    default), as ``texts`` values already made scannable."""
    if texts is None:
        texts = {label: scannable(text) for label, text in synthesized_texts().items()}
    for label in labels:
        target = root / label / "cdk.tf.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(texts[label])
    command = [
        *checkov_command(),
        "--directory",
        str(root),
        "--framework",
        "terraform_json",
        "--output",
        "json",
        "--skip-download",
    ]
    if config is not None:
        command += ["--config-file", str(config)]
    stderr = tmp / f"{root.name}.stderr"
    # cwd outside the repository: checkov also reads a .checkov.yaml from its cwd.
    with stderr.open("w") as errors:
        process = subprocess.Popen(
            command,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=checkov_env(),
        )
    return process, stderr


def finish_scan(process: subprocess.Popen[str], stderr: Path) -> Scan:
    stdout, _ = process.communicate(timeout=600)
    # Exit code 1 means "some check failed"; the tests look at the results instead.
    assert process.returncode in (0, 1), (
        f"checkov exited {process.returncode}:\n{stderr.read_text()[-4000:]}"
    )
    report = json.loads(stdout)
    reports = report if isinstance(report, list) else [report]
    (report,) = [r for r in reports if r.get("check_type") in (None, "terraform_json")]
    return Scan(
        summary=report["summary"],
        results=report.get("results", {}),
        parsing_errors=report.get("results", {}).get("parsing_errors", []),
    )


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scan]:
    """The four checkov runs, started together (each costs ~6 s, mostly start-up):
    default stack with .checkov.yaml, examples with .checkov.yaml, hardened with
    .checkov-hardened.yaml, and everything without skips (to show the skips are needed)."""
    texts = synthesized_texts()
    examples = [label for label in texts if label.split("/")[0] in EXAMPLES]
    tmp = tmp_path_factory.mktemp("checkov")
    runs = {
        "default": (["default/snowssi"], CONFIG),
        "examples": (examples, CONFIG),
        "hardened": (list(HARDENED_STACKS), HARDENED_CONFIG),
        "unskipped": (sorted(texts), None),
    }
    started = {
        name: start_scan(tmp / name, labels, config, tmp) for name, (labels, config) in runs.items()
    }
    return {name: finish_scan(*process) for name, process in started.items()}


def test_config_skips_exactly_the_original_checks() -> None:
    assert skips_of(CONFIG) == ORIGINAL_SKIPS
    assert skips_of(HARDENED_CONFIG) < ORIGINAL_SKIPS
    # Every skip carries a reason: a comment line right above it.
    for config in (CONFIG, HARDENED_CONFIG):
        lines = config.read_text().splitlines()
        for index, line in enumerate(lines):
            if line.strip().startswith("- CKV"):
                assert lines[index - 1].strip().startswith("#"), f"{config.name}: {line}"


# checkov runs in its own processes (the scans fixture).
@pytest.mark.integration
def test_default_stack_passes_with_the_original_skips(
    scans: dict[str, Scan], capsys: pytest.CaptureFixture[str]
) -> None:
    scan = scans["default"]
    label = "default/snowssi"
    assert scan.parsing_errors == []
    checked = scan.resources(label)
    # The guard: a scan that checked nothing passes trivially.
    assert len(checked) > 0
    # ... and it looked at the real resources: checks of each type passed on each one.
    document = json.loads(synthesized_texts()[label])
    buckets = sorted(f"aws_s3_bucket.{name}" for name in document["resource"]["aws_s3_bucket"])
    assert len(buckets) == 2
    assert sorted(scan.passed(label, "CKV_AWS_145")) == buckets  # SSE-KMS by default
    assert sorted(scan.passed(label, "CKV_AWS_21")) == buckets  # versioning
    assert sorted(scan.passed(label, "CKV2_AWS_6")) == buckets  # public access block
    assert len(scan.passed(label, "CKV_AWS_53")) == 2  # block_public_acls, per bucket
    assert scan.passed(label, "CKV_AWS_7") == ["resource.kms_key"]  # key rotation
    # These pass on the rendered documents (their reading of a document is shown by
    # test_checkov_fails_wildcards_injected_into_the_policies).
    assert scan.passed(label, "CKV_AWS_60") == ["resource.role"]  # trust policy
    assert scan.passed(label, "CKV_AWS_61") == ["resource.role"]  # no account principal
    assert scan.passed(label, "CKV_AWS_62") == ["resource.policy"]  # no "*" on "*"
    assert scan.passed(label, "CKV_AWS_63") == ["resource.policy"]  # no "*" action
    assert scan.passed(label, "CKV2_AWS_40") == ["aws_iam_role_policy.policy"]
    counts = scan.counts(label)
    suppressed = sum(scans["unskipped"].failed_ids(label).values())
    with capsys.disabled():
        print(
            f"\ncheckov {scan.summary['checkov_version']} {label}: "
            f"{len(checked)} resources, passed {counts['passed']}, skipped {counts['skipped']}, "
            f"failed {counts['failed']} (.checkov.yaml suppresses {suppressed} failures)"
        )
    assert counts["passed"] > 0
    assert counts["failed"] == 0, [
        (c["check_id"], c["resource"]) for c in scan.checks(label, "failed_checks")
    ]


@pytest.mark.integration
def test_examples_pass_with_the_original_skips(
    scans: dict[str, Scan], capsys: pytest.CaptureFixture[str]
) -> None:
    scan = scans["examples"]
    assert scan.parsing_errors == []
    labels = sorted(label for label in synthesized_texts() if label.split("/")[0] in EXAMPLES)
    assert {label.split("/")[0] for label in labels} == set(EXAMPLES)
    lines, failures = [], {}
    for label in labels:
        counts = scan.counts(label)
        suppressed = scans["unskipped"].failed_ids(label)
        lines.append(
            f"  {label:<36} {len(scan.resources(label)):3d} resources, passed "
            f"{counts['passed']:3d}, skipped {counts['skipped']}, failed {counts['failed']}; "
            f"without skips fails {dict(sorted(suppressed.items()))}"
        )
        declared = json.loads(synthesized_texts()[label])["resource"]
        if not any(resource_type.startswith("aws_") for resource_type in declared):
            # The bootstraps hold Snowflake resources only, and checkov checks none.
            assert label in ("least_privilege/bootstrap", "stall_alerts/bootstrap"), label
            continue
        assert scan.resources(label), f"checkov checked nothing in {label}"
        assert counts["passed"] > 0, label
        if counts["failed"]:
            failures[label] = [
                (c["check_id"], c["resource"]) for c in scan.checks(label, "failed_checks")
            ]
    with capsys.disabled():
        print("\ncheckov on the examples (.checkov.yaml):\n" + "\n".join(lines))
    assert not failures


@pytest.mark.integration
@pytest.mark.parametrize("label", HARDENED_STACKS)
def test_hardened_stack_passes_with_fewer_skips(
    scans: dict[str, Scan], label: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = scans["hardened"]
    assert scan.parsing_errors == []
    counts = scan.counts(label)
    still_failing = scans["unskipped"].failed_ids(label)
    with capsys.disabled():
        print(
            f"\ncheckov {label} (.checkov-hardened.yaml): {len(scan.resources(label))} "
            f"resources, passed {counts['passed']}, skipped {counts['skipped']}, failed "
            f"{counts['failed']}; without skips fails {dict(sorted(still_failing.items()))}"
        )
    assert scan.resources(label)
    assert counts["passed"] > 0
    assert counts["failed"] == 0, scan.checks(label, "failed_checks")
    # No stale skip: each one is still needed by the hardened stack.
    assert set(still_failing) == skips_of(HARDENED_CONFIG)


@pytest.mark.integration
def test_original_skips_are_all_needed_by_the_default_stack(scans: dict[str, Scan]) -> None:
    """The default stack reproduces the module, so it fails exactly the module's skips
    (a skip that stopped failing would hide a regression if it came back)."""
    assert set(scans["unskipped"].failed_ids("default/snowssi")) == ORIGINAL_SKIPS


# Statements put first in a policy's ``"Statement" = [`` list, in the HCL the stacks
# write: (stack the policy is in, resource type, argument, statement) per injection.
INJECTED_STATEMENTS = {
    "wildcard_action": (
        "default/snowssi",
        "aws_iam_role_policy",
        "policy",
        '{"Action" = "*", "Effect" = "Allow", "Resource" = aws_kms_key.kms_key.arn}',
    ),
    "wildcard_action_and_resource": (
        "default/snowssi",
        "aws_iam_role_policy",
        "policy",
        '{"Action" = "*", "Effect" = "Allow", "Resource" = "*"}',
    ),
    "wildcard_principal_in_trust_policy": (
        "default/snowssi",
        "aws_iam_role",
        "assume_role_policy",
        '{"Action" = "sts:AssumeRole", "Effect" = "Allow", "Principal" = {"AWS" = "*"}}',
    ),
    "account_principal_in_trust_policy": (
        "default/snowssi",
        "aws_iam_role",
        "assume_role_policy",
        # A literal account: CKV_AWS_61 matches twelve digits, not a reference.
        '{"Action" = "sts:AssumeRole", "Effect" = "Allow", "Principal" = {"AWS" = '
        '"arn:aws:iam::123456789012:root"}}',
    ),
    "wildcard_principal_in_key_policy": (
        "hardened/snowssi",
        "aws_kms_key",
        "policy",
        '{"Sid" = "Anyone", "Effect" = "Allow", "Principal" = {"AWS" = "*"}, '
        '"Action" = "kms:*", "Resource" = "*"}',
    ),
}
# What each injection must fail: (check, the resource as checkov names it).
EXPECTED_FAILURES = {
    "wildcard_action": {("CKV_AWS_63", "resource.policy")},
    "wildcard_action_and_resource": {
        ("CKV_AWS_62", "resource.policy"),
        ("CKV_AWS_63", "resource.policy"),
    },
    "wildcard_principal_in_trust_policy": {("CKV_AWS_60", "resource.role")},
    "account_principal_in_trust_policy": {("CKV_AWS_61", "resource.role")},
    "wildcard_principal_in_key_policy": {("CKV_AWS_33", "resource.kms_key")},
}
POLICY_CHECKS = {"CKV_AWS_33", "CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_62", "CKV_AWS_63"}


def injected(text: str, resource_type: str, argument: str, statement: str) -> str:
    """``text`` (a synthesized stack) with ``statement`` first in the one policy at
    ``argument`` of the one resource of ``resource_type``."""
    document = json.loads(text)
    (resource,) = document["resource"][resource_type].values()
    policy = resource[argument]
    assert policy.count('"Statement" = [') == 1, policy
    resource[argument] = policy.replace('"Statement" = [', f'"Statement" = [{statement}, ')
    return json.dumps(document, indent=2)


def unrendered(text: str) -> str:
    """The copy checkov can parse, policies left as synthesized."""
    from snowssi_constructs.testing.checkov_input import UNPARSABLE_BY_CHECKOV

    document = json.loads(text)
    for block in UNPARSABLE_BY_CHECKOV:
        document.pop(block, None)
    document["terraform"].pop("required_version", None)
    return json.dumps(document, indent=2)


@pytest.mark.integration
def test_checkov_fails_wildcards_injected_into_the_policies(tmp_path: Path) -> None:
    """Each wildcard injected into a synthesized stack fails its check on
    ``checkov_input``'s copy; on the copy with the policies as synthesized, checkov
    passes them all (it evaluates no ``jsonencode``), which is why the copy renders
    them."""
    texts = synthesized_texts()
    stacks = {
        label: injected(texts[stack], resource_type, argument, statement)
        for label, (stack, resource_type, argument, statement) in INJECTED_STATEMENTS.items()
    }
    tmp = tmp_path
    runs = {
        "rendered": {label: scannable(text) for label, text in stacks.items()},
        "unrendered": {label: unrendered(text) for label, text in stacks.items()},
    }
    started = {
        name: start_scan(tmp / name, sorted(copies), None, tmp, copies)
        for name, copies in runs.items()
    }
    scans = {name: finish_scan(*process) for name, process in started.items()}
    for name, scan in scans.items():
        assert scan.parsing_errors == [], name
        for label in stacks:
            assert scan.resources(label), f"{name}: checkov checked nothing in {label}"
    for label, expected in EXPECTED_FAILURES.items():
        failed = {
            (c["check_id"], c["resource"])
            for c in scans["rendered"].checks(label, "failed_checks")
            if c["check_id"] in POLICY_CHECKS
        }
        assert failed == expected, label
        missed = {
            c["check_id"]
            for c in scans["unrendered"].checks(label, "failed_checks")
            if c["check_id"] in POLICY_CHECKS
        }
        assert missed == set(), label
        # The checks ran on the unrendered copy too: they passed.
        for check_id, _resource in expected:
            assert scans["unrendered"].passed(label, check_id), (label, check_id)
