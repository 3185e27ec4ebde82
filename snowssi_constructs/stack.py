"""The SnowSSI stack: Terraform settings, variables, providers, shared resources and
pipelines, wired together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Unpack

from constructs import Construct

from . import validation
from ._flavour import TerraformStack, aws, cdktf, random_provider, snowflake
from .app_checks import PipelineStackFacts, check_with_the_app
from .backend import S3StateBackend, configure_backend
from .failure_alerts import FailureAlerts
from .generations import (
    LEGACY_TYPE_FEATURES,
    SnowflakeProvider,
)
from .iam_role import SnowflakeAccessRole
from .kms_key import PipelineKey
from .naming import Naming
from .options import (
    PipelineOptions,
)
from .outputs import pipeline_outputs
from .pipeline import SnowSSIPipeline
from .providers import ProviderVersions, configure_providers, pin_versions
from .settings import check_generation_options
from .stack_props import check_stack_props, resolve_settings
from .storage_integration import S3StorageIntegration
from .storage_integration_aws import AwsStorageIntegration
from .variables import SnowSSIVariables

TerraformBackend = cdktf.TerraformBackend
TerraformOutput = cdktf.TerraformOutput
DataAwsCallerIdentity = aws.data_aws_caller_identity.DataAwsCallerIdentity
Pet = random_provider.pet.Pet
Database = snowflake.database.Database
Schema = snowflake.schema.Schema
Warehouse = snowflake.warehouse.Warehouse


# Outputs Terraform shows only on request (terraform output -raw NAME).
SENSITIVE_OUTPUTS = frozenset({"storage_integration_external_id"})


class SnowSSIStack(TerraformStack):
    """The SnowSSI pipeline as one Terraform stack.

    With no option it declares exactly what the HCL module declares (same resources,
    values and, with ``moved`` blocks for the module-nested resources, the same state),
    plus outputs and the IAM-propagation ordering fix, which change no resource.
    ``hardened=True`` turns on every fix of the original's defects; each fix is also an
    option of its own. An option given explicitly wins over the preset.

    ``snowflake_provider="current"`` declares the same pipeline for snowflake provider
    2.20.0 with its stable stage and integration types; ``upgrade_from_legacy=True``
    (once, on ``current``) adopts the objects of a legacy deployment instead of creating
    them. docs/provider-generations.md compares the two and gives the upgrade's steps.

    docs/constructs.md has a table of every prop.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        hardened: bool = False,
        snowflake_provider: SnowflakeProvider = "legacy",
        upgrade_from_legacy: bool = False,
        required_version: str | None = None,
        provider_versions: ProviderVersions | None = None,
        name_suffix: str | None = None,
        pipelines: Sequence[str] | None = None,
        warehouse_size: str | None = None,
        warehouse_auto_suspend: int | None = None,
        warehouse_auto_resume: bool | None = None,
        serverless_task: bool = False,
        kms_key_policy: bool | None = None,
        kms_key_separate_administration: bool | None = None,
        kms_key_administrators: Sequence[str] | None = None,
        kms_key_users: Sequence[str] | None = None,
        kms_deletion_window_days: int | None = None,
        access_role_conditions: bool | None = None,
        s3_backend: S3StateBackend | None = None,
        backend: Callable[[TerraformStack], TerraformBackend] | None = None,
        outputs: bool = True,
        snowflake_role: str | None = None,
        failure_alerts: bool = False,
        alert_topic_arn: str | None = None,
        alert_topic_kms_key_arn: str | None = None,
        **options: Unpack[PipelineOptions],
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            generation, warehouse_size, snowflake_role = check_stack_props(
                problems,
                hardened=hardened,
                upgrade_from_legacy=upgrade_from_legacy,
                serverless_task=serverless_task,
                outputs=outputs,
                failure_alerts=failure_alerts,
                snowflake_provider=snowflake_provider,
                required_version=required_version,
                provider_versions=provider_versions,
                s3_backend=s3_backend,
                backend=backend,
                snowflake_role=snowflake_role,
                name_suffix=name_suffix,
                pipelines=pipelines,
                warehouse_size=warehouse_size,
                alert_topics=(alert_topic_arn, alert_topic_kms_key_arn),
            )
            self.shared_settings, self.pipeline_settings = resolve_settings(
                problems,
                hardened,
                options,
                called=type(self),
                generation=generation,
                kms_key_policy=kms_key_policy,
                kms_key_separate_administration=kms_key_separate_administration,
                kms_key_administrators=kms_key_administrators,
                kms_key_users=kms_key_users,
                kms_deletion_window_days=kms_deletion_window_days,
                access_role_conditions=access_role_conditions,
                warehouse_auto_suspend=warehouse_auto_suspend,
                warehouse_auto_resume=warehouse_auto_resume,
            )
        self.hardened, self.generation, self._outputs = hardened, generation, outputs
        self.upgrade_from_legacy, self._serverless = upgrade_from_legacy, serverless_task
        self._declare_settings(
            id,
            required_version=required_version,
            provider_versions=provider_versions,
            s3_backend=s3_backend,
            backend=backend,
            snowflake_role=snowflake_role,
        )
        self._declare_shared_resources(name_suffix, warehouse_size)
        self._declare_access()
        self._declare_failure_alerts(failure_alerts, alert_topic_arn, alert_topic_kms_key_arn)
        self._declare_pipelines(pipelines)

    def _join_the_app(self, id: str, name_suffix: str | None) -> None:
        # What the app's checks compare with its other stacks, at synthesis.
        self.name_suffix = name_suffix
        serverless = {"serverless_task"} if self._serverless else set()
        state = self._s3_state
        self._app_facts = PipelineStackFacts(
            id, name_suffix, self.snowflake_role, serverless, state
        )
        check_with_the_app(self, self._app_facts)

    def _declare_settings(
        self,
        id: str,
        *,
        required_version: str | None,
        provider_versions: ProviderVersions | None,
        s3_backend: S3StateBackend | None,
        backend: Callable[[TerraformStack], TerraformBackend] | None,
        snowflake_role: str,
    ) -> None:
        """Terraform settings, the backend, the variables and the providers."""
        generation = self.generation
        if required_version is None:
            locking = s3_backend is not None and s3_backend.use_lockfile
            required_version = generation.terraform_range(locking=locking)
        pin_versions(
            self,
            required_version=required_version,
            versions=provider_versions,
            generation=generation,
        )
        self.backend = configure_backend(self, id, s3_backend, backend)
        # For the app's checks: the role it runs under and its state object.
        self.snowflake_role = snowflake_role
        self._s3_state = (
            None if s3_backend is None else (s3_backend.bucket, s3_backend.state_key(id))
        )
        self.variables = SnowSSIVariables.declare(self, role=snowflake_role)
        configure_providers(
            self,
            self.variables,
            generation=generation,
            also_enabled=LEGACY_TYPE_FEATURES if self.upgrade_from_legacy else (),
        )

    def _declare_shared_resources(
        self, name_suffix: str | None, warehouse_size: str | None
    ) -> None:
        """The suffix every name derives from, the caller identity, and the warehouse,
        database and schema every pipeline shares."""
        if name_suffix is None:
            self.pet: Pet | None = Pet(self, "pet_name")
            self.naming = Naming(self.pet.id)
        else:
            self.pet = None
            self.naming = Naming(name_suffix)
        self._join_the_app(self.node.id, name_suffix)
        naming, shared = self.naming, self.shared_settings
        self.caller_identity = DataAwsCallerIdentity(self, "current")
        self.warehouse = Warehouse(
            self,
            "warehouse",
            name=naming.snowflake("WAREHOUSE_"),
            warehouse_size=warehouse_size or self.variables.warehouse_size,
            initially_suspended=True,
            auto_suspend=shared.warehouse_auto_suspend,
            auto_resume=_bool_to_str(shared.warehouse_auto_resume),
        )
        self.database = Database(self, "database", name=naming.snowflake("DATABASE_"))
        self.schema = Schema(
            self, "schema", name=naming.snowflake("SCHEMA_"), database=self.database.name
        )

    def _declare_access(self) -> None:
        """The KMS key, the storage integration and the IAM role it assumes."""
        naming, shared = self.naming, self.shared_settings
        role_name = naming.aws("role-")
        account_id = self.caller_identity.account_id
        self.kms_key = PipelineKey(
            self,
            "kms_key",
            key_policy=shared.kms_key_policy,
            separate_administration=shared.kms_key_separate_administration,
            administrators=shared.kms_key_administrators,
            users=shared.kms_key_users,
            deletion_window_days=shared.kms_deletion_window_days,
            account_id=account_id,
            user_role_name=naming.aws_nestable("role-"),
            alias_name=naming.aws("alias/snowssi-"),
        )
        self.storage_integration = self._storage_integration(
            naming.snowflake("STORAGE_INTEGRATION_"),
            role_arn=f"arn:aws:iam::{account_id}:role/{role_name}",
        )
        self.access_role = SnowflakeAccessRole(
            self,
            "access_role",
            role_name=role_name,
            policy_name=naming.aws("policy-"),
            snowflake_user_arn=self.storage_integration.iam_user_arn,
            external_id=self.storage_integration.external_id,
            kms_key_arn=self.kms_key.key_arn,
            kms_via_service=(
                f"s3.{self.variables.region.string_value}.amazonaws.com"
                if shared.access_role_conditions
                else None
            ),
            resource_account=account_id if shared.access_role_conditions else None,
        )

    def _storage_integration(
        self, name: str, *, role_arn: str
    ) -> S3StorageIntegration | AwsStorageIntegration:
        # The generation names the integration type; the two constructs take different props.
        if self.generation.integration_type == AwsStorageIntegration.TYPE:
            return AwsStorageIntegration(
                self,
                "storage_integration",
                name=name,
                role_arn=role_arn,
                adopt_legacy=self.upgrade_from_legacy,
            )
        return S3StorageIntegration(self, "storage_integration", name=name, role_arn=role_arn)

    def _declare_failure_alerts(
        self, enabled: bool, topic_arn: str | None, topic_kms_key_arn: str | None
    ) -> None:
        """``failure_alerts``: the alerts, or ``None``."""
        # Opt-in, also when hardened: SNS error notifications need a Snowflake account
        # hosted on AWS, which the stack cannot know.
        self.failure_alerts: FailureAlerts | None = None
        if not enabled:
            return
        self.failure_alerts = FailureAlerts.for_stack(
            self,
            naming=self.naming,
            account_id=self.caller_identity.account_id,
            topic_arn=topic_arn,
            topic_kms_key_arn=topic_kms_key_arn,
            deletion_window_days=self.shared_settings.kms_deletion_window_days,
            separate_administration=self.shared_settings.kms_key_separate_administration,
            key_administrators=self.shared_settings.kms_key_administrators,
        )

    def _declare_pipelines(self, names: Sequence[str] | None) -> None:
        """The pipelines (the original's single one by default), after the outputs of
        the shared resources."""
        self.pipelines: dict[str | None, SnowSSIPipeline] = {}
        if self._outputs:
            self._shared_outputs()
        for name in names if names is not None else [None]:
            self.add_pipeline(name)

    @property
    def pipeline(self) -> SnowSSIPipeline:
        """The first pipeline (the only one in the default stack)."""
        return next(iter(self.pipelines.values()))

    def add_pipeline(self, name: str | None, **options: Unpack[PipelineOptions]) -> SnowSSIPipeline:
        """Add a pipeline sharing this stack's database, schema, warehouse, key,
        storage integration and role. ``options`` (the same keywords as the stack's
        pipeline options) override the stack's for this pipeline; ``name=None`` is the
        original's pipeline."""
        with validation.Problems(type(self).__name__) as problems:
            if name in self.pipelines:
                problems.add("name", f"the stack already has a pipeline named {name!r}")
            settings = self.pipeline_settings.updated(
                options, also_accepted=[("add_pipeline's props", ("name",))]
            )
            check_generation_options(problems, options, self.generation)
            if settings.stall_alert_minutes is not None and self.failure_alerts is None:
                problems.add(
                    "stall_alert_minutes",
                    "the alert sends through the failure alerts' integration: give "
                    "failure_alerts=True",
                )
        pipeline = SnowSSIPipeline(
            self,
            f"pipeline_{name}" if name else "pipeline",
            naming=self.naming,
            database=self.database.name,
            schema=self.schema.name,
            warehouse=None if self._serverless else self.warehouse.fully_qualified_name,
            kms_key_id=self.kms_key.key_id,
            integration=self.storage_integration,
            access_role=self.access_role,
            error_integration=(
                self.failure_alerts.integration_name if self.failure_alerts else None
            ),
            # The alert needs a warehouse even when the tasks are serverless; by its name,
            # which the provider reads back (not the fully qualified name).
            alert_warehouse=self.warehouse.name,
            name=name,
            settings=settings,
            generation=self.generation,
            adopt_legacy=self.upgrade_from_legacy,
        )
        self.pipelines[name] = pipeline
        if pipeline.stall_alert is not None:
            self._app_facts.options.add("stall_alerts")
        if self._outputs:
            self._pipeline_outputs(pipeline)
        return pipeline

    def _shared_outputs(self) -> None:
        for name, value, description in (
            ("warehouse_name", self.warehouse.name, "Warehouse the tasks run on."),
            ("database_name", self.database.name, "Database of the pipeline objects."),
            ("schema_name", self.schema.name, "Schema of the pipeline objects."),
            (
                "storage_integration_name",
                self.storage_integration.integration_name,
                "Storage integration the stages use.",
            ),
            (
                "storage_integration_iam_user_arn",
                self.storage_integration.iam_user_arn,
                "IAM user Snowflake uses; trusted by the role.",
            ),
            (
                "storage_integration_external_id",
                self.storage_integration.external_id,
                "External id in the role's trust policy.",
            ),
            ("role_arn", self.access_role.role_arn, "IAM role Snowflake assumes."),
        ):
            TerraformOutput(
                self,
                name,
                value=value,
                description=description,
                # Whoever learns the external id can present it for another
                # integration of the Snowflake account (docs/least-privilege.md).
                sensitive=True if name in SENSITIVE_OUTPUTS else None,
            )
        if self.failure_alerts is not None:
            TerraformOutput(
                self,
                "failure_alerts_topic_arn",
                value=self.failure_alerts.topic_arn,
                description="SNS topic of the tasks' error notifications; subscribe to it.",
            )

    def _pipeline_outputs(self, pipeline: SnowSSIPipeline) -> None:
        for name, value in pipeline_outputs(pipeline):
            TerraformOutput(self, name, value=value)


def _bool_to_str(value: bool | None) -> str | None:
    # The snowflake provider types auto_resume as a string ("true", "false", "default").
    return None if value is None else str(value).lower()
