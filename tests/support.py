"""Helpers shared by the tests: synthesize in this process, load examples, read JSON."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from snowssi_constructs import testing
from snowssi_constructs._flavour import cdktf

App = cdktf.App
TerraformStack = cdktf.TerraformStack

ROOT = Path(__file__).resolve().parent.parent

# The variable, and its values that mean "running on CI" (compared case-insensitively).
CI_ENV = "CI"
CI_VALUES = ("true", "1", "yes")


def in_ci() -> bool:
    """Whether the tests run on CI (``CI=true``; ``1`` and ``yes`` too), where a missing
    tool or environment fails the test instead of skipping it. The one reading of
    ``CI`` in the tests."""
    return os.environ.get(CI_ENV, "").strip().lower() in CI_VALUES


EXAMPLES_DIR = ROOT / "examples"
# Projects of their own under examples/: each has its own tests, snapshot and mypy
# settings and imports its program as a user does (`from main import build`), so it is
# tested as a user runs it, installed from the wheel into a fresh environment
# (tests/test_team_project.py), not loaded by this harness with the repository's paths.
PROJECTS = ("team_project",)
EXAMPLES = sorted(
    p.name for p in EXAMPLES_DIR.iterdir() if (p / "main.py").is_file() and p.name not in PROJECTS
)
# The examples on the current snowflake provider generation (2.20.0); the others are on
# the legacy one (2.10.1). tests/test_examples.py checks each example's pin against this.
CURRENT_EXAMPLES = ("current_provider", "upgrade_from_legacy")
LEGACY_EXAMPLES = [example for example in EXAMPLES if example not in CURRENT_EXAMPLES]


def synth_app(build: Callable[[App], object]) -> dict[str, dict[str, Any]]:
    """Run ``build(app)`` on a fresh App, synthesize it the way ``main.py`` does, and
    return each stack's ``cdk.tf.json`` as a dict, keyed by stack name."""
    return {name: json.loads(text) for name, text in synth_text(build).items()}


# Byte for byte, through the helper users get (snowssi_constructs.testing).
synth_text = testing.synth_texts


def load_example_module(name: str) -> ModuleType:
    """``examples/<name>/main.py`` as a module (not run as ``__main__``)."""
    path = EXAMPLES_DIR / name / "main.py"
    spec = importlib.util.spec_from_file_location(f"examples_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_example(name: str) -> Callable[[App], list[TerraformStack]]:
    """The ``build`` function of ``examples/<name>/main.py``."""
    return load_example_module(name).build


# Normalised JSON: CDKTF's version in "//".metadata.version on either flavour. The
# snapshots are taken through the same helper users get.
as_on_cdktf = testing.normalise


def without_metadata(value: Any) -> Any:
    """The JSON without cdktf's ``//`` metadata keys."""
    if isinstance(value, dict):
        return {k: without_metadata(v) for k, v in value.items() if k != "//"}
    if isinstance(value, list):
        return [without_metadata(v) for v in value]
    return value


def resources(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"type.name": attributes}`` for every managed resource, metadata removed."""
    return {
        f"{rtype}.{name}": without_metadata(body)
        for rtype, by_name in document.get("resource", {}).items()
        for name, body in by_name.items()
    }


def tls_only_bucket_policy(bucket_arn: str) -> dict[str, Any]:
    """The bucket policy ``require_tls`` writes for the bucket ``bucket_arn`` (a
    reference in the JSON, the real ARN once applied): deny every S3 action on the
    bucket and its objects without TLS, or with TLS below 1.2."""
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
    }
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyRequestsWithoutTls",
                **deny,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyTlsBelow12",
                **deny,
                "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
            },
        ],
    }
