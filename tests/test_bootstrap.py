"""The bootstrap and the pipeline stack under its role.

A stack configured with the bootstrap's role declares nothing that role cannot do: every
Snowflake resource of the stack is walked, and each privilege Snowflake documents for
creating it (``snowssi_constructs.privileges``, with its source) is either among the
bootstrap's account grants or on an object the role owns (one the stack itself creates,
or one the bootstrap transfers to it). The walk reads both stacks' synthesized JSON.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest

from snowssi_constructs import (
    CURRENT,
    LEGACY,
    ExistingDeployment,
    S3StateBackend,
    SnowSSIBootstrap,
    SnowSSIStack,
)
from snowssi_constructs._flavour import cdktf
from snowssi_constructs.bootstrap import ACCOUNT_PRIVILEGES
from snowssi_constructs.privileges import REQUIRED_PRIVILEGES, required_privileges
from snowssi_constructs.testing import check, normalise
from snowssi_constructs.validation import PropError
from tests.support import resources, synth_app

Testing = cdktf.Testing

ROLE = "SNOWSSI_DEPLOYER"
# The kind of object a privilege is on, and the resource types that create one.
OWNED_TYPES: dict[str, tuple[str, ...]] = {
    "database": ("snowflake_database",),
    "schema": ("snowflake_schema",),
    "warehouse": ("snowflake_warehouse",),
    "integration": (
        "snowflake_storage_integration",
        "snowflake_storage_integration_aws",
        "snowflake_notification_integration",
    ),
    "stage": ("snowflake_stage", "snowflake_stage_external_s3"),
    "table": ("snowflake_table",),
}
TRANSFERRED_TYPES = {
    "database": "DATABASE",
    "schema": "SCHEMA",
    "warehouse": "WAREHOUSE",
    "integration": "INTEGRATION",
    "stage": "STAGE",
    "table": "TABLE",
}
_REFERENCE = re.compile(r"^\$\{(snowflake_\w+)\.(\w+)\.(?:name|fully_qualified_name)\}$")


def bootstrap_grants(bootstrap: dict[str, Any]) -> set[str]:
    """The account privileges the bootstrap grants its role."""
    declared = bootstrap["resource"]
    (role_address,) = declared["snowflake_account_role"]
    role = f"${{snowflake_account_role.{role_address}.name}}"
    return {
        privilege
        for grant in declared.get("snowflake_grant_privileges_to_account_role", {}).values()
        if grant.get("on_account") and grant["account_role_name"] == role
        for privilege in grant["privileges"]
    }


def transferred(bootstrap: dict[str, Any]) -> set[tuple[str, str]]:
    """(object type, name) of each object whose ownership the bootstrap transfers, with
    its grants copied."""
    return {
        (grant["on"]["object_type"], grant["on"]["object_name"])
        for grant in bootstrap["resource"].get("snowflake_grant_ownership", {}).values()
        if grant.get("outbound_privileges") == "COPY"
    }


def unmet_privileges(stack: dict[str, Any], bootstrap: dict[str, Any]) -> Iterator[str]:
    """Each privilege a Snowflake resource of ``stack`` needs that the bootstrap's role
    neither is granted nor holds by owning the object."""
    granted = bootstrap_grants(bootstrap)
    moved = transferred(bootstrap)
    declared = resources(stack)
    for address, body in declared.items():
        resource_type = address.split(".")[0]
        if not resource_type.startswith("snowflake_"):
            continue
        if resource_type not in REQUIRED_PRIVILEGES:
            yield f"{address}: no privileges recorded for {resource_type}; look them up"
            continue
        for need in required_privileges(resource_type, body):
            if need.on == "account":
                if need.privilege not in granted:
                    yield f"{address}: {need.privilege} on the account is not granted"
                continue
            value = str(body.get(need.named_by, ""))
            match = _REFERENCE.match(value)
            owned = bool(
                match
                and match.group(1) in OWNED_TYPES[need.on]
                and f"{match.group(1)}.{match.group(2)}" in declared
            )
            if not owned and (TRANSFERRED_TYPES[need.on], value) not in moved:
                yield f"{address}: {need.privilege} on {need.on} {value!r}: not owned"


def synth_pair(**stack_props: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap", role_name=ROLE,
                         serverless_task=bool(stack_props.get("serverless_task")),
                         stall_alerts="stall_alert_minutes" in stack_props)  # fmt: skip
        SnowSSIStack(app, "snowssi", snowflake_role=ROLE, **stack_props)

    documents = synth_app(build)
    return documents["snowssi"], documents["bootstrap"]


STACKS: dict[str, dict[str, Any]] = {
    "default": {},
    "hardened": {"hardened": True},
    "serverless": {"serverless_task": True},
    "failure_alerts": {"failure_alerts": True, "hardened": True},
    "pipelines": {"pipelines": ["orders", "events"], "refresh_schedule_minutes": 5},
    # The current provider generation: its stage and integration types.
    "current": {"snowflake_provider": "current", "failure_alerts": True},
    "current_serverless": {
        "snowflake_provider": "current",
        "serverless_task": True,
        "processing": "consume_stream",
    },
    # The stall alerts: the alert, enabled, on the warehouse (serverless tasks too).
    "stall_alerts": {
        "failure_alerts": True,
        "processing": "consume_stream",
        "stall_alert_minutes": 30,
        "pipelines": ["orders", "events"],
    },
    "current_serverless_stall_alerts": {
        "snowflake_provider": "current",
        "serverless_task": True,
        "failure_alerts": True,
        "processing": "consume_stream",
        "stall_alert_minutes": 30,
    },
}


@pytest.fixture(scope="module")
def pairs() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {name: synth_pair(**props) for name, props in STACKS.items()}


@pytest.mark.parametrize("name", sorted(STACKS))
def test_the_stack_under_the_role_needs_nothing_the_role_lacks(pairs, name):
    stack, bootstrap = pairs[name]
    assert stack["variable"]["role"]["default"] == ROLE
    assert bootstrap["resource"]["snowflake_account_role"]["pipeline_role"]["name"] == ROLE
    assert list(unmet_privileges(stack, bootstrap)) == []


def test_the_walk_sees_every_kind_of_snowflake_resource(pairs):
    # Vacuity guard: the stacks above hold every type the privileges are recorded for.
    seen = {
        address.split(".")[0]
        for stack, _ in pairs.values()
        for address in resources(stack)
        if address.startswith("snowflake_")
    }
    assert seen == set(REQUIRED_PRIVILEGES)


def test_the_bootstrap_grants_no_account_privilege_a_stack_does_not_need(pairs):
    needed = {
        need.privilege
        for stack, _ in pairs.values()
        for address, body in resources(stack).items()
        if address.startswith("snowflake_")
        for need in required_privileges(address.split(".")[0], body)
        if need.on == "account"
    }
    for _, bootstrap in pairs.values():
        assert bootstrap_grants(bootstrap) <= needed
    _, default_bootstrap = pairs["default"]
    assert bootstrap_grants(default_bootstrap) == set(ACCOUNT_PRIVILEGES)
    assert "EXECUTE MANAGED TASK" not in bootstrap_grants(default_bootstrap)
    assert "EXECUTE MANAGED TASK" in bootstrap_grants(pairs["serverless"][1])
    assert "EXECUTE ALERT" not in bootstrap_grants(default_bootstrap)
    assert "EXECUTE ALERT" in bootstrap_grants(pairs["stall_alerts"][1])


def test_a_missing_account_grant_is_caught(pairs):
    stack, bootstrap = copy.deepcopy(pairs["default"])
    (grant,) = bootstrap["resource"]["snowflake_grant_privileges_to_account_role"].values()
    grant["privileges"].remove("EXECUTE TASK")
    assert list(unmet_privileges(stack, bootstrap)) == [
        "snowflake_task.task: EXECUTE TASK on the account is not granted"
    ]


def test_a_serverless_stack_under_the_plain_bootstrap_is_caught(pairs):
    stack, _ = pairs["serverless"]
    _, bootstrap = pairs["default"]
    assert list(unmet_privileges(stack, bootstrap)) == [
        "snowflake_task.task: EXECUTE MANAGED TASK on the account is not granted"
    ]


def test_a_stall_alert_stack_under_the_plain_bootstrap_is_caught(pairs):
    # Without EXECUTE ALERT the provider creates the alert and fails to resume it with
    # only a warning: every plan would try to enable it again.
    stack, _ = pairs["stall_alerts"]
    _, bootstrap = pairs["default"]
    assert list(unmet_privileges(stack, bootstrap)) == [
        "snowflake_alert.events_stall_alert: EXECUTE ALERT on the account is not granted",
        "snowflake_alert.orders_stall_alert: EXECUTE ALERT on the account is not granted",
    ]


def test_the_stall_alert_runs_on_the_warehouse_the_role_owns(pairs):
    stack, bootstrap = copy.deepcopy(pairs["current_serverless_stall_alerts"])
    alert = stack["resource"]["snowflake_alert"]["stall_alert"]
    assert alert["warehouse"] == "${snowflake_warehouse.warehouse.name}"
    alert["warehouse"] = "SHARED_WAREHOUSE"
    assert list(unmet_privileges(stack, bootstrap)) == [
        "snowflake_alert.stall_alert: USAGE on warehouse 'SHARED_WAREHOUSE': not owned"
    ]


def test_an_object_the_role_does_not_own_is_caught(pairs):
    stack, bootstrap = copy.deepcopy(pairs["default"])
    stack["resource"]["snowflake_stage"]["inbound_stage"]["schema"] = "SOMEONE_ELSES"
    assert list(unmet_privileges(stack, bootstrap)) == [
        "snowflake_stage.inbound_stage: USAGE on schema 'SOMEONE_ELSES': not owned",
        "snowflake_stage.inbound_stage: CREATE STAGE on schema 'SOMEONE_ELSES': not owned",
    ]


def test_a_resource_type_without_recorded_privileges_is_caught(pairs):
    stack, bootstrap = copy.deepcopy(pairs["default"])
    stack["resource"]["snowflake_pipe"] = {"p": {"name": "P"}}
    assert list(unmet_privileges(stack, bootstrap)) == [
        "snowflake_pipe.p: no privileges recorded for snowflake_pipe; look them up"
    ]


def test_every_requirement_names_its_source():
    for requirement in REQUIRED_PRIVILEGES.values():
        assert requirement.source.startswith("Snowflake docs: ")


# The role variable.


def test_the_role_option_sets_only_the_default_of_the_role_variable(default_document, pairs):
    stack, _ = pairs["default"]
    assert default_document["variable"]["role"]["default"] == "ACCOUNTADMIN"
    assert stack["variable"]["role"]["default"] == ROLE
    assert stack["provider"]["snowflake"][0]["role"] == "${var.role}"
    del stack["variable"]["role"]["default"]
    expected = copy.deepcopy(default_document)
    del expected["variable"]["role"]["default"]
    assert stack == expected


# The bootstrap's resources.


def test_the_role_is_granted_to_the_named_users_and_roles():
    document = synth_app(
        lambda app: SnowSSIBootstrap(
            app, "b", grant_to_users=["DEPLOYER"], grant_to_roles=["SYSADMIN"]
        )
    )["b"]
    grants = document["resource"]["snowflake_grant_account_role"]
    role = "${snowflake_account_role.pipeline_role.name}"
    assert grants == {
        "pipeline_role_to_user_deployer": {
            "//": grants["pipeline_role_to_user_deployer"]["//"],
            "role_name": role,
            "user_name": "DEPLOYER",
        },
        "pipeline_role_to_role_sysadmin": {
            "//": grants["pipeline_role_to_role_sysadmin"]["//"],
            "role_name": role,
            "parent_role_name": "SYSADMIN",
        },
    }
    assert document["variable"]["role"]["default"] == "ACCOUNTADMIN"
    assert set(document["terraform"]["required_providers"]) == {"snowflake"}


def _literal(expression: str) -> str:
    """The value of a name the stack writes with a literal suffix:
    ``${upper("PREFIX_${replace("happy-panda", "-", "_")}")}``."""
    match = re.fullmatch(r'\$\{upper\("(\w*)\$\{replace\("([\w-]+)", "-", "_"\)\}"\)\}', expression)
    assert match, expression
    return f"{match.group(1)}{match.group(2).replace('-', '_')}".upper()


TRANSFER_TYPES = {
    "snowflake_database": "DATABASE",
    "snowflake_schema": "SCHEMA",
    "snowflake_warehouse": "WAREHOUSE",
    "snowflake_storage_integration": "INTEGRATION",
    "snowflake_notification_integration": "INTEGRATION",
    "snowflake_stage": "STAGE",
    "snowflake_stream_on_directory_table": "STREAM",
    "snowflake_stream_on_table": "STREAM",
    "snowflake_task": "TASK",
    "snowflake_table": "TABLE",
    "snowflake_alert": "ALERT",
}


def stack_objects(stack: dict[str, Any]) -> set[tuple[str, str]]:
    """(object type, quoted name) of every Snowflake object of a stack with a literal
    suffix, as the bootstrap's transfer names them."""
    declared = resources(stack)
    objects = set()
    for address, body in declared.items():
        resource_type = address.split(".")[0]
        if resource_type not in TRANSFER_TYPES:
            continue
        names = [_literal(body["name"])]
        for container in ("schema", "database"):
            if container in body:
                reference = body[container].removeprefix("${").removesuffix(".name}")
                names.insert(0, _literal(declared[reference]["name"]))
        objects.add((TRANSFER_TYPES[resource_type], ".".join(f'"{n}"' for n in names)))
    return objects


