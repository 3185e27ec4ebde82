"""The processed-files record of ``processing="consume_stream"``: its columns, the
task's condition and SQL, as plain text built from the objects' names.

The design does not depend on what ``COPY FILES`` does inside a transaction, which
Snowflake's documentation does not say (it names INSERT, UPDATE, DELETE, MERGE and
TRUNCATE as DML; COPY FILES is neither listed nor called DDL). Each run of the task:

1. **records** the stream's new files in the table, marked not copied (``COPIED =
   FALSE``); the INSERT is DML on the stream, so its commit consumes the stream, and a
   file is either recorded and consumed or neither;
2. **copies** every recorded file not yet marked copied (this run's and any earlier
   run's whose copy failed);
3. **marks** them copied;
4. **consumes the pending stream**, an append-only stream on the table, with a DML
   statement that selects nothing from it.

What re-runs a failed copy once the inbound stream is empty: the pending stream. Step 1
inserts rows into the table, so the pending stream has data until step 4 of a run
whose copy and marking succeeded; the task's condition is true while either stream has
data (``SYSTEM$STREAM_HAS_DATA(...) OR SYSTEM$STREAM_HAS_DATA(...)``; Snowflake's
"Triggered tasks" page allows ``WHEN ... OR`` over several streams, and a task's WHEN
takes no subquery such as ``EXISTS``). A run that fails anywhere leaves the pending
stream unconsumed, so the next check runs the task again and step 2 copies the
uncopied files again. A copy that is repeated writes the same key again: in the
versioned outbound bucket that is a new version of the same file, never a second file.

Steps 2 and 3 mark exactly what step 2 copied because only step 1 of the same task
writes uncopied rows, and runs of one task never overlap (Snowflake does not start a
task's run while its previous run is still executing, unless
``ALLOW_OVERLAPPING_EXECUTION``, which the provider leaves false).

An existing deployment's table (the six directory columns) is migrated in place: the
two new columns are added by ``ALTER TABLE ... ADD COLUMN`` (the provider's update of
``column`` adds columns and allows a constant default), and the default ``TRUE`` of
``COPIED`` marks the rows already there as copied, which they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ._flavour import snowflake

TableColumn = snowflake.table.TableColumn
TableColumnDefault = snowflake.table.TableColumnDefault

__all__ = [
    "COPIED",
    "DIRECTORY_COLUMNS",
    "RECORDED_AT",
    "RECORD_COLUMNS",
    "RecordColumn",
    "consume_stream_sql",
    "consume_stream_when",
]


@dataclass(frozen=True)
class RecordColumn:
    """A column of the processed-files table: its name, type and constant default."""

    name: str
    type: str
    default: str | None = None


# Directory-table columns copied into the processed-files table.
DIRECTORY_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("RELATIVE_PATH", "VARCHAR"),
    ("SIZE", "NUMBER(38,0)"),
    ("LAST_MODIFIED", "TIMESTAMP_TZ(3)"),
    ("MD5", "VARCHAR"),
    ("ETAG", "VARCHAR"),
    ("FILE_URL", "VARCHAR"),
)
COPIED: Final = "COPIED"
"""Whether the file was copied to the outbound stage; the task records a file with
FALSE. The column's default, TRUE, is what the rows recorded before the column existed
(the former design: copied and recorded in one transaction) get."""
RECORDED_AT: Final = "RECORDED_AT"
"""When the task recorded the file (NULL for rows recorded before the column existed)."""

RECORD_COLUMNS: Final[tuple[RecordColumn, ...]] = (
    *(RecordColumn(name, kind) for name, kind in DIRECTORY_COLUMNS),
    RecordColumn(COPIED, "BOOLEAN", default="TRUE"),
    RecordColumn(RECORDED_AT, "TIMESTAMP_LTZ(9)"),
)
"""The processed-files table's columns, in order; new columns are only ever appended,
so an existing table is altered in place, never replaced."""


def record_table_columns() -> list[TableColumn]:
    """:data:`RECORD_COLUMNS` as the table resource's ``column`` blocks."""
    return [
        TableColumn(
            name=column.name,
            type=column.type,
            default=None if column.default is None else TableColumnDefault(constant=column.default),
        )
        for column in RECORD_COLUMNS
    ]


def consume_stream_when(stream: str, pending_stream: str) -> str:
    """The task's condition: new files in the inbound stream, or recorded files whose
    run has not yet consumed the pending stream (a failed copy among them)."""
    return f"SYSTEM$STREAM_HAS_DATA('{stream}') OR SYSTEM$STREAM_HAS_DATA('{pending_stream}')"


def consume_stream_sql(
    *,
    stream: str,
    pending_stream: str,
    table: str,
    inbound_stage: str,
    outbound_stage: str,
    file_pattern: str | None = None,
) -> str:
    """The task's statement (a Snowflake Scripting block): record, copy, mark, consume
    the pending stream. Names are fully qualified; ``file_pattern`` (a POSIX regular
    expression) limits which new files are recorded."""
    columns = ", ".join(name for name, _ in DIRECTORY_COLUMNS)
    new_files = f"FROM {stream} WHERE METADATA$ACTION = 'INSERT'"
    if file_pattern:
        new_files += f" AND RLIKE(RELATIVE_PATH, '{sql_literal(file_pattern)}')"
    uncopied = f"FROM {table} WHERE NOT {COPIED}"
    return "\n".join(
        [
            "BEGIN",
            f"  INSERT INTO {table} ({columns}, {COPIED}, {RECORDED_AT})",
            f"    SELECT {columns}, FALSE, CURRENT_TIMESTAMP() {new_files};",
            f"  COPY FILES INTO @{outbound_stage}",
            f"    FROM (SELECT DISTINCT '@{inbound_stage}/' || RELATIVE_PATH, RELATIVE_PATH"
            f" {uncopied});",
            f"  UPDATE {table} SET {COPIED} = TRUE WHERE NOT {COPIED};",
            f"  INSERT INTO {table} ({columns})",
            f"    SELECT {columns} FROM {pending_stream} WHERE FALSE;",
            # No final ';': the provider compares the definition SHOW TASKS returns
            # with this text, and a trailing ';' may not survive the round trip.
            "END",
        ]
    )


def sql_literal(value: str | None) -> str:
    """``value`` escaped for a single-quoted Snowflake string literal."""
    return (value or "").replace("\\", "\\\\").replace("'", "\\'")
