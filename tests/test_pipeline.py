"""SnowSSIPipeline and the stack's options beyond the original (issue: a pipeline that
really works, at team scale)."""

from __future__ import annotations

import re

import pytest

from snowssi_constructs import S3StateBackend, SnowSSIStack
from snowssi_constructs.testing.hcl_object import jsonencode_argument
from tests.support import resources, synth_app

STREAM_FQN = "${snowflake_stream_on_directory_table.inbound_stream.fully_qualified_name}"


def test_consume_stream_records_new_files_then_copies_what_is_not_yet_copied(synth_stack):
    # The statement's design is tested in tests/test_processed_files.py; here, that the
    # pipeline wires its objects into it.
    res = resources(synth_stack(processing="consume_stream"))
    table = res["snowflake_table.processed_files"]
    assert [c["name"] for c in table["column"]] == [
        "RELATIVE_PATH", "SIZE", "LAST_MODIFIED", "MD5", "ETAG", "FILE_URL",
        "COPIED", "RECORDED_AT",
    ]  # fmt: skip
    assert table["column"][6]["default"] == {"constant": "TRUE"}
    assert table["change_tracking"] is True
    pending = res["snowflake_stream_on_table.processed_files_stream"]
    assert pending["table"] == "${snowflake_table.processed_files.fully_qualified_name}"
    assert pending["append_only"] == "true"
    task = res["snowflake_task.task"]
    assert task["when"] == (
        "SYSTEM$STREAM_HAS_DATA('${snowflake_stream_on_directory_table.inbound_stream.name}') OR "
        "SYSTEM$STREAM_HAS_DATA('${snowflake_stream_on_table.processed_files_stream.name}')"
    )
    assert "snowflake_stream_on_table.processed_files_stream" in task["depends_on"]
    sql = task["sql_statement"]
    assert "TRANSACTION" not in sql
    record = sql.index("INSERT INTO ${snowflake_table.processed_files.fully_qualified_name}")
    copy = sql.index("COPY FILES INTO @${snowflake_stage.outbound_stage.fully_qualified_name}")
    assert record < copy
    assert sql.count(f"FROM {STREAM_FQN} WHERE METADATA$ACTION = 'INSERT'") == 1
    assert "FROM ${snowflake_stream_on_table.processed_files_stream.fully_qualified_name}" in sql


def test_copy_stage_has_no_record_and_no_pending_stream(synth_stack):
    res = resources(synth_stack())
    assert not [a for a in res if a.startswith(("snowflake_table.", "snowflake_stream_on_table."))]
    assert res["snowflake_task.task"]["when"] == (
        "SYSTEM$STREAM_HAS_DATA('${snowflake_stream_on_directory_table.inbound_stream.name}')"
    )


def test_file_pattern_filters_the_stage_copy(synth_stack):
    sql = resources(synth_stack(file_pattern=r".*[.]csv"))["snowflake_task.task"]["sql_statement"]
    assert sql.endswith(
        "FROM @${snowflake_stage.inbound_stage.fully_qualified_name} PATTERN = '.*[.]csv';"
    )


def test_file_pattern_filters_the_stream_rows_when_consuming(synth_stack):
    res = resources(synth_stack(processing="consume_stream", file_pattern=r".*[.]csv"))
    # Only matching files are recorded, so only they are copied.
    assert (
        res["snowflake_task.task"]["sql_statement"].count("AND RLIKE(RELATIVE_PATH, '.*[.]csv')")
        == 1
    )


# A file pattern holding a backslash, a quote and a POSIX class, and how it must appear
# inside the task's single-quoted SQL string: '\' and "'" escaped with a backslash.
TRICKY_PATTERN = r"in/[[:digit:]]+_o'brien\.csv"
TRICKY_PATTERN_SQL = r"in/[[:digit:]]+_o\'brien\\.csv"
INBOUND_FQN = "${snowflake_stage.inbound_stage.fully_qualified_name}"
OUTBOUND_FQN = "${snowflake_stage.outbound_stage.fully_qualified_name}"


def test_file_pattern_is_escaped_in_the_stage_copy(synth_stack):
    sql = resources(synth_stack(file_pattern=TRICKY_PATTERN))["snowflake_task.task"][
        "sql_statement"
    ]
    assert sql == (
        f"COPY FILES INTO @{OUTBOUND_FQN} FROM @{INBOUND_FQN} PATTERN = '{TRICKY_PATTERN_SQL}';"
    )


