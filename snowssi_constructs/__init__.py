"""snowssi-constructs: the SnowSSI S3 to Snowflake pipeline as CDK for Terraform (or CDK
Terrain) constructs.

Every public name is exported lazily (PEP 562): importing the package imports nothing,
so the start-up hook (:mod:`snowssi_constructs._startup`), which every Python process of
the environment loads, costs no more than its own small module. The first name used
imports the module that defines it. ``App`` and ``TerraformStack`` are the chosen
flavour's (CDKTF or CDK Terrain, see :mod:`snowssi_constructs._flavour`), so a program
imports them from here and runs on either.

PYTEST_DONT_REWRITE: the start-up hook imports this module before pytest loads the
package's plugin (:mod:`snowssi_constructs.testing.plugin`), too early for pytest to
rewrite its asserts (it has none); the marker keeps pytest from warning about that in
every test session of a user's project.
"""

# Not `from typing import TYPE_CHECKING`: this module runs in every Python process of
# the environment (the start-up hook is its submodule). Type checkers treat it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    # Explicit re-exports (`X as X`) for type checkers; at run time, __getattr__.
    from ._flavour import App as App
    from ._flavour import TerraformStack as TerraformStack
    from .backend import S3StateBackend as S3StateBackend
    from .bootstrap import ExistingDeployment as ExistingDeployment
    from .bootstrap import SnowSSIBootstrap as SnowSSIBootstrap
    from .external_s3_stage import ExternalS3Stage as ExternalS3Stage
    from .failure_alerts import AlertPublisherRole as AlertPublisherRole
    from .failure_alerts import AlertTopic as AlertTopic
    from .failure_alerts import FailureAlerts as FailureAlerts
    from .generations import CURRENT as CURRENT
    from .generations import LEGACY as LEGACY
    from .generations import Generation as Generation
    from .iam_role import SnowflakeAccessRole as SnowflakeAccessRole
    from .kms_key import PipelineKey as PipelineKey
    from .naming import Naming as Naming
    from .options import HARDENED as HARDENED
    from .options import Hardening as Hardening
    from .options import PipelineOptions as PipelineOptions
    from .options import PipelineSettings as PipelineSettings
    from .options import SharedSettings as SharedSettings
    from .options import SqlContext as SqlContext
    from .pipeline import SnowSSIPipeline as SnowSSIPipeline
    from .providers import ProviderVersions as ProviderVersions
    from .providers import configure_providers as configure_providers
    from .providers import pin_versions as pin_versions
    from .s3_bucket import EncryptedBucket as EncryptedBucket
    from .stack import SnowSSIStack as SnowSSIStack
    from .stage import ExternalStage as ExternalStage
    from .stall_alert import StallAlert as StallAlert
    from .storage_integration import S3StorageIntegration as S3StorageIntegration
    from .storage_integration_aws import AwsStorageIntegration as AwsStorageIntegration
    from .variables import SnowSSIVariables as SnowSSIVariables

# Each public name and the submodule that defines it.
_EXPORTS = {
    "AlertPublisherRole": "failure_alerts",
    "AlertTopic": "failure_alerts",
    "App": "_flavour",
    "AwsStorageIntegration": "storage_integration_aws",
    "CURRENT": "generations",
    "ExternalS3Stage": "external_s3_stage",
    "Generation": "generations",
    "LEGACY": "generations",
    "EncryptedBucket": "s3_bucket",
    "ExistingDeployment": "bootstrap",
    "ExternalStage": "stage",
    "FailureAlerts": "failure_alerts",
    "HARDENED": "options",
    "Hardening": "options",
    "Naming": "naming",
    "PipelineKey": "kms_key",
    "PipelineOptions": "options",
    "PipelineSettings": "options",
    "ProviderVersions": "providers",
    "S3StateBackend": "backend",
    "S3StorageIntegration": "storage_integration",
    "SharedSettings": "options",
    "SnowSSIBootstrap": "bootstrap",
    "SnowSSIPipeline": "pipeline",
    "SnowSSIStack": "stack",
    "SnowSSIVariables": "variables",
    "SnowflakeAccessRole": "iam_role",
    "SqlContext": "options",
    "StallAlert": "stall_alert",
    "TerraformStack": "_flavour",
    "configure_providers": "providers",
    "pin_versions": "providers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'snowssi_constructs' has no attribute {name!r}")
    import importlib

    from ._startup import activate

    # Before the module's own imports reach jsii: in time even with the hook turned off.
    activate()
    module = importlib.import_module(f"{__name__}.{module_name}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
