"""Snapshots of the whole synthesized JSON of the default stack and of every example.

Update them deliberately with ``python3 dev.py test --snapshot-update`` and review the
diff: a changed snapshot is a changed deployment. On CDK Terrain the same snapshots must
match, with cdktn's version in ``"//".metadata.version`` in place of CDKTF's.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from snowssi_constructs import ProviderVersions, S3StateBackend, SnowSSIStack
from tests.support import EXAMPLES, as_on_cdktf, load_example, synth_text


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_default_stack_snapshot(snapshot_json):
    text = synth_text(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]
    assert as_on_cdktf(json.loads(text)) == snapshot_json


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_snapshot(example, snapshot_json):
    stacks = synth_text(load_example(example))
    assert {name: as_on_cdktf(json.loads(text)) for name, text in stacks.items()} == snapshot_json


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
    "snowflake_role": {"snowflake_role": "SNOWSSI_DEPLOYER"},
    "pipelines": {"pipelines": ["orders", "invoices"]},
    "s3_backend": {"s3_backend": S3StateBackend(bucket="state", region="eu-west-1")},
    # Every version but snowflake's differs from the default (the provider facts are
    # about snowflake 2.10.1 only, and tests/test_provider_facts.py checks this stack too).
    "versions": {
        "required_version": ">= 1.10",
        "provider_versions": ProviderVersions(
            aws="~> 6.21", random=">= 3.7.2, < 4.0.0", time="0.13.0"
        ),
    },
}


@cache
def option_text(option: str) -> str:
    """The JSON text of the stack ``SnowSSIStack(app, "snowssi", **OPTIONS[option])``,
    synthesized once per session (the snapshot, schema and provider-facts tests share it)."""
    return synth_text(lambda app: SnowSSIStack(app, "snowssi", **OPTIONS[option]))["snowssi"]


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_option_snapshot(option, snapshot_json):
    assert as_on_cdktf(json.loads(option_text(option))) == snapshot_json
