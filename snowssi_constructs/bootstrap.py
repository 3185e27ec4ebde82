"""The bootstrap: run once by an administrator, so the pipeline runs without ACCOUNTADMIN.

:class:`SnowSSIBootstrap` is a Terraform stack of its own (its own state), applied by an
administrator (``ACCOUNTADMIN`` by default, the ``role`` variable). It creates an
account role for deploying and owning the pipeline, grants it the account privileges
the pipeline's objects need (:data:`ACCOUNT_PRIVILEGES`), and grants the role to the
users and roles the administrator names. The pipeline stack then runs under that role
(``SnowSSIStack(..., snowflake_role=...)``).

The pipeline stack, not the bootstrap, creates the warehouse, database and schema: their
names derive from the pipeline stack's suffix (its ``random_pet``), which the bootstrap
cannot know, and moving them would change the default stack and the migration from the
HCL module. The role owns what it creates, so it holds USAGE and the CREATE privileges
on that database, schema and warehouse only, and on no other.

With ``transfer``, the bootstrap also moves an existing deployment (created as
ACCOUNTADMIN by the stack or by the HCL module) to the role: ownership of each of its
objects goes to the role with its current grants copied (``outbound_privileges =
"COPY"``). docs/least-privilege.md gives the steps in order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypedDict, Unpack

from constructs import Construct

from . import validation
from ._addresses import pin
from ._flavour import TerraformStack, cdktf, snowflake
from ._lazy import lazy_list
from .app_checks import BootstrapFacts, check_with_the_app
from .backend import S3StateBackend, configure_backend
from .generations import GENERATIONS, SNOWFLAKE_PROVIDERS, Generation, SnowflakeProvider
from .naming import PipelinePrefix
from .preview_features import preview_features
from .privileges import account_privileges
from .providers import ProviderVersions, pin_versions
from .variables import DEFAULT_PIPELINE_ROLE, DEFAULT_ROLE

TerraformOutput = cdktf.TerraformOutput
TerraformVariable = cdktf.TerraformVariable
Token = cdktf.Token
AccountRole = snowflake.account_role.AccountRole
GrantAccountRole = snowflake.grant_account_role.GrantAccountRole
GrantOwnership = snowflake.grant_ownership.GrantOwnership
GrantOwnershipOn = snowflake.grant_ownership.GrantOwnershipOn
GrantPrivilegesToAccountRole = (
    snowflake.grant_privileges_to_account_role.GrantPrivilegesToAccountRole
)
Provider = snowflake.provider.SnowflakeProvider

# The account privileges of the pipeline's role, from the privilege data: CREATE
# DATABASE / WAREHOUSE for the stack's database and warehouse, CREATE INTEGRATION for
# the storage and notification integrations, EXECUTE TASK to resume (start) the tasks.
ACCOUNT_PRIVILEGES: tuple[str, ...] = account_privileges()


@dataclass(frozen=True)
class ExistingDeployment:
    """An existing deployment to move to the pipeline's role (``transfer``).

    :param name_suffix: its suffix, the ``random_pet`` id of its state (``terraform
        state show random_pet.pet_name``), e.g. ``happy-panda``.
    :param pipelines: its pipelines' names; ``None`` is the original's single pipeline.
    :param processed_files: whether its pipelines have the processed-files table and
        its pending stream (``processing="consume_stream"``; a deployment from before
        the pending stream existed gets it from one apply of the pipeline stack at this
        release, before the transfer).
    :param refresh_tasks: whether its pipelines have the refresh task.
    :param failure_alerts: whether it has the failure alerts' integration.
    :param stall_alerts: whether its pipelines have the stall alert
        (``stall_alert_minutes``).
    """

    name_suffix: str
    pipelines: Sequence[str | None] = (None,)
    processed_files: bool = False
    refresh_tasks: bool = False
    failure_alerts: bool = False
    stall_alerts: bool = False

    def __post_init__(self) -> None:
        with validation.Problems("ExistingDeployment") as problems:
            problems.check(validation.name_suffix, "transfer.name_suffix", self.name_suffix)
            for flag in ("processed_files", "refresh_tasks", "failure_alerts", "stall_alerts"):
                problems.check(validation.boolean, f"transfer.{flag}", getattr(self, flag))
            if not self.pipelines:
                problems.add(
                    "transfer.pipelines", "give at least one pipeline (None: the original's)"
                )

    def name(self, prefix: str) -> str:
        """The Snowflake name the stack gives an object, e.g. ``DATABASE_HAPPY_PANDA``."""
        return f"{prefix}{self.name_suffix.replace('-', '_')}".upper()

    def objects(self) -> Iterator[tuple[str, str, str]]:
        """Each object as (address key, object type, quoted name), containers first."""
        database, schema = self.name("DATABASE_"), self.name("SCHEMA_")
        yield "database", "DATABASE", f'"{database}"'
        yield "schema", "SCHEMA", f'"{database}"."{schema}"'
        yield "warehouse", "WAREHOUSE", f'"{self.name("WAREHOUSE_")}"'
        yield "storage_integration", "INTEGRATION", f'"{self.name("STORAGE_INTEGRATION_")}"'
        if self.failure_alerts:
            yield "failure_alerts", "INTEGRATION", f'"{self.name("ALERTS_INTEGRATION_")}"'
        for pipeline in self.pipelines:
            prefix = PipelinePrefix(pipeline)
            kinds = [("STAGE", "inbound_stage"), ("STAGE", "outbound_stage")]
            kinds += [("STREAM", "stream"), ("TASK", "task")]
            if self.processed_files:
                kinds.append(("TABLE", "processed_files"))
                kinds.append(("STREAM", "processed_files_stream"))
            if self.refresh_tasks:
                kinds.append(("TASK", "refresh_task"))
            if self.stall_alerts:
                kinds.append(("ALERT", "stall_alert"))
            for object_type, kind in kinds:
                name = self.name(f"{prefix.snowflake}{kind.upper()}_")
                yield f"{prefix.address}{kind}", object_type, f'"{database}"."{schema}"."{name}"'


class NoMoreProps(TypedDict, total=False):
    """No keyword beyond a construct's own props: a type checker refuses any other,
    and the construct names it at run time with the closest prop."""


class SnowSSIBootstrap(TerraformStack):
    """The pipeline's account role, its grants, and optionally the transfer of an
    existing deployment to it; run once by an administrator.

    docs/constructs.md has a table of every prop.

    :param role_name: the role to create (not a system role).
    :param grant_to_users: users who may use the role (the deploying user).
    :param grant_to_roles: roles that inherit it (Snowflake recommends granting custom
        roles to SYSADMIN).
    :param serverless_task: also grant ``EXECUTE MANAGED TASK``, for a pipeline stack
        with ``serverless_task=True``.
    :param stall_alerts: also grant ``EXECUTE ALERT``, for a pipeline stack with
        ``stall_alert_minutes`` (the provider resumes the alert it creates).
    :param transfer: an existing deployment whose objects move to the role. The role is
        then also granted to the administrator's role (the ``role`` variable) before any
        transfer, and every transfer depends on that grant: the provider runs ``SHOW
        GRANTS ON`` each object (and, for a task, ``SHOW TASKS ... IN SCHEMA``) as the
        administrator's role, on create, on every refresh and on destroy, after the
        database and schema already belong to the new role.
    :param snowflake_provider: the snowflake provider generation, as the stack's
        (``"legacy"`` or ``"current"``): the provider version it pins, Terraform's
        default range and the preview features follow it. Give it the generation of the
        pipeline stacks beside it.
    :param s3_backend: its state in S3 (:class:`~snowssi_constructs.S3StateBackend`),
        by default under ``snowssi/<id>/terraform.tfstate``; ``None`` keeps a local
        state file.
    :param required_version: Terraform's version constraint; ``None`` is the
        generation's (the stack's rule, the lock-file floor with an S3 lock file).
    :param provider_versions: the providers' version constraints (only snowflake's is used).

    One bootstrap serves one Snowflake account: the role it creates and the privileges
    it grants are account-level objects, so a second bootstrap of the same account
    (one per environment) would declare the same role twice, and the two states would
    fight over it. Environments in one account share its role; each environment's
    stack runs under it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_name: str = DEFAULT_PIPELINE_ROLE,
        grant_to_users: Sequence[str] = (),
        grant_to_roles: Sequence[str] = (),
        serverless_task: bool = False,
        stall_alerts: bool = False,
        transfer: ExistingDeployment | None = None,
        snowflake_provider: SnowflakeProvider = "legacy",
        s3_backend: S3StateBackend | None = None,
        required_version: str | None = None,
        provider_versions: ProviderVersions | None = None,
        **unexpected: Unpack[NoMoreProps],
    ) -> None:
        super().__init__(scope, id)
        self._check_props(
            unexpected,
            role_name=role_name,
            grant_to_users=grant_to_users,
            grant_to_roles=grant_to_roles,
            serverless_task=serverless_task,
            stall_alerts=stall_alerts,
            transfer=transfer,
            snowflake_provider=snowflake_provider,
            s3_backend=s3_backend,
            required_version=required_version,
        )
        self.generation = GENERATIONS[snowflake_provider]
        if required_version is None:
            locking = s3_backend is not None and s3_backend.use_lockfile
            required_version = self.generation.terraform_range(locking=locking)
        pin_versions(
            self,
            required_version=required_version,
            versions=provider_versions,
            providers=("snowflake",),
            generation=self.generation,
        )
        self.backend = configure_backend(self, id, s3_backend, None)
        self.administrator_role = self._configure_provider(self.generation)

        self.role = AccountRole(
            self, "account_role", name=role_name, comment="Deploys and owns the SnowSSI pipeline."
        )
        pin(self.role, "pipeline_role")
        # The options that need an account privilege of their own (privileges.py).
        options = {"serverless_task": serverless_task, "stall_alerts": stall_alerts}
        self._grant(role_name, options, grant_to_users, grant_to_roles)
        self.transfers: list[GrantOwnership] = []
        self.administrator_grant: GrantAccountRole | None = None
        if transfer is not None:
            self._transfer(transfer)
        TerraformOutput(self, "pipeline_role", value=self.role.name)
        granted = frozenset(option for option, on in options.items() if on)
        state = None if s3_backend is None else (s3_backend.bucket, s3_backend.state_key(id))
        check_with_the_app(self, BootstrapFacts(id, role_name, granted, state))

    def _check_props(
        self,
        unexpected: NoMoreProps,
        *,
        role_name: str,
        grant_to_users: Sequence[str],
        grant_to_roles: Sequence[str],
        serverless_task: bool,
        stall_alerts: bool,
        transfer: ExistingDeployment | None,
        snowflake_provider: SnowflakeProvider,
        s3_backend: S3StateBackend | None,
        required_version: str | None,
    ) -> None:
        with validation.Problems(type(self).__name__) as problems:
            props = validation.keyword_props(type(self))
            own_props = [(f"{type(self).__name__}'s props", props)]
            for unknown in sorted(unexpected):
                problems.check(validation.unexpected_keyword, unknown, own_props)
            problems.check(validation.account_role_name, "role_name", role_name, new=True)
            for prop, names in (
                ("grant_to_users", grant_to_users),
                ("grant_to_roles", grant_to_roles),
            ):
                problems.check(validation.string_sequence, prop, names)
                if isinstance(names, Sequence) and not isinstance(names, str):
                    for name in names:
                        problems.check(validation.account_role_name, prop, name)
            problems.check(validation.boolean, "serverless_task", serverless_task)
            problems.check(validation.boolean, "stall_alerts", stall_alerts)
            problems.check(
                validation.instance_of, "transfer", transfer, ExistingDeployment, optional=True
            )
            problems.check(
                validation.choice, "snowflake_provider", snowflake_provider, SNOWFLAKE_PROVIDERS
            )
            problems.check(
                validation.instance_of, "s3_backend", s3_backend, S3StateBackend, optional=True
            )
            if required_version is not None:
                problems.check(validation.version_constraint, "required_version", required_version)

    def _grant(
        self,
        role_name: str,
        options: dict[str, bool],
        grant_to_users: Sequence[str],
        grant_to_roles: Sequence[str],
    ) -> None:
        # What the app's checks compare a stack under this role with.
        self.role_name = role_name
        self.account_privileges = account_privileges(options=[o for o, on in options.items() if on])
        self.account_grant = GrantPrivilegesToAccountRole(
            self,
            "account_privileges",
            account_role_name=self.role.name,
            on_account=True,
            privileges=list(self.account_privileges),
        )
        pin(self.account_grant, "pipeline_role_account")
        for user in grant_to_users:
            grant = GrantAccountRole(
                self, f"to_user_{user}", role_name=self.role.name, user_name=user
            )
            pin(grant, f"pipeline_role_to_user_{user.lower()}")
        for parent in grant_to_roles:
            grant = GrantAccountRole(
                self, f"to_role_{parent}", role_name=self.role.name, parent_role_name=parent
            )
            pin(grant, f"pipeline_role_to_role_{parent.lower()}")

    def _configure_provider(self, generation: Generation) -> str:
        """The provider block and its variables; returns the administrator's role."""

        def variable(name: str, description: str, sensitive: bool = False) -> TerraformVariable:
            return TerraformVariable(
                self,
                name,
                type="string",
                default=Token.null_value(),
                sensitive=sensitive or None,
                description=description,
            )

        role = TerraformVariable(
            self,
            "role",
            type="string",
            default=DEFAULT_ROLE,
            description="Snowflake role of the administrator who runs the bootstrap.",
        )
        password = variable("password", "Snowflake password; null: another authenticator.", True)
        Provider(
            self,
            "snowflake",
            organization_name=variable("organization_name", "Snowflake organization.").string_value,
            account_name=variable("account_name", "Snowflake account name.").string_value,
            user=variable("user", "Snowflake user (an administrator).").string_value,
            role=role.string_value,
            password=password.string_value,
            preview_features_enabled=lazy_list(
                lambda: preview_features(
                    self, gated=generation.gated, always=generation.always_enabled
                )
            ),
        )
        return role.string_value

    def _transfer(self, deployment: ExistingDeployment) -> None:
        # Once the database and schema belong to the new role, the administrator's role
        # sees the objects inside only through the new role: ReadGrantOwnership's SHOW
        # GRANTS ON each object would fail on every refresh (and drop the grant from the
        # state with a warning), grantOwnershipOnTask's SHOW TASKS IN SCHEMA would fail,
        # and so would destroy.
        self.administrator_grant = GrantAccountRole(
            self,
            "to_administrator",
            role_name=self.role.name,
            parent_role_name=self.administrator_role,
        )
        pin(self.administrator_grant, "pipeline_role_to_administrator")
        # Containers first: a schema's objects are transferred after the schema.
        previous: list[GrantOwnership] = []
        for key, object_type, object_name in deployment.objects():
            grant = GrantOwnership(
                self,
                f"transfer_{key}",
                account_role_name=self.role.name,
                outbound_privileges="COPY",
                on=GrantOwnershipOn(object_type=object_type, object_name=object_name),
                depends_on=[self.account_grant, self.administrator_grant, *previous[-1:]],
            )
            pin(grant, f"transfer_{key}")
            previous.append(grant)
        self.transfers = previous
