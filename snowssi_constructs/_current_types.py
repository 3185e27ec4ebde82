"""Declaring the current generation's snowflake types on either flavour, as one JSON.

The CDK Terrain bindings (``cdktn-provider-snowflake`` 18.x, generated from provider
2.22.0) have classes for ``snowflake_stage_external_s3``,
``snowflake_storage_integration_aws`` and the task's ``target_completion_interval``; the
CDKTF bindings end at provider 2.11.0 and have none of them. So a resource is declared
through its typed class when the installed bindings have it, and otherwise through
:class:`UntypedResource`, which writes the same attributes. Both paths take one
attribute mapping and render the same JSON (the snapshot tests hold both flavours to
one snapshot); the schema checks run on the CDK Terrain bindings' schema.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from constructs import Construct

from ._flavour import cdktf, snowflake

ITerraformDependable = cdktf.ITerraformDependable
TerraformProviderGeneratorMetadata = cdktf.TerraformProviderGeneratorMetadata
TerraformResource = cdktf.TerraformResource
Task = snowflake.task.Task

_PREFIX = "snowflake_"


class UntypedResource(TerraformResource):
    """A snowflake resource whose type the installed bindings lack, written from a
    mapping of attributes (nested blocks as mappings), ``None`` values left out."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        terraform_type: str,
        attributes: Mapping[str, object],
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> None:
        super().__init__(
            scope,
            id,
            terraform_resource_type=terraform_type,
            terraform_generator_metadata=TerraformProviderGeneratorMetadata(
                provider_name="snowflake"
            ),
            depends_on=list(depends_on) if depends_on else None,
        )
        self._attributes = dict(attributes)

    # The hook the generated classes implement; jsii calls it back at synthesis, so
    # the attributes land in the resource body and not in the stack's overrides.
    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return {key: value for key, value in self._attributes.items() if value is not None}


def typed_module(terraform_type: str) -> ModuleType | None:
    """The installed bindings' module for ``terraform_type``, or None without one."""
    name = f"{snowflake.__name__}.{terraform_type.removeprefix(_PREFIX)}"
    try:
        found = importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        found = False
    return importlib.import_module(name) if found else None


def snowflake_resource(
    scope: Any,
    id: str,
    terraform_type: str,
    attributes: Mapping[str, object],
    *,
    depends_on: Sequence[ITerraformDependable] | None = None,
) -> TerraformResource:
    """Declare ``terraform_type`` with ``attributes``: the bindings' class when they have
    it (each nested mapping becomes the struct the class expects), else untyped."""
    module = typed_module(terraform_type)
    if module is None:
        return UntypedResource(
            scope, id, terraform_type=terraform_type, attributes=attributes, depends_on=depends_on
        )
    class_name = _camel(terraform_type.removeprefix(_PREFIX))
    resource_class = getattr(module, class_name)
    kwargs = _structs(module, class_name, attributes)
    resource: TerraformResource = resource_class(
        scope, id, **kwargs, depends_on=list(depends_on) if depends_on else None
    )
    return resource


class _TaskWithCompletionInterval(Task):
    """CDKTF's task binding (provider 2.11.0) lacks ``target_completion_interval``
    (2.12.0); this adds the block to what the binding writes."""

    def __init__(self, *args: Any, target_completion_minutes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._interval = {"minutes": target_completion_minutes}

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        attributes = dict(super()._synthesize_attributes())
        attributes["target_completion_interval"] = self._interval
        return attributes


def triggered_task(
    scope: Any, id: str, *, target_completion_minutes: int | None, **task: Any
) -> Task:
    """A ``snowflake_task``; with ``target_completion_minutes``, also a
    ``target_completion_interval { minutes }`` block (typed where the bindings have it)."""
    if target_completion_minutes is None:
        return Task(scope, id, **task)
    interval_struct = getattr(snowflake.task, "TaskTargetCompletionInterval", None)
    if interval_struct is None:
        return _TaskWithCompletionInterval(
            scope, id, target_completion_minutes=target_completion_minutes, **task
        )
    interval = interval_struct(minutes=target_completion_minutes)
    # Typed on CDK Terrain; a type checker sees CDKTF's binding, which lacks it.
    return Task(scope, id, **{**task, "target_completion_interval": interval})


def _camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def _structs(module: ModuleType, prefix: str, attributes: Mapping[str, object]) -> dict[str, Any]:
    # jsii names a nested block's struct after its path: StageExternalS3Directory,
    # StageExternalS3EncryptionAwsSseKms.
    converted: dict[str, Any] = {}
    for key, value in attributes.items():
        if isinstance(value, Mapping):
            struct_name = prefix + _camel(key)
            converted[key] = getattr(module, struct_name)(**_structs(module, struct_name, value))
        else:
            converted[key] = value
    return converted