def test_file_pattern_is_escaped_in_the_stream_filter(synth_stack):
    res = resources(synth_stack(processing="consume_stream", file_pattern=TRICKY_PATTERN))
    new_files = (
        f"FROM {STREAM_FQN} WHERE METADATA$ACTION = 'INSERT'"
        f" AND RLIKE(RELATIVE_PATH, '{TRICKY_PATTERN_SQL}');"
    )
    assert new_files in res["snowflake_task.task"]["sql_statement"]


def test_the_escaped_pattern_reads_back_as_the_pattern():
    # What Snowflake's string literal makes of the escaped text: the pattern itself.
    assert re.sub(r"\\(.)", r"\1", TRICKY_PATTERN_SQL) == TRICKY_PATTERN
    assert "\\" in TRICKY_PATTERN and "'" in TRICKY_PATTERN and "[[:digit:]]" in TRICKY_PATTERN


def test_custom_sql_receives_the_pipeline(synth_stack):
    document = synth_stack(
        sql_statement=lambda p: f"CALL process('{p.inbound_stage.fully_qualified_name}')"
    )
    assert resources(document)["snowflake_task.task"]["sql_statement"] == (
        "CALL process('${snowflake_stage.inbound_stage.fully_qualified_name}')"
    )


def test_notification_channel_wires_auto_refresh_on_the_inbound_bucket(synth_stack):
    arn = "arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-AIDA"
    res = resources(synth_stack(notification_channel_arn=arn, refresh_schedule_minutes=5))
    assert res["aws_s3_bucket_notification.inbound_bucket"]["queue"] == [
        {"queue_arn": arn, "events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}
    ]
    assert "aws_s3_bucket_notification.outbound_bucket" not in res
    # The channel makes the scheduled refresh unnecessary.
    assert "snowflake_task.refresh_task" not in res


def test_scheduled_refresh_alters_the_inbound_stage(synth_stack):
    task = resources(synth_stack(refresh_schedule_minutes=10))["snowflake_task.refresh_task"]
    assert task["schedule"] == {"minutes": 10}
    assert task["sql_statement"] == (
        "ALTER STAGE ${snowflake_stage.inbound_stage.fully_qualified_name} REFRESH"
    )
    assert task["started"] is True


def test_bucket_protection_and_lifecycle_options(synth_stack):
    res = resources(
        synth_stack(
            force_destroy=False,
            prevent_destroy=True,
            noncurrent_version_expiration_days=90,
            abort_incomplete_multipart_upload_days=2,
        )
    )
    for side in ("inbound", "outbound"):
        bucket = res[f"aws_s3_bucket.{side}_bucket"]
        assert bucket["force_destroy"] is False
        assert bucket["lifecycle"] == {"prevent_destroy": True}
        assert f"aws_s3_bucket_lifecycle_configuration.{side}_bucket" in res


def test_warehouse_cost_options(synth_stack):
    warehouse = resources(
        synth_stack(warehouse_size="xsmall", warehouse_auto_suspend=60, warehouse_auto_resume=True)
    )["snowflake_warehouse.warehouse"]
    assert warehouse["warehouse_size"] == "XSMALL"
    assert warehouse["auto_suspend"] == 60
    assert warehouse["auto_resume"] == "true"


def test_serverless_task_has_no_warehouse_and_an_initial_size(synth_stack):
    task = resources(synth_stack(serverless_task=True, serverless_initial_size="SMALL"))[
        "snowflake_task.task"
    ]
    assert "warehouse" not in task
    assert task["user_task_managed_initial_warehouse_size"] == "SMALL"


def test_serverless_task_runs_on_a_schedule_besides_its_when(synth_stack):
    # Provider 2.10.1 cannot set TARGET_COMPLETION_INTERVAL, without which Snowflake
    # refuses to resume a serverless task that has only a WHEN.
    task = resources(synth_stack(serverless_task=True))["snowflake_task.task"]
    assert task["schedule"] == {"minutes": 1}
    assert task["when"].startswith("SYSTEM$STREAM_HAS_DATA(")
    assert task["started"] is True


def test_serverless_schedule_is_a_prop(synth_stack):
    res = resources(
        synth_stack(
            serverless_task=True, serverless_schedule_minutes=10, refresh_schedule_minutes=5
        )
    )
    assert res["snowflake_task.task"]["schedule"] == {"minutes": 10}
    assert res["snowflake_task.refresh_task"]["schedule"] == {"minutes": 5}


def test_a_warehouse_task_stays_purely_triggered(default_document):
    assert "schedule" not in resources(default_document)["snowflake_task.task"]


@pytest.mark.parametrize("size", ["XSMALL", "x-small", "MEDIUM", "XXLARGE", "2X-LARGE", "X2LARGE"])
def test_serverless_sizes_up_to_xxlarge_are_accepted(synth_stack, size):
    task = resources(synth_stack(serverless_task=True, serverless_initial_size=size))[
        "snowflake_task.task"
    ]
    assert task["user_task_managed_initial_warehouse_size"] == size.upper()


@pytest.mark.parametrize("size", ["XXXLARGE", "X3LARGE", "4X-LARGE", "X6LARGE"])
def test_serverless_sizes_above_xxlarge_are_rejected(size):
    with pytest.raises(ValueError, match=r"serverless_initial_size: .*XXLARGE"):
        synth_app(
            lambda app: SnowSSIStack(
                app, "snowssi", serverless_task=True, serverless_initial_size=size
            )
        )


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        (r"^(?!.*_backup).*[.]csv$", "look-ahead '(?!'"),
        (r"^.*(?=[.]csv$)", "look-ahead '(?='"),
        (r"(?<=in/).*", "look-behind '(?<='"),
        (r"(?<!tmp/).*", "look-behind '(?<!'"),
        (r".*?[.]csv", "lazy quantifier '*?'"),
        (r"a+?b", "lazy quantifier '+?'"),
        (r"ab??", "lazy quantifier '??'"),
        (r"a{2,3}?", "lazy quantifier '{2,3}?'"),
        (r"(.)\1.*", "back-reference"),
        (r"(?i).*[.]csv", "inline flag group '(?i'"),
        (r"(?i:x).*", "inline flag group '(?i'"),
        (r"(?P<stem>.*)[.]csv", "named group"),
        (r"(?:a|b).*", "non-capturing group"),
        (r"a*+", "possessive quantifier '*+'"),
    ],
)
def test_file_patterns_snowflake_cannot_run_are_rejected_naming_what(pattern, found):
    with pytest.raises(ValueError, match="file_pattern: Snowflake") as error:
        synth_app(lambda app: SnowSSIStack(app, "snowssi", file_pattern=pattern))
    assert found in str(error.value)


