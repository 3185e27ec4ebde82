"""The checks of a stack's own props (its shared settings and pipeline options check
themselves, in :mod:`~snowssi_constructs.options`), apart from the stack they guard."""

from __future__ import annotations

from . import validation
from .backend import S3StateBackend
from .generations import GENERATIONS, SNOWFLAKE_PROVIDERS, Generation
from .pipeline_props import check_pipeline_names
from .providers import ProviderVersions


def given(**values: object) -> dict[str, object]:
    """The props the user gave (not ``None``), to lay over a preset."""
    return {prop: value for prop, value in values.items() if value is not None}


def check_stack_props(
    problems: validation.Problems,
    *,
    snowflake_provider: object,
    required_version: str | None,
    provider_versions: object,
    s3_backend: object,
    backend: object,
    snowflake_role: str,
    name_suffix: str | None,
    pipelines: object,
    warehouse_size: str | None,
    alert_topics: tuple[str | None, str | None],
    **flags: object,
) -> tuple[Generation, str | None]:
    """Record the problems of the stack's own props (its shared settings and pipeline
    options check themselves); the generation and the warehouse size, as resolved."""
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
    problems.check(validation.account_role_name, "snowflake_role", snowflake_role)
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
    return generation, warehouse_size


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
