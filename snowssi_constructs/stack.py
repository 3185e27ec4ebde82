"""The SnowSSI stack: Terraform settings, variables, providers, shared resources and
pipelines, wired together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Unpack

from constructs import Construct

from . import validation
from ._flavour import TerraformStack, aws, cdktf, random_provider, snowflake
from .backend import S3StateBackend, configure_backend
from .failure_alerts import FailureAlerts
from .generations import (
    GENERATIONS,
    LEGACY_TYPE_FEATURES,
    SNOWFLAKE_PROVIDERS,
    SnowflakeProvider,
)
from .iam_role import SnowflakeAccessRole
from .kms_key import PipelineKey
from .naming import Naming
from .options import (
    HARDENED,
    Hardening,
    PipelineOptions,
    PipelineSettings,
    SharedSettings,
)
from .pipeline import SnowSSIPipeline, check_pipeline_name
from .providers import ProviderVersions, configure_providers, pin_versions
from .storage_integration import S3StorageIntegration
from .storage_integration_aws import AwsStorageIntegration
from .variables import DEFAULT_ROLE, SnowSSIVariables

TerraformBackend = cdktf.TerraformBackend
TerraformOutput = cdktf.TerraformOutput
DataAwsCallerIdentity = aws.data_aws_caller_identity.DataAwsCallerIdentity
Pet = random_provider.pet.Pet
Database = snowflake.database.Database
Schema = snowflake.schema.Schema
Warehouse = snowflake.warehouse.Warehouse


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
        kms_deletion_window_days: int | None = None,
        s3_backend: S3StateBackend | None = None,
        backend: Callable[[TerraformStack], TerraformBackend] | None = None,
        outputs: bool = True,
        snowflake_role: str = DEFAULT_ROLE,
        failure_alerts: bool = False,
        alert_topic_arn: str | None = None,
        alert_topic_kms_key_arn: str | None = None,
        **options: Unpack[PipelineOptions],
    ) -> None:
        super().__init__(scope, id)
        with validation.Problems(type(self).__name__) as problems:
            for prop, flag in (
                ("hardened", hardened),
                ("upgrade_from_legacy", upgrade_from_legacy),
                ("serverless_task", serverless_task),
                ("outputs", outputs),
                ("failure_alerts", failure_alerts),
            ):
                problems.check(validation.boolean, prop, flag)
            problems.check(
                validation.choice, "snowflake_provider", snowflake_provider, SNOWFLAKE_PROVIDERS
            )
            generation = GENERATIONS.get(str(snowflake_provider), GENERATIONS["legacy"])
            if upgrade_from_legacy is True and not generation.is_current:
                problems.add(
                    "upgrade_from_legacy",
                    "the upgrade adopts legacy objects into the current generation: "
                    "give snowflake_provider='current' too",
                )
            if required_version is not None:
                problems.check(validation.version_constraint, "required_version", required_version)
            problems.check(validation.account_role_name, "snowflake_role", snowflake_role)
            for prop, check, value in (
                ("alert_topic_arn", validation.sns_topic_arn, alert_topic_arn),
                ("alert_topic_kms_key_arn", validation.kms_key_arn, alert_topic_kms_key_arn),
            ):
                if value is not None:
                    problems.check(check, prop, value)
                    if failure_alerts is not True:
                        problems.add(prop, "is used by failure alerts; give failure_alerts=True")
            problems.check(
                validation.instance_of,
                "provider_versions",
                provider_versions,
                ProviderVersions,
                optional=True,
            )
            if name_suffix is not None:
                problems.check(validation.name_suffix, "name_suffix", name_suffix)
            if pipelines is not None:
                _check_pipeline_names(problems, pipelines)
            if warehouse_size is not None:
                warehouse_size = problems.check(
                    validation.warehouse_size, "warehouse_size", warehouse_size
                )
            problems.check(
                validation.integer,
                "warehouse_auto_suspend",
                warehouse_auto_suspend,
                optional=True,
                minimum=0,
            )
            problems.check(
                validation.boolean, "warehouse_auto_resume", warehouse_auto_resume, optional=True
            )
            problems.check(validation.boolean, "kms_key_policy", kms_key_policy, optional=True)
            problems.check(
                validation.integer,
                "kms_deletion_window_days",
                kms_deletion_window_days,
                optional=True,
                minimum=7,
                maximum=30,
            )
            problems.check(
                validation.instance_of, "s3_backend", s3_backend, S3StateBackend, optional=True
            )
            # Checked as given, whatever the annotation says: not every caller is typed.
            given_backend: object = backend
            if given_backend is not None and not callable(given_backend):
                problems.add(
                    "backend",
                    f"expected a function of the stack returning a cdktf backend, got {backend!r}",
                    wrong_type=True,
                )
            if s3_backend is not None and backend is not None:
                problems.add("backend", "give either s3_backend or backend, not both")
            # The hardened preset and the user's values, resolved once; an option given
            # explicitly wins. Last in the block: a bad option joins the problems above.
            preset = HARDENED if hardened else Hardening()
            given_shared = {
                prop: value
                for prop, value in (
                    ("kms_key_policy", kms_key_policy),
                    ("kms_deletion_window_days", kms_deletion_window_days),
                    ("warehouse_auto_suspend", warehouse_auto_suspend),
                    ("warehouse_auto_resume", warehouse_auto_resume),
                )
                if value is not None
            }
            shared = SharedSettings.resolve(preset.shared, given_shared)
            self.pipeline_settings = PipelineSettings.resolve(
                preset.pipeline, options, called=type(self)
            )

        self.hardened = hardened
        self.generation = generation
        self.upgrade_from_legacy = upgrade_from_legacy
        self.shared_settings = shared
        self._outputs = outputs

        # Terraform settings, variables and providers.
        if required_version is None:
            locking = s3_backend is not None and s3_backend.use_lockfile
            required_version = (
                generation.required_version_with_lockfile
                if locking
                else generation.required_version
            )
        pin_versions(
            self,
            required_version=required_version,
            versions=provider_versions,
            generation=generation,
        )
        self.backend = configure_backend(self, id, s3_backend, backend)
        self.variables = SnowSSIVariables.declare(self, role=snowflake_role)
        configure_providers(
            self,
            self.variables,
            generation=generation,
            also_enabled=LEGACY_TYPE_FEATURES if upgrade_from_legacy else (),
        )

        # Shared resources.
        if name_suffix is None:
            self.pet: Pet | None = Pet(self, "pet_name")
            self.naming = Naming(self.pet.id)
        else:
            self.pet = None
            self.naming = Naming(name_suffix)
        naming = self.naming
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
        role_name = naming.aws("role-")
        account_id = self.caller_identity.account_id
        role_arn = f"arn:aws:iam::{account_id}:role/{role_name}"
        self.kms_key = PipelineKey(
            self,
            "kms_key",
            key_policy=shared.kms_key_policy,
            deletion_window_days=shared.kms_deletion_window_days,
            account_id=account_id,
            user_role_name=naming.aws_nestable("role-"),
            alias_name=naming.aws("alias/snowssi-"),
        )
        self.storage_integration: S3StorageIntegration | AwsStorageIntegration
        if generation.is_current:
            self.storage_integration = AwsStorageIntegration(
                self,
                "storage_integration",
                name=naming.snowflake("STORAGE_INTEGRATION_"),
                role_arn=role_arn,
                adopt_legacy=upgrade_from_legacy,
            )
        else:
            self.storage_integration = S3StorageIntegration(
                self,
                "storage_integration",
                name=naming.snowflake("STORAGE_INTEGRATION_"),
                role_arn=role_arn,
            )
        self.access_role = SnowflakeAccessRole(
            self,
            "access_role",
            role_name=role_name,
            policy_name=naming.aws("policy-"),
            snowflake_user_arn=self.storage_integration.iam_user_arn,
            external_id=self.storage_integration.external_id,
            kms_key_arn=self.kms_key.key_arn,
        )
        self._serverless = serverless_task
        # Opt-in, also when hardened: SNS error notifications need a Snowflake account
        # hosted on AWS, which the stack cannot know.
        self.failure_alerts: FailureAlerts | None = None
        if failure_alerts:
            self.failure_alerts = FailureAlerts.for_stack(
                self,
                naming=naming,
                account_id=account_id,
                topic_arn=alert_topic_arn,
                topic_kms_key_arn=alert_topic_kms_key_arn,
                deletion_window_days=shared.kms_deletion_window_days,
            )

        self.pipelines: dict[str | None, SnowSSIPipeline] = {}
        if outputs:
            self._shared_outputs()
        for name in pipelines if pipelines is not None else [None]:
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
            name=name,
            settings=settings,
            generation=self.generation,
            adopt_legacy=self.upgrade_from_legacy,
        )
        self.pipelines[name] = pipeline
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
            TerraformOutput(self, name, value=value, description=description)
        if self.failure_alerts is not None:
            TerraformOutput(
                self,
                "failure_alerts_topic_arn",
                value=self.failure_alerts.topic_arn,
                description="SNS topic of the tasks' error notifications; subscribe to it.",
            )

    def _pipeline_outputs(self, pipeline: SnowSSIPipeline) -> None:
        prefix = f"{pipeline.pipeline_name}_" if pipeline.pipeline_name else ""
        for name, value in (
            ("inbound_bucket_name", pipeline.inbound_bucket.bucket_name),
            ("inbound_bucket_arn", pipeline.inbound_bucket.bucket_arn),
            ("outbound_bucket_name", pipeline.outbound_bucket.bucket_name),
            ("outbound_bucket_arn", pipeline.outbound_bucket.bucket_arn),
            ("inbound_stage_fully_qualified_name", pipeline.inbound_stage.fully_qualified_name),
            ("outbound_stage_fully_qualified_name", pipeline.outbound_stage.fully_qualified_name),
            ("stream_name", pipeline.stream.name),
            ("stream_fully_qualified_name", pipeline.stream.fully_qualified_name),
            ("task_name", pipeline.task.name),
            ("task_fully_qualified_name", pipeline.task.fully_qualified_name),
        ):
            TerraformOutput(self, f"{prefix}{name}", value=value)
        if pipeline.processed_files is not None:
            TerraformOutput(
                self,
                f"{prefix}processed_files_table_fully_qualified_name",
                value=pipeline.processed_files.fully_qualified_name,
            )


def _bool_to_str(value: bool | None) -> str | None:
    # The snowflake provider types auto_resume as a string ("true", "false", "default").
    return None if value is None else str(value).lower()


def _check_pipeline_names(problems: validation.Problems, pipelines: object) -> None:
    problems.check(validation.string_sequence, "pipelines", pipelines)
    if isinstance(pipelines, Sequence) and not isinstance(pipelines, str):
        if not pipelines:
            problems.add("pipelines", "give at least one pipeline name, or None")
        names = [p for p in pipelines if isinstance(p, str)]
        problems.check(validation.unique, "pipelines", names)
        for name in names:
            check_pipeline_name(problems, "pipelines", name)