@pytest.mark.parametrize(
    "pattern",
    [
        r".*[.]csv",
        r"^in/[0-9]{4}-[0-9]{2}/.*\.json$",
        r"\d+_\w+\.csv",
        r"[[:alpha:]]+(_[a-z]+)?[.](csv|tsv)",
        r"[(?=*?]+",  # inside brackets these are plain characters
        r"a{2}b{1,}c?",
    ],
)
def test_posix_file_patterns_are_accepted(synth_stack, pattern):
    sql = resources(synth_stack(file_pattern=pattern))["snowflake_task.task"]["sql_statement"]
    assert "PATTERN = '" in sql


def test_outbound_baseline_access_adds_snowflakes_documented_read_actions(synth_stack):
    policy = jsonencode_argument(
        resources(synth_stack(outbound_baseline_access=True))["aws_iam_role_policy.policy"][
            "policy"
        ]
    )
    outbound_bucket, outbound_objects = policy["Statement"][2:4]
    assert outbound_bucket["Action"] == ["s3:ListBucket", "s3:GetBucketLocation"]
    assert outbound_objects["Action"] == [
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:GetObject",
        "s3:GetObjectVersion",
    ]


def test_outbound_access_defaults_to_the_modules_grants(default_document):
    policy = jsonencode_argument(
        resources(default_document)["aws_iam_role_policy.policy"]["policy"]
    )
    assert policy["Statement"][2]["Action"] == "s3:ListBucket"
    assert policy["Statement"][3]["Action"] == ["s3:PutObject", "s3:DeleteObject"]


def test_kms_key_policy_alias_and_deletion_window(synth_stack):
    res = resources(synth_stack(kms_key_policy=True, kms_deletion_window_days=20))
    assert res["aws_kms_key.kms_key"]["deletion_window_in_days"] == 20
    assert (
        jsonencode_argument(res["aws_kms_key.kms_key"]["policy"])["Statement"][0]["Action"]
        == "kms:*"
    )
    assert "aws_kms_alias.kms_key" in res


def test_hardened_turns_every_fix_on(synth_stack):
    res = resources(synth_stack(hardened=True))
    assert "snowflake_table.processed_files" in res
    assert "snowflake_task.refresh_task" in res
    assert res["aws_s3_bucket.inbound_bucket"]["force_destroy"] is False
    assert res["aws_s3_bucket.inbound_bucket"]["lifecycle"] == {"prevent_destroy": True}
    assert "aws_s3_bucket_lifecycle_configuration.outbound_bucket" in res
    assert "policy" in res["aws_kms_key.kms_key"]
    assert "aws_kms_alias.kms_key" in res
    assert res["snowflake_warehouse.warehouse"]["auto_suspend"] == 60
    policy = jsonencode_argument(res["aws_iam_role_policy.policy"]["policy"])
    assert "s3:GetBucketLocation" in policy["Statement"][2]["Action"]


