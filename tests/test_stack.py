"""SnowSSIStack with no options: parity with the HCL module (spec sections 1 to 7)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from snowssi_constructs import SnowSSIStack
from tests.support import resources, synth_text

PET_SNAKE = 'replace(random_pet.pet_name.id, "-", "_")'
PET_KEBAB = 'replace(random_pet.pet_name.id, "_", "-")'


def upper_name(prefix: str) -> str:
    return f'${{upper("{prefix}${{{PET_SNAKE}}}")}}'


def lower_name(prefix: str) -> str:
    return f'${{lower("{prefix}${{{PET_KEBAB}}}")}}'


ROOT_ADDRESSES = {
    "random_pet.pet_name",
    "snowflake_warehouse.warehouse",
    "snowflake_database.database",
    "snowflake_schema.schema",
    "aws_kms_key.kms_key",
    "snowflake_storage_integration.storage_integration",
    "aws_iam_role.role",
    "aws_iam_role_policy.policy",
    "snowflake_stream_on_directory_table.inbound_stream",
    "snowflake_task.task",
}
MODULE_RESOURCES = {
    "inbound_bucket": [
        ("aws_s3_bucket.bucket", "aws_s3_bucket"),
        (
            "aws_s3_bucket_server_side_encryption_configuration.encryption_configuration",
            "aws_s3_bucket_server_side_encryption_configuration",
        ),
        (
            "aws_s3_bucket_public_access_block.public_access_block",
            "aws_s3_bucket_public_access_block",
        ),
        (
            "aws_s3_bucket_ownership_controls.ownership_controls",
            "aws_s3_bucket_ownership_controls",
        ),
        ("aws_s3_bucket_versioning.versioning", "aws_s3_bucket_versioning"),
    ],
    "inbound_stage": [
        ("time_sleep.wait_30s_for_iam_propagation", "time_sleep"),
        ("snowflake_stage.stage", "snowflake_stage"),
    ],
}
MODULE_RESOURCES["outbound_bucket"] = MODULE_RESOURCES["inbound_bucket"]
MODULE_RESOURCES["outbound_stage"] = MODULE_RESOURCES["inbound_stage"]


def test_terraform_settings_pin_the_originals_versions_and_sources(default_document):
    terraform = default_document["terraform"]
    assert terraform["required_version"] == "1.14.0"
    assert terraform["required_providers"] == {
        "aws": {"source": "hashicorp/aws", "version": "6.21.0"},
        "random": {"source": "hashicorp/random", "version": "3.7.2"},
        "snowflake": {"source": "snowflakedb/snowflake", "version": "2.10.1"},
        "time": {"source": "hashicorp/time", "version": "0.13.1"},
    }


def test_state_stays_in_a_relative_local_file(default_document):
    assert default_document["terraform"]["backend"] == {
        "local": {"path": "terraform.snowssi.tfstate"}
    }


def test_the_root_resources_keep_their_exact_addresses(default_document):
    assert set(resources(default_document)) >= ROOT_ADDRESSES
    assert list(default_document["data"]) == ["aws_caller_identity"]
    assert list(default_document["data"]["aws_caller_identity"]) == ["current"]


def test_there_are_24_managed_resources_and_one_data_source(default_document):
    assert len(resources(default_document)) == 24
    assert sum(len(v) for v in default_document["data"].values()) == 1


def test_every_module_resource_has_a_moved_block_to_a_readable_address(default_document):
    expected = [
        {"from": f"module.{module}.{old}", "to": f"{rtype}.{module}"}
        for module, entries in MODULE_RESOURCES.items()
        for old, rtype in entries
    ]
    moved = default_document["moved"]
    assert len(moved) == 14
    assert sorted(moved, key=str) == sorted(expected, key=str)
    managed = set(resources(default_document))
    assert {block["to"] for block in moved} <= managed
    assert managed == ROOT_ADDRESSES | {block["to"] for block in moved}


def test_warehouse_database_and_schema(default_document):
    res = resources(default_document)
    assert res["snowflake_warehouse.warehouse"] == {
        "name": upper_name("WAREHOUSE_"),
        "warehouse_size": "${var.warehouse_sizes[2]}",
        "initially_suspended": True,
    }
    assert res["snowflake_database.database"] == {"name": upper_name("DATABASE_")}
    assert res["snowflake_schema.schema"] == {
        "name": upper_name("SCHEMA_"),
        "database": "${snowflake_database.database.name}",
    }
    assert res["random_pet.pet_name"] == {}


def test_kms_key_only_rotates(default_document):
    assert resources(default_document)["aws_kms_key.kms_key"] == {"enable_key_rotation": True}


def test_storage_integration(default_document):
    role = lower_name("role-")[2:-1]
    assert resources(default_document)["snowflake_storage_integration.storage_integration"] == {
        "name": upper_name("STORAGE_INTEGRATION_"),
        "type": "EXTERNAL_STAGE",
        "enabled": True,
        "storage_provider": "S3",
        "storage_aws_role_arn": (
            f"arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:role/${{{role}}}"
        ),
        "storage_allowed_locations": [
            "s3://${aws_s3_bucket.inbound_bucket.bucket}/",
            "s3://${aws_s3_bucket.outbound_bucket.bucket}/",
        ],
    }


def test_buckets_are_named_from_the_pet_and_encrypted_with_the_key(default_document):
    res = resources(default_document)
    for side in ("inbound", "outbound"):
        assert res[f"aws_s3_bucket.{side}_bucket"] == {
            "bucket": lower_name(f"{side}-bucket-"),
            "force_destroy": True,
        }
        sse = res[f"aws_s3_bucket_server_side_encryption_configuration.{side}_bucket"]
        assert sse["rule"][0]["apply_server_side_encryption_by_default"] == {
            "kms_master_key_id": "${aws_kms_key.kms_key.key_id}",
            "sse_algorithm": "aws:kms",
        }


def test_stages_wait_for_iam_and_point_at_their_buckets(default_document):
    res = resources(default_document)
    for side, prefix in (("inbound", "INBOUND_STAGE_"), ("outbound", "OUTBOUND_STAGE_")):
        assert res[f"snowflake_stage.{side}_stage"] == {
            "name": upper_name(prefix),
            "url": f"s3://${{aws_s3_bucket.{side}_bucket.bucket}}/",
            "database": "${snowflake_database.database.name}",
            "schema": "${snowflake_schema.schema.name}",
            "storage_integration": "${snowflake_storage_integration.storage_integration.name}",
            "directory": "ENABLE = true, AUTO_REFRESH = true, REFRESH_ON_CREATE = true",
            "depends_on": [f"time_sleep.{side}_stage"],
            "lifecycle": {"ignore_changes": ["directory"]},
        }
        # The only attribute is the duration; the dependency on the role policy fixes
        # the original's race with IAM propagation without changing any attribute.
        assert res[f"time_sleep.{side}_stage"] == {
            "create_duration": "30s",
            "depends_on": ["aws_iam_role_policy.policy"],
        }


def test_stream_and_task(default_document):
    res = resources(default_document)
    assert res["snowflake_stream_on_directory_table.inbound_stream"] == {
        "name": upper_name("STREAM_"),
        "database": "${snowflake_database.database.name}",
        "schema": "${snowflake_schema.schema.name}",
        "stage": "${snowflake_stage.inbound_stage.fully_qualified_name}",
    }
    assert res["snowflake_task.task"] == {
        "database": "${snowflake_database.database.name}",
        "schema": "${snowflake_schema.schema.name}",
        "name": upper_name("TASK_"),
        "warehouse": "${snowflake_warehouse.warehouse.fully_qualified_name}",
        "when": (
            "SYSTEM$STREAM_HAS_DATA('${snowflake_stream_on_directory_table.inbound_stream.name}')"
        ),
        "sql_statement": (
            "COPY FILES INTO @${snowflake_stage.outbound_stage.fully_qualified_name} "
            "FROM @${snowflake_stage.inbound_stage.fully_qualified_name};"
        ),
        "started": True,
        "depends_on": ["snowflake_stream_on_directory_table.inbound_stream"],
    }


def test_role_and_policy_names(default_document):
    res = resources(default_document)
    assert res["aws_iam_role.role"]["name"] == lower_name("role-")
    assert res["aws_iam_role_policy.policy"]["name"] == lower_name("policy-")
    assert res["aws_iam_role_policy.policy"]["role"] == "${aws_iam_role.role.id}"


def test_outputs_expose_names_arns_and_integration_identity(default_document):
    outputs = {name: body["value"] for name, body in default_document["output"].items()}
    assert outputs["inbound_bucket_name"] == "${aws_s3_bucket.inbound_bucket.bucket}"
    assert outputs["outbound_bucket_arn"] == "${aws_s3_bucket.outbound_bucket.arn}"
    assert outputs["inbound_stage_fully_qualified_name"] == (
        "${snowflake_stage.inbound_stage.fully_qualified_name}"
    )
    assert outputs["task_name"] == "${snowflake_task.task.name}"
    assert outputs["stream_name"] == "${snowflake_stream_on_directory_table.inbound_stream.name}"
    assert outputs["warehouse_name"] == "${snowflake_warehouse.warehouse.name}"
    assert outputs["storage_integration_iam_user_arn"] == (
        "${snowflake_storage_integration.storage_integration.storage_aws_iam_user_arn}"
    )
    assert outputs["storage_integration_external_id"] == (
        "${snowflake_storage_integration.storage_integration.describe_output[0]"
        ".storage_aws_external_id[0].value}"
    )


def test_output_is_deterministic_and_machine_independent():
    first = synth_text(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]
    with tempfile.TemporaryDirectory() as elsewhere:
        cwd = os.getcwd()
        os.chdir(elsewhere)
        try:
            second = synth_text(lambda app: SnowSSIStack(app, "snowssi"))["snowssi"]
        finally:
            os.chdir(cwd)
    assert first == second
    for path in {str(Path.cwd()), str(Path.home()), tempfile.gettempdir(), "/work", "/root"}:
        assert path not in first
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", first), "a timestamp"
    assert "TfToken" not in first and "$${" not in first