@pytest.mark.parametrize(
    ("stack_props", "deployment"),
    [
        ({}, {}),
        (
            {"hardened": True, "failure_alerts": True, "pipelines": ["orders", "events"]},
            {
                "pipelines": ["orders", "events"],
                "processed_files": True,
                "refresh_tasks": True,
                "failure_alerts": True,
            },
        ),
        (
            {"hardened": True, "failure_alerts": True, "stall_alert_minutes": 30},
            {
                "processed_files": True,
                "refresh_tasks": True,
                "failure_alerts": True,
                "stall_alerts": True,
            },
        ),
    ],
    ids=["default", "hardened-alerts-pipelines", "stall-alerts"],
)
def test_the_transfer_moves_every_object_of_the_deployment_with_its_grants(stack_props, deployment):
    stack = synth_app(lambda app: SnowSSIStack(app, "s", name_suffix="happy-panda", **stack_props))[
        "s"
    ]
    existing = ExistingDeployment(name_suffix="happy-panda", **deployment)
    bootstrap = synth_app(lambda app: SnowSSIBootstrap(app, "b", transfer=existing))["b"]
    assert transferred(bootstrap) == stack_objects(stack)
    grants = bootstrap["resource"]["snowflake_grant_ownership"]
    assert all(
        g["account_role_name"].startswith("${snowflake_account_role.") for g in grants.values()
    )
    # Containers first: the transfers run one after another, database, schema, warehouse.
    after = {
        dependency.removeprefix("snowflake_grant_ownership."): name
        for name, grant in grants.items()
        for dependency in grant["depends_on"]
        if dependency.startswith("snowflake_grant_ownership.")
    }
    (first,) = set(grants) - set(after.values())
    chain = [first]
    while chain[-1] in after:
        chain.append(after[chain[-1]])
    assert len(chain) == len(grants)
    order = [grants[name]["on"]["object_type"] for name in chain]
    assert order[:3] == ["DATABASE", "SCHEMA", "WAREHOUSE"]


