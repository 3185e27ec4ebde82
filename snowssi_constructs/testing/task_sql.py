"""The regular expressions in a task's SQL, as Snowflake reads them."""

from __future__ import annotations

import re

# Patterns inside task SQL: COPY FILES ... PATTERN = '...' and RLIKE(col, '...').
_SQL_PATTERN = re.compile(r"(?:PATTERN = |RLIKE\([A-Z_]+, )'((?:\\.|[^'\\])*)'")


def task_patterns(sql: str) -> list[str]:
    """The regular expressions in a task's SQL, as Snowflake reads them: the text of
    each ``PATTERN = '...'`` and ``RLIKE(col, '...')`` literal, unescaped."""
    return [re.sub(r"\\(.)", r"\1", pattern) for pattern in _SQL_PATTERN.findall(sql)]
