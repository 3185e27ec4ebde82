"""The two generations of the snowflake provider a stack can be written for.

``legacy`` is the HCL module's: provider 2.10.1, ``snowflake_stage`` and
``snowflake_storage_integration`` (both preview-gated and deprecated since 2.13),
Terraform exactly 1.14.0. ``current`` is the newest provider whose source was read for
it, 2.20.0: the stable successors ``snowflake_stage_external_s3`` and
``snowflake_storage_integration_aws`` (promoted in 2.18.0), a truly triggered serverless
task (``target_completion_interval``, 2.12.0), and a Terraform range whose floor is what
the generation's one-time upgrade uses (``removed`` blocks, Terraform 1.7.0).

A stack resolves its generation once (``SnowSSIStack(snowflake_provider=...)``) and the
constructs read it as a :class:`Generation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from .preview_features import GATED_2_10, GATED_2_20, MODULE_FEATURES, GatedTypes

SnowflakeProvider = Literal["legacy", "current"]
SNOWFLAKE_PROVIDERS: Final[tuple[str, ...]] = get_args(SnowflakeProvider)

# The features that let an older Terraform read the legacy objects while it forgets
# them: before hashicorp/terraform PR #35458 (2024) a `removed` block still refreshed
# the forgotten instance, and at 2.20.0 that read fails unless the legacy type's
# feature is enabled. Both names are still valid, non-promoted features at 2.20.0.
LEGACY_TYPE_FEATURES: Final[tuple[str, ...]] = MODULE_FEATURES


@dataclass(frozen=True)
class Generation:
    """What one provider generation pins and declares."""

    name: SnowflakeProvider
    # The exact snowflake provider version written into required_providers.
    snowflake_version: str
    # The default Terraform version constraint.
    required_version: str
    # With an S3 backend that uses Terraform's lock file (Terraform 1.10.0).
    required_version_with_lockfile: str
    # The preview features enabled whatever the stack declares, first and in order.
    always_enabled: tuple[str, ...]
    gated: GatedTypes

    @property
    def is_current(self) -> bool:
        """Whether this is the current generation (stable stage and integration types)."""
        return self.name == "current"


LEGACY: Final = Generation(
    name="legacy",
    snowflake_version="2.10.1",
    required_version="1.14.0",
    required_version_with_lockfile="1.14.0",
    always_enabled=MODULE_FEATURES,
    gated=GATED_2_10,
)
CURRENT: Final = Generation(
    name="current",
    snowflake_version="2.20.0",
    required_version=">= 1.7.0, < 2.0.0",
    required_version_with_lockfile=">= 1.10.0, < 2.0.0",
    always_enabled=(),
    gated=GATED_2_20,
)
GENERATIONS: Final[dict[str, Generation]] = {"legacy": LEGACY, "current": CURRENT}
