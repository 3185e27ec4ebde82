"""The root input variables of the HCL module, with the same types, defaults and
sensitivity, plus validation where the original would fail late."""

from __future__ import annotations

from dataclasses import dataclass

from ._flavour import cdktf
from .validation import WAREHOUSE_SIZES

TerraformStack = cdktf.TerraformStack
TerraformVariable = cdktf.TerraformVariable
TerraformVariableValidationConfig = cdktf.TerraformVariableValidationConfig
Token = cdktf.Token

DEFAULT_REGION = "us-east-1"
DEFAULT_ROLE = "ACCOUNTADMIN"
# The role SnowSSIBootstrap creates by default, and the hardened stack's default role.
DEFAULT_PIPELINE_ROLE = "SNOWSSI_DEPLOYER"
DEFAULT_WAREHOUSE_SIZES = ("XSMALL", "SMALL", "MEDIUM")
# The original uses element 2 of warehouse_sizes.
WAREHOUSE_SIZE_INDEX = 2


@dataclass(frozen=True)
class SnowSSIVariables:
    """The declared variables; each attribute is the ``TerraformVariable``."""

    region: TerraformVariable
    access_key: TerraformVariable
    secret_key: TerraformVariable
    organization_name: TerraformVariable
    account_name: TerraformVariable
    user: TerraformVariable
    password: TerraformVariable
    role: TerraformVariable
    warehouse_sizes: TerraformVariable

    @classmethod
    def declare(cls, stack: TerraformStack, *, role: str = DEFAULT_ROLE) -> SnowSSIVariables:
        """Declare the variables in ``stack`` and return them; ``role`` is the default
        of the ``role`` variable (a tfvars file or ``TF_VAR_role`` still wins)."""

        def optional(name: str, description: str, *, sensitive: bool = False) -> TerraformVariable:
            # Token.null_value() keeps a real `"default": null`; a Python None would drop
            # the default and make the variable required.
            return TerraformVariable(
                stack,
                name,
                type="string",
                default=Token.null_value(),
                sensitive=sensitive or None,
                description=description,
            )

        sizes = ", ".join(f'"{size}"' for size in sorted(WAREHOUSE_SIZES))
        return cls(
            region=TerraformVariable(
                stack, "region", type="string", default=DEFAULT_REGION, description="AWS region."
            ),
            access_key=optional(
                "access_key",
                "AWS access key; empty or null uses the provider's chain.",
                sensitive=True,
            ),
            secret_key=optional(
                "secret_key",
                "AWS secret key; empty or null uses the provider's chain.",
                sensitive=True,
            ),
            organization_name=optional("organization_name", "Snowflake organization name."),
            account_name=optional("account_name", "Snowflake account name."),
            user=optional("user", "Snowflake user."),
            password=optional(
                "password",
                "Snowflake password; empty or null uses another authenticator.",
                sensitive=True,
            ),
            role=TerraformVariable(
                stack, "role", type="string", default=role, description="Snowflake role."
            ),
            warehouse_sizes=TerraformVariable(
                stack,
                "warehouse_sizes",
                type="list(string)",
                default=list(DEFAULT_WAREHOUSE_SIZES),
                description="Warehouse sizes; the warehouse uses the third (index 2).",
                validation=[
                    TerraformVariableValidationConfig(
                        condition=(
                            f"${{length(var.warehouse_sizes) > {WAREHOUSE_SIZE_INDEX} && "
                            f"alltrue([for size in var.warehouse_sizes : "
                            f"contains([{sizes}], upper(size))])}}"
                        ),
                        error_message=(
                            "warehouse_sizes must hold at least three Snowflake warehouse "
                            "sizes (XSMALL, SMALL, MEDIUM, LARGE, ...); the third is used."
                        ),
                    )
                ],
            ),
        )

    @property
    def warehouse_size(self) -> str:
        """``var.warehouse_sizes[2]``."""
        return f"${{{self.warehouse_sizes.fqn}[{WAREHOUSE_SIZE_INDEX}]}}"


def null_if_empty(variable: TerraformVariable) -> str:
    """``var.x != "" ? var.x : null``: an empty string lets the provider fall back to
    its own credential chain. (cdktf's ``Op.neq(x, "")`` renders ``""`` as
    ``undefined``, so the expression is written out.)"""
    return f'${{{variable.fqn} != "" ? {variable.fqn} : null}}'
