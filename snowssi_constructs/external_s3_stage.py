"""A Snowflake external stage on S3 with a directory table, on the current provider
generation: ``snowflake_stage_external_s3`` (stable since provider 2.18.0)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from constructs import Construct

from . import validation
from ._addresses import forget, import_existing, module_address, pin, take_over
from ._attributes import resource_attribute
from ._current_types import snowflake_resource
from ._flavour import cdktf
from .generations import CURRENT, LEGACY
from .stage import check_stage_props, propagation_wait, stage_name_of

ITerraformDependable = cdktf.ITerraformDependable

STAGE_TYPE = CURRENT.stage_type
# The legacy construct's type, whose addresses the upgrade forgets.
LEGACY_STAGE_TYPE = LEGACY.stage_type


class ExternalS3Stage(Construct):
    """An external S3 stage whose directory table refreshes on creation and on events,
    writing with SSE-KMS.

    Like :class:`~snowssi_constructs.ExternalStage` it creates a ``time_sleep`` that
    gives IAM time to propagate, and the stage after it; the construct id is the
    address name of both. The ``directory`` block is typed: the provider compares it
    with what ``DESCRIBE STAGE`` reports, so no ``ignore_changes`` is needed. Changing
    ``auto_refresh`` later still replaces the stage (the provider forces it).

    :param name: the stage's name (upper-cased).
    :param url: ``s3://bucket/`` location.
    :param database: database name; :param schema: schema name.
    :param storage_integration: name of the storage integration that grants access.
    :param kms_key_id: the KMS key Snowflake asks S3 to encrypt written files with
        (``encryption { aws_sse_kms { kms_key_id } }``); ``None`` writes no
        ``encryption`` block (the bucket's default encryption still applies).
    :param wait_after: resources the propagation wait starts after.
    :param moved_from_module: the HCL module call whose ``time_sleep`` this construct
        takes over (``inbound_stage``); adds a ``moved`` block for it. The module's
        stage is of the legacy type, so it cannot move: see ``adopt_legacy``.
    :param adopt_legacy: the one-time upgrade from the legacy generation. Adds an
        ``import`` block for the existing stage (ID ``"DB"."SCHEMA"."NAME"``, the form of
        the provider's importer) and a ``removed`` block, keeping the object, for each
        address a legacy stage of this construct can have in the state.
    """

    TYPE: ClassVar[str] = STAGE_TYPE
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
        kms_key_id: str | None = None,
        wait_after: Sequence[ITerraformDependable] = (),
        moved_from_module: str | None = None,
        adopt_legacy: bool = False,
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
            if kms_key_id is not None:
                problems.check(validation.non_empty_string, "kms_key_id", kms_key_id)
            problems.check(validation.boolean, "adopt_legacy", adopt_legacy)

        self.propagation_wait = propagation_wait(self, id, wait_after)
        stage_name = stage_name_of(name)
        encryption = None if kms_key_id is None else {"aws_sse_kms": {"kms_key_id": kms_key_id}}
        self.stage = pin(
            snowflake_resource(
                self,
                "stage",
                STAGE_TYPE,
                {
                    "name": stage_name,
                    "url": url,
                    "database": database,
                    "schema": schema,
                    "storage_integration": storage_integration,
                    "directory": {
                        "enable": True,
                        "auto_refresh": "true",
                        "refresh_on_create": "true",
                    },
                    "encryption": encryption,
                },
                depends_on=[self.propagation_wait],
            ),
            id,
        )
        # The module's stage is of the legacy type: only its wait can move.
        take_over(
            {"propagation_wait": self.propagation_wait},
            id,
            kind="stage",
            module_call=moved_from_module,
        )
        if adopt_legacy:
            import_existing(self.stage, f'"{database}"."{schema}"."{stage_name}"')
            forget(self, f"{LEGACY_STAGE_TYPE}.{id}")
            if moved_from_module:
                forget(self, module_address("stage", "stage", moved_from_module))

    fully_qualified_name = resource_attribute("stage.fully_qualified_name")
    """``"DB"."SCHEMA"."STAGE"``, as the provider computes it."""

    stage_name = resource_attribute("stage.name")
    """The stage's name."""
