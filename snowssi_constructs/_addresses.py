"""Readable, stable Terraform addresses for resources inside constructs.

cdktf gives a resource nested in a construct a logical id with a hash suffix
(``inbound_bucket_bucket_1A2B3C4D``). Every resource of this library instead takes the
address name of the construct that owns it, so addresses are the same on every run
and machine, readable in a plan, and unique because each construct creates at most one
resource of each type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, TypeVar

from constructs import IConstruct

from ._flavour import cdktf

TerraformElement = cdktf.TerraformElement
TerraformResource = cdktf.TerraformResource
TerraformStack = cdktf.TerraformStack

_Element = TypeVar("_Element", bound=TerraformElement)

ModuleKind = Literal["bucket", "stage"]
# Where the HCL module declares the resources a construct takes over, inside each call of
# its S3 module (``inbound_bucket``, ``outbound_bucket``) and of its stage module
# (``inbound_stage``, ``outbound_stage``): ``module.<call>.<address>``. The one record
# of the module's addresses; the ``moved`` and ``removed`` blocks are built from it.
MODULE_ADDRESSES: Final[dict[ModuleKind, dict[str, str]]] = {
    "bucket": {
        "bucket": "aws_s3_bucket.bucket",
        "encryption": (
            "aws_s3_bucket_server_side_encryption_configuration.encryption_configuration"
        ),
        "public_access_block": "aws_s3_bucket_public_access_block.public_access_block",
        "ownership_controls": "aws_s3_bucket_ownership_controls.ownership_controls",
        "versioning": "aws_s3_bucket_versioning.versioning",
    },
    "stage": {
        "propagation_wait": "time_sleep.wait_30s_for_iam_propagation",
        "stage": "snowflake_stage.stage",
    },
}


def pin(element: _Element, name: str) -> _Element:
    """Give ``element`` the address name ``name`` instead of a hashed logical id.

    Call it right after creating the element: cdktf fixes the logical id the first
    time anything references the element, and ignores a later override.
    """
    element.override_logical_id(name)
    return element


def module_address(kind: ModuleKind, part: str, module_call: str) -> str:
    """Where the HCL module's call ``module_call`` declares ``part`` of a ``kind``."""
    return f"module.{module_call}.{MODULE_ADDRESSES[kind][part]}"


def take_over(
    parts: Mapping[str, TerraformResource],
    name: str,
    *,
    kind: ModuleKind,
    module_call: str | None,
) -> None:
    """Pin every resource of ``parts`` (keyed by its part of a ``kind``) at the address
    name ``name`` and, with ``module_call``, move each from where that call of the HCL
    module declares it, in the order of ``parts``."""
    for part, resource in parts.items():
        pin(resource, name)
        if module_call:
            move_from(resource, module_address(kind, part, module_call))


def _stack_blocks(stack: TerraformStack, block: str) -> list[dict[str, object]]:
    # One list per top-level block type, rewritten whole on every addition: an override
    # of a list replaces it.
    attribute = f"_snowssi_{block}"
    blocks: list[dict[str, object]] | None = getattr(stack, attribute, None)
    if blocks is None:
        blocks = []
        setattr(stack, attribute, blocks)
    return blocks


def _add_block(scope: IConstruct, block: str, body: dict[str, object]) -> None:
    stack = TerraformStack.of(scope)
    blocks = _stack_blocks(stack, block)
    blocks.append(body)
    stack.add_override(block, list(blocks))


def address_of(resource: TerraformResource) -> str:
    """``type.name``: the resource's address in the root module."""
    return f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"


def move_from(resource: TerraformResource, old_address: str) -> None:
    """Add a ``moved`` block from ``old_address`` to ``resource``'s address.

    Written as a stack override rather than with ``move_from_id``: cdktf attaches a
    check to ``move_from_id`` that runs ``terraform version`` during synthesis, which
    would make synthesis fail on a machine without Terraform. The block is the same.
    """
    _add_block(resource, "moved", {"from": old_address, "to": address_of(resource)})


def import_existing(resource: TerraformResource, import_id: str) -> None:
    """Add an ``import`` block that adopts the existing object ``import_id`` (in the
    form the provider's importer takes) at ``resource``'s address (Terraform 1.5).

    Written as a stack override rather than with ``import_from``, which, like
    ``move_from_id``, runs ``terraform version`` during synthesis. ``to`` is a bare
    address, as Terraform's JSON syntax wants it; ``id`` may hold references.
    """
    _add_block(resource, "import", {"to": address_of(resource), "id": import_id})


def forget(scope: IConstruct, old_address: str) -> None:
    """Add a ``removed`` block that drops ``old_address`` from the state and keeps the
    object (``lifecycle { destroy = false }``, Terraform 1.7). The address must no
    longer be declared; one that is not in the state is left alone."""
    _add_block(scope, "removed", {"from": old_address, "lifecycle": [{"destroy": False}]})