def test_after_the_transfer_the_stack_needs_nothing_the_role_lacks():
    def build(app: Any) -> None:
        existing = ExistingDeployment(name_suffix="happy-panda")
        SnowSSIBootstrap(app, "bootstrap", role_name=ROLE, transfer=existing)
        SnowSSIStack(app, "snowssi", name_suffix="happy-panda", snowflake_role=ROLE)

    documents = synth_app(build)
    assert list(unmet_privileges(documents["snowssi"], documents["bootstrap"])) == []


# Bad input.


@pytest.mark.parametrize(
    ("props", "prop", "error"),
    [
        ({"role_name": "ACCOUNTADMIN"}, "role_name", ValueError),
        ({"role_name": "sysadmin"}, "role_name", ValueError),
        ({"role_name": "pipeline role"}, "role_name", ValueError),
        ({"role_name": "1ROLE"}, "role_name", ValueError),
        ({"grant_to_users": "DEPLOYER"}, "grant_to_users", TypeError),
        ({"grant_to_roles": ["my role"]}, "grant_to_roles", ValueError),
        ({"serverless_task": "yes"}, "serverless_task", TypeError),
        ({"stall_alerts": 1}, "stall_alerts", TypeError),
        ({"transfer": "happy-panda"}, "transfer", TypeError),
        ({"snowflake_provider": "newest"}, "snowflake_provider", ValueError),
        ({"s3_backend": {"bucket": "state"}}, "s3_backend", TypeError),
        ({"required_version": "1.x"}, "required_version", ValueError),
    ],
)
def test_bad_bootstrap_input_is_refused_naming_the_prop(props, prop, error):
    with pytest.raises(error, match=rf"(^|\n  - ){re.escape(prop)}: ") as raised:
        SnowSSIBootstrap(Testing.app(), "b", **props)
    assert isinstance(raised.value, PropError)


