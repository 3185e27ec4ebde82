"""Facts about the bootstrap's ownership transfers and the processed-files record's
pending stream, the same at provider 2.10.1 and 2.20.0 (read at both tags), and the
document-wide checks both fact sets run with them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fact import Fact


def transfer_fact(tag: str) -> Fact:
    """Why a transfer needs the new role granted to the provider's role first."""
    return Fact(
        "the provider reads every transfer as its own role: ReadGrantOwnership runs SHOW "
        "GRANTS ON the object on every refresh and, when that fails, drops the grant from "
        "the state with only a warning; a task's transfer also runs SHOW TASKS ... IN "
        "SCHEMA (grantOwnershipOnTask). Once the database and schema belong to the new "
        "role, the provider's role sees the objects inside only if it holds the new role",
        f"pkg/resources/grant_ownership.go (ReadGrantOwnership) and pkg/sdk/grants_impl.go "
        f"(grantOwnershipOnTask) @ {tag}",
    )


def change_tracking_fact(tag: str) -> Fact:
    """Why a table with a stream on it declares change tracking."""
    return Fact(
        "a stream on a table turns the table's change tracking on; the table's read writes "
        "change_tracking from SHOW TABLES and its update sets what is declared (default "
        "false), so a table a stream reads must declare change_tracking = true or every "
        "plan turns it off again",
        f"pkg/resources/table.go (ReadTable, UpdateTable) and pkg/resources/stream_on_table.go "
        f"@ {tag}; Snowflake docs 'Introduction to streams' (change tracking)",
    )


def transfer_violations(document: Mapping[str, Any], tag: str) -> list[str]:
    """Each ``snowflake_grant_ownership`` to an account role that does not depend on a
    ``snowflake_grant_account_role`` granting that role to the provider's role."""
    resources = document.get("resource", {})
    transfers = resources.get("snowflake_grant_ownership", {})
    if not transfers:
        return []
    providers = document.get("provider", {}).get("snowflake", [{}])
    provider_role = providers[0].get("role")
    to_provider_role = {
        f"snowflake_grant_account_role.{name}": grant.get("role_name")
        for name, grant in resources.get("snowflake_grant_account_role", {}).items()
        if provider_role is not None and grant.get("parent_role_name") == provider_role
    }
    found = []
    for name, grant in transfers.items():
        role = grant.get("account_role_name")
        if role is None:
            continue
        depends_on = grant.get("depends_on", [])
        if not any(to_provider_role.get(address) == role for address in depends_on):
            found.append(
                f"snowflake_grant_ownership.{name}: not after granting {role} to the "
                f"provider's role: {transfer_fact(tag).source}"
            )
    return found


def stream_on_table_violations(document: Mapping[str, Any], tag: str) -> list[str]:
    """Each table a declared ``snowflake_stream_on_table`` reads without
    ``change_tracking = true``."""
    resources = document.get("resource", {})
    found = []
    for name, stream in resources.get("snowflake_stream_on_table", {}).items():
        table = str(stream.get("table", ""))
        for table_name, body in resources.get("snowflake_table", {}).items():
            read = table in (
                f"${{snowflake_table.{table_name}.fully_qualified_name}}",
                f"${{snowflake_table.{table_name}.name}}",
            )
            if read and body.get("change_tracking") is not True:
                found.append(
                    f"snowflake_table.{table_name}: read by snowflake_stream_on_table.{name} "
                    f"without change_tracking: {change_tracking_fact(tag).source}"
                )
    return found
