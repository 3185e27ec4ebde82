"""Facts about ``snowflake_alert``, the same at provider 2.10.1 and 2.20.0 (read at both
tags: ``pkg/resources/alert.go`` differs between them only in how it builds its SDK
requests), and the check both fact sets run with them.

The alert's preview gate (``snowflake_alert_resource``) is in each fact set's list of
gated types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..snowflake_regex import unsupported_constructs
from .fact import Fact
from .task_sql import (
    notification_call_problems,
    quoting_problems,
    task_patterns,
    unqualified_relations,
)

# The provider's bound on alert_schedule.interval (its description in alertSchema).
MAX_INTERVAL_MINUTES = 1439


def alert_source(tag: str) -> str:
    """Where the alert's facts were read, at ``tag``."""
    return f"pkg/resources/alert.go @ {tag}"


def alert_facts(tag: str) -> dict[str, Fact]:
    """The facts about ``snowflake_alert`` at ``tag``, by what each is about."""
    source = alert_source(tag)
    return {
        "warehouse": Fact(
            "warehouse is Required and ForceNew; ReadAlert sets it to the bare name SHOW "
            "ALERTS returns, so a quoted or qualified name replaces the alert on every plan",
            f"{source} (alertSchema, ReadAlert)",
        ),
        "schedule": Fact(
            "alert_schedule is Optional, but getAlertSchedule indexes its first element "
            "unguarded (create fails without it); it holds one of interval (minutes, above "
            "0 and below 1440) or cron (expression and time_zone, both required)",
            f"{source} (alertSchema, getAlertSchedule)",
        ),
        "enabled": Fact(
            "Snowflake creates an alert suspended; enabled defaults to false, and with "
            "enabled = true a failed RESUME in CreateAlert is only a warning (the resume "
            "needs EXECUTE ALERT on the account)",
            f"{source} (alertSchema, CreateAlert); Snowflake docs: CREATE ALERT",
        ),
        "condition": Fact(
            "the provider wraps condition in IF (EXISTS (...)): one SELECT, SHOW or CALL "
            "without a trailing ';'; condition and action are compared by "
            "DiffSuppressStatement (whitespace runs and letter case ignored)",
            f"{source} (alertSchema); pkg/sdk CreateAlertOptions, "
            f"pkg/resources/common.go DiffSuppressStatement @ {tag}",
        ),
        "sql": Fact(
            "SQL Snowflake runs must lex (closed literals and identifiers, balanced "
            "parentheses), name its relations in full, and call "
            "SYSTEM$SEND_SNOWFLAKE_NOTIFICATION(SNOWFLAKE.NOTIFICATION.APPLICATION_JSON(...), "
            "SNOWFLAKE.NOTIFICATION.INTEGRATION('<name>')) for a queue integration",
            "Snowflake docs: SYSTEM$SEND_SNOWFLAKE_NOTIFICATION, APPLICATION_JSON, INTEGRATION",
        ),
    }


_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*|\$\{[\w.]+\.name\}|\$\{[^}]*\}")
_STATEMENT_START = re.compile(r"\s*(SELECT|SHOW|CALL|WITH)\b", re.IGNORECASE)


def alert_violations(address: str, body: Mapping[str, Any], tag: str) -> list[str]:
    """What a ``snowflake_alert`` must not do, at ``tag``."""
    facts = alert_facts(tag)
    found: list[str] = []
    warehouse = body.get("warehouse")
    if not isinstance(warehouse, str) or not warehouse:
        found.append(f"{address}: no warehouse: {facts['warehouse']}")
    elif warehouse.endswith(".fully_qualified_name}") or not _BARE_NAME.fullmatch(warehouse):
        found.append(f"{address}.warehouse {warehouse!r} is not a bare name: {facts['warehouse']}")
    found += _schedule_violations(address, body.get("alert_schedule"), facts["schedule"])
    if body.get("enabled") is not True:
        found.append(f"{address}: created suspended, never enabled: {facts['enabled']}")
    condition = str(body.get("condition", ""))
    if condition.rstrip().endswith(";") or not _STATEMENT_START.match(condition):
        found.append(f"{address}.condition is not one query: {facts['condition']}")
    for attribute in ("condition", "action"):
        sql = str(body.get(attribute, ""))
        for problem in quoting_problems(sql) + notification_call_problems(sql):
            found.append(f"{address}.{attribute}: {problem}: {facts['sql']}")
        for relation in unqualified_relations(sql):
            found.append(f"{address}.{attribute}: {relation} not named in full: {facts['sql']}")
    return found


def alert_pattern_violations(address: str, body: Mapping[str, Any], source: str) -> list[str]:
    """The regular expressions of an alert's condition and action that Snowflake's
    dialect lacks (``source``: the fact set's POSIX fact)."""
    return [
        f"{address}.{attribute}: pattern has {construct}: {source}"
        for attribute in ("condition", "action")
        for pattern in task_patterns(str(body.get(attribute, "")))
        for construct in unsupported_constructs(pattern)
    ]


def _schedule_violations(address: str, schedule: object, fact: Fact) -> list[str]:
    # cdktf writes a one-element block as an object; Terraform JSON takes a list too.
    if isinstance(schedule, list) and len(schedule) == 1:
        schedule = schedule[0]
    if not isinstance(schedule, Mapping):
        return [f"{address}: no alert_schedule: {fact}"]
    given = [key for key in ("interval", "cron") if schedule.get(key) is not None]
    if len(given) != 1:
        return [f"{address}.alert_schedule holds {given or 'nothing'}: {fact}"]
    cron = schedule.get("cron")
    if isinstance(cron, list) and len(cron) == 1:
        cron = cron[0]
    if given == ["cron"] and not (
        isinstance(cron, Mapping) and cron.get("expression") and cron.get("time_zone")
    ):
        return [f"{address}.alert_schedule.cron needs expression and time_zone: {fact}"]
    interval = schedule.get("interval")
    if given == ["interval"] and not (
        isinstance(interval, int) and 0 < interval <= MAX_INTERVAL_MINUTES
    ):
        return [f"{address}.alert_schedule.interval {interval!r}: {fact}"]
    return []
