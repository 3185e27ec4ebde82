"""Readable, stable Terraform addresses for resources inside constructs.

cdktf gives a resource nested in a construct a logical id with a hash suffix
(``inbound_bucket_bucket_1A2B3C4D``). Every resource of this library instead takes the
address name of the construct that owns it, so addresses are the same on every run
and machine, readable in a plan, and unique because each construct creates at most one
resource of each type.
"""

from __future__ import annotations

from typing import TypeVar

from ._flavour import cdktf

TerraformElement = cdktf.TerraformElement
TerraformResource = cdktf.TerraformResource
TerraformStack = cdktf.TerraformStack

_Element = TypeVar("_Element", bound=TerraformElement)


def pin(element: _Element, name: str) -> _Element:
    """Give ``element`` the address name ``name`` instead of a hashed logical id.

    Call it right after creating the element: cdktf fixes the logical id the first
    time anything references the element, and ignores a later override.
    """
    element.override_logical_id(name)
    return element


def move_from(resource: TerraformResource, old_address: str) -> None:
    """Add a ``moved`` block from ``old_address`` to ``resource``'s address.

    Written as a stack override rather than with ``move_from_id``: cdktf attaches a
    check to ``move_from_id`` that runs ``terraform version`` during synthesis, which
    would make synthesis fail on a machine without Terraform. The block is the same.
    """
    stack = TerraformStack.of(resource)
    moved: list[dict[str, str]] | None = getattr(stack, "_snowssi_moved", None)
    if moved is None:
        moved = []
        stack._snowssi_moved = moved  # type: ignore[attr-defined]
    moved.append(
        {
            "from": old_address,
            "to": f"{resource.terraform_resource_type}.{resource.friendly_unique_id}",
        }
    )
    stack.add_override("moved", list(moved))
