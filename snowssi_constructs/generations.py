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


# How a serverless task that only has a WHEN gets started on a generation: provider
# 2.10.1 cannot set TARGET_COMPLETION_INTERVAL, which Snowflake needs for that, so the
# task also runs on a schedule; from 2.12.0 the task sets the interval and has no schedule.
ServerlessStart = Literal["schedule", "target_completion_interval"]


@dataclass(frozen=True)
class Generation:
    """What one provider generation pins and declares: every difference between the
    generations is a field here, and the constructs read the fields instead of asking
    which generation they are on."""

    name: SnowflakeProvider
    # The exact snowflake provider version written into required_providers; also the key
    # of the generation's provider facts (snowssi_constructs.testing).
    snowflake_version: str
    # The default Terraform version constraint.
    required_version: str
    # With an S3 backend that uses Terraform's lock file (Terraform 1.10.0).
    required_version_with_lockfile: str
    # The preview features enabled whatever the stack declares, first and in order.
    always_enabled: tuple[str, ...]
    gated: GatedTypes
    # The Terraform types of the external stages and of the storage integration.
    stage_type: str
    integration_type: str
    serverless_start: ServerlessStart
    # Whether a stack of this generation can adopt a legacy deployment's objects
    # (``upgrade_from_legacy``).
    adopts_legacy: bool
    # The pipeline options this generation does not read, each with why: given, it would
    # be dropped without a word, so it is an error (options.check_generation_options).
    unread_options: tuple[tuple[str, str], ...] = ()

    def terraform_range(self, *, locking: bool) -> str:
        """The default Terraform version constraint; ``locking``: with an S3 backend
        that uses Terraform's lock file."""
        return self.required_version_with_lockfile if locking else self.required_version

    def serverless_trigger(
        self, *, schedule_minutes: int, target_completion_minutes: int
    ) -> tuple[int | None, int | None]:
        """What starts a serverless triggered task on this generation, as (schedule in
        minutes, target completion interval in minutes): exactly one is set."""
        by_start: dict[ServerlessStart, tuple[int | None, int | None]] = {
            "schedule": (schedule_minutes, None),
            "target_completion_interval": (None, target_completion_minutes),
        }
        return by_start[self.serverless_start]


LEGACY: Final = Generation(
    name="legacy",
    snowflake_version="2.10.1",
    required_version="1.14.0",
    required_version_with_lockfile="1.14.0",
    always_enabled=MODULE_FEATURES,
    gated=GATED_2_10,
    stage_type="snowflake_stage",
    integration_type="snowflake_storage_integration",
    serverless_start="schedule",
    adopts_legacy=False,
    unread_options=(
        (
            "serverless_target_completion_minutes",
            "provider 2.10.1 cannot set a target completion interval (the serverless task "
            "runs every serverless_schedule_minutes); give snowflake_provider='current' to "
            "use it",
        ),
    ),
)
CURRENT: Final = Generation(
    name="current",
    snowflake_version="2.20.0",
    required_version=">= 1.7.0, < 2.0.0",
    required_version_with_lockfile=">= 1.10.0, < 2.0.0",
    always_enabled=(),
    gated=GATED_2_20,
    stage_type="snowflake_stage_external_s3",
    integration_type="snowflake_storage_integration_aws",
    serverless_start="target_completion_interval",
    adopts_legacy=True,
    unread_options=(
        (
            "serverless_schedule_minutes",
            "its serverless task is triggered, sized by serverless_target_completion_minutes, "
            "and has no schedule",
        ),
    ),
)
GENERATIONS: Final[dict[str, Generation]] = {"legacy": LEGACY, "current": CURRENT}
