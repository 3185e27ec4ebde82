"""The stacks of one app, checked together when the app is synthesized: mistakes at
the seams between stacks fail at synthesis, in one error naming both stacks and the
prop, instead of at apply or in production. And an option that does nothing on the
chosen provider generation fails at construction, naming the option and the
generation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from constructs import Construct

from snowssi_constructs import (
    App,
    S3StateBackend,
    SnowSSIBootstrap,
    SnowSSIPipeline,
    SnowSSIStack,
)
from snowssi_constructs._flavour import cdktf
from snowssi_constructs.app_checks import app_problems, facts_of_app
from snowssi_constructs.validation import PropValueError
from tests.support import synth_app

Testing = cdktf.Testing
ROLE = "SNOWSSI_DEPLOYER"


def synth_error(build: Callable[[Any], object]) -> str:
    """The message of the error synthesizing ``build``'s app raises."""
    with pytest.raises(Exception, match="Validation failed") as raised:
        synth_app(build)
    return str(raised.value)


# Names that are global (S3 buckets) or the account's (Snowflake objects).


def test_two_stacks_with_the_same_name_suffix_fail_naming_both_and_the_prop():
    def build(app: Any) -> None:
        SnowSSIStack(app, "dev", name_suffix="acme")
        SnowSSIStack(app, "prod", name_suffix="acme")

    message = synth_error(build)
    assert "[prod] name_suffix: stacks 'dev' and 'prod' both give name_suffix='acme'" in message
    assert "DATABASE_ACME, STORAGE_INTEGRATION_ACME, WAREHOUSE_ACME" in message
    assert "S3 buckets" in message
    assert message.count("name_suffix: ") == 1  # reported once, by the later stack


@pytest.mark.parametrize(("first", "second"), [("acme-dev", "acme_dev"), ("acme_1", "acme-1")])
def test_suffixes_that_name_the_same_objects_clash_too(first, second):
    def build(app: Any) -> None:
        SnowSSIStack(app, "dev", name_suffix=first, snowflake_provider="current")
        SnowSSIStack(app, "prod", name_suffix=second, snowflake_provider="current")

    assert "stacks 'dev' and 'prod' both give" in synth_error(build)


def test_stacks_with_their_own_suffixes_or_random_pets_synthesize():
    def build(app: Any) -> None:
        SnowSSIStack(app, "dev", name_suffix="acme-dev")
        SnowSSIStack(app, "prod", name_suffix="acme-prod")
        SnowSSIStack(app, "pet_one")
        SnowSSIStack(app, "pet_two")

    assert sorted(synth_app(build)) == ["dev", "pet_one", "pet_two", "prod"]


def test_two_bootstraps_of_one_role_fail_naming_both_and_the_prop():
    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap_dev", role_name=ROLE)
        SnowSSIBootstrap(app, "bootstrap_prod", role_name=ROLE)

    message = synth_error(build)
    assert (
        "[bootstrap_prod] role_name: bootstraps 'bootstrap_dev' and 'bootstrap_prod' both "
        f"create the account role '{ROLE}'; keep one bootstrap per Snowflake account"
    ) in message


# A stack under the role of a bootstrap of the same app.


@pytest.mark.parametrize("bootstrap_first", [True, False])
def test_a_serverless_stack_under_a_bootstrap_without_serverless_task_fails(bootstrap_first):
    def build(app: Any) -> None:
        if bootstrap_first:
            SnowSSIBootstrap(app, "bootstrap", role_name=ROLE)
        SnowSSIStack(app, "prod", snowflake_role=ROLE, serverless_task=True)
        if not bootstrap_first:
            SnowSSIBootstrap(app, "bootstrap", role_name=ROLE)

    message = synth_error(build)
    assert re.search(
        r"\[prod\] snowflake_role: stack 'prod' runs under the role 'SNOWSSI_DEPLOYER' of "
        r"bootstrap 'bootstrap', which does not grant EXECUTE MANAGED TASK on the account "
        r"that the stack needs \(serverless_task=True\): give the bootstrap "
        r"serverless_task=True",
        message,
    )


@pytest.mark.parametrize("stack_option", ["stack", "add_pipeline"])
def test_a_stall_alert_under_a_bootstrap_without_stall_alerts_fails(stack_option):
    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap", role_name=ROLE)
        alert = {"processing": "consume_stream", "stall_alert_minutes": 30}
        props = alert if stack_option == "stack" else {}
        stack = SnowSSIStack(app, "prod", snowflake_role=ROLE, failure_alerts=True, **props)
        if stack_option == "add_pipeline":
            stack.add_pipeline("orders", **alert)  # type: ignore[arg-type]

    message = synth_error(build)
    assert re.search(
        r"\[prod\] snowflake_role: stack 'prod' runs under the role 'SNOWSSI_DEPLOYER' of "
        r"bootstrap 'bootstrap', which does not grant EXECUTE ALERT on the account that "
        r"the stack needs \(stall_alert_minutes\): give the bootstrap stall_alerts=True",
        message,
    )


def test_a_stall_alert_under_a_bootstrap_with_stall_alerts_synthesizes():
    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap", role_name=ROLE, stall_alerts=True)
        SnowSSIStack(app, "prod", snowflake_role=ROLE, failure_alerts=True,
                     processing="consume_stream", stall_alert_minutes=30)  # fmt: skip

    assert sorted(synth_app(build)) == ["bootstrap", "prod"]