def test_an_explicit_option_wins_over_the_hardened_preset(synth_stack):
    res = resources(synth_stack(hardened=True, prevent_destroy=False, processing="copy_stage"))
    assert "lifecycle" not in res["aws_s3_bucket.inbound_bucket"]
    assert "snowflake_table.processed_files" not in res


def test_hardened_keeps_the_original_addresses(synth_stack, default_document):
    assert set(resources(default_document)) <= set(resources(synth_stack(hardened=True)))
    assert synth_stack(hardened=True)["moved"] == default_document["moved"]


def test_several_pipelines_share_the_account_level_resources(synth_stack):
    document = synth_stack(pipelines=["orders", "invoices", "events"])
    res = resources(document)
    for shared in (
        "snowflake_warehouse.warehouse",
        "snowflake_database.database",
        "snowflake_schema.schema",
        "aws_kms_key.kms_key",
        "snowflake_storage_integration.storage_integration",
        "aws_iam_role.role",
        "aws_iam_role_policy.policy",
    ):
        assert shared in res
    assert sum(1 for address in res if address.startswith("snowflake_task.")) == 3
    assert res["snowflake_task.orders_task"]["name"] == (
        '${upper("ORDERS_TASK_${replace(random_pet.pet_name.id, "-", "_")}")}'
    )
    locations = res["snowflake_storage_integration.storage_integration"][
        "storage_allowed_locations"
    ]
    assert len(locations) == 6
    assert locations[0] == "s3://${aws_s3_bucket.orders_inbound_bucket.bucket}/"
    statements = jsonencode_argument(res["aws_iam_role_policy.policy"]["policy"])["Statement"]
    assert len(statements) == 3 * 4 + 1
    resources_named = {s["Resource"] for s in statements}
    for name in ("orders", "invoices", "events"):
        for side in ("inbound", "outbound"):
            assert f"${{aws_s3_bucket.{name}_{side}_bucket.arn}}" in resources_named
    assert "moved" not in document
    assert "orders_task_name" in document["output"]


def test_fixed_name_suffix_replaces_the_pet(synth_stack):
    document = synth_stack(name_suffix="team-a")
    res = resources(document)
    assert "random_pet.pet_name" not in res
    assert res["aws_s3_bucket.inbound_bucket"]["bucket"] == (
        '${lower("inbound-bucket-${replace("team-a", "_", "-")}")}'
    )


def test_s3_backend_uses_the_native_lock_file_and_a_key_per_stack():
    stacks = synth_app(
        lambda app: [
            SnowSSIStack(
                app, f"snowssi-{env}", name_suffix=env, s3_backend=S3StateBackend(bucket="state")
            )
            for env in ("dev", "prod")
        ]
    )
    for env in ("dev", "prod"):
        assert stacks[f"snowssi-{env}"]["terraform"]["backend"] == {
            "s3": {
                "bucket": "state",
                "key": f"snowssi/snowssi-{env}/terraform.tfstate",
                "encrypt": True,
                "use_lockfile": True,
            }
        }


def test_any_cdktf_backend_can_be_passed_through():
    from snowssi_constructs._flavour import cdktf

    LocalBackend = cdktf.LocalBackend
    document = synth_app(
        lambda app: SnowSSIStack(
            app, "snowssi", backend=lambda s: LocalBackend(s, path="state/x.tfstate")
        )
    )["snowssi"]
    assert document["terraform"]["backend"] == {"local": {"path": "state/x.tfstate"}}


def test_add_pipeline_takes_options_of_its_own(synth_stack):
    def build(app):
        stack = SnowSSIStack(app, "snowssi", pipelines=["orders"])
        stack.add_pipeline("events", file_pattern=r".*[.]json", force_destroy=False)

    res = resources(synth_app(build)["snowssi"])
    assert res["snowflake_task.events_task"]["sql_statement"].endswith("PATTERN = '.*[.]json';")
    assert res["aws_s3_bucket.events_inbound_bucket"]["force_destroy"] is False
    assert res["aws_s3_bucket.orders_inbound_bucket"]["force_destroy"] is True


