"""One SnowSSI pipeline: inbound and outbound buckets and stages, a stream, a task.

The shared pieces (database, schema, warehouse, KMS key, storage integration, IAM role)
come in as props, so one stack can hold several pipelines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from constructs import Construct

from . import validation
from ._addresses import pin
from ._flavour import snowflake
from .iam_role import SnowflakeAccessRole
from .naming import Naming
from .s3_bucket import EncryptedBucket
from .stage import ExternalStage
from .storage_integration import S3StorageIntegration

StreamOnDirectoryTable = snowflake.stream_on_directory_table.StreamOnDirectoryTable
Table = snowflake.table.Table
TableColumn = snowflake.table.TableColumn
Task = snowflake.task.Task
TaskSchedule = snowflake.task.TaskSchedule

Processing = Literal["copy_stage", "consume_stream"]
SqlStatement = str | Callable[["SnowSSIPipeline"], str]

_PIPELINE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
# Directory-table columns copied into the processed-files table.
DIRECTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("RELATIVE_PATH", "VARCHAR"),
    ("SIZE", "NUMBER(38,0)"),
    ("LAST_MODIFIED", "TIMESTAMP_TZ(3)"),
    ("MD5", "VARCHAR"),
    ("ETAG", "VARCHAR"),
    ("FILE_URL", "VARCHAR"),
)


@dataclass(frozen=True)
class BucketProtection:
    """Data-protection and lifecycle settings applied to both buckets of a pipeline."""

    force_destroy: bool = True
    prevent_destroy: bool = False
    noncurrent_version_expiration_days: int | None = None
    abort_incomplete_multipart_upload_days: int | None = None


class SnowSSIPipeline(Construct):
    """Files landing in the inbound bucket are copied to the outbound bucket by a task.

    :param naming: builds names from the stack's suffix (the pet name).
    :param database: database name; :param schema: schema name.
    :param warehouse: fully qualified warehouse name the task runs on; ``None`` makes
        the task serverless (Snowflake-managed compute, ``serverless_initial_size``).
    :param kms_key_id: key id for the buckets' default encryption.
    :param integration: the shared storage integration; the pipeline's buckets are
        added to its allowed locations.
    :param access_role: the shared IAM role; read on the inbound bucket and write on
        the outbound bucket are granted to it. The stages' IAM propagation wait starts
        after its policy exists.
    :param name: ``None`` for the original's single pipeline (its names, addresses and
        ``moved`` blocks); otherwise a short lowercase name (``orders``) that prefixes
        every name and address of this pipeline.
    :param processing: ``"copy_stage"`` (the original: copy the whole inbound stage on
        every trigger) or ``"consume_stream"`` (copy only the files the stream reports
        as new, recording them in a processed-files table in the same transaction,
        which consumes the stream).
    :param sql_statement: the task's SQL, or a function of this pipeline returning it
        (for custom processing); overrides ``processing`` and ``file_pattern``.
    :param file_pattern: a regular expression; only files whose path matches are copied.
    :param notification_channel_arn: the inbound stage's SQS notification channel; the
        inbound bucket then sends object-created events to it (auto-refresh).
    :param refresh_schedule_minutes: without a channel, a task refreshes the inbound
        stage's directory table on this schedule.
    :param buckets: force-destroy, prevent-destroy and lifecycle settings.
    :param serverless_initial_size: initial size of a serverless task's compute.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        naming: Naming,
        database: str,
        schema: str,
        warehouse: str | None,
        kms_key_id: str,
        integration: S3StorageIntegration,
        access_role: SnowflakeAccessRole,
        name: str | None = None,
        processing: Processing = "copy_stage",
        sql_statement: SqlStatement | None = None,
        file_pattern: str | None = None,
        notification_channel_arn: str | None = None,
        refresh_schedule_minutes: int | None = None,
        buckets: BucketProtection | None = None,
        serverless_initial_size: str = "XSMALL",
    ) -> None:
        super().__init__(scope, id)
        if name is not None and not _PIPELINE_NAME.match(name):
            raise ValueError(
                f"name: a pipeline name must be 1 to 20 characters of lowercase letters, "
                f"digits and '_', starting with a letter, got {name!r}"
            )
        if processing not in ("copy_stage", "consume_stream"):
            raise ValueError(
                f"processing: must be 'copy_stage' or 'consume_stream', got {processing!r}"
            )
        if file_pattern is not None:
            validation.require("file_pattern", file_pattern)
            try:
                re.compile(file_pattern)
            except re.error as error:
                raise ValueError(
                    f"file_pattern: not a regular expression ({error}): {file_pattern!r}"
                ) from error
        if refresh_schedule_minutes is not None:
            validation.positive_int(
                "refresh_schedule_minutes", refresh_schedule_minutes, maximum=11520
            )
        if notification_channel_arn is not None:
            validation.require("notification_channel_arn", notification_channel_arn)
        if warehouse is None:
            serverless_initial_size = validation.warehouse_size(
                "serverless_initial_size", serverless_initial_size
            )
        protection = buckets or BucketProtection()

        self.pipeline_name = name
        self._database = database
        self._schema = schema
        self._warehouse = warehouse
        self._serverless_initial_size = serverless_initial_size
        self._file_pattern = file_pattern
        address = _Addresses(name)
        sf_prefix = f"{name.upper()}_" if name else ""
        aws_prefix = f"{name.replace('_', '-')}-" if name else ""
        for prefix in ("inbound-bucket-", "outbound-bucket-"):
            literal = naming.literal_aws(aws_prefix + prefix)
            if literal is not None:
                validation.bucket_name("name_suffix", literal)

        bucket_options = {
            "kms_key_id": kms_key_id,
            "force_destroy": protection.force_destroy,
            "prevent_destroy": protection.prevent_destroy,
            "noncurrent_version_expiration_days": protection.noncurrent_version_expiration_days,
            "abort_incomplete_multipart_upload_days": (
                protection.abort_incomplete_multipart_upload_days
            ),
        }
        self.inbound_bucket = EncryptedBucket(
            self,
            address("inbound_bucket"),
            bucket_name=naming.aws(f"{aws_prefix}inbound-bucket-"),
            notification_queue_arn=notification_channel_arn,
            moved_from_module=None if name else "inbound_bucket",
            **bucket_options,
        )
        self.outbound_bucket = EncryptedBucket(
            self,
            address("outbound_bucket"),
            bucket_name=naming.aws(f"{aws_prefix}outbound-bucket-"),
            moved_from_module=None if name else "outbound_bucket",
            **bucket_options,
        )
        integration.allow(self.inbound_bucket)
        integration.allow(self.outbound_bucket)
        access_role.grant_read(self.inbound_bucket)
        access_role.grant_write(self.outbound_bucket)

        stage_options = {
            "database": database,
            "schema": schema,
            "storage_integration": integration.integration_name,
            "wait_after": [access_role.policy],
        }
        self.inbound_stage = ExternalStage(
            self,
            address("inbound_stage"),
            name=naming.snowflake(f"{sf_prefix}INBOUND_STAGE_"),
            url=self.inbound_bucket.s3_url,
            moved_from_module=None if name else "inbound_stage",
            **stage_options,
        )
        self.outbound_stage = ExternalStage(
            self,
            address("outbound_stage"),
            name=naming.snowflake(f"{sf_prefix}OUTBOUND_STAGE_"),
            url=self.outbound_bucket.s3_url,
            moved_from_module=None if name else "outbound_stage",
            **stage_options,
        )
        self.stream = StreamOnDirectoryTable(
            self,
            "stream",
            name=naming.snowflake(f"{sf_prefix}STREAM_"),
            database=database,
            schema=schema,
            stage=self.inbound_stage.fully_qualified_name,
        )
        pin(self.stream, address("inbound_stream"))

        self.processed_files: Table | None = None
        if sql_statement is None and processing == "consume_stream":
            self.processed_files = Table(
                self,
                "processed_files",
                name=naming.snowflake(f"{sf_prefix}PROCESSED_FILES_"),
                database=database,
                schema=schema,
                column=[TableColumn(name=col, type=kind) for col, kind in DIRECTORY_COLUMNS],
                comment="Files copied by the SnowSSI task; inserting into it consumes the stream.",
            )
            pin(self.processed_files, address("processed_files"))

        if callable(sql_statement):
            statement = sql_statement(self)
        elif sql_statement is not None:
            statement = sql_statement
        elif self.processed_files is not None:
            statement = self.consume_stream_sql()
        else:
            statement = self.copy_stage_sql()
        validation.require("sql_statement", statement)

        self.task = Task(
            self,
            "task",
            database=database,
            schema=schema,
            name=naming.snowflake(f"{sf_prefix}TASK_"),
            when=f"SYSTEM$STREAM_HAS_DATA('{self.stream.name}')",
            sql_statement=statement,
            started=True,
            depends_on=[self.stream],
            **self._compute(),
        )
        pin(self.task, address("task"))

        self.refresh_task: Task | None = None
        if refresh_schedule_minutes is not None and notification_channel_arn is None:
            self.refresh_task = Task(
                self,
                "refresh_task",
                database=database,
                schema=schema,
                name=naming.snowflake(f"{sf_prefix}REFRESH_TASK_"),
                schedule=TaskSchedule(minutes=refresh_schedule_minutes),
                sql_statement=f"ALTER STAGE {self.inbound_stage.fully_qualified_name} REFRESH",
                started=True,
                **self._compute(),
            )
            pin(self.refresh_task, address("refresh_task"))

    def copy_stage_sql(self) -> str:
        """The original's statement: copy every file of the inbound stage (optionally
        only those matching ``file_pattern``) to the outbound stage."""
        pattern = f" PATTERN = '{_sql_literal(self._file_pattern)}'" if self._file_pattern else ""
        return (
            f"COPY FILES INTO @{self.outbound_stage.fully_qualified_name} "
            f"FROM @{self.inbound_stage.fully_qualified_name}{pattern};"
        )

    def consume_stream_sql(self) -> str:
        """Copy only the files the stream reports as inserted, and record them.

        Both statements read the stream inside one transaction, so they see the same
        rows; the INSERT is DML on the stream, so committing advances its offset and
        ``SYSTEM$STREAM_HAS_DATA`` turns false until new files arrive.
        """
        if self.processed_files is None:
            raise ValueError("processing: consume_stream_sql needs processing='consume_stream'")
        stream = self.stream.fully_qualified_name
        inbound = self.inbound_stage.fully_qualified_name
        columns = ", ".join(col for col, _ in DIRECTORY_COLUMNS)
        new_files = f"FROM {stream} WHERE METADATA$ACTION = 'INSERT'"
        if self._file_pattern:
            new_files += f" AND RLIKE(RELATIVE_PATH, '{_sql_literal(self._file_pattern)}')"
        return "\n".join(
            [
                "BEGIN",
                "  BEGIN TRANSACTION;",
                f"  COPY FILES INTO @{self.outbound_stage.fully_qualified_name}",
                f"    FROM (SELECT '@{inbound}/' || RELATIVE_PATH, RELATIVE_PATH {new_files});",
                f"  INSERT INTO {self.processed_files.fully_qualified_name} ({columns})",
                f"    SELECT {columns} {new_files};",
                "  COMMIT;",
                "END;",
            ]
        )

    def _compute(self) -> dict[str, str]:
        if self._warehouse is None:
            return {"user_task_managed_initial_warehouse_size": self._serverless_initial_size}
        return {"warehouse": self._warehouse}


class _Addresses:
    """Address names: the original's for the unnamed pipeline, ``<name>_...`` otherwise."""

    def __init__(self, pipeline_name: str | None) -> None:
        self._prefix = f"{pipeline_name}_" if pipeline_name else ""

    def __call__(self, base: str) -> str:
        return f"{self._prefix}{base}"


def _sql_literal(value: str | None) -> str:
    return (value or "").replace("\\", "\\\\").replace("'", "\\'")
