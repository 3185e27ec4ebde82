"""The checks of a pipeline's own props (its options check themselves, in
:mod:`~snowssi_constructs.options`), apart from the construct they guard."""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import validation
from .generations import Generation
from .iam_role import SnowflakeAccessRole
from .naming import Naming
from .options import PipelineOptions, PipelineSettings
from .settings import check_generation_options
from .storage_integration import S3StorageIntegration
from .storage_integration_aws import AwsStorageIntegration

_PIPELINE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


def check_pipeline_props(
    problems: validation.Problems,
    *,
    naming: object,
    database: object,
    schema: object,
    warehouse: object,
    kms_key_id: object,
    integration: object,
    access_role: object,
    name: object,
) -> None:
    """Record the problems of a pipeline's own props (its options are checked by
    :func:`~snowssi_constructs.options.check_pipeline_options`)."""
    problems.check(validation.instance_of, "naming", naming, Naming)
    for prop, value in (("database", database), ("schema", schema), ("kms_key_id", kms_key_id)):
        problems.check(validation.non_empty_string, prop, value)
    problems.check(validation.string, "warehouse", warehouse, optional=True)
    problems.check(
        validation.instance_of,
        "integration",
        integration,
        (S3StorageIntegration, AwsStorageIntegration),
    )
    problems.check(validation.instance_of, "access_role", access_role, SnowflakeAccessRole)
    problems.check(validation.string, "name", name, optional=True)
    if isinstance(name, str):
        check_pipeline_name(problems, "name", name)


def check_generation_props(
    problems: validation.Problems, *, generation: object, integration: object, adopt_legacy: object
) -> None:
    """Record the problems of the generation props: a known generation, an integration
    of its type, and ``adopt_legacy`` only on ``current``."""
    problems.check(validation.instance_of, "generation", generation, Generation)
    problems.check(validation.boolean, "adopt_legacy", adopt_legacy)
    if not isinstance(generation, Generation):
        return
    expected = _INTEGRATION_CONSTRUCTS[generation.integration_type]
    if isinstance(integration, S3StorageIntegration | AwsStorageIntegration) and not isinstance(
        integration, expected
    ):
        problems.add(
            "integration",
            f"the {generation.name} generation declares a {expected.__name__}, "
            f"got a {type(integration).__name__}",
        )
    problems.check(
        validation.only_where,
        "adopt_legacy",
        adopt_legacy,
        generation.adopts_legacy,
        "adopting legacy objects needs the current generation",
    )


def check_pipeline_name(problems: validation.Problems, prop: str, name: str) -> None:
    """A pipeline name prefixes every name and address of the pipeline: 1 to 20
    lowercase letters, digits and '_', starting with a letter."""
    if not _PIPELINE_NAME.match(name):
        problems.add(
            prop,
            "a pipeline name must be 1 to 20 characters of lowercase letters, digits and "
            f"'_', starting with a letter, got {name!r}",
        )


def resolve_settings(
    problems: validation.Problems,
    settings: PipelineSettings | None,
    options: PipelineOptions,
    *,
    called: type,
    generation: Generation,
) -> PipelineSettings:
    """The pipeline's settings: ``settings`` as the stack passes them, or ``options``
    resolved over the defaults; not both. An unknown option is matched against the
    props of the construct ``called`` too."""
    check_generation_options(problems, options, generation)
    if settings is None:
        return PipelineSettings.resolve(options, called=called)
    problems.check(validation.instance_of, "settings", settings, PipelineSettings)
    if options:
        problems.add("settings", "give either settings or option keywords, not both")
    return settings


# The integration construct of each generation's integration type, for messages.
_INTEGRATION_CONSTRUCTS: dict[str, type[S3StorageIntegration | AwsStorageIntegration]] = {
    construct.TYPE: construct for construct in (S3StorageIntegration, AwsStorageIntegration)
}


def check_pipeline_names(problems: validation.Problems, pipelines: object) -> None:
    """Record the problems of the stack's ``pipelines``: unique pipeline names."""
    problems.check(validation.string_sequence, "pipelines", pipelines)
    if isinstance(pipelines, Sequence) and not isinstance(pipelines, str):
        if not pipelines:
            problems.add("pipelines", "give at least one pipeline name, or None")
        names = [p for p in pipelines if isinstance(p, str)]
        problems.check(validation.unique, "pipelines", names)
        for name in names:
            check_pipeline_name(problems, "pipelines", name)


def check_stall_alert_props(
    problems: validation.Problems,
    settings: object,
    error_integration: str | None,
    alert_warehouse: str | None,
) -> None:
    """Record why ``stall_alert_minutes`` cannot work here: the alert sends through the
    failure alerts' integration and runs on a warehouse, so it needs both."""
    if getattr(settings, "stall_alert_minutes", None) is None:
        return
    if error_integration is None:
        problems.add(
            "stall_alert_minutes",
            "the alert sends through the failure alerts' integration: give "
            "error_integration (on the stack, failure_alerts=True)",
        )
    if alert_warehouse is None:
        problems.add(
            "stall_alert_minutes",
            "the alert runs on a warehouse: give alert_warehouse (its name)",
        )
