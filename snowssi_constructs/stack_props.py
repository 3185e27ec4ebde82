"""The checks of a stack's own props (its shared settings and pipeline options check
themselves, in :mod:`~snowssi_constructs.options`), apart from the stack they guard."""

from __future__ import annotations

from . import validation
from .backend import S3StateBackend
from .generations import GENERATIONS, SNOWFLAKE_PROVIDERS, Generation
from .options import (
    HARDENED,
    Hardening,
    PipelineOptions,
    PipelineSettings,
    SharedSettings,
)
from .pipeline_props import check_pipeline_names
from .providers import ProviderVersions
from .settings import check_generation_options
from .variables import DEFAULT_PIPELINE_ROLE, DEFAULT_ROLE


def given(**values: object) -> dict[str, object]:
    """The props the user gave (not ``None``), to lay over a preset."""
    return {prop: value for prop, value in values.items() if value is not None}


def resolve_snowflake_role(
    problems: validation.Problems, snowflake_role: str | None, *, hardened: object
) -> str:
    """The default of the stack's ``role`` variable: the role given; else, under
    ``hardened=True``, the bootstrap's role (``SNOWSSI_DEPLOYER``); else ``ACCOUNTADMIN``,
    the HCL module's. Under ``hardened=True`` a system role is a problem of
    ``snowflake_role``: Snowflake's access-control guidance keeps them from owning
    objects."""
    if snowflake_role is None:
        return DEFAULT_PIPELINE_ROLE if hardened is True else DEFAULT_ROLE
    if (
        hardened is True
        and isinstance(snowflake_role, str)
        and snowflake_role.upper() in validation.SYSTEM_ROLES
    ):
        problems.add(
            "snowflake_role",
            f"{snowflake_role!r} is a Snowflake system role, and hardened=True deploys "
            f"without one: give the role of SnowSSIBootstrap (by default "
            f"{DEFAULT_PIPELINE_ROLE}), or leave snowflake_role unset",
        )
    return snowflake_role


def check_stack_props(
    problems: validation.Problems,
    *,
    snowflake_provider: object,
    required_version: str | None,
    provider_versions: object,
    s3_backend: object,
    backend: object,
    snowflake_role: str | None,
    name_suffix: str | None,
    pipelines: object,
    warehouse_size: str | None,
    alert_topics: tuple[str | None, str | None],
    **flags: object,
) -> tuple[Generation, str | None, str]:
    """Record the problems of the stack's own props (its shared settings and pipeline
    options check themselves); the generation, the warehouse size and the Snowflake
    role (:func:`resolve_snowflake_role`), as resolved."""
    for prop, flag in flags.items():
        problems.check(validation.boolean, prop, flag)
    generation = _check_generation(problems, snowflake_provider, flags["upgrade_from_legacy"])
    _check_terraform_props(
        problems,
        required_version=required_version,
        provider_versions=provider_versions,
        s3_backend=s3_backend,
        backend=backend,
    )
    role = resolve_snowflake_role(problems, snowflake_role, hardened=flags["hardened"])
    problems.check(validation.account_role_name, "snowflake_role", role)
    if name_suffix is not None:
        problems.check(validation.name_suffix, "name_suffix", name_suffix)
    if pipelines is not None:
        check_pipeline_names(problems, pipelines)
    if warehouse_size is not None:
        warehouse_size = problems.check(validation.warehouse_size, "warehouse_size", warehouse_size)
    for prop, check, value in (
        ("alert_topic_arn", validation.sns_topic_arn, alert_topics[0]),
        ("alert_topic_kms_key_arn", validation.kms_key_arn, alert_topics[1]),
    ):
        if value is not None:
            problems.check(check, prop, value)
            if flags["failure_alerts"] is not True:
                problems.add(prop, "is used by failure alerts; give failure_alerts=True")
    return generation, warehouse_size, role


def _check_generation(
    problems: validation.Problems, snowflake_provider: object, upgrade_from_legacy: object
) -> Generation:
    """The generation ``snowflake_provider`` names (legacy when it names none)."""
    problems.check(validation.choice, "snowflake_provider", snowflake_provider, SNOWFLAKE_PROVIDERS)
    generation = GENERATIONS.get(str(snowflake_provider), GENERATIONS["legacy"])
    problems.check(
        validation.only_where,
        "upgrade_from_legacy",
        upgrade_from_legacy,
        generation.adopts_legacy,
        "the upgrade adopts legacy objects into the current generation: "
        "give snowflake_provider='current' too",
    )
    return generation


def _check_terraform_props(
    problems: validation.Problems,
    *,
    required_version: str | None,
    provider_versions: object,
    s3_backend: object,
    backend: object,
) -> None:
    if required_version is not None:
        problems.check(validation.version_constraint, "required_version", required_version)
    problems.check(
        validation.instance_of,
        "provider_versions",
        provider_versions,
        ProviderVersions,
        optional=True,
    )
    problems.check(validation.instance_of, "s3_backend", s3_backend, S3StateBackend, optional=True)
    # Checked as given, whatever the annotation says: not every caller is typed.
    if backend is not None and not callable(backend):
        problems.add(
            "backend",
            f"expected a function of the stack returning a cdktf backend, got {backend!r}",
            wrong_type=True,
        )
    if s3_backend is not None and backend is not None:
        problems.add("backend", "give either s3_backend or backend, not both")


def resolve_settings(
    problems: validation.Problems,
    hardened: bool,
    options: PipelineOptions,
    *,
    called: type,
    generation: Generation,
    **shared_given: object,
) -> tuple[SharedSettings, PipelineSettings]:
    """The hardened preset and the user's values (those not ``None``), resolved once:
    an option given explicitly wins. Called last in the stack's ``Problems`` block, so a
    bad option joins the problems of the other props: a bad shared setting (the defaults
    stand in for it until the block raises), an option ``generation`` does not read, and
    an unknown option, matched against the props of the construct ``called`` too."""
    preset = HARDENED if hardened else Hardening()
    shared = problems.collect(lambda: SharedSettings.resolve(preset.shared, given(**shared_given)))
    check_generation_options(problems, options, generation)
    pipeline = PipelineSettings.resolve(preset.pipeline, options, called=called)
    return shared or SharedSettings(), pipeline