@pytest.mark.parametrize("role", ["pipeline role", "1ROLE", "ROLE;DROP", ""])
def test_a_role_name_snowflake_would_reject_is_refused_by_the_stack(role):
    with pytest.raises(ValueError, match=r"^snowflake_role: "):
        SnowSSIStack(Testing.app(), "snowssi", snowflake_role=role)


def test_a_bad_existing_deployment_is_refused_naming_the_field():
    with pytest.raises(ValueError, match=r"transfer.name_suffix: "):
        ExistingDeployment(name_suffix="Happy Panda")
    with pytest.raises(ValueError, match=r"transfer.pipelines: "):
        ExistingDeployment(name_suffix="happy-panda", pipelines=[])


# The bootstrap beside the stacks of an app: their generation and their backend.


def bootstrap_document(**props: Any) -> dict[str, Any]:
    return synth_app(lambda app: SnowSSIBootstrap(app, "bootstrap", **props))["bootstrap"]


@pytest.mark.parametrize("generation", [LEGACY, CURRENT])
def test_the_bootstraps_pins_and_preview_features_follow_the_generation_as_the_stacks_do(
    generation,
):
    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap", snowflake_provider=generation.name)
        SnowSSIStack(app, "snowssi", snowflake_provider=generation.name)

    documents = synth_app(build)
    bootstrap, stack = documents["bootstrap"], documents["snowssi"]
    for key in ("required_version",):
        assert bootstrap["terraform"][key] == stack["terraform"][key]
    pin = bootstrap["terraform"]["required_providers"]["snowflake"]
    assert pin == stack["terraform"]["required_providers"]["snowflake"]
    assert pin["version"] == generation.snowflake_version
    (provider,) = bootstrap["provider"]["snowflake"]
    assert provider["preview_features_enabled"] == list(generation.always_enabled)
    assert check(normalise(bootstrap)) == []


