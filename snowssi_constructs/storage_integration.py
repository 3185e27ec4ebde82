"""The Snowflake storage integration through which stages reach S3."""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from constructs import Construct

from . import validation
from ._addresses import pin
from ._attributes import resource_attribute
from ._flavour import snowflake
from ._lazy import lazy_list
from .generations import LEGACY
from .s3_bucket import EncryptedBucket

StorageIntegration = snowflake.storage_integration.StorageIntegration


class S3StorageIntegration(Construct):
    """An enabled ``EXTERNAL_STAGE`` storage integration for S3, assuming one IAM role.

    ``storage_allowed_locations`` lists ``s3://<bucket>/`` for every bucket passed to
    :meth:`allow`, in that order; buckets may be allowed after construction (the list
    is rendered at synthesis). The construct id is the address name
    (``snowflake_storage_integration.storage_integration`` by default).

    :param name: the integration's name.
    :param role_arn: ARN of the IAM role Snowflake assumes. Build it from the account
        id and role name rather than referencing the role resource: the role's trust
        policy references this integration, so a reference back would be a cycle.
    """

    TYPE: ClassVar[str] = LEGACY.integration_type
    """The Terraform type of the integration it declares."""

    def __init__(self, scope: Construct, id: str, *, name: str, role_arn: str) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            problems.check(validation.terraform_name, "id", id)
            problems.check(validation.snowflake_identifier, "name", name)
            problems.check(validation.iam_role_arn, "role_arn", role_arn)
        self._locations: list[str] = []
        self.integration = StorageIntegration(
            self,
            "integration",
            name=name,
            type="EXTERNAL_STAGE",
            enabled=True,
            storage_provider="S3",
            storage_aws_role_arn=role_arn,
            storage_allowed_locations=lazy_list(lambda: list(self._locations)),
        )
        pin(self.integration, id)

    def allow(self, bucket: EncryptedBucket) -> None:
        """Add ``s3://<bucket>/`` to the allowed locations."""
        self._locations.append(bucket.s3_url)

    integration_name = resource_attribute("integration.name")
    """The integration's name, as the stages refer to it."""

    iam_user_arn = resource_attribute("integration.storage_aws_iam_user_arn")
    """The AWS IAM user Snowflake uses for this integration (trust principal)."""

    @cached_property
    def external_id(self) -> str:
        """The external id Snowflake presents when assuming the role."""
        return self.integration.describe_output.get(0).storage_aws_external_id.get(0).value
