"""The SnowSSI stack: Terraform settings, variables, providers, shared resources and
pipelines, wired together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from constructs import Construct

from . import validation
from ._flavour import aws, cdktf, random_provider, snowflake
from .iam_role import SnowflakeAccessRole
from .kms_key import PipelineKey
from .naming import Naming
from .pipeline import BucketProtection, Processing, SnowSSIPipeline, SqlStatement
from .providers import REQUIRED_VERSION, ProviderVersions, configure_providers, pin_versions
from .storage_integration import S3StorageIntegration
from .variables import SnowSSIVariables

LocalBackend = cdktf.LocalBackend
S3Backend = cdktf.S3Backend
TerraformBackend = cdktf.TerraformBackend
TerraformOutput = cdktf.TerraformOutput
TerraformStack = cdktf.TerraformStack
DataAwsCallerIdentity = aws.data_aws_caller_identity.DataAwsCallerIdentity
Pet = random_provider.pet.Pet
Database = snowflake.database.Database
Schema = snowflake.schema.Schema
Warehouse = snowflake.warehouse.Warehouse


@dataclass(frozen=True)
class S3StateBackend:
    """Remote state in S3 with Terraform's native lock file (``use_lockfile``).

    ``key`` defaults to ``snowssi/<stack id>/terraform.tfstate``, so several stacks of
    one app (dev, prod) keep separate states in one bucket.
    """

    bucket: str
    key: str | None = None
    region: str | None = None
    encrypt: bool = True
    use_lockfile: bool = True
    kms_key_id: str | None = None


@dataclass(frozen=True)
class Hardening:
    """The settings the ``hardened=True`` preset applies (each can also be set alone)."""

    processing: Processing = "consume_stream"
    refresh_schedule_minutes: int = 5
    force_destroy: bool = False
    prevent_destroy: bool = True
    noncurrent_version_expiration_days: int = 30
    abort_incomplete_multipart_upload_days: int = 7
    kms_key_policy: bool = True
    kms_deletion_window_days: int = 30
    warehouse_auto_suspend: int = 60
    warehouse_auto_resume: bool = True


HARDENED = Hardening()


class SnowSSIStack(TerraformStack):
    """The SnowSSI pipeline as one Terraform stack.

    With no option it declares exactly what the HCL module declares (same resources,
    values and, with ``moved`` blocks for the module-nested resources, the same state),
    plus outputs and the IAM-propagation ordering fix, which change no resource.
    ``hardened=True`` turns on every fix of the original's defects; each fix is also an
    option of its own. An option given explicitly wins over the preset.

    See the README's tables for every prop.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        hardened: bool = False,
        required_version: str = REQUIRED_VERSION,
        provider_versions: ProviderVersions | None = None,
        name_suffix: str | None = None,
        pipelines: Sequence[str] | None = None,
        warehouse_size: str | None = None,
        warehouse_auto_suspend: int | None = None,
        warehouse_auto_resume: bool | None = None,
        serverless_task: bool = False,
        serverless_initial_size: str = "XSMALL",
        processing: Processing | None = None,
        sql_statement: SqlStatement | None = None,
        file_pattern: str | None = None,
        notification_channel_arn: str | None = None,
        refresh_schedule_minutes: int | None = None,
        force_destroy: bool | None = None,
        prevent_destroy: bool | None = None,
        noncurrent_version_expiration_days: int | None = None,
        abort_incomplete_multipart_upload_days: int | None = None,
        kms_key_policy: bool | None = None,
        kms_deletion_window_days: int | None = None,
        s3_backend: S3StateBackend | None = None,
        backend: Callable[[TerraformStack], TerraformBackend] | None = None,
        outputs: bool = True,
    ) -> None:
        super().__init__(scope, id)
        validation.require("required_version", required_version)
        if s3_backend is not None and backend is not None:
            raise ValueError("backend: give either s3_backend or backend, not both")
        if pipelines is not None:
            if not pipelines:
                raise ValueError("pipelines: give at least one pipeline name, or None")
            validation.unique("pipelines", pipelines)
        if warehouse_size is not None:
            warehouse_size = validation.warehouse_size("warehouse_size", warehouse_size)
        if warehouse_auto_suspend is not None:
            validation.positive_int("warehouse_auto_suspend", warehouse_auto_suspend, minimum=0)
        if kms_deletion_window_days is not None:
            validation.positive_int(
                "kms_deletion_window_days", kms_deletion_window_days, minimum=7, maximum=30
            )

        preset = HARDENED if hardened else None

        def choose(value: Any, field: str, default: Any) -> Any:
            if value is not None:
                return value
            return getattr(preset, field) if preset is not None else default

        self.hardened = hardened
        self._outputs = outputs
        self._pipeline_defaults: dict[str, Any] = {
            "processing": choose(processing, "processing", "copy_stage"),
            "sql_statement": sql_statement,
            "file_pattern": file_pattern,
            "notification_channel_arn": notification_channel_arn,
            "refresh_schedule_minutes": choose(
                refresh_schedule_minutes, "refresh_schedule_minutes", None
            ),
            "buckets": BucketProtection(
                force_destroy=choose(force_destroy, "force_destroy", True),
                prevent_destroy=choose(prevent_destroy, "prevent_destroy", False),
                noncurrent_version_expiration_days=choose(
                    noncurrent_version_expiration_days, "noncurrent_version_expiration_days", None
                ),
                abort_incomplete_multipart_upload_days=choose(
                    abort_incomplete_multipart_upload_days,
                    "abort_incomplete_multipart_upload_days",
                    None,
                ),
            ),
            "serverless_initial_size": serverless_initial_size,
        }

        # Terraform settings, variables and providers.
        pin_versions(self, required_version=required_version, versions=provider_versions)
        self._configure_backend(id, s3_backend, backend)
        self.variables = SnowSSIVariables.declare(self)
        configure_providers(self, self.variables)

        # Shared resources.
        if name_suffix is None:
            self.pet: Pet | None = Pet(self, "pet_name")
            self.naming = Naming(self.pet.id)
        else:
            self.pet = None
            self.naming = Naming(validation.name_suffix("name_suffix", name_suffix))
        naming = self.naming
        self.caller_identity = DataAwsCallerIdentity(self, "current")
        self.warehouse = Warehouse(
            self,
            "warehouse",
            name=naming.snowflake("WAREHOUSE_"),
            warehouse_size=warehouse_size or self.variables.warehouse_size,
            initially_suspended=True,
            auto_suspend=choose(warehouse_auto_suspend, "warehouse_auto_suspend", None),
            auto_resume=_bool_to_str(choose(warehouse_auto_resume, "warehouse_auto_resume", None)),
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
            key_policy=choose(kms_key_policy, "kms_key_policy", False),
            deletion_window_days=choose(kms_deletion_window_days, "kms_deletion_window_days", None),
            account_id=account_id,
            user_role_name=naming.aws_nestable("role-"),
            alias_name=naming.aws("alias/snowssi-"),
        )
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

        self.pipelines: dict[str | None, SnowSSIPipeline] = {}
        if outputs:
            self._shared_outputs()
        for name in pipelines if pipelines is not None else [None]:
            self.add_pipeline(name)

    @property
    def pipeline(self) -> SnowSSIPipeline:
        """The first pipeline (the only one in the default stack)."""
        return next(iter(self.pipelines.values()))

    def add_pipeline(self, name: str | None, **options: Any) -> SnowSSIPipeline:
        """Add a pipeline sharing this stack's database, schema, warehouse, key,
        storage integration and role. ``options`` override the stack-level pipeline
        options (see :class:`SnowSSIPipeline`); ``name=None`` is the original's."""
        if name in self.pipelines:
            raise ValueError(f"name: the stack already has a pipeline named {name!r}")
        settings = {**self._pipeline_defaults, **options}
        if isinstance(settings.get("buckets"), dict):
            settings["buckets"] = replace(self._pipeline_defaults["buckets"], **settings["buckets"])
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
            name=name,
            **settings,
        )
        self.pipelines[name] = pipeline
        if self._outputs:
            self._pipeline_outputs(pipeline)
        return pipeline

    def _configure_backend(
        self,
        stack_id: str,
        s3_backend: S3StateBackend | None,
        backend: Callable[[TerraformStack], TerraformBackend] | None,
    ) -> None:
        if backend is not None:
            self.backend = backend(self)
        elif s3_backend is not None:
            validation.require("s3_backend.bucket", s3_backend.bucket)
            s3 = S3Backend(
                self,
                bucket=s3_backend.bucket,
                key=s3_backend.key or f"snowssi/{stack_id}/terraform.tfstate",
                region=s3_backend.region,
                encrypt=s3_backend.encrypt,
                kms_key_id=s3_backend.kms_key_id,
            )
            if s3_backend.use_lockfile:
                # cdktf 0.21 predates use_lockfile (Terraform 1.10+); set it directly.
                s3.add_override("use_lockfile", True)
            self.backend = s3
        else:
            # Relative, so the JSON holds no path of the machine; Terraform resolves it
            # in the stack's folder.
            self.backend = LocalBackend(self, path=f"terraform.{stack_id}.tfstate")

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
            ("task_name", pipeline.task.name),
        ):
            TerraformOutput(self, f"{prefix}{name}", value=value)


def _bool_to_str(value: bool | None) -> str | None:
    # The snowflake provider types auto_resume as a string ("true", "false", "default").
    return None if value is None else str(value).lower()
