"""A Snowflake external stage on S3 with a directory table:
the original's ``catalog/modules/snowflake/stage``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from constructs import Construct

from . import validation
from ._addresses import pin, take_over
from ._attributes import resource_attribute
from ._flavour import cdktf, snowflake, time_provider
from .generations import LEGACY

ITerraformDependable = cdktf.ITerraformDependable
TerraformResourceLifecycle = cdktf.TerraformResourceLifecycle
Stage = snowflake.stage.Stage
Sleep = time_provider.sleep.Sleep

DIRECTORY_TABLE = "ENABLE = true, AUTO_REFRESH = true, REFRESH_ON_CREATE = true"
# `directory` forces replacement, and the snowflake provider (2.10.1) reads it back from
# DESCRIBE STAGE in another form (no commas, no REFRESH_ON_CREATE, an added notification
# channel), so without this every plan after the first replaces the stage, and the
# stream on it loses the files it had not reported yet. Upstream issues #3832, #4196.
IGNORED_STAGE_CHANGES = ("directory",)
IAM_PROPAGATION_DELAY = "30s"


class ExternalStage(Construct):
    """An external stage whose directory table refreshes on creation and on events.

    Creates a ``time_sleep`` that gives IAM time to propagate and the ``snowflake_stage``,
    which depends on it (the stage reads the bucket through the storage integration
    when it is created). The construct id is the address name of both resources.

    The stage ignores later changes to its ``directory`` settings
    (``lifecycle { ignore_changes = [directory] }``): the provider reads them back in
    another form and would otherwise replace the stage on every apply. The settings
    still apply when the stage is created; to change them, replace the stage
    deliberately (``terraform apply -replace=...``).

    :param name: the stage's name (upper-cased, as in the original).
    :param url: ``s3://bucket/`` location.
    :param database: database name.
    :param schema: schema name.
    :param storage_integration: name of the storage integration that grants access.
    :param wait_after: resources the propagation wait starts after. The original has
        none, so the wait can end before the IAM role policy exists; pass the role
        policy to close that race (it changes no attribute).
    :param moved_from_module: the module call of the HCL module whose two resources this
        construct takes over (``inbound_stage``); adds a ``moved`` block for each.
    """

    TYPE: ClassVar[str] = LEGACY.stage_type
    """The Terraform type of the stage it declares."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        url: str,
        database: str,
        schema: str,
        storage_integration: str,
        wait_after: Sequence[ITerraformDependable] = (),
        moved_from_module: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            check_stage_props(
                problems,
                id=id,
                name=name,
                url=url,
                database=database,
                schema=schema,
                storage_integration=storage_integration,
                wait_after=wait_after,
                moved_from_module=moved_from_module,
            )

        self.propagation_wait = propagation_wait(self, id, wait_after)
        self.stage = Stage(
            self,
            "stage",
            name=stage_name_of(name),
            url=url,
            database=database,
            schema=schema,
            storage_integration=storage_integration,
            directory=DIRECTORY_TABLE,
            depends_on=[self.propagation_wait],
            lifecycle=TerraformResourceLifecycle(ignore_changes=list(IGNORED_STAGE_CHANGES)),
        )
        take_over(
            {"propagation_wait": self.propagation_wait, "stage": self.stage},
            id,
            kind="stage",
            module_call=moved_from_module,
        )

    fully_qualified_name = resource_attribute("stage.fully_qualified_name")
    """``"DB"."SCHEMA"."STAGE"`` (the original module's output)."""

    stage_name = resource_attribute("stage.name")
    """The stage's name."""


def stage_name_of(name: str) -> str:
    """The stage's name as declared: upper-cased, as the original does, unless it is a
    token, which is upper-case already (wrapping it in Fn.upper again would escape its
    nested expression)."""
    return name if validation.is_token(name) else name.upper()


def check_stage_props(
    problems: validation.Problems,
    *,
    id: str,
    name: str,
    url: str,
    database: object,
    schema: object,
    storage_integration: object,
    wait_after: object,
    moved_from_module: object,
) -> None:
    """Record the problems of the props every external stage construct takes."""
    problems.check(validation.terraform_name, "id", id)
    problems.check(validation.snowflake_identifier, "name", name)
    problems.check(validation.s3_url, "url", url)
    for prop, value in (
        ("database", database),
        ("schema", schema),
        ("storage_integration", storage_integration),
    ):
        problems.check(validation.non_empty_string, prop, value)
    # Checked as given, whatever the annotation says: not every caller is typed.
    if isinstance(wait_after, str) or not isinstance(wait_after, Sequence):
        problems.add(
            "wait_after", f"expected a list of resources, got {wait_after!r}", wrong_type=True
        )
    if moved_from_module is not None:
        problems.check(validation.terraform_name, "moved_from_module", moved_from_module)


def propagation_wait(
    scope: Construct, address_name: str, wait_after: Sequence[ITerraformDependable]
) -> Sleep:
    """The ``time_sleep`` that gives IAM time to propagate before a stage reads its
    bucket, after ``wait_after``, at the address name ``address_name``."""
    return pin(
        Sleep(
            scope,
            "propagation_wait",
            create_duration=IAM_PROPAGATION_DELAY,
            depends_on=list(wait_after) or None,
        ),
        address_name,
    )
