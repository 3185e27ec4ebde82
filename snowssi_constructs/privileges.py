"""The Snowflake privileges each resource of a SnowSSI stack needs, as data.

Each entry is what Snowflake's documentation lists under "Access control requirements"
for the statement the snowflake provider runs to create the resource (and, for a
started task, to resume it); the source names the page. The bootstrap
(:mod:`~snowssi_constructs.bootstrap`) grants the account-level ones; every other
privilege is on an object the pipeline's role owns, because it created it (or because
the bootstrap transferred it), and an owner holds every privilege on its object.

``tests/test_bootstrap.py`` walks every snowflake resource of a stack under the
bootstrap's role and checks each privilege below against the bootstrap's grants and
the objects the role owns.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

ObjectKind = Literal["account", "database", "schema", "warehouse", "integration", "stage", "table"]


@dataclass(frozen=True)
class Privilege:
    """A privilege on an object: ``on`` is the kind of object, ``named_by`` the
    resource's attribute that names it (empty for the account)."""

    privilege: str
    on: ObjectKind
    named_by: str = ""


@dataclass(frozen=True)
class Requirement:
    """What creating a resource needs: ``always``, plus ``when_set[attribute]`` when
    the resource sets that attribute."""

    always: tuple[Privilege, ...]
    source: str
    when_set: tuple[tuple[str, tuple[Privilege, ...]], ...] = ()


def _in_schema(create: str) -> tuple[Privilege, ...]:
    # Every schema object needs USAGE on its database and schema and CREATE <type> on
    # the schema.
    return (
        Privilege("USAGE", "database", "database"),
        Privilege("USAGE", "schema", "schema"),
        Privilege(create, "schema", "schema"),
    )


CREATE_INTEGRATION = Privilege("CREATE INTEGRATION", "account")
EXECUTE_TASK = Privilege("EXECUTE TASK", "account")
EXECUTE_MANAGED_TASK = Privilege("EXECUTE MANAGED TASK", "account")
EXECUTE_ALERT = Privilege("EXECUTE ALERT", "account")

