"""The options of a pipeline and of the shared resources, resolved once.

:class:`PipelineOptions` is what a user can tell a pipeline, as keywords: the stack takes
them flat (``SnowSSIStack(app, "snowssi", file_pattern=...)``) for every pipeline it
creates, and ``add_pipeline`` and ``SnowSSIPipeline`` take the same. All three are typed
``**options: Unpack[PipelineOptions]``, so a type checker catches a misspelt or mistyped
option, and resolution catches it at run time, naming the option.

Resolution lays the user's values over a preset over the defaults, once, into a frozen
value that the constructs read by attribute: :class:`PipelineSettings` for a pipeline,
:class:`SharedSettings` for the resources every pipeline shares. Both resolve through the
same :meth:`Settings.resolve`; the ``hardened=True`` preset, :data:`HARDENED`, holds a
layer for each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    ClassVar,
    Final,
    Literal,
    Protocol,
    TypedDict,
    get_args,
)

from . import validation
from .kms_key import check_key_principals
from .settings import Settings
from .validation import MAX_SCHEDULE_MINUTES

if TYPE_CHECKING:
    from ._flavour import snowflake
    from .external_s3_stage import ExternalS3Stage
    from .s3_bucket import EncryptedBucket
    from .stage import ExternalStage

Processing = Literal["copy_stage", "consume_stream"]
PROCESSING_MODES: Final[tuple[str, ...]] = get_args(Processing)


class SqlContext(Protocol):
    """What a ``sql_statement`` function receives: the pipeline, before its task exists.

    A :class:`~snowssi_constructs.SnowSSIPipeline` is one; annotate a SQL function's
    parameter with this type.
    """

    @property
    def pipeline_name(self) -> str | None:
        """The pipeline's name (``None`` for the original's single pipeline)."""

    @property
    def inbound_bucket(self) -> EncryptedBucket:
        """The bucket files land in."""

    @property
    def outbound_bucket(self) -> EncryptedBucket:
        """The bucket files are copied to."""

    @property
    def inbound_stage(self) -> ExternalStage | ExternalS3Stage:
        """The stage on the inbound bucket."""

    @property
    def outbound_stage(self) -> ExternalStage | ExternalS3Stage:
        """The stage on the outbound bucket."""

    @property
    def stream(self) -> snowflake.stream_on_directory_table.StreamOnDirectoryTable:
        """The stream on the inbound stage's directory table."""

    def copy_stage_sql(self) -> str:
        """The default statement: copy the inbound stage to the outbound stage."""


SqlStatement = str | Callable[[SqlContext], str]


class PipelineOptions(TypedDict, total=False):
    """What one pipeline can be told; every key is optional.

    Each key means what the attribute of the same name of :class:`PipelineSettings`
    means, and defaults to it.
    """

    processing: Processing
    sql_statement: SqlStatement | None
    file_pattern: str | None
    notification_channel_arn: str | None
    refresh_schedule_minutes: int | None
    force_destroy: bool
    prevent_destroy: bool
    noncurrent_version_expiration_days: int | None
    abort_incomplete_multipart_upload_days: int | None
    outbound_baseline_access: bool
    require_tls: bool
    serverless_initial_size: str
    serverless_schedule_minutes: int
    serverless_target_completion_minutes: int
    suspend_task_after_num_failures: int | None
    stall_alert_minutes: int | None


class SharedOptions(TypedDict, total=False):
    """The settings of the shared resources that a preset can set."""

    kms_key_policy: bool
    kms_key_separate_administration: bool
    kms_key_administrators: Sequence[str] | None
    kms_key_users: Sequence[str] | None
    kms_deletion_window_days: int | None
    access_role_conditions: bool
    warehouse_auto_suspend: int | None
    warehouse_auto_resume: bool | None


