"""The storage integration through which stages reach S3, on the current provider
generation: ``snowflake_storage_integration_aws`` (stable since provider 2.18.0)."""

from __future__ import annotations

from typing import ClassVar

from constructs import Construct

from . import validation
from ._addresses import forget, import_existing, pin
from ._attributes import resource_attribute
from ._current_types import snowflake_resource
from ._lazy import lazy_list
from .generations import CURRENT, LEGACY
from .s3_bucket import EncryptedBucket

INTEGRATION_TYPE = CURRENT.integration_type
# The legacy construct's type, whose address the upgrade forgets.
LEGACY_INTEGRATION_TYPE = LEGACY.integration_type
# What ImportStorageIntegrationAws (provider 2.20.0) writes for an integration created
# without private connectivity, the legacy one included. Declared on every current
# stack, not only on the adopting run: an imported state keeps "false", so a stack that
# later stopped declaring it would plan "false" -> "default", and CustomizeDiff would
# mark describe_output unknown, and with it the access role's trust policy.
IMPORTED_PRIVATELINK = "false"


class AwsStorageIntegration(Construct):
    """An enabled S3 storage integration assuming one IAM role.

    The same integration as :class:`~snowssi_constructs.S3StorageIntegration`, declared
    with the stable type: ``storage_allowed_locations`` is a set there (order no longer
    matters), ``describe_output`` is flat, and only ``name`` and ``storage_provider``
    force replacement. The construct id is the address name.

    ``use_privatelink_endpoint`` is declared ``"false"``, what the provider's importer
    writes for an integration without private connectivity: the upgrade plan then shows
    no change on the integration, so its ``describe_output`` (which the access role's
    trust policy reads) stays known and the IAM role is not updated.

    :param name: the integration's name.
    :param role_arn: ARN of the IAM role Snowflake assumes, built from the account id
        and role name (the role's trust policy references this integration).
    :param adopt_legacy: the one-time upgrade from the legacy generation: an ``import``
        block for the existing integration (ID ``"NAME"``, the form of the provider's
        importer) and a ``removed`` block, keeping the object, for the legacy address
        (``snowflake_storage_integration.<id>``, the same in the HCL module).
    """

    TYPE: ClassVar[str] = INTEGRATION_TYPE
    """The Terraform type of the integration it declares."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        role_arn: str,
        adopt_legacy: bool = False,
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.terraform_name, "id", id)
            problems.check(validation.snowflake_identifier, "name", name)
            problems.check(validation.iam_role_arn, "role_arn", role_arn)
            problems.check(validation.boolean, "adopt_legacy", adopt_legacy)
        self._locations: list[str] = []
        self.integration = pin(
            snowflake_resource(
                self,
                "integration",
                INTEGRATION_TYPE,
                {
                    "name": name,
                    "enabled": True,
                    "storage_provider": "S3",
                    "storage_aws_role_arn": role_arn,
                    "storage_allowed_locations": lazy_list(lambda: list(self._locations)),
                    "use_privatelink_endpoint": IMPORTED_PRIVATELINK,
                },
            ),
            id,
        )
        if adopt_legacy:
            import_existing(self.integration, f'"{name}"')
            forget(self, f"{LEGACY_INTEGRATION_TYPE}.{id}")

    def allow(self, bucket: EncryptedBucket) -> None:
        """Add ``s3://<bucket>/`` to the allowed locations."""
        self._locations.append(bucket.s3_url)

    integration_name = resource_attribute("integration.name")
    """The integration's name, as the stages refer to it."""

    iam_user_arn = resource_attribute("integration.describe_output[0].iam_user_arn")
    """The AWS IAM user Snowflake uses for this integration (trust principal)."""

    external_id = resource_attribute("integration.describe_output[0].external_id")
    """The external id Snowflake presents when assuming the role."""
