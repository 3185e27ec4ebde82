"""Resource names as Terraform expressions on one suffix.

The HCL module derives every name from ``random_pet.pet_name.id`` inside Terraform
(``upper("TASK_" + replace(pet, "-", "_"))`` and so on). Keeping them as expressions, not
values computed in Python, keeps the synthesized JSON identical to the original's
semantics and independent of the machine that synthesizes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ._flavour import cdktf
from .validation import is_token

Fn = cdktf.Fn


@dataclass(frozen=True)
class Naming:
    """Builds names from ``suffix``: the pet name token, or a fixed literal suffix."""

    suffix: str

    # Cached: each expression is a call into the jsii kernel, and every name uses one.
    @cached_property
    def snake(self) -> str:
        """``replace(suffix, "-", "_")``: the form used in Snowflake identifiers."""
        return Fn.replace(self.suffix, "-", "_")

    @cached_property
    def kebab(self) -> str:
        """``replace(suffix, "_", "-")``: the form used in AWS names."""
        return Fn.replace(self.suffix, "_", "-")

    def snowflake(self, prefix: str) -> str:
        """``upper(prefix + snake)``, e.g. ``WAREHOUSE_HAPPY_PANDA``."""
        return Fn.upper(f"{prefix}{self.snake}")

    def aws(self, prefix: str) -> str:
        """``lower(prefix + kebab)``, e.g. ``inbound-bucket-happy-panda``."""
        return Fn.lower(f"{prefix}{self.kebab}")

    def aws_nestable(self, prefix: str) -> str:
        """The value of :meth:`aws`, built with ``join`` instead of a string template,
        for use inside another function (cdktf escapes a template nested that deep)."""
        return Fn.lower(Fn.join("", [prefix, self.kebab]))

    def literal_aws(self, prefix: str) -> str | None:
        """The value :meth:`aws` evaluates to, when the suffix is known in Python."""
        if is_token(self.suffix):
            return None
        return f"{prefix}{self.suffix.replace('_', '-')}".lower()


@dataclass(frozen=True)
class PipelinePrefix:
    """What a pipeline's name puts before its names and addresses; nothing for the
    original's single pipeline (``name=None``), so it keeps the module's names."""

    name: str | None

    @property
    def address(self) -> str:
        """Before address names and output names: ``orders_``."""
        return f"{self.name}_" if self.name else ""

    @property
    def snowflake(self) -> str:
        """Before Snowflake name prefixes: ``ORDERS_``."""
        return f"{self.name.upper()}_" if self.name else ""

    @property
    def aws(self) -> str:
        """Before AWS name prefixes: ``orders-`` (``_`` becomes ``-``)."""
        return f"{self.name.replace('_', '-')}-" if self.name else ""
