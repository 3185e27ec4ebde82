"""The options of a pipeline, defined once, and the ``hardened`` preset.

:class:`PipelineOptions` is the one definition of what a pipeline can be told. The
stack takes these options as flat keywords (``SnowSSIStack(app, "snowssi",
file_pattern=...)``) and hands them to every pipeline it creates; ``add_pipeline`` and
``SnowSSIPipeline`` take the same keywords. All three are typed with
``**options: Unpack[PipelineOptions]``, so a type checker catches a misspelt or
mistyped option in a user's program, and :func:`check_pipeline_options` catches it at
run time, naming the option.

The ``hardened=True`` preset is :data:`HARDENED`: the pipeline options it sets and the
settings of the shared resources. An option given explicitly wins over it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal, TypedDict, get_args

from . import validation

if TYPE_CHECKING:
    from .pipeline import SnowSSIPipeline

Processing = Literal["copy_stage", "consume_stream"]
PROCESSING_MODES: Final[tuple[str, ...]] = get_args(Processing)
SqlStatement = str | Callable[["SnowSSIPipeline"], str]
# A Snowflake task schedule in minutes: at most 8 days (11,520 minutes).
MAX_SCHEDULE_MINUTES: Final = 11_520


class PipelineOptions(TypedDict, total=False):
    """What one pipeline can be told; every key is optional (see :data:`DEFAULTS`)."""

    processing: Processing
    """``"copy_stage"`` (the original: copy the whole inbound stage on every trigger)
    or ``"consume_stream"`` (copy only the files the stream reports as new, recording
    them in a processed-files table in the same transaction, which consumes the
    stream)."""
    sql_statement: SqlStatement | None
    """The task's SQL, or a function of the pipeline returning it; overrides
    ``processing`` and ``file_pattern``."""
    file_pattern: str | None
    """Only files whose path matches are copied: a regular expression in the POSIX
    dialect Snowflake runs."""
    notification_channel_arn: str | None
    """The inbound stage's SQS notification channel; the inbound bucket sends
    object-created and object-removed events to it (auto-refresh)."""
    refresh_schedule_minutes: int | None
    """Without a channel, a task refreshes the inbound stage on this schedule."""
    force_destroy: bool
    """``force_destroy`` on both buckets (True in the original)."""
    prevent_destroy: bool
    """``lifecycle { prevent_destroy = true }`` on both buckets."""
    noncurrent_version_expiration_days: int | None
    """Expire noncurrent object versions after this many days."""
    abort_incomplete_multipart_upload_days: int | None
    """Abort multipart uploads left incomplete this many days."""
    outbound_baseline_access: bool
    """Grant Snowflake's documented baseline on the outbound bucket
    (``s3:GetBucketLocation``, ``s3:GetObject``, ``s3:GetObjectVersion`` besides list,
    put and delete)."""
    serverless_initial_size: str
    """Initial size of a serverless task's compute, at most XXLARGE."""
    serverless_schedule_minutes: int
    """How often a serverless task checks its stream (provider 2.10.1 cannot start a
    serverless task that only has a ``WHEN``)."""


OPTION_NAMES: Final = frozenset(PipelineOptions.__annotations__)

DEFAULTS: Final[PipelineOptions] = {
    "processing": "copy_stage",
    "sql_statement": None,
    "file_pattern": None,
    "notification_channel_arn": None,
    "refresh_schedule_minutes": None,
    "force_destroy": True,
    "prevent_destroy": False,
    "noncurrent_version_expiration_days": None,
    "abort_incomplete_multipart_upload_days": None,
    "outbound_baseline_access": False,
    "serverless_initial_size": "XSMALL",
    "serverless_schedule_minutes": 1,
}


@dataclass(frozen=True)
class Hardening:
    """What ``hardened=True`` sets: pipeline options, and the shared resources'
    settings (each can also be set alone)."""

    pipeline: PipelineOptions = field(default_factory=lambda: PipelineOptions())
    kms_key_policy: bool = False
    kms_deletion_window_days: int | None = None
    warehouse_auto_suspend: int | None = None
    warehouse_auto_resume: bool | None = None


HARDENED: Final = Hardening(
    pipeline={
        "processing": "consume_stream",
        "refresh_schedule_minutes": 5,
        "force_destroy": False,
        "prevent_destroy": True,
        "noncurrent_version_expiration_days": 30,
        "abort_incomplete_multipart_upload_days": 7,
        "outbound_baseline_access": True,
    },
    kms_key_policy=True,
    kms_deletion_window_days=30,
    warehouse_auto_suspend=60,
    warehouse_auto_resume=True,
)


def resolve(*layers: PipelineOptions) -> PipelineOptions:
    """:data:`DEFAULTS` overlaid with ``layers`` in order (the last one wins)."""
    resolved: PipelineOptions = {**DEFAULTS}
    for layer in layers:
        resolved.update(layer)
    return resolved


def check_pipeline_options(problems: validation.Problems, options: Mapping[str, object]) -> None:
    """Record every problem of ``options`` (a :class:`PipelineOptions`, or whatever a
    caller passed as one) in ``problems``, each naming its option."""
    for unknown in sorted(options.keys() - OPTION_NAMES):
        close = difflib.get_close_matches(unknown, OPTION_NAMES, n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "the pipeline options are " + ", ".join(sorted(OPTION_NAMES))
        )
        problems.add(unknown, f"unexpected keyword argument; {hint}", wrong_type=True)
    get = options.get

    def text(prop: str, *, optional: bool = True) -> str | None:
        # The option as a str, or None when it is absent, None where None is allowed,
        # or of another type (recorded).
        value = get(prop)
        if isinstance(value, str) or (value is None and optional):
            return value
        problems.check(validation.string, prop, value)
        return None

    if "processing" in options:
        problems.check(validation.choice, "processing", get("processing"), PROCESSING_MODES)
    if not callable(get("sql_statement")) and (statement := text("sql_statement")) is not None:
        problems.check(validation.require, "sql_statement", statement)
    if (pattern := text("file_pattern")) is not None:
        problems.check(validation.snowflake_pattern, "file_pattern", pattern)
    if (channel := text("notification_channel_arn")) is not None:
        problems.check(validation.sqs_queue_arn, "notification_channel_arn", channel)
    if "serverless_initial_size" in options:
        size = text("serverless_initial_size", optional=False)
        if size is not None:
            problems.check(validation.serverless_task_size, "serverless_initial_size", size)
    for prop in ("force_destroy", "prevent_destroy", "outbound_baseline_access"):
        if prop in options:
            problems.check(validation.boolean, prop, get(prop))
    for prop, maximum in (
        ("refresh_schedule_minutes", MAX_SCHEDULE_MINUTES),
        ("noncurrent_version_expiration_days", None),
        ("abort_incomplete_multipart_upload_days", None),
    ):
        problems.check(
            validation.integer, prop, get(prop), optional=True, minimum=1, maximum=maximum
        )
    if "serverless_schedule_minutes" in options:
        problems.check(
            validation.integer,
            "serverless_schedule_minutes",
            get("serverless_schedule_minutes"),
            minimum=1,
            maximum=MAX_SCHEDULE_MINUTES,
        )