REQUIRED_PRIVILEGES: dict[str, Requirement] = {
    "snowflake_warehouse": Requirement(
        (Privilege("CREATE WAREHOUSE", "account"),),
        "Snowflake docs: CREATE WAREHOUSE, Access control requirements",
    ),
    "snowflake_database": Requirement(
        (Privilege("CREATE DATABASE", "account"),),
        "Snowflake docs: CREATE DATABASE, Access control requirements",
    ),
    "snowflake_schema": Requirement(
        (Privilege("CREATE SCHEMA", "database", "database"),),
        "Snowflake docs: CREATE SCHEMA, Access control requirements",
    ),
    "snowflake_storage_integration": Requirement(
        (CREATE_INTEGRATION,),
        "Snowflake docs: CREATE STORAGE INTEGRATION, Access control requirements",
    ),
    # The current generation's integration: the same statement.
    "snowflake_storage_integration_aws": Requirement(
        (CREATE_INTEGRATION,),
        "Snowflake docs: CREATE STORAGE INTEGRATION, Access control requirements",
    ),
    "snowflake_notification_integration": Requirement(
        (CREATE_INTEGRATION,),
        "Snowflake docs: CREATE NOTIFICATION INTEGRATION, Access control requirements",
    ),
    "snowflake_stage": Requirement(
        (
            *_in_schema("CREATE STAGE"),
            Privilege("USAGE", "integration", "storage_integration"),
        ),
        "Snowflake docs: CREATE STAGE, Access control requirements",
    ),
    # The current generation's stage: the same CREATE STAGE.
    "snowflake_stage_external_s3": Requirement(
        (
            *_in_schema("CREATE STAGE"),
            Privilege("USAGE", "integration", "storage_integration"),
        ),
        "Snowflake docs: CREATE STAGE, Access control requirements",
    ),
    "snowflake_stream_on_directory_table": Requirement(
        (*_in_schema("CREATE STREAM"), Privilege("USAGE", "stage", "stage")),
        "Snowflake docs: CREATE STREAM, Access control requirements",
    ),
    # The processed-files record's pending stream: SELECT on the table it reads.
    "snowflake_stream_on_table": Requirement(
        (*_in_schema("CREATE STREAM"), Privilege("SELECT", "table", "table")),
        "Snowflake docs: CREATE STREAM, Access control requirements",
    ),
    "snowflake_table": Requirement(
        _in_schema("CREATE TABLE"),
        "Snowflake docs: CREATE TABLE, Access control requirements",
    ),
    "snowflake_task": Requirement(
        _in_schema("CREATE TASK"),
        "Snowflake docs: CREATE TASK and ALTER TASK, Access control requirements; "
        "Introduction to tasks (serverless tasks need EXECUTE MANAGED TASK)",
        when_set=(
            ("warehouse", (Privilege("USAGE", "warehouse", "warehouse"),)),
            ("user_task_managed_initial_warehouse_size", (EXECUTE_MANAGED_TASK,)),
            # started = true: ALTER TASK ... RESUME needs EXECUTE TASK on the account.
            ("started", (EXECUTE_TASK,)),
            ("error_integration", (Privilege("USAGE", "integration", "error_integration"),)),
        ),
    ),
    # The stall alert. Its action reads the stream (owned) and sends through the failure
    # alerts' integration, which the same role owns (USAGE on it is the owner's); it
    # re-queries rather than reading the condition's result, so it needs no SNOWFLAKE
    # database role (GET_CONDITION_QUERY_UUID would need ALERT_VIEWER).
    "snowflake_alert": Requirement(
        (*_in_schema("CREATE ALERT"), Privilege("USAGE", "warehouse", "warehouse")),
        "Snowflake docs: CREATE ALERT and ALTER ALERT, Access control requirements; "
        "SYSTEM$SEND_SNOWFLAKE_NOTIFICATION (USAGE on the integration); "
        "GET_CONDITION_QUERY_UUID (ALERT_VIEWER, not used)",
        when_set=(
            # enabled = true: ALTER ALERT ... RESUME needs EXECUTE ALERT on the account.
            ("enabled", (EXECUTE_ALERT,)),
        ),
    ),
}
"""Resource type -> what creating it needs, with the source."""


# Account privileges that only a stack option makes necessary, by the bootstrap's prop
# that grants them: serverless_task (the stack's prop of that name), stall_alerts (the
# pipeline option stall_alert_minutes).
OPTIONAL_ACCOUNT_PRIVILEGES: dict[str, Privilege] = {
    "serverless_task": EXECUTE_MANAGED_TASK,
    "stall_alerts": EXECUTE_ALERT,
}


def account_privileges(*, options: Collection[str] = ()) -> tuple[str, ...]:
    """The account privileges a stack's resources can need (every requirement's above,
    always and when set), sorted as the provider stores them; the privileges of
    :data:`OPTIONAL_ACCOUNT_PRIVILEGES` only for the ``options`` named."""
    optional = set(OPTIONAL_ACCOUNT_PRIVILEGES.values())
    needed = {OPTIONAL_ACCOUNT_PRIVILEGES[option] for option in options}
    for requirement in REQUIRED_PRIVILEGES.values():
        conditional = (p for _, more in requirement.when_set for p in more)
        for privilege in (*requirement.always, *conditional):
            if privilege.on == "account" and privilege not in optional:
                needed.add(privilege)
    return tuple(sorted(privilege.privilege for privilege in needed))


def required_privileges(resource_type: str, body: dict[str, object]) -> tuple[Privilege, ...]:
    """The privileges a resource of ``resource_type`` with the arguments ``body`` needs.

    A type that is not listed raises ``KeyError``: its privileges must be looked up.
    """
    requirement = REQUIRED_PRIVILEGES[resource_type]
    extra = [p for attribute, more in requirement.when_set if body.get(attribute) for p in more]
    return (*requirement.always, *extra)