@dataclass(frozen=True, kw_only=True)
class PipelineSettings(Settings):
    """One pipeline's resolved options; checked when created, each error naming its option."""

    _described_as: ClassVar[str] = "pipeline options"

    processing: Processing = "copy_stage"
    """``"copy_stage"`` (the original: copy the whole inbound stage on every trigger)
    or ``"consume_stream"`` (copy only the files the stream reports as new, recording
    them in a processed-files table in the same transaction, which consumes the
    stream)."""
    sql_statement: SqlStatement | None = None
    """The task's SQL, or a function of the pipeline (:class:`SqlContext`) returning it;
    overrides ``processing`` and ``file_pattern``."""
    file_pattern: str | None = None
    """Only files whose path matches are copied: a regular expression in the POSIX
    dialect Snowflake runs."""
    notification_channel_arn: str | None = None
    """The inbound stage's SQS notification channel; the inbound bucket sends
    object-created and object-removed events to it (auto-refresh)."""
    refresh_schedule_minutes: int | None = None
    """Without a channel, a task refreshes the inbound stage on this schedule."""
    force_destroy: bool = True
    """``force_destroy`` on both buckets (True in the original)."""
    prevent_destroy: bool = False
    """``lifecycle { prevent_destroy = true }`` on both buckets."""
    noncurrent_version_expiration_days: int | None = None
    """Expire noncurrent object versions after this many days."""
    abort_incomplete_multipart_upload_days: int | None = None
    """Abort multipart uploads left incomplete this many days."""
    outbound_baseline_access: bool = False
    """Grant Snowflake's documented baseline on the outbound bucket
    (``s3:GetBucketLocation``, ``s3:GetObject``, ``s3:GetObjectVersion`` besides list,
    put and delete)."""
    require_tls: bool = False
    """Give both buckets a policy that denies every S3 request made without TLS, or
    with TLS below 1.2 (merged with the statements given to the bucket)."""
    serverless_initial_size: str = "XSMALL"
    """Initial size of a serverless task's compute, at most XXLARGE."""
    serverless_schedule_minutes: int = 1
    """How often a serverless task checks its stream on the ``legacy`` provider
    generation (provider 2.10.1 cannot start a serverless task that only has a
    ``WHEN``)."""
    serverless_target_completion_minutes: int = 10
    """On the ``current`` provider generation, the serverless task is truly triggered
    and Snowflake sizes its compute to finish a run within this many minutes
    (``target_completion_interval``); the provider's own tests round-trip 10."""
    suspend_task_after_num_failures: int | None = None
    """After this many consecutive failed runs Snowflake suspends the pipeline's tasks
    (``SUSPEND_TASK_AFTER_NUM_FAILURES``); 0 never suspends them. ``None`` leaves the
    parameter unset: the task inherits the account's, database's or schema's value,
    10 unless someone changed it (Snowflake's default since behaviour change 2023_08;
    the provider's description still says 0). A suspended task is reported as
    ``started = false``, so the next ``terraform apply`` resumes it."""
    stall_alert_minutes: int | None = None
    """Page when a file has waited longer than this many minutes to be processed: a
    Snowflake alert (:class:`~snowssi_constructs.stall_alert.StallAlert`) checks the
    pipeline's waiting files on a schedule and sends a message through the failure
    alerts' integration (so it needs ``failure_alerts=True``). Not with
    ``processing="copy_stage"`` and no ``sql_statement``: that task never consumes the
    stream, so every file would wait forever. ``None`` (the default) is off."""

    def __post_init__(self) -> None:
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.choice, "processing", self.processing, PROCESSING_MODES)
            statement = self.sql_statement
            text = None if callable(statement) else _text(problems, "sql_statement", statement)
            if text is not None:
                problems.check(validation.require, "sql_statement", text)
            if (pattern := _text(problems, "file_pattern", self.file_pattern)) is not None:
                problems.check(validation.snowflake_pattern, "file_pattern", pattern)
            channel = _text(problems, "notification_channel_arn", self.notification_channel_arn)
            if channel is not None:
                problems.check(validation.sqs_queue_arn, "notification_channel_arn", channel)
            size = _text(problems, "serverless_initial_size", self.serverless_initial_size, False)
            if size is not None:
                problems.check(validation.serverless_task_size, "serverless_initial_size", size)
            for prop in (
                "force_destroy",
                "prevent_destroy",
                "outbound_baseline_access",
                "require_tls",
            ):
                problems.check(validation.boolean, prop, getattr(self, prop))
            for prop, maximum in (
                ("refresh_schedule_minutes", MAX_SCHEDULE_MINUTES),
                ("noncurrent_version_expiration_days", None),
                ("abort_incomplete_multipart_upload_days", None),
            ):
                problems.check(
                    validation.integer,
                    prop,
                    getattr(self, prop),
                    optional=True,
                    minimum=1,
                    maximum=maximum,
                )
            problems.check(
                validation.integer,
                "serverless_schedule_minutes",
                self.serverless_schedule_minutes,
                minimum=1,
                maximum=MAX_SCHEDULE_MINUTES,
            )
            problems.check(
                validation.integer,
                "serverless_target_completion_minutes",
                self.serverless_target_completion_minutes,
                minimum=1,
            )
            problems.check(
                validation.integer,
                "suspend_task_after_num_failures",
                self.suspend_task_after_num_failures,
                optional=True,
                minimum=0,
            )
            problems.check(
                validation.integer,
                "stall_alert_minutes",
                self.stall_alert_minutes,
                optional=True,
                minimum=1,
                maximum=MAX_SCHEDULE_MINUTES,
            )
            never_consumed = self.processing == "copy_stage" and self.sql_statement is None
            if self.stall_alert_minutes is not None and never_consumed:
                problems.add(
                    "stall_alert_minutes",
                    "processing='copy_stage' never consumes the stream, so every file "
                    "would wait forever and the alert page on every run: give "
                    "processing='consume_stream' (or a sql_statement that consumes the "
                    "stream)",
                )


