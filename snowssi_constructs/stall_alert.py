"""Stall alerts: a Snowflake alert that pages when a file has waited too long.

A task that errors sends a failure notification (:mod:`~snowssi_constructs.failure_alerts`);
a pipeline that silently stops does not: a task Snowflake suspended after repeated
failures, a task suspended by hand, a dropped warehouse, a trigger that never fires. In
each case the files stay in the pipeline's stream, unprocessed. :class:`StallAlert`
checks on a schedule whether a file has waited longer than ``after_minutes`` and, while
one has, sends a JSON message through the failure alerts' notification integration
naming the pipeline, its task, the oldest waiting file and how long it has waited.

What the snowflake provider does with the alert (``pkg/resources/alert.go`` at v2.10.1
and v2.20.0, ``Alert``, ``CreateAlert``, ``ReadAlert``, ``getAlertSchedule``) shapes it:

- ``warehouse`` is required and ForceNew, and ``ReadAlert`` writes back the bare name
  ``SHOW ALERTS`` returns: the alert takes the warehouse's name, never its fully
  qualified name (which would replace the alert on every plan);
- ``alert_schedule`` is optional in the schema, but ``getAlertSchedule`` indexes its
  first element unguarded: the alert always has one, an interval in minutes above 0 and
  below 1440 (:func:`check_every_minutes`);
- Snowflake creates an alert suspended and ``CreateAlert`` turns a failed ``RESUME``
  into a warning: ``enabled = true`` needs ``EXECUTE ALERT`` on the account
  (:mod:`~snowssi_constructs.privileges`), or the plan never settles;
- the provider wraps ``condition`` in ``IF (EXISTS (...))`` (``CreateAlertOptions`` in
  ``pkg/sdk``), so the condition is one query with no trailing ``;``; ``condition``
  and ``action`` are compared through ``DiffSuppressStatement`` (runs of whitespace and
  letter case are ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from . import validation
from ._addresses import pin
from ._flavour import snowflake
from .naming import Naming, PipelinePrefix
from .processed_files import COPIED, sql_literal

Alert = snowflake.alert.Alert
AlertAlertSchedule = snowflake.alert.AlertAlertSchedule

# The provider's bound on an interval schedule: above 0 and below 1440 minutes
# (alert_schedule.interval's description, pkg/resources/alert.go at both pinned tags).
MAX_INTERVAL_MINUTES = 1439
# The longest threshold: 8 days, the bound of the options' minute schedules.
MAX_AFTER_MINUTES = validation.MAX_SCHEDULE_MINUTES


def check_every_minutes(after_minutes: int) -> int:
    """How often the alert runs for a threshold of ``after_minutes``: every
    ``after_minutes`` minutes, at most every 1,439 (the provider's bound).

    A file that starts waiting just after a run is reported by the run at most two
    intervals later, so a stall is reported between ``after_minutes`` and twice that
    (for a threshold under a day). Each run resumes the warehouse: a shorter interval
    reports sooner and costs more (docs/failure-alerts.md states the cost).
    """
    return min(after_minutes, MAX_INTERVAL_MINUTES)


@dataclass(frozen=True)
class WaitingFiles:
    """Where the alert looks for files not yet processed: a relation (a stream or a
    table, fully qualified), the condition that selects its waiting rows, and the
    columns holding each file's path and the time it started waiting."""

    relation: str
    where: str
    path_column: str = "RELATIVE_PATH"
    since_column: str = "LAST_MODIFIED"

    def select(self) -> str:
        """``SELECT`` of each waiting file's path and waiting start, as ``FILE_PATH``
        and ``WAITING_SINCE``."""
        return (
            f"SELECT {self.path_column} AS FILE_PATH, {self.since_column} AS WAITING_SINCE "
            f"FROM {self.relation} WHERE {self.where}"
        )


def stream_waiting_files(stream: str, file_pattern: str | None = None) -> WaitingFiles:
    """The files a stream on a directory table still reports as added: its ``INSERT``
    rows, only those matching ``file_pattern`` when given (the task copies no others).

    A ``SELECT`` does not consume a stream (only DML does), so the alert never takes a
    file from the task.
    """
    where = "METADATA$ACTION = 'INSERT'"
    if file_pattern:
        where += f" AND RLIKE(RELATIVE_PATH, '{sql_literal(file_pattern)}')"
    return WaitingFiles(relation=stream, where=where)


def record_waiting_files(table: str) -> WaitingFiles:
    """The files the processed-files record (``processing="consume_stream"``) holds
    as recorded but not yet copied: a failed copy waits there, after the stream was
    consumed. They wait since they landed (``LAST_MODIFIED``), like the stream's."""
    return WaitingFiles(relation=table, where=f"NOT {COPIED}")


def pipeline_waiting_files(
    stream: str, *, file_pattern: str | None = None, record: str | None = None
) -> list[WaitingFiles]:
    """Where a pipeline's files wait: its stream (only files matching ``file_pattern``,
    when the task copies only those) and, when it keeps the processed-files record,
    the record's uncopied rows."""
    waiting = [stream_waiting_files(stream, file_pattern)]
    if record is not None:
        waiting.append(record_waiting_files(record))
    return waiting


class StallAlert(Construct):
    """A Snowflake alert that sends a message while a file has waited longer than
    ``after_minutes`` to be processed.

    Every :func:`check_every_minutes` minutes the condition looks for a file of
    ``waiting_files`` that started waiting more than ``after_minutes`` ago. While one
    has, each run sends one message (a reminder at the alert's pace, until the files
    move): the action queries the waiting files again and, if any remain, calls
    ``SYSTEM$SEND_SNOWFLAKE_NOTIFICATION`` with a JSON message through the
    integration. Re-querying, rather than reading the condition's result with
    ``SNOWFLAKE.ALERT.GET_CONDITION_QUERY_UUID()``, needs no grant of the ``SNOWFLAKE``
    database role ``ALERT_VIEWER``. Address: ``snowflake_alert.<address>``.

    :param name: the alert's name.
    :param database: the database of the alert; :param schema: its schema.
    :param warehouse: the warehouse the alert runs on, by its name (not its fully
        qualified name: the provider reads back the bare name, and the attribute
        forces replacement).
    :param integration_name: the notification integration the message goes through
        (the failure alerts' AWS SNS integration).
    :param pipeline: the pipeline's name, as the message names it.
    :param task: the fully qualified name of the task that processes the files, as the
        message names it (the task to look at, or resume).
    :param waiting_files: where files wait: one or more :class:`WaitingFiles`
        (:func:`stream_waiting_files` for a pipeline's stream).
    :param after_minutes: a file that has waited longer than this is reported (1 to
        11,520).
    :param address: the alert's address name.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        database: str,
        schema: str,
        warehouse: str,
        integration_name: str,
        pipeline: str,
        task: str,
        waiting_files: Sequence[WaitingFiles],
        after_minutes: int,
        address: str = "stall_alert",
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.snowflake_identifier, "name", name)
            for prop, value in (
                ("database", database),
                ("schema", schema),
                ("pipeline", pipeline),
                ("task", task),
            ):
                problems.check(validation.non_empty_string, prop, value)
            problems.check(validation.snowflake_identifier, "integration_name", integration_name)
            _check_warehouse(problems, warehouse)
            _check_waiting_files(problems, waiting_files)
            problems.check(
                validation.integer,
                "after_minutes",
                after_minutes,
                minimum=1,
                maximum=MAX_AFTER_MINUTES,
            )
            problems.check(validation.terraform_name, "address", address)
        self.after_minutes = after_minutes
        self.check_every_minutes = check_every_minutes(after_minutes)
        self._waiting_files = tuple(waiting_files)
        self._pipeline = pipeline
        self._task = task
        self._integration_name = integration_name
        self.alert = Alert(
            self,
            "alert",
            name=name,
            database=database,
            schema=schema,
            warehouse=warehouse,
            alert_schedule=AlertAlertSchedule(interval=self.check_every_minutes),
            condition=self.condition_sql(),
            action=self.action_sql(),
            enabled=True,
            comment=(
                f"SnowSSI: a file of pipeline {pipeline} has waited more than "
                f"{after_minutes} minutes"
            ),
        )
        pin(self.alert, address)

    @classmethod
    def for_pipeline(
        cls,
        scope: Construct,
        *,
        naming: Naming,
        prefix: PipelinePrefix,
        stream: str,
        record: str | None,
        file_pattern: str | None,
        **props: Any,
    ) -> StallAlert:
        """The alert of a SnowSSI pipeline, named and addressed like its other objects
        (``<PIPELINE>_STALL_ALERT_<suffix>``, ``<pipeline>_stall_alert``), over its
        stream and processed-files record (:func:`pipeline_waiting_files`); ``props``
        are the other props of :class:`StallAlert`."""
        return cls(
            scope,
            "stall_alert",
            name=naming.snowflake(f"{prefix.snowflake}STALL_ALERT_"),
            pipeline=prefix.name or "default",
            waiting_files=pipeline_waiting_files(stream, file_pattern=file_pattern, record=record),
            address=f"{prefix.address}stall_alert",
            **props,
        )

    def _overdue(self) -> str:
        """Each waiting file that has waited more than ``after_minutes``."""
        union = " UNION ALL ".join(w.select() for w in self._waiting_files)
        return (
            f"SELECT FILE_PATH, WAITING_SINCE FROM ({union}) "
            f"WHERE WAITING_SINCE < DATEADD(MINUTE, -{self.after_minutes}, CURRENT_TIMESTAMP())"
        )

    def condition_sql(self) -> str:
        """The condition: one row per overdue file (no trailing ``;``: the provider
        wraps it in ``IF (EXISTS (...))``)."""
        return self._overdue()

    def action_sql(self) -> str:
        """The action: count the overdue files again and, if any remain, send one JSON
        message through the integration.

        The message: ``pipeline``, ``task``, ``oldest_file``, ``waiting_minutes`` (how
        long the oldest file has waited), ``waiting_files`` (how many have waited longer
        than the threshold) and ``threshold_minutes``.
        """
        message = (
            "TO_JSON(OBJECT_CONSTRUCT("
            f"'pipeline', '{sql_literal(self._pipeline)}', "
            f"'task', '{sql_literal(self._task)}', "
            "'oldest_file', MIN_BY(FILE_PATH, WAITING_SINCE), "
            "'waiting_minutes', DATEDIFF(MINUTE, MIN(WAITING_SINCE), CURRENT_TIMESTAMP()), "
            "'waiting_files', COUNT(*), "
            f"'threshold_minutes', {self.after_minutes}))"
        )
        return "\n".join(
            [
                "BEGIN",
                "  LET waiting INTEGER := 0;",
                "  LET message VARCHAR := '';",
                f"  SELECT COUNT(*), {message}",
                "    INTO :waiting, :message",
                f"    FROM ({self._overdue()});",
                # The files may have moved since the condition ran: then nothing is sent.
                "  IF (waiting > 0) THEN",
                "    CALL SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(",
                "      SNOWFLAKE.NOTIFICATION.APPLICATION_JSON(:message),",
                f"      SNOWFLAKE.NOTIFICATION.INTEGRATION('{self._integration_name}'));",
                "  END IF;",
                # No final ';': the provider compares what SHOW ALERTS returns with this.
                "END",
            ]
        )


def _check_warehouse(problems: validation.Problems, warehouse: object) -> None:
    if isinstance(warehouse, str) and not validation.is_token(warehouse):
        if '"' in warehouse or "." in warehouse:
            problems.add(
                "warehouse",
                "give the warehouse's name, not a quoted or qualified one: the provider "
                f"reads back the bare name and would replace the alert on every plan; got "
                f"{warehouse!r}",
            )
            return
        problems.check(validation.snowflake_identifier, "warehouse", warehouse)
        return
    problems.check(validation.non_empty_string, "warehouse", warehouse)


def _check_waiting_files(problems: validation.Problems, waiting_files: object) -> None:
    if (
        isinstance(waiting_files, str)
        or not isinstance(waiting_files, Sequence)
        or not waiting_files
        or not all(isinstance(w, WaitingFiles) for w in waiting_files)
    ):
        problems.add(
            "waiting_files",
            f"expected one or more WaitingFiles, got {waiting_files!r}",
            wrong_type=True,
        )
