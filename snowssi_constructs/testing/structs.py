"""The argument schema of a block, and the committed schema of the current generation.

The CDKTF snowflake bindings are generated from provider 2.10.1 and have no class for
the current generation's types (``snowflake_stage_external_s3``,
``snowflake_storage_integration_aws``, the task's ``target_completion_interval``). So
that a current-generation stack is checked alike on either flavour, the schema of every
snowflake type the current generation declares is committed with the package
(``current_schema.json``), read from the CDK Terrain bindings. A wheel is built without
those bindings, so the file is written by a dev command (``python3 dev.py schema``) and
a test holds it equal to what the installed CDK Terrain bindings give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CURRENT_SCHEMA = Path(__file__).with_name("current_schema.json")

# Every snowflake type a current-generation stack or bootstrap declares, as
# (kind, Terraform type); "provider" is the provider block.
CURRENT_TYPES: tuple[tuple[str, str], ...] = (
    ("provider", "snowflake"),
    *(
        ("resource", f"snowflake_{name}")
        for name in (
            "account_role",
            "alert",
            "database",
            "grant_account_role",
            "grant_ownership",
            "grant_privileges_to_account_role",
            "notification_integration",
            "schema",
            "stage_external_s3",
            "storage_integration_aws",
            "stream_on_directory_table",
            "stream_on_table",
            "table",
            "task",
            "warehouse",
        )
    ),
)


@dataclass
class Argument:
    """One argument of a block: an attribute, or a nested block."""

    name: str
    required: bool
    block: str | None  # fqn of the nested block's struct, None for a plain attribute
    # The nested block's arguments when they come with it (the committed schema).
    nested: Struct | None = None


@dataclass
class Struct:
    """The arguments of one block (a resource's, a provider's or a nested block's)."""

    fqn: str
    arguments: dict[str, Argument]

    @property
    def required(self) -> set[str]:
        """The names of the required arguments."""
        return {name for name, argument in self.arguments.items() if argument.required}


def type_key(kind: str, tf_type: str) -> str:
    """How the committed schema names a type: ``resource.snowflake_task``."""
    return f"{kind}.{tf_type}"


@cache
def committed_schema() -> dict[str, Any]:
    """The committed file, as written: ``snowflake_version`` (the current generation's
    pin it checks), ``read_from`` (the bindings it was read from) and ``types``."""
    loaded: dict[str, Any] = json.loads(CURRENT_SCHEMA.read_text(encoding="utf-8"))
    return loaded


def committed_struct(kind: str, tf_type: str) -> Struct | None:
    """The committed arguments of a current-generation type, or None for another type."""
    arguments = committed_schema()["types"].get(type_key(kind, tf_type))
    return None if arguments is None else _struct(type_key(kind, tf_type), arguments)


def _struct(path: str, arguments: dict[str, Any]) -> Struct:
    return Struct(
        path,
        {
            name: Argument(
                name=name,
                required=spec["required"],
                block=f"{path}.{name}" if "block" in spec else None,
                nested=_struct(f"{path}.{name}", spec["block"]) if "block" in spec else None,
            )
            for name, spec in arguments.items()
        },
    )