def test_a_serverless_stack_under_a_serverless_bootstrap_synthesizes():
    def build(app: Any) -> None:
        state = S3StateBackend(bucket="acme-state")
        SnowSSIBootstrap(app, "bootstrap", role_name=ROLE, serverless_task=True,
                         snowflake_provider="current", s3_backend=state)  # fmt: skip
        for environment in ("dev", "prod"):
            SnowSSIStack(app, environment, snowflake_role=ROLE, serverless_task=True,
                         snowflake_provider="current", s3_backend=state,
                         name_suffix=f"acme-{environment}", failure_alerts=True,
                         pipelines=["orders", "returns"])  # fmt: skip

    assert sorted(synth_app(build)) == ["bootstrap", "dev", "prod"]


def test_a_stack_under_another_role_is_not_compared_with_the_bootstrap():
    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap", role_name=ROLE)
        SnowSSIStack(app, "prod", snowflake_role="OTHER_ROLE", serverless_task=True)

    assert sorted(synth_app(build)) == ["bootstrap", "prod"]


def test_the_checks_see_each_stack_of_the_app():
    app = App()
    dev = SnowSSIStack(app, "dev", name_suffix="acme")
    prod = SnowSSIStack(app, "prod", name_suffix="acme", serverless_task=True,
                        snowflake_role=ROLE)  # fmt: skip
    bootstrap = SnowSSIBootstrap(app, "bootstrap", role_name=ROLE)
    dev_facts, prod_facts, bootstrap_facts = everyone = facts_of_app(bootstrap)
    assert (dev_facts.stack, prod_facts.stack, bootstrap_facts.stack) == (
        "dev",
        "prod",
        "bootstrap",
    )
    assert facts_of_app(dev) is facts_of_app(prod)
    assert app_problems(everyone, dev_facts) == []
    assert [problem.split(":")[0] for problem in app_problems(everyone, prod_facts)] == [
        "name_suffix",
        "snowflake_role",
    ]
    assert app_problems(everyone, bootstrap_facts) == []


def test_stacks_nested_in_a_construct_are_checked_too():
    def build(app: Any) -> None:
        group = Construct(app, "environments")
        SnowSSIStack(group, "dev", name_suffix="acme")
        SnowSSIStack(group, "prod", name_suffix="acme")

    assert "stacks 'dev' and 'prod' both give name_suffix='acme'" in synth_error(build)


# Options the chosen generation does not read.


@pytest.mark.parametrize(
    ("generation", "option", "reason"),
    [
        ("current", "serverless_schedule_minutes", "has no schedule"),
        ("legacy", "serverless_target_completion_minutes", "cannot set a target completion"),
    ],
)
def test_an_option_the_generation_does_not_read_is_an_error_naming_both(generation, option, reason):
    expected = rf"^{option}: does nothing on the '{generation}' provider generation: .*{reason}"
    with pytest.raises(PropValueError, match=expected):
        SnowSSIStack(Testing.app(), "s", snowflake_provider=generation, serverless_task=True,
                     **{option: 5})  # fmt: skip
    stack = SnowSSIStack(Testing.app(), "s", snowflake_provider=generation, pipelines=["a"])
    with pytest.raises(PropValueError, match=expected):
        stack.add_pipeline("b", **{option: 5})  # type: ignore[arg-type]
    with pytest.raises(PropValueError, match=expected):
        SnowSSIPipeline(stack, "direct", naming=stack.naming, database="D", schema="S",
                        warehouse=None, kms_key_id="k", integration=stack.storage_integration,
                        access_role=stack.access_role, name="c", generation=stack.generation,
                        **{option: 5})  # fmt: skip


def test_the_option_each_generation_reads_is_accepted():
    SnowSSIStack(Testing.app(), "s", serverless_task=True, serverless_schedule_minutes=5)
    SnowSSIStack(Testing.app(), "t", serverless_task=True, snowflake_provider="current",
                 serverless_target_completion_minutes=5)  # fmt: skip


def test_two_stacks_with_one_state_object_fail_naming_both_and_the_prop():
    state = S3StateBackend(bucket="acme-state", key="snowssi.tfstate")

    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap", s3_backend=state)
        SnowSSIStack(app, "dev", s3_backend=state, name_suffix="acme-dev")

    message = synth_error(build)
    assert (
        "[dev] s3_backend: stacks 'bootstrap' and 'dev' keep their state in the same object "
        "(bucket 'acme-state', key 'snowssi.tfstate')"
    ) in message


def test_stacks_sharing_a_state_bucket_get_a_key_each():
    state = S3StateBackend(bucket="acme-state")

    def build(app: Any) -> None:
        SnowSSIBootstrap(app, "bootstrap", s3_backend=state)
        SnowSSIStack(app, "dev", s3_backend=state, name_suffix="acme-dev")
        SnowSSIStack(app, "prod", s3_backend=state, name_suffix="acme-prod")

    keys = {
        name: document["terraform"]["backend"]["s3"]["key"]
        for name, document in synth_app(build).items()
    }
    assert keys == {
        "bootstrap": "snowssi/bootstrap/terraform.tfstate",
        "dev": "snowssi/dev/terraform.tfstate",
        "prod": "snowssi/prod/terraform.tfstate",
    }