def test_the_bootstrap_keeps_its_state_in_s3_as_a_stack_does():
    state = S3StateBackend(bucket="acme-state", region="eu-west-1")
    document = bootstrap_document(snowflake_provider="current", s3_backend=state)
    assert document["terraform"]["backend"] == {
        "s3": {
            "bucket": "acme-state",
            "key": "snowssi/bootstrap/terraform.tfstate",
            "region": "eu-west-1",
            "encrypt": True,
            "use_lockfile": True,
        }
    }
    # Terraform's lock file for S3 came in 1.10.0, as for the stack.
    assert document["terraform"]["required_version"] == CURRENT.required_version_with_lockfile


def test_the_default_bootstrap_is_unchanged_legacy_with_a_local_state():
    document = bootstrap_document()
    assert document["terraform"]["backend"] == {"local": {"path": "terraform.bootstrap.tfstate"}}
    assert document["terraform"]["required_version"] == "1.14.0"
    assert document["terraform"]["required_providers"]["snowflake"]["version"] == "2.10.1"


def test_an_explicit_required_version_wins_over_the_generations():
    document = bootstrap_document(snowflake_provider="current", required_version=">= 1.9.0")
    assert document["terraform"]["required_version"] == ">= 1.9.0"


def test_the_bootstrap_records_what_it_grants():
    bootstrap = SnowSSIBootstrap(Testing.app(), "b", serverless_task=True)
    assert bootstrap.account_privileges == tuple(
        sorted([*ACCOUNT_PRIVILEGES, "EXECUTE MANAGED TASK"])
    )
    assert bootstrap.role_name == "SNOWSSI_DEPLOYER"
    assert bootstrap.generation is LEGACY


