"""Snapshots of the whole synthesized JSON of the default stack and of every example.

Update them deliberately with ``python3 dev.py test --snapshot-update`` and review the
diff: a changed snapshot is a changed deployment. On CDK Terrain the same snapshots must
match, with cdktn's version in ``"//".metadata.version`` in place of CDKTF's. The
fixture ``snowssi_snapshot`` and the normalising are the package's own pytest plugin
and helpers (:mod:`snowssi_constructs.testing`), the ones users' tests get.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from snowssi_constructs import ProviderVersions, S3StateBackend, SnowSSIStack
from tests.support import CURRENT_EXAMPLES, EXAMPLES, as_on_cdktf, load_example, synth_text


def test_default_stack_snapshot(snowssi_snapshot):
    text = synth_text(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]
    assert as_on_cdktf(json.loads(text)) == snowssi_snapshot


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_snapshot(example, snowssi_snapshot):
    stacks = synth_text(load_example(example))
    documents = {name: as_on_cdktf(json.loads(text)) for name, text in stacks.items()}
    assert documents == snowssi_snapshot


OPTIONS: dict[str, dict[str, object]] = {
    "hardened": {"hardened": True},
    "consume_stream": {"processing": "consume_stream"},
    # The stream filter (RLIKE) with a pattern that needs escaping in SQL.
    "consume_stream_file_pattern": {
        "processing": "consume_stream",
        "file_pattern": r"^in/[[:alnum:]_]+\.csv$",
    },
    "file_pattern": {"file_pattern": r".*[.]csv"},
    "custom_sql": {"sql_statement": "CALL my_procedure()"},
    "notification_channel": {
        "notification_channel_arn": "arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-queue"
    },
    "refresh_schedule": {"refresh_schedule_minutes": 5},
    "bucket_protection": {"force_destroy": False, "prevent_destroy": True},
    "bucket_lifecycle": {
        "noncurrent_version_expiration_days": 30,
        "abort_incomplete_multipart_upload_days": 7,
    },
    "warehouse_cost": {
        "warehouse_size": "SMALL",
        "warehouse_auto_suspend": 60,
        "warehouse_auto_resume": True,
    },
    "serverless_task": {"serverless_task": True, "serverless_initial_size": "SMALL"},
    "kms_key_policy": {"kms_key_policy": True, "kms_deletion_window_days": 30},
    "name_suffix": {"name_suffix": "team-a"},
    "failure_alerts": {"failure_alerts": True},
    "failure_alerts_own_topic": {
        "failure_alerts": True,
        "alert_topic_arn": "arn:aws:sns:us-east-1:123456789012:team-alerts",
    },
    # A stall alert over the stream (with a pattern) and the processed-files record; and
    # one beside a serverless task of the current generation.
    "stall_alert": {
        "failure_alerts": True,
        "processing": "consume_stream",
        "file_pattern": r"^in/[[:alnum:]_]+\.csv$",
        "stall_alert_minutes": 30,
    },
    "snowflake_role": {"snowflake_role": "SNOWSSI_DEPLOYER"},
    "pipelines": {"pipelines": ["orders", "invoices"]},
    "s3_backend": {"s3_backend": S3StateBackend(bucket="state", region="eu-west-1")},
    # The current provider generation (snowflake 2.20.0), with the options that change
    # what it declares, and its one-time upgrade (single and named pipelines).
    "current": {"snowflake_provider": "current"},
    "current_consume_stream": {"snowflake_provider": "current", "processing": "consume_stream"},
    "current_serverless": {
        "snowflake_provider": "current",
        "serverless_task": True,
        "serverless_target_completion_minutes": 5,
    },
    "current_notification_channel": {
        "snowflake_provider": "current",
        "notification_channel_arn": "arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-queue",
    },
    "current_pipelines": {"snowflake_provider": "current", "pipelines": ["orders", "invoices"]},
    "current_hardened": {"snowflake_provider": "current", "hardened": True},
    "current_failure_alerts": {"snowflake_provider": "current", "failure_alerts": True},
    "current_stall_alert": {
        "snowflake_provider": "current",
        "serverless_task": True,
        "failure_alerts": True,
        "processing": "consume_stream",
        "stall_alert_minutes": 1440,
    },
    "current_s3_backend": {
        "snowflake_provider": "current",
        "s3_backend": S3StateBackend(bucket="state", region="eu-west-1"),
    },
    "current_upgrade": {"snowflake_provider": "current", "upgrade_from_legacy": True},
    "current_upgrade_pipelines": {
        "snowflake_provider": "current",
        "upgrade_from_legacy": True,
        "pipelines": ["orders", "invoices"],
    },
    # Every version but snowflake's differs from the default (the provider facts are
    # about snowflake 2.10.1 only, and tests/test_provider_facts.py checks this stack too).
    "versions": {
        "required_version": ">= 1.10",
        "provider_versions": ProviderVersions(
            aws="~> 6.21", random=">= 3.7.2, < 4.0.0", time="0.13.0"
        ),
    },
}


CURRENT_OPTIONS = sorted(o for o in OPTIONS if OPTIONS[o].get("snowflake_provider") == "current")
LEGACY_OPTIONS = sorted(set(OPTIONS) - set(CURRENT_OPTIONS))


@cache
def option_text(option: str) -> str:
    """The JSON text of the stack ``SnowSSIStack(app, "snowssi", **OPTIONS[option])``,
    synthesized once per session (the snapshot, schema and provider-facts tests share it)."""
    return synth_text(lambda app: SnowSSIStack(app, "snowssi", **OPTIONS[option]))["snowssi"]


def current_documents() -> dict[str, dict[str, Any]]:
    """Every stack of the current generation by label (``option:<name>``,
    ``example:<example>/<stack>``): the option stacks and the current examples, for the
    provider-fact and schema checks of that generation. Parsed anew on each call, so a
    test may change its copy."""
    documents = {f"option:{o}": json.loads(option_text(o)) for o in CURRENT_OPTIONS}
    for label, text in _current_example_texts().items():
        documents[label] = json.loads(text)
    return documents


@cache
def _current_example_texts() -> dict[str, str]:
    return {
        f"example:{example}/{stack}": text
        for example in CURRENT_EXAMPLES
        for stack, text in synth_text(load_example(example)).items()
    }


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_option_snapshot(option, snowssi_snapshot):
    assert as_on_cdktf(json.loads(option_text(option))) == snowssi_snapshot
