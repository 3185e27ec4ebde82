"""One SnowSSI pipeline: inbound and outbound buckets and stages, a stream, a task.

The shared pieces (database, schema, warehouse, KMS key, storage integration, IAM role)
come in as props, so one stack can hold several pipelines.
"""

from __future__ import annotations

import re
from typing import Any, Unpack

from constructs import Construct

from . import validation
from ._addresses import pin
from ._current_types import triggered_task
from ._flavour import snowflake
from .external_s3_stage import ExternalS3Stage
from .generations import LEGACY, Generation
from .iam_role import SnowflakeAccessRole
from .naming import Naming
from .options import PipelineOptions, PipelineSettings, Processing, SqlContext, SqlStatement
from .s3_bucket import EncryptedBucket
from .stage import ExternalStage
from .storage_integration import S3StorageIntegration
from .storage_integration_aws import AwsStorageIntegration

StreamOnDirectoryTable = snowflake.stream_on_directory_table.StreamOnDirectoryTable
Table = snowflake.table.Table
TableColumn = snowflake.table.TableColumn
Task = snowflake.task.Task
TaskSchedule = snowflake.task.TaskSchedule

__all__ = [
    "DIRECTORY_COLUMNS",
    "Processing",
    "SnowSSIPipeline",
    "SqlContext",
    "SqlStatement",
]

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