# Behaviour the suite pinned only through snapshots.


def test_the_administrators_password_variable_is_sensitive():
    document = synth_app(lambda app: SnowSSIBootstrap(app, "b"))["b"]
    assert document["variable"]["password"]["sensitive"] is True
    assert "sensitive" not in document["variable"]["user"]


def test_refresh_tasks_are_transferred_without_processed_files():
    stack = synth_app(
        lambda app: SnowSSIStack(app, "s", name_suffix="happy-panda", refresh_schedule_minutes=5)
    )["s"]
    existing = ExistingDeployment(name_suffix="happy-panda", refresh_tasks=True)
    bootstrap = synth_app(lambda app: SnowSSIBootstrap(app, "b", transfer=existing))["b"]
    assert transferred(bootstrap) == stack_objects(stack)
    assert ("TASK", '"DATABASE_HAPPY_PANDA"."SCHEMA_HAPPY_PANDA"."REFRESH_TASK_HAPPY_PANDA"') in (
        transferred(bootstrap)
    )


@pytest.mark.parametrize("stage_type", ["snowflake_stage", "snowflake_stage_external_s3"])
def test_a_stage_of_either_generation_needs_usage_on_its_integration(stage_type):
    from snowssi_constructs.privileges import Privilege

    assert Privilege("USAGE", "integration", "storage_integration") in required_privileges(
        stage_type, {}
    )


# A transfer that works as the administrator runs it.


def _transfer_bootstrap(**props: Any) -> dict[str, Any]:
    existing = ExistingDeployment(name_suffix="happy-panda", processed_files=True)
    return synth_app(lambda app: SnowSSIBootstrap(app, "b", transfer=existing, **props))["b"]


@pytest.mark.parametrize("grant_to_roles", [(), ("SYSADMIN",)])
def test_the_role_is_granted_to_the_administrators_role_before_any_transfer(grant_to_roles):
    bootstrap = _transfer_bootstrap(grant_to_roles=list(grant_to_roles))
    grants = bootstrap["resource"]["snowflake_grant_account_role"]
    to_admin = grants["pipeline_role_to_administrator"]
    assert to_admin["role_name"] == "${snowflake_account_role.pipeline_role.name}"
    # The variable the provider signs in with: whichever role the administrator uses.
    assert to_admin["parent_role_name"] == "${var.role}"
    assert bootstrap["provider"]["snowflake"][0]["role"] == "${var.role}"
    transfers = bootstrap["resource"]["snowflake_grant_ownership"]
    assert transfers
    for transfer in transfers.values():
        assert (
            "snowflake_grant_account_role.pipeline_role_to_administrator"
            in (transfer["depends_on"])
        )


def test_without_a_transfer_the_administrators_role_is_not_granted_the_role():
    bootstrap = synth_app(lambda app: SnowSSIBootstrap(app, "b"))["b"]
    assert "pipeline_role_to_administrator" not in bootstrap["resource"].get(
        "snowflake_grant_account_role", {}
    )


def test_the_transfer_holds_to_the_provider_facts():
    from snowssi_constructs.testing.facts import violations

    assert violations(_transfer_bootstrap()) == []


def test_a_transfer_not_after_the_administrators_grant_is_caught():
    from snowssi_constructs.testing.facts import violations

    bootstrap = _transfer_bootstrap()
    transfer = bootstrap["resource"]["snowflake_grant_ownership"]["transfer_task"]
    transfer["depends_on"].remove("snowflake_grant_account_role.pipeline_role_to_administrator")
    assert [v.split(":")[0] for v in violations(bootstrap)] == [
        "snowflake_grant_ownership.transfer_task"
    ]
    del bootstrap["resource"]["snowflake_grant_account_role"]["pipeline_role_to_administrator"]
    assert len(violations(bootstrap)) == len(bootstrap["resource"]["snowflake_grant_ownership"])


def test_the_processed_files_pending_stream_is_transferred_after_its_table():
    keys = [key for key, _, _ in ExistingDeployment("happy-panda", processed_files=True).objects()]
    assert keys.index("processed_files") < keys.index("processed_files_stream")
