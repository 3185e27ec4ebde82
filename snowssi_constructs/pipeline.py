"""One SnowSSI pipeline: inbound and outbound buckets and stages, a stream, a task.

The shared pieces (database, schema, warehouse, KMS key, storage integration, IAM role)
come in as props, so one stack can hold several pipelines.
"""

from __future__ import annotations

from typing import Any, Unpack

from constructs import Construct

from . import validation
from ._addresses import pin
from ._current_types import triggered_task
from ._flavour import snowflake
from .external_s3_stage import ExternalS3Stage
from .generations import LEGACY, Generation
from .iam_role import SnowflakeAccessRole
from .naming import Naming, PipelinePrefix
from .options import PipelineOptions, PipelineSettings, Processing, SqlContext, SqlStatement
from .pipeline_props import (
    check_generation_props,
    check_pipeline_props,
    check_stall_alert_props,
    resolve_settings,
)
from .processed_files import (
    DIRECTORY_COLUMNS,
    consume_stream_sql,
    consume_stream_when,
    record_table_columns,
    sql_literal,
)
from .s3_bucket import EncryptedBucket
from .stage import ExternalStage
from .stall_alert import StallAlert
from .storage_integration import S3StorageIntegration
from .storage_integration_aws import AwsStorageIntegration

StreamOnDirectoryTable = snowflake.stream_on_directory_table.StreamOnDirectoryTable
StreamOnTable = snowflake.stream_on_table.StreamOnTable
Table = snowflake.table.Table
Task = snowflake.task.Task
TaskSchedule = snowflake.task.TaskSchedule