class SnowSSIPipeline(Construct):
    """Files landing in the inbound bucket are copied to the outbound bucket by a task.

    :param naming: builds names from the stack's suffix (the pet name).
    :param database: database name; :param schema: schema name.
    :param warehouse: fully qualified warehouse name the task runs on; ``None`` makes
        the task serverless (Snowflake-managed compute, ``serverless_initial_size``).
    :param kms_key_id: key id for the buckets' default encryption.
    :param integration: the shared storage integration; the pipeline's buckets are
        added to its allowed locations. Of the generation's type:
        :class:`~snowssi_constructs.S3StorageIntegration` for ``legacy``,
        :class:`~snowssi_constructs.AwsStorageIntegration` for ``current``.
    :param access_role: the shared IAM role; read on the inbound bucket and write on
        the outbound bucket are granted to it. The stages' IAM propagation wait starts
        after its policy exists.
    :param error_integration: the notification integration the tasks send their error
        notifications to (:class:`~snowssi_constructs.failure_alerts.FailureAlerts`);
        ``None`` sends none.
    :param name: ``None`` for the original's single pipeline (its names, addresses and
        ``moved`` blocks); otherwise a short lowercase name (``orders``) that prefixes
        every name and address of this pipeline.
    :param settings: the pipeline's resolved options
        (:class:`~snowssi_constructs.options.PipelineSettings`), as the stack passes
        them; or give ``options`` instead.
    :param generation: the snowflake provider generation
        (:data:`~snowssi_constructs.generations.LEGACY` or ``CURRENT``): which stage type
        the pipeline declares and how a serverless task is started.
    :param adopt_legacy: the one-time upgrade from the legacy generation (``current``
        only): each stage imports the existing legacy stage and forgets its old
        addresses (see :class:`~snowssi_constructs.ExternalS3Stage`).
    :param options: the pipeline's options as keywords,
        :class:`~snowssi_constructs.options.PipelineOptions` (the same keywords the stack
        takes), resolved over the defaults; not together with ``settings``.

    On the ``legacy`` generation a serverless task (``warehouse=None``) also runs every
    ``serverless_schedule_minutes``: Snowflake needs ``TARGET_COMPLETION_INTERVAL`` to
    start a serverless task that only has a ``WHEN``, and provider 2.10.1 cannot set it.
    On ``current`` the task sets it (``serverless_target_completion_minutes``) and has
    no schedule. A run whose ``WHEN`` is false is
    skipped; each skipped check is a small cloud-services charge (billed only beyond the
    daily cloud-services allowance), so 1 minute means up to 1,440 checks a day.
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
        integration: S3StorageIntegration | AwsStorageIntegration,
        access_role: SnowflakeAccessRole,
        error_integration: str | None = None,
        name: str | None = None,
        settings: PipelineSettings | None = None,
        generation: Generation = LEGACY,
        adopt_legacy: bool = False,
        **options: Unpack[PipelineOptions],
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            check_pipeline_props(
                problems,
                naming=naming,
                database=database,
                schema=schema,
                warehouse=warehouse,
                kms_key_id=kms_key_id,
                integration=integration,
                access_role=access_role,
                name=name,
            )
            check_generation_props(
                problems, generation=generation, integration=integration, adopt_legacy=adopt_legacy
            )
            problems.check(validation.string, "error_integration", error_integration, optional=True)
            if settings is None:
                # Last in the block: a bad option joins the problems above.
                settings = PipelineSettings.resolve(options, called=type(self))
            else:
                problems.check(validation.instance_of, "settings", settings, PipelineSettings)
                if options:
                    problems.add("settings", "give either settings or option keywords, not both")

        self.pipeline_name = name
        self.settings = settings
        self.generation = generation
        self._warehouse = warehouse
        address = _Addresses(name)
        sf_prefix = f"{name.upper()}_" if name else ""
        aws_prefix = f"{name.replace('_', '-')}-" if name else ""
        for prefix in ("inbound-bucket-", "outbound-bucket-"):
            literal = naming.literal_aws(aws_prefix + prefix)
            if literal is not None:
                validation.bucket_name("name_suffix", literal)

        def bucket(side: str, notification_channel_arn: str | None = None) -> EncryptedBucket:
            return EncryptedBucket(
                self,
                address(f"{side}_bucket"),
                bucket_name=naming.aws(f"{aws_prefix}{side}-bucket-"),
                kms_key_id=kms_key_id,
                force_destroy=settings.force_destroy,
                prevent_destroy=settings.prevent_destroy,
                noncurrent_version_expiration_days=settings.noncurrent_version_expiration_days,
                abort_incomplete_multipart_upload_days=settings.abort_incomplete_multipart_upload_days,
                notification_channel_arn=notification_channel_arn,
                moved_from_module=None if name else f"{side}_bucket",
            )

        self.inbound_bucket = bucket("inbound", settings.notification_channel_arn)
        self.outbound_bucket = bucket("outbound")
        integration.allow(self.inbound_bucket)
        integration.allow(self.outbound_bucket)
        access_role.grant_read(self.inbound_bucket)
        access_role.grant_write(self.outbound_bucket, baseline=settings.outbound_baseline_access)

        def stage(side: str, url: str) -> ExternalStage | ExternalS3Stage:
            common: dict[str, Any] = {
                "name": naming.snowflake(f"{sf_prefix}{side.upper()}_STAGE_"),
                "url": url,
                "database": database,
                "schema": schema,
                "storage_integration": integration.integration_name,
                "wait_after": [access_role.policy],
                "moved_from_module": None if name else f"{side}_stage",
            }
            if generation.is_current:
                return ExternalS3Stage(
                    self,
                    address(f"{side}_stage"),
                    kms_key_id=kms_key_id,
                    adopt_legacy=adopt_legacy,
                    **common,
                )
            return ExternalStage(self, address(f"{side}_stage"), **common)

        self.inbound_stage = stage("inbound", self.inbound_bucket.s3_url)
        self.outbound_stage = stage("outbound", self.outbound_bucket.s3_url)
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
        sql_statement = settings.sql_statement
        if sql_statement is None and settings.processing == "consume_stream":
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

        self.task = triggered_task(
            self,
            "task",
            target_completion_minutes=self._target_completion_minutes(),
            database=database,
            schema=schema,
            name=naming.snowflake(f"{sf_prefix}TASK_"),
            when=f"SYSTEM$STREAM_HAS_DATA('{self.stream.name}')",
            sql_statement=statement,
            started=True,
            depends_on=[self.stream],
            schedule=self._serverless_schedule(),
            warehouse=self._warehouse,
            user_task_managed_initial_warehouse_size=self._serverless_size(),
            error_integration=error_integration,
        )
        pin(self.task, address("task"))

        self.refresh_task: Task | None = None
        refresh_schedule_minutes = settings.refresh_schedule_minutes
        if refresh_schedule_minutes is not None and settings.notification_channel_arn is None:
            self.refresh_task = Task(
                self,
                "refresh_task",
                database=database,
                schema=schema,
                name=naming.snowflake(f"{sf_prefix}REFRESH_TASK_"),
                schedule=TaskSchedule(minutes=refresh_schedule_minutes),
                sql_statement=f"ALTER STAGE {self.inbound_stage.fully_qualified_name} REFRESH",
                started=True,
                warehouse=self._warehouse,
                user_task_managed_initial_warehouse_size=self._serverless_size(),
                error_integration=error_integration,
            )
            pin(self.refresh_task, address("refresh_task"))

    def copy_stage_sql(self) -> str:
        """The original's statement: copy every file of the inbound stage (optionally
        only those matching ``file_pattern``) to the outbound stage."""
        file_pattern = self.settings.file_pattern
        pattern = f" PATTERN = '{_sql_literal(file_pattern)}'" if file_pattern else ""
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
        file_pattern = self.settings.file_pattern
        if file_pattern:
            new_files += f" AND RLIKE(RELATIVE_PATH, '{_sql_literal(file_pattern)}')"
        return "\n".join(
            [
                "BEGIN",
                "  BEGIN TRANSACTION;",
                f"  COPY FILES INTO @{self.outbound_stage.fully_qualified_name}",
                f"    FROM (SELECT '@{inbound}/' || RELATIVE_PATH, RELATIVE_PATH {new_files});",
                f"  INSERT INTO {self.processed_files.fully_qualified_name} ({columns})",
                f"    SELECT {columns} {new_files};",
                "  COMMIT;",
                # No final ';': the provider compares the definition SHOW TASKS returns
                # with this text, and a trailing ';' may not survive the round trip.
                "END",
            ]
        )

    def _serverless_schedule(self) -> TaskSchedule | None:
        # See serverless_schedule_minutes: a serverless task that only has a WHEN
        # cannot be started with provider 2.10.1.
        if self._warehouse is not None or self.generation.is_current:
            return None
        return TaskSchedule(minutes=self.settings.serverless_schedule_minutes)

    def _target_completion_minutes(self) -> int | None:
        # Only a serverless triggered task needs (and may have) the interval.
        if self._warehouse is not None or not self.generation.is_current:
            return None
        return self.settings.serverless_target_completion_minutes

    def _serverless_size(self) -> str | None:
        if self._warehouse is not None:
            return None
        return self.settings.serverless_initial_size.upper()


def check_pipeline_props(
    problems: validation.Problems,
    *,
    naming: object,
    database: object,
    schema: object,
    warehouse: object,
    kms_key_id: object,
    integration: object,
    access_role: object,
    name: object,
) -> None:
    """Record the problems of a pipeline's own props (its options are checked by
    :func:`~snowssi_constructs.options.check_pipeline_options`)."""
    problems.check(validation.instance_of, "naming", naming, Naming)
    for prop, value in (("database", database), ("schema", schema), ("kms_key_id", kms_key_id)):
        problems.check(validation.non_empty_string, prop, value)
    problems.check(validation.string, "warehouse", warehouse, optional=True)
    problems.check(
        validation.instance_of,
        "integration",
        integration,
        (S3StorageIntegration, AwsStorageIntegration),
    )
    problems.check(validation.instance_of, "access_role", access_role, SnowflakeAccessRole)
    problems.check(validation.string, "name", name, optional=True)
    if isinstance(name, str):
        check_pipeline_name(problems, "name", name)


def check_generation_props(
    problems: validation.Problems, *, generation: object, integration: object, adopt_legacy: object
) -> None:
    """Record the problems of the generation props: a known generation, an integration
    of its type, and ``adopt_legacy`` only on ``current``."""
    problems.check(validation.instance_of, "generation", generation, Generation)
    problems.check(validation.boolean, "adopt_legacy", adopt_legacy)
    if not isinstance(generation, Generation):
        return
    expected = AwsStorageIntegration if generation.is_current else S3StorageIntegration
    if isinstance(integration, S3StorageIntegration | AwsStorageIntegration) and not isinstance(
        integration, expected
    ):
        problems.add(
            "integration",
            f"the {generation.name} generation declares a {expected.__name__}, "
            f"got a {type(integration).__name__}",
        )
    if adopt_legacy is True and not generation.is_current:
        problems.add("adopt_legacy", "adopting legacy objects needs the current generation")


def check_pipeline_name(problems: validation.Problems, prop: str, name: str) -> None:
    """A pipeline name prefixes every name and address of the pipeline: 1 to 20
    lowercase letters, digits and '_', starting with a letter."""
    if not _PIPELINE_NAME.match(name):
        problems.add(
            prop,
            "a pipeline name must be 1 to 20 characters of lowercase letters, digits and "
            f"'_', starting with a letter, got {name!r}",
        )


class _Addresses:
    """Address names: the original's for the unnamed pipeline, ``<name>_...`` otherwise."""

    def __init__(self, pipeline_name: str | None) -> None:
        self._prefix = f"{pipeline_name}_" if pipeline_name else ""

    def __call__(self, base: str) -> str:
        return f"{self._prefix}{base}"


def _sql_literal(value: str | None) -> str:
    return (value or "").replace("\\", "\\\\").replace("'", "\\'")
