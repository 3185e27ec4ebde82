"""Terraform settings and provider configurations of the SnowSSI stack."""

from __future__ import annotations

from dataclasses import dataclass, fields

from . import validation
from ._flavour import aws, cdktf, random_provider, snowflake, time_provider
from ._lazy import lazy_list
from .generations import LEGACY, Generation
from .preview_features import preview_features
from .variables import SnowSSIVariables, null_if_empty

TerraformStack = cdktf.TerraformStack
AwsProvider = aws.provider.AwsProvider
RandomProvider = random_provider.provider.RandomProvider
SnowflakeProvider = snowflake.provider.SnowflakeProvider
TimeProvider = time_provider.provider.TimeProvider

REQUIRED_VERSION = LEGACY.required_version


@dataclass(frozen=True)
class ProviderVersions:
    """Version constraints written to ``required_providers``; defaults are the original's
    exact pins, the provider versions the pinned bindings were generated from.
    ``snowflake=None`` is the exact version of the stack's provider generation (2.10.1
    for ``legacy``, 2.20.0 for ``current``)."""

    aws: str = "6.21.0"
    snowflake: str | None = None
    random: str = "3.7.2"
    time: str = "0.13.1"

    def __post_init__(self) -> None:
        with validation.Problems("ProviderVersions") as problems:
            for field in fields(self):
                if getattr(self, field.name) is None and field.name == "snowflake":
                    continue
                problems.check(
                    validation.version_constraint,
                    f"provider_versions.{field.name}",
                    getattr(self, field.name),
                )


PROVIDER_SOURCES = {
    "aws": "hashicorp/aws",
    "snowflake": "snowflakedb/snowflake",
    "random": "hashicorp/random",
    "time": "hashicorp/time",
}


def pin_versions(
    stack: TerraformStack,
    *,
    required_version: str = REQUIRED_VERSION,
    versions: ProviderVersions | None = None,
    providers: tuple[str, ...] = ("aws", "snowflake", "random", "time"),
    generation: Generation = LEGACY,
) -> None:
    """Write ``required_version`` and ``required_providers`` (source and version).

    cdktf writes ``required_providers`` from the bindings (with ``source = "aws"`` for
    aws); overriding it states the original's sources and lets a user on another
    Terraform or provider release change a prop instead of editing JSON.
    """
    validation.version_constraint("required_version", required_version)
    validation.instance_of("provider_versions", versions, ProviderVersions, optional=True)
    versions = versions or ProviderVersions()
    stack.add_override("terraform.required_version", required_version)
    for provider in providers:
        version = getattr(versions, provider)
        if version is None:
            version = generation.snowflake_version
        stack.add_override(
            f"terraform.required_providers.{provider}",
            {"source": PROVIDER_SOURCES[provider], "version": version},
        )


def configure_providers(
    stack: TerraformStack,
    variables: SnowSSIVariables,
    *,
    generation: Generation = LEGACY,
    also_enabled: tuple[str, ...] = (),
) -> None:
    """The four providers, configured from the variables as in the original.

    ``preview_features_enabled`` holds the generation's fixed features (the original's
    two for ``legacy``, none for ``current``), then ``also_enabled``, then every other
    type gated at the generation's pin that the stack declares when it is synthesized
    (see ``preview_features``).
    """
    always = tuple(dict.fromkeys((*generation.always_enabled, *also_enabled)))
    AwsProvider(
        stack,
        "aws",
        region=variables.region.string_value,
        access_key=null_if_empty(variables.access_key),
        secret_key=null_if_empty(variables.secret_key),
    )
    snowflake = SnowflakeProvider(
        stack,
        "snowflake",
        organization_name=variables.organization_name.string_value,
        account_name=variables.account_name.string_value,
        user=variables.user.string_value,
        role=variables.role.string_value,
        password=null_if_empty(variables.password),
        preview_features_enabled=lazy_list(
            lambda: preview_features(stack, gated=generation.gated, always=always)
        ),
    )
    # Through an override: cdktf snake-cases the keys of a map attribute, and Snowflake
    # needs the parameter name as it is.
    snowflake.add_override("params", {"MULTI_STATEMENT_COUNT": "0"})
    RandomProvider(stack, "random")
    TimeProvider(stack, "time")