def _text(
    problems: validation.Problems, prop: str, value: object, optional: bool = True
) -> str | None:
    """``value`` when it is a str to check further; a value of another type is recorded."""
    problems.check(validation.string, prop, value, optional=optional)
    return value if isinstance(value, str) else None


@dataclass(frozen=True, kw_only=True)
class SharedSettings(Settings):
    """The resolved settings of the resources every pipeline of a stack shares; checked
    when created, each error naming its setting (the stack's prop of the same name)."""

    kms_key_policy: bool = False
    """Attach a key policy and an alias to the KMS key."""
    kms_key_separate_administration: bool = False
    """The key policies (the pipeline key's and a created alerts key's) separate
    administration from use: the administrators may manage a key but not use it, and
    only the role that needs a key may use it. Needs ``kms_key_policy``."""
    kms_key_administrators: Sequence[str] | None = None
    """The ARNs of the IAM principals that administer the keys, with
    ``kms_key_separate_administration``; ``None`` is the account root (the account's IAM
    policies then decide, and the key cannot become unmanageable)."""
    kms_key_users: Sequence[str] | None = None
    """The ARNs of the IAM principals that may use the pipeline key besides the Snowflake
    role, with ``kms_key_separate_administration``: whoever uploads to an inbound bucket
    or reads an outbound one (S3 encrypts and decrypts with the key on their behalf)."""
    kms_deletion_window_days: int | None = None
    """Days (7 to 30) a scheduled deletion of the KMS key waits."""
    access_role_conditions: bool = False
    """Conditions on the access role's policy: its KMS statement holds only through S3
    in the stack's region (``kms:ViaService``), its S3 statements only on buckets of the
    stack's account (``s3:ResourceAccount``)."""
    warehouse_auto_suspend: int | None = None
    """Seconds of inactivity before the warehouse suspends."""
    warehouse_auto_resume: bool | None = None
    """Whether the warehouse resumes when a statement needs it."""

    def __post_init__(self) -> None:
        with validation.Problems(type(self).__name__) as problems:
            for prop in (
                "kms_key_policy",
                "kms_key_separate_administration",
                "access_role_conditions",
            ):
                problems.check(validation.boolean, prop, getattr(self, prop))
            if self.kms_key_separate_administration is True and self.kms_key_policy is not True:
                problems.add(
                    "kms_key_separate_administration",
                    "is a kind of key policy; give kms_key_policy=True",
                )
            for prop in ("kms_key_administrators", "kms_key_users"):
                check_key_principals(
                    problems, prop, getattr(self, prop), self.kms_key_separate_administration
                )
            problems.check(
                validation.integer,
                "kms_deletion_window_days",
                self.kms_deletion_window_days,
                optional=True,
                minimum=7,
                maximum=30,
            )
            problems.check(
                validation.integer,
                "warehouse_auto_suspend",
                self.warehouse_auto_suspend,
                optional=True,
                minimum=0,
            )
            problems.check(
                validation.boolean,
                "warehouse_auto_resume",
                self.warehouse_auto_resume,
                optional=True,
            )


@dataclass(frozen=True)
class Hardening:
    """A preset: a layer of pipeline options and one of shared settings."""

    pipeline: PipelineOptions = field(default_factory=lambda: PipelineOptions())
    shared: SharedOptions = field(default_factory=lambda: SharedOptions())


HARDENED: Final = Hardening(
    pipeline={
        "processing": "consume_stream",
        "refresh_schedule_minutes": 5,
        "force_destroy": False,
        "prevent_destroy": True,
        "noncurrent_version_expiration_days": 30,
        "abort_incomplete_multipart_upload_days": 7,
        "outbound_baseline_access": True,
        # Snowflake's own default, set on the task: a SUSPEND_TASK_AFTER_NUM_FAILURES
        # set on the account, database or schema no longer changes it. Not 0: the
        # pending stream keeps a failing consume_stream task's condition true, so a
        # task that never suspends would run (and keep its warehouse up) until fixed;
        # a suspended one loses no file, the record keeps them until it is resumed.
        "suspend_task_after_num_failures": 10,
        "require_tls": True,
    },
    shared={
        "kms_key_policy": True,
        "kms_key_separate_administration": True,
        "access_role_conditions": True,
        "kms_deletion_window_days": 30,
        "warehouse_auto_suspend": 60,
        "warehouse_auto_resume": True,
    },
)
"""What ``hardened=True`` sets; an option given explicitly wins over it."""