__all__ = ["DIRECTORY_COLUMNS", "Processing", "SnowSSIPipeline", "SqlContext", "SqlStatement"]


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
    :param alert_warehouse: the name (not the fully qualified name) of the warehouse the
        stall alert runs on (``stall_alert_minutes``), also for serverless tasks.
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
        alert_warehouse: str | None = None,
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
            problems.check(validation.string, "alert_warehouse", alert_warehouse, optional=True)
            # Last in the block: a bad option joins the problems above.
            settings = resolve_settings(
                problems, settings, options, called=type(self), generation=generation
            )
            check_stall_alert_props(problems, settings, error_integration, alert_warehouse)

        self.pipeline_name = name
        self.settings = settings
        self.generation = generation
        self._naming = naming
        self._prefix = PipelinePrefix(name)
        self._database = database
        self._schema = schema
        self._warehouse = warehouse
        self._kms_key_id = kms_key_id
        self._integration = integration
        self._access_role = access_role
        self._error_integration = error_integration
        self._alert_warehouse = alert_warehouse
        self._adopt_legacy = adopt_legacy
        self._check_bucket_names()

        self.inbound_bucket = self._bucket("inbound", settings.notification_channel_arn)
        self.outbound_bucket = self._bucket("outbound")
        self._grant_bucket_access()
        self.inbound_stage = self._stage("inbound", self.inbound_bucket.s3_url)
        self.outbound_stage = self._stage("outbound", self.outbound_bucket.s3_url)
        self.stream = self._stream()
        self.processed_files = self._processed_files_table()
        self.pending_stream = self._pending_stream()
        self.task = self._task(self._statement())
        self.refresh_task = self._refresh_task()
        self.stall_alert = self._stall_alert()

    def _address(self, base: str) -> str:
        return f"{self._prefix.address}{base}"

    def _check_bucket_names(self) -> None:
        # A literal suffix gives literal bucket names, which S3's rules can check now.
        for side in ("inbound-bucket-", "outbound-bucket-"):
            literal = self._naming.literal_aws(self._prefix.aws + side)
            if literal is not None:
                validation.bucket_name("name_suffix", literal)

    def _bucket(self, side: str, notification_channel_arn: str | None = None) -> EncryptedBucket:
        settings = self.settings
        return EncryptedBucket(
            self,
            self._address(f"{side}_bucket"),
            bucket_name=self._naming.aws(f"{self._prefix.aws}{side}-bucket-"),
            kms_key_id=self._kms_key_id,
            force_destroy=settings.force_destroy,
            prevent_destroy=settings.prevent_destroy,
            noncurrent_version_expiration_days=settings.noncurrent_version_expiration_days,
            abort_incomplete_multipart_upload_days=settings.abort_incomplete_multipart_upload_days,
            notification_channel_arn=notification_channel_arn,
            moved_from_module=None if self.pipeline_name else f"{side}_bucket",
            require_tls=settings.require_tls,
        )

    def _grant_bucket_access(self) -> None:
        self._integration.allow(self.inbound_bucket)
        self._integration.allow(self.outbound_bucket)
        self._access_role.grant_read(self.inbound_bucket)
        self._access_role.grant_write(
            self.outbound_bucket, baseline=self.settings.outbound_baseline_access
        )

    def _stage(self, side: str, url: str) -> ExternalStage | ExternalS3Stage:
        common: dict[str, Any] = {
            "name": self._naming.snowflake(f"{self._prefix.snowflake}{side.upper()}_STAGE_"),
            "url": url,
            "database": self._database,
            "schema": self._schema,
            "storage_integration": self._integration.integration_name,
            "wait_after": [self._access_role.policy],
            "moved_from_module": None if self.pipeline_name else f"{side}_stage",
        }
        address = self._address(f"{side}_stage")
        # The generation names the stage type; the two constructs take different props.
        if self.generation.stage_type == ExternalS3Stage.TYPE:
            return ExternalS3Stage(
                self,
                address,
                kms_key_id=self._kms_key_id,
                adopt_legacy=self._adopt_legacy,
                **common,
            )
        return ExternalStage(self, address, **common)

    def _stream(self) -> StreamOnDirectoryTable:
        stream = StreamOnDirectoryTable(
            self,
            "stream",
            name=self._naming.snowflake(f"{self._prefix.snowflake}STREAM_"),
            database=self._database,
            schema=self._schema,
            stage=self.inbound_stage.fully_qualified_name,
        )
        return pin(stream, self._address("inbound_stream"))

    def _processed_files_table(self) -> Table | None:
        settings = self.settings
        if settings.sql_statement is not None or settings.processing != "consume_stream":
            return None
        table = Table(
            self,
            "processed_files",
            name=self._naming.snowflake(f"{self._prefix.snowflake}PROCESSED_FILES_"),
            database=self._database,
            schema=self._schema,
            column=record_table_columns(),
            # The pending stream turns change tracking on; declared, so that the next
            # plan does not turn it off.
            change_tracking=True,
            comment=(
                "Files the SnowSSI task recorded from the stream (consuming it), "
                "COPIED once copied to the outbound stage."
            ),
        )
        return pin(table, self._address("processed_files"))

    def _pending_stream(self) -> StreamOnTable | None:
        # Recorded files not yet marked copied keep the task's condition true through
        # this stream until a run copies them (see processed_files).
        if self.processed_files is None:
            return None
        stream = StreamOnTable(
            self,
            "pending_stream",
            name=self._naming.snowflake(f"{self._prefix.snowflake}PROCESSED_FILES_STREAM_"),
            database=self._database,
            schema=self._schema,
            table=self.processed_files.fully_qualified_name,
            append_only="true",
            comment="Files recorded by the SnowSSI task; consumed once they are copied.",
        )
        return pin(stream, self._address("processed_files_stream"))

    def _statement(self) -> str:
        sql_statement = self.settings.sql_statement
        if callable(sql_statement):
            statement = sql_statement(self)
        elif sql_statement is not None:
            statement = sql_statement
        elif self.processed_files is not None:
            statement = self.consume_stream_sql()
        else:
            statement = self.copy_stage_sql()
        validation.require("sql_statement", statement)
        return statement

    def _task(self, statement: str) -> Task:
        schedule_minutes, target_completion_minutes = self._serverless_trigger()
        task = triggered_task(
            self,
            "task",
            target_completion_minutes=target_completion_minutes,
            database=self._database,
            schema=self._schema,
            name=self._naming.snowflake(f"{self._prefix.snowflake}TASK_"),
            when=self._when(),
            sql_statement=statement,
            started=True,
            depends_on=[self.stream, *([self.pending_stream] if self.pending_stream else [])],
            schedule=None if schedule_minutes is None else TaskSchedule(minutes=schedule_minutes),
            warehouse=self._warehouse,
            user_task_managed_initial_warehouse_size=self._serverless_size(),
            error_integration=self._error_integration,
            suspend_task_after_num_failures=self.settings.suspend_task_after_num_failures,
        )
        return pin(task, self._address("task"))

    def _when(self) -> str:
        if self.pending_stream is None:
            return f"SYSTEM$STREAM_HAS_DATA('{self.stream.name}')"
        return consume_stream_when(self.stream.name, self.pending_stream.name)

    def _refresh_task(self) -> Task | None:
        minutes = self.settings.refresh_schedule_minutes
        # A notification channel refreshes the stage on events; no schedule is needed.
        if minutes is None or self.settings.notification_channel_arn is not None:
            return None
        task = Task(
            self,
            "refresh_task",
            database=self._database,
            schema=self._schema,
            name=self._naming.snowflake(f"{self._prefix.snowflake}REFRESH_TASK_"),
            schedule=TaskSchedule(minutes=minutes),
            sql_statement=f"ALTER STAGE {self.inbound_stage.fully_qualified_name} REFRESH",
            started=True,
            warehouse=self._warehouse,
            user_task_managed_initial_warehouse_size=self._serverless_size(),
            error_integration=self._error_integration,
            suspend_task_after_num_failures=self.settings.suspend_task_after_num_failures,
        )
        return pin(task, self._address("refresh_task"))

    def _stall_alert(self) -> StallAlert | None:
        minutes, record = self.settings.stall_alert_minutes, self.processed_files
        if minutes is None or self._error_integration is None or self._alert_warehouse is None:
            return None
        return StallAlert.for_pipeline(
            self,
            naming=self._naming,
            prefix=self._prefix,
            database=self._database,
            schema=self._schema,
            warehouse=self._alert_warehouse,
            integration_name=self._error_integration,
            task=self.task.fully_qualified_name,
            stream=self.stream.fully_qualified_name,
            record=None if record is None else record.fully_qualified_name,
            # A custom statement ignores file_pattern; then every added file counts.
            file_pattern=None if self.settings.sql_statement else self.settings.file_pattern,
            after_minutes=minutes,
        )

    def copy_stage_sql(self) -> str:
        """The original's statement: copy every file of the inbound stage (optionally
        only those matching ``file_pattern``) to the outbound stage."""
        file_pattern = self.settings.file_pattern
        pattern = f" PATTERN = '{sql_literal(file_pattern)}'" if file_pattern else ""
        return (
            f"COPY FILES INTO @{self.outbound_stage.fully_qualified_name} "
            f"FROM @{self.inbound_stage.fully_qualified_name}{pattern};"
        )

    def consume_stream_sql(self) -> str:
        """Record the files the stream reports as inserted (consuming it), copy every
        recorded file not yet marked copied, mark them, and consume the pending stream
        (:func:`~snowssi_constructs.processed_files.consume_stream_sql`): no file is
        lost whatever ``COPY FILES`` does to a transaction, and a failed copy is
        retried by the next run, which the pending stream triggers."""
        if self.processed_files is None or self.pending_stream is None:
            raise ValueError("processing: consume_stream_sql needs processing='consume_stream'")
        return consume_stream_sql(
            stream=self.stream.fully_qualified_name,
            pending_stream=self.pending_stream.fully_qualified_name,
            table=self.processed_files.fully_qualified_name,
            inbound_stage=self.inbound_stage.fully_qualified_name,
            outbound_stage=self.outbound_stage.fully_qualified_name,
            file_pattern=self.settings.file_pattern,
        )

    def _serverless_trigger(self) -> tuple[int | None, int | None]:
        # A task on a warehouse is started by its WHEN alone; only a serverless one needs
        # what its generation starts it with (see serverless_schedule_minutes).
        if self._warehouse is not None:
            return None, None
        return self.generation.serverless_trigger(
            schedule_minutes=self.settings.serverless_schedule_minutes,
            target_completion_minutes=self.settings.serverless_target_completion_minutes,
        )

    def _serverless_size(self) -> str | None:
        if self._warehouse is not None:
            return None
        return self.settings.serverless_initial_size.upper()
