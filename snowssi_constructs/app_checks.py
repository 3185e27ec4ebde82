"""Checks of the stacks of one app together, at synthesis.

Each stack is right on its own and the app can still be wrong: two pipeline stacks
with the same ``name_suffix`` declare the same S3 buckets (whose names are global) and
the same Snowflake warehouse, database and integrations (account-level objects); two
bootstraps declare the same role; two stacks keep their state in one S3 object; a
stack runs under the role of a bootstrap of the same app that does not grant a
privilege the stack needs (``EXECUTE MANAGED TASK`` for ``serverless_task=True``).
Each of these would fail at apply, or later.

A stack or bootstrap records what the checks need (:class:`PipelineStackFacts`,
:class:`BootstrapFacts`) and adds a validation to itself (:func:`check_with_the_app`),
which the CDK runs when the app is synthesized, once every stack exists. A stack's
validation reports each clash with a stack before it in the app, so a clash is
reported once, by the later stack, in one error naming both stacks and the prop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import jsii
from constructs import Construct, IValidation

from .privileges import OPTIONAL_ACCOUNT_PRIVILEGES, account_privileges

# Where the app keeps its stacks' facts, for their checks.
_REGISTRY = "_snowssi_app_facts"


@dataclass(eq=False)
class PipelineStackFacts:
    """What a pipeline stack declares that another stack of the app can clash with.

    ``options`` grows as pipelines are added (a pipeline's ``stall_alert_minutes``);
    the checks read it at synthesis."""

    stack: str
    name_suffix: str | None
    snowflake_role: str
    # The options that need an account privilege of their own (privileges.py).
    options: set[str]
    # Its state in S3, as (bucket, key); None for another backend.
    state: tuple[str, str] | None = None

    def snowflake_names(self) -> tuple[str, ...]:
        """Its account-level Snowflake names; none when its suffix is a ``random_pet``."""
        if self.name_suffix is None:
            return ()
        suffix = self.name_suffix.replace("-", "_").upper()
        kinds = ("WAREHOUSE_", "DATABASE_", "STORAGE_INTEGRATION_")
        return tuple(f"{kind}{suffix}" for kind in kinds)


@dataclass(frozen=True)
class BootstrapFacts:
    """What a bootstrap declares and grants."""

    stack: str
    role_name: str
    options: frozenset[str]
    state: tuple[str, str] | None = None

    @property
    def granted(self) -> tuple[str, ...]:
        """The account privileges it grants its role."""
        return account_privileges(options=self.options)


Facts = PipelineStackFacts | BootstrapFacts


def check_with_the_app(stack: Construct, facts: Facts) -> None:
    """Record ``facts`` with ``stack``'s app and check them against the app's other
    stacks when the app is synthesized."""
    root = stack.node.root
    # On the app's Python object (the same one for every stack of the app), in the order
    # the stacks were created; nested stacks included.
    registry: list[Facts] | None = getattr(root, _REGISTRY, None)
    if registry is None:
        registry = []
        setattr(root, _REGISTRY, registry)
    registry.append(facts)
    stack.node.add_validation(_AppCheck(registry, facts))


@jsii.implements(IValidation)
class _AppCheck:
    def __init__(self, registry: list[Facts], facts: Facts) -> None:
        self._registry = registry
        self._facts = facts

    def validate(self) -> list[str]:
        return app_problems(self._registry, self._facts)


def app_problems(everyone: list[Facts], mine: Facts) -> list[str]:
    """Every clash of the stack of ``mine`` with a stack of ``everyone`` (its app's, in
    the order they were created), one message each: with the stacks before it, and with
    any bootstrap of the app."""
    earlier = everyone[: everyone.index(mine)]
    problems = [*_same_names(mine, earlier)]
    if isinstance(mine, PipelineStackFacts):
        bootstraps = [facts for facts in everyone if isinstance(facts, BootstrapFacts)]
        problems += _missing_privileges(mine, bootstraps)
    return problems


def facts_of_app(stack: Construct) -> list[Facts]:
    """What every stack of ``stack``'s app recorded, in the order they were created."""
    registry: list[Facts] = getattr(stack.node.root, _REGISTRY, [])
    return registry


def _same_names(mine: Facts, earlier: list[Facts]) -> Iterator[str]:
    for other in earlier:
        if mine.state is not None and mine.state == other.state:
            bucket, key = mine.state
            yield (
                f"s3_backend: stacks {other.stack!r} and {mine.stack!r} keep their state "
                f"in the same object (bucket {bucket!r}, key {key!r}): each apply would "
                "overwrite the other's state; leave s3_backend.key unset (one key per "
                "stack) or give each its own"
            )
        if isinstance(mine, BootstrapFacts) and isinstance(other, BootstrapFacts):
            if mine.role_name == other.role_name:
                yield (
                    f"role_name: bootstraps {other.stack!r} and {mine.stack!r} both create "
                    f"the account role {mine.role_name!r}; keep one bootstrap per "
                    "Snowflake account, or give each its own role_name"
                )
        elif isinstance(mine, PipelineStackFacts) and isinstance(other, PipelineStackFacts):
            shared = sorted(set(mine.snowflake_names()) & set(other.snowflake_names()))
            if shared:
                yield (
                    f"name_suffix: stacks {other.stack!r} and {mine.stack!r} both give "
                    f"name_suffix={mine.name_suffix!r} (or one that names the same "
                    f"objects), so they declare the same Snowflake objects "
                    f"({', '.join(shared)}) and, for pipelines of the same name, the "
                    "same S3 buckets (bucket names are global): give each stack its own "
                    "name_suffix"
                )


# What on the stack's side needs each optional account privilege, for messages.
_NEEDED_BY = {"serverless_task": "serverless_task=True", "stall_alerts": "stall_alert_minutes"}


def _missing_privileges(
    stack: PipelineStackFacts, bootstraps: list[BootstrapFacts]
) -> Iterator[str]:
    needed = account_privileges(options=stack.options)
    for bootstrap in bootstraps:
        if bootstrap.role_name != stack.snowflake_role:
            continue
        for privilege in sorted(set(needed) - set(bootstrap.granted)):
            options = [
                option
                for option, optional in OPTIONAL_ACCOUNT_PRIVILEGES.items()
                if optional.privilege == privilege
            ]
            remedy = f"give the bootstrap {options[0]}=True" if options else "grant it"
            yield (
                f"snowflake_role: stack {stack.stack!r} runs under the role "
                f"{stack.snowflake_role!r} of bootstrap {bootstrap.stack!r}, which does not "
                f"grant {privilege} on the account that the stack needs"
                + (f" ({_NEEDED_BY.get(options[0], options[0])})" if options else "")
                + f": {remedy}"
            )
