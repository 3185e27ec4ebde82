"""The processed-files record (processing="consume_stream"): no file is lost whatever
COPY FILES does to a transaction (issue 25, item 4). Plain text, no synthesis."""

from __future__ import annotations

import re

from snowssi_constructs.processed_files import (
    COPIED,
    DIRECTORY_COLUMNS,
    RECORD_COLUMNS,
    RECORDED_AT,
    consume_stream_sql,
    consume_stream_when,
    sql_literal,
)

NAMES = {
    "stream": '"DB"."SC"."STREAM_X"',
    "pending_stream": '"DB"."SC"."PROCESSED_FILES_STREAM_X"',
    "table": '"DB"."SC"."PROCESSED_FILES_X"',
    "inbound_stage": '"DB"."SC"."INBOUND_STAGE_X"',
    "outbound_stage": '"DB"."SC"."OUTBOUND_STAGE_X"',
}
TABLE = NAMES["table"]
COLUMNS = "RELATIVE_PATH, SIZE, LAST_MODIFIED, MD5, ETAG, FILE_URL"


def statements(sql: str) -> list[str]:
    """The block's statements, whitespace folded, without BEGIN/END."""
    body = sql.removeprefix("BEGIN\n").removesuffix("\nEND")
    return [" ".join(s.split()) for s in body.split(";") if s.strip()]


def test_the_table_keeps_the_six_directory_columns_first_and_appends_the_mark():
    # An existing table is migrated in place: its columns stay, in order, and the two
    # new ones come after them (the provider adds columns with ALTER TABLE ADD COLUMN).
    names = [column.name for column in RECORD_COLUMNS]
    assert names[:6] == [name for name, _ in DIRECTORY_COLUMNS] == COLUMNS.split(", ")
    assert names[6:] == [COPIED, RECORDED_AT]


def test_rows_recorded_before_the_mark_existed_count_as_copied():
    copied = {column.name: column for column in RECORD_COLUMNS}[COPIED]
    assert (copied.type, copied.default) == ("BOOLEAN", "TRUE")
    # Only a constant default can be added to a table that holds rows.
    assert all(column.default in (None, "TRUE") for column in RECORD_COLUMNS)


def test_the_task_records_first_then_copies_the_uncopied_then_marks_then_consumes():
    record, copy, mark, consume = statements(consume_stream_sql(**NAMES))
    assert record == (
        f"INSERT INTO {TABLE} ({COLUMNS}, COPIED, RECORDED_AT) SELECT {COLUMNS}, FALSE, "
        f"CURRENT_TIMESTAMP() FROM {NAMES['stream']} WHERE METADATA$ACTION = 'INSERT'"
    )
    assert copy == (
        f"COPY FILES INTO @{NAMES['outbound_stage']} FROM (SELECT DISTINCT "
        f"'@{NAMES['inbound_stage']}/' || RELATIVE_PATH, RELATIVE_PATH "
        f"FROM {TABLE} WHERE NOT COPIED)"
    )
    assert mark == f"UPDATE {TABLE} SET COPIED = TRUE WHERE NOT COPIED"
    assert consume == (
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} "
        f"FROM {NAMES['pending_stream']} WHERE FALSE"
    )


def test_no_statement_relies_on_a_transaction():
    sql = consume_stream_sql(**NAMES)
    assert "TRANSACTION" not in sql and "COMMIT" not in sql and "ROLLBACK" not in sql


def test_the_copy_reads_the_record_never_the_stream():
    # A file is copied only once it is recorded: the stream is read by the record step
    # alone, so a file can never be consumed without being recorded.
    record, copy, *_ = statements(consume_stream_sql(**NAMES))
    assert NAMES["stream"] in record
    assert NAMES["stream"] not in copy and "METADATA$ACTION" not in copy


def test_the_block_has_no_trailing_semicolon():
    sql = consume_stream_sql(**NAMES)
    assert sql.startswith("BEGIN\n") and sql.endswith(";\nEND")


def test_the_file_pattern_limits_what_is_recorded_and_is_escaped():
    sql = consume_stream_sql(**NAMES, file_pattern=r"in/o'brien\.csv")
    record, copy, *_ = statements(sql)
    assert record.endswith(r"AND RLIKE(RELATIVE_PATH, 'in/o\'brien\\.csv')")
    assert "RLIKE" not in copy
    assert sql.count("RLIKE") == 1


def test_no_pattern_no_filter():
    assert "RLIKE" not in consume_stream_sql(**NAMES, file_pattern=None)
    assert "RLIKE" not in consume_stream_sql(**NAMES, file_pattern="")


def test_the_task_runs_while_either_stream_has_data():
    assert consume_stream_when("STREAM_X", "PROCESSED_FILES_STREAM_X") == (
        "SYSTEM$STREAM_HAS_DATA('STREAM_X') OR SYSTEM$STREAM_HAS_DATA('PROCESSED_FILES_STREAM_X')"
    )


def test_a_sql_literal_escapes_backslashes_before_quotes():
    assert sql_literal("a\\'b") == "a\\\\\\'b"
    assert re.sub(r"\\(.)", r"\1", sql_literal("a\\'b")) == "a\\'b"
    assert sql_literal(None) == ""
