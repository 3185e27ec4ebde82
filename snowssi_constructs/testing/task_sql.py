"""The SQL a stack hands Snowflake (a task's statement, an alert's condition and action),
read the way Snowflake reads it: its regular expressions, its quoting, the relations it
names, and its calls of ``SYSTEM$SEND_SNOWFLAKE_NOTIFICATION``.

Terraform expressions (``${...}``) inside the SQL are read as a plain value: what
Terraform substitutes holds no quote or parenthesis of the SQL around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Patterns inside task SQL: COPY FILES ... PATTERN = '...' and RLIKE(col, '...').
_SQL_PATTERN = re.compile(r"(?:PATTERN = |RLIKE\([A-Z_]+, )'((?:\\.|[^'\\])*)'")


def task_patterns(sql: str) -> list[str]:
    """The regular expressions in a task's SQL, as Snowflake reads them: the text of
    each ``PATTERN = '...'`` and ``RLIKE(col, '...')`` literal, unescaped."""
    return [re.sub(r"\\(.)", r"\1", pattern) for pattern in _SQL_PATTERN.findall(sql)]


def without_expressions(text: str) -> str:
    """``text`` with each ``${...}`` (nested ones included) replaced by ``X``: the value
    Terraform substitutes holds no quote of the text's syntax."""
    out, depth, index = [], 0, 0
    while index < len(text):
        if text.startswith("${", index):
            depth += 1
            index += 2
            continue
        char = text[index]
        if depth and char == "}":
            depth -= 1
            if depth == 0:
                out.append("X")
        elif depth and char == "{":
            depth += 1
        elif not depth:
            out.append(char)
        index += 1
    return "".join(out)


def quoting_problems(sql: str) -> list[str]:
    """What Snowflake's lexer would refuse: a string literal (``'...'``, with ``\\``
    escapes and ``''``) or quoted identifier (``"..."``, with ``""``) left open, and
    parentheses outside them that do not balance."""
    text = without_expressions(sql)
    problems: list[str] = []
    depth = 0
    for index, char in _outside_quotes(text):
        if char in "'\"":
            kind = "string literal" if char == "'" else "quoted identifier"
            problems.append(f"unclosed {kind} at offset {index}")
            break
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                problems.append(f"')' without '(' at offset {index}")
                depth = 0
    if depth > 0:
        problems.append(f"{depth} '(' never closed")
    return problems


def _outside_quotes(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Each (offset, character) of ``text`` from ``start`` that is outside string
    literals and quoted identifiers; a quote left open is yielded as itself, last (no
    other quote is yielded)."""
    index = start
    while index < len(text):
        char = text[index]
        if char in "'\"":
            end = _closing(text, index)
            if end is None:
                yield index, char
                return
            index = end + 1
            continue
        yield index, char
        index += 1


def _closing(text: str, start: int) -> int | None:
    quote, index = text[start], start + 1
    while index < len(text):
        char = text[index]
        if quote == "'" and char == "\\":
            index += 2
            continue
        if char == quote:
            if text.startswith(quote * 2, index):
                index += 2
                continue
            return index
        index += 1
    return None


# A name of three parts, each unquoted or double-quoted, or a reference Terraform fills
# with a fully qualified name.
_PART = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIED = re.compile(rf"{_PART}\.{_PART}\.{_PART}")
_REFERENCE = re.compile(r"\$\{[\w.\[\]]+\.fully_qualified_name\}")
_FROM = re.compile(r"\bFROM\s+(\$\{[^}]*\}|[^\s(),;]+)", re.IGNORECASE)


def unqualified_relations(sql: str) -> list[str]:
    """Each relation after ``FROM`` that is not named in full (database, schema and
    name, or a reference to a ``fully_qualified_name``): SQL that runs unattended
    should not depend on the session's current database and schema. A subquery and a
    stage (``@...``) are not relations here."""
    found = []
    for name in _FROM.findall(sql):
        if name.startswith("@"):
            continue
        if not (_REFERENCE.fullmatch(name) or _QUALIFIED.fullmatch(name)):
            found.append(name)
    return found


# SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(<message>, <integration configuration>), each
# argument built by its helper function, as Snowflake's docs show it.
_SEND = re.compile(r"SYSTEM\$SEND_SNOWFLAKE_NOTIFICATION\s*\(", re.IGNORECASE)
_CALLED = re.compile(r"\bCALL\s+$", re.IGNORECASE)
_MESSAGE = re.compile(
    r"\s*SNOWFLAKE\.NOTIFICATION\.(APPLICATION_JSON|TEXT_PLAIN|TEXT_HTML)\s*\(", re.IGNORECASE
)
_INTEGRATION = re.compile(
    r"\s*SNOWFLAKE\.NOTIFICATION\.INTEGRATION\s*\(\s*'[^'\\]+'\s*\)\s*\)", re.IGNORECASE
)


def notification_call_problems(sql: str, *, queue: bool = True) -> list[str]:
    """How each call of ``SYSTEM$SEND_SNOWFLAKE_NOTIFICATION`` in ``sql`` departs from
    the documented form: a ``CALL`` of the stored procedure, a message built by
    ``SNOWFLAKE.NOTIFICATION.APPLICATION_JSON`` (``TEXT_PLAIN``/``TEXT_HTML`` are for
    e-mail; with ``queue`` only JSON goes to a queue such as SNS), then
    ``SNOWFLAKE.NOTIFICATION.INTEGRATION('<name>')`` with the name as a string
    literal."""
    text = without_expressions(sql)
    problems: list[str] = []
    for call in _SEND.finditer(text):
        if not _CALLED.search(text[: call.start()]):
            problems.append("SYSTEM$SEND_SNOWFLAKE_NOTIFICATION is a stored procedure: CALL it")
        message = _MESSAGE.match(text, call.end())
        if message is None:
            problems.append("the message is not built by SNOWFLAKE.NOTIFICATION.<format>(...)")
            continue
        if queue and message.group(1).upper() != "APPLICATION_JSON":
            problems.append(f"a queue integration takes JSON, not {message.group(1)}")
        end = _argument_end(text, message.end())
        if end is None or not _INTEGRATION.match(text, end):
            problems.append(
                "the second argument is not SNOWFLAKE.NOTIFICATION.INTEGRATION('<name>')"
            )
    return problems


def _argument_end(text: str, start: int) -> int | None:
    """The offset after the ``,`` that ends the argument whose call opened at
    ``start`` (just after its ``(``)."""
    depth = 1
    for index, char in _outside_quotes(text, start):
        if char in "'\"":
            return None
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            return index + 1
    return None