@pytest.mark.parametrize(
    ("options", "prop"),
    [
        ({"pipelines": []}, "pipelines"),
        ({"pipelines": ["orders", "orders"]}, "pipelines"),
        ({"pipelines": ["Orders"]}, "pipelines"),
        ({"pipelines": ["a_name_that_is_far_too_long"]}, "pipelines"),
        ({"warehouse_size": "HUGE"}, "warehouse_size"),
        ({"serverless_task": True, "serverless_initial_size": "TINY"}, "serverless_initial_size"),
        (
            {"serverless_task": True, "serverless_schedule_minutes": 0},
            "serverless_schedule_minutes",
        ),
        ({"processing": "stream"}, "processing"),
        ({"file_pattern": "("}, "file_pattern"),
        ({"refresh_schedule_minutes": 0}, "refresh_schedule_minutes"),
        ({"warehouse_auto_suspend": -1}, "warehouse_auto_suspend"),
        ({"kms_deletion_window_days": 3}, "kms_deletion_window_days"),
        ({"name_suffix": "Team A"}, "name_suffix"),
        ({"name_suffix": "x" * 60}, "name_suffix"),
        (
            {"s3_backend": S3StateBackend(bucket="state-bucket"), "backend": lambda s: None},
            "backend",
        ),
    ],
)
def test_bad_options_are_rejected_naming_the_prop(options, prop):
    with pytest.raises(ValueError, match=rf"^{re.escape(prop)}: ") as error:
        synth_app(lambda app: SnowSSIStack(app, "snowssi", **options))
    assert [problem.prop for problem in error.value.problems] == [prop]


# Behaviour the suite pinned only through snapshots (issue 25, item 6).
ACCOUNT = "data.aws_caller_identity.current.account_id"


def _key_statement(document, address: str) -> str:
    policy = resources(document)[address]["policy"]
    start = policy.index('"Sid" = "SnowflakeRoleUsesKey"')
    return policy[start:]


def test_the_bucket_key_lets_the_access_role_decrypt_and_generate_data_keys(synth_stack):
    statement = _key_statement(synth_stack(kms_key_policy=True), "aws_kms_key.kms_key")
    assert '"Action" = ["kms:Decrypt", "kms:GenerateDataKey"]' in statement


def test_the_bucket_key_policy_names_the_role_in_the_account_in_that_order(synth_stack):
    statement = _key_statement(synth_stack(kms_key_policy=True), "aws_kms_key.kms_key")
    assert f'"aws:PrincipalArn" = format("arn:aws:iam::%s:role/%s", {ACCOUNT}, lower(' in (
        statement
    )


def test_hardened_buckets_abort_uploads_and_expire_old_versions(synth_stack):
    declared = resources(synth_stack(hardened=True))
    for side in ("inbound", "outbound"):
        rules = declared[f"aws_s3_bucket_lifecycle_configuration.{side}_bucket"]["rule"]
        assert {rule["id"]: rule for rule in rules}.keys() == {
            "abort-incomplete-multipart-uploads",
            "expire-noncurrent-versions",
        }
        by_id = {rule["id"]: rule for rule in rules}
        assert by_id["abort-incomplete-multipart-uploads"]["abort_incomplete_multipart_upload"] == [
            {"days_after_initiation": 7}
        ]
        assert by_id["expire-noncurrent-versions"]["noncurrent_version_expiration"] == [
            {"noncurrent_days": 30}
        ]


# The suspend count (issue 25, item 3).


def test_the_suspend_count_is_left_to_snowflake_by_default(default_document):
    assert all(
        "suspend_task_after_num_failures" not in task
        for task in default_document["resource"]["snowflake_task"].values()
    )


@pytest.mark.parametrize("count", [0, 3])
def test_the_suspend_count_reaches_the_task_and_the_refresh_task(synth_stack, count):
    res = resources(synth_stack(suspend_task_after_num_failures=count, refresh_schedule_minutes=5))
    assert res["snowflake_task.task"]["suspend_task_after_num_failures"] == count
    assert res["snowflake_task.refresh_task"]["suspend_task_after_num_failures"] == count


def test_hardened_sets_snowflakes_own_count_on_the_task(synth_stack):
    res = resources(synth_stack(hardened=True))
    assert res["snowflake_task.task"]["suspend_task_after_num_failures"] == 10
    explicit = resources(synth_stack(hardened=True, suspend_task_after_num_failures=0))
    assert explicit["snowflake_task.task"]["suspend_task_after_num_failures"] == 0


@pytest.mark.parametrize("count", [-1, "10", 2.5, True])
def test_a_bad_suspend_count_is_refused_naming_the_option(count):
    from snowssi_constructs.options import PipelineSettings
    from snowssi_constructs.validation import PropError

    with pytest.raises((PropError, TypeError), match="suspend_task_after_num_failures"):
        PipelineSettings(suspend_task_after_num_failures=count)
