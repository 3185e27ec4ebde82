"""The one place that knows which CDK flavour the constructs run on.

The constructs run unchanged on CDK for Terraform (``cdktf`` and the
``cdktf-cdktf-provider-*`` bindings, the ``cdktf`` extra) and on CDK Terrain, its
community fork (``cdktn`` and the ``cdktn-provider-*`` bindings, the ``cdktn`` extra).
The two have the same Python API under different module names, so every construct
module takes the CDK classes from this module's ``cdktf`` and the provider classes from
its ``aws``, ``snowflake``, ``random_provider`` and ``time_provider`` (the binding roots),
never by module name.

Which flavour, in this order:

1. ``SNOWSSI_FLAVOUR=cdktf`` or ``SNOWSSI_FLAVOUR=cdktn``, when set;
2. the flavour the program has already imported (``cdktf``, ``cdktn`` or one of their
   bindings), when it imported exactly one;
3. CDKTF when it is installed (the default), otherwise CDK Terrain.

Type checkers see the CDKTF modules (the two flavours' classes are the same), except
for the exported :data:`App` and :data:`TerraformStack`, which are typed on either
flavour (see below), so a program's ``mypy --strict`` checks it on CDK Terrain too.

Every construct module imports the CDK through this module, so importing it first runs
the start-up hook's set-up when the hook itself is turned off (:func:`activate`).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import TYPE_CHECKING, Literal, get_args

from ._startup import activate

activate()

Flavour = Literal["cdktf", "cdktn"]
FLAVOUR_ENV = "SNOWSSI_FLAVOUR"

# Module names per flavour: core, aws, snowflake, random, time.
MODULES: dict[Flavour, tuple[str, str, str, str, str]] = {
    "cdktf": (
        "cdktf",
        "cdktf_cdktf_provider_aws",
        "cdktf_cdktf_provider_snowflake",
        "cdktf_cdktf_provider_random",
        "cdktf_cdktf_provider_time",
    ),
    "cdktn": (
        "cdktn",
        "cdktn_provider_aws",
        "cdktn_provider_snowflake",
        "cdktn_provider_random",
        "cdktn_provider_time",
    ),
}
EXTRAS_HINT = (
    "install one of the extras: pip install 'snowssi-constructs[cdktf]' (CDK for "
    "Terraform) or pip install 'snowssi-constructs[cdktn]' (CDK Terrain)"
)


def choose_flavour() -> Flavour:
    """The flavour to run on, by the rule in the module docstring."""
    requested = os.environ.get(FLAVOUR_ENV, "")
    if requested:
        if requested not in get_args(Flavour):
            raise ImportError(f"{FLAVOUR_ENV}={requested!r}: expected 'cdktf' or 'cdktn'")
        return requested  # type: ignore[return-value]
    imported = [
        flavour for flavour, names in MODULES.items() if any(name in sys.modules for name in names)
    ]
    if len(imported) == 1:
        return imported[0]
    for flavour, names in MODULES.items():
        if _installed(names[0]):
            return flavour
    raise ImportError(f"snowssi-constructs needs CDK for Terraform or CDK Terrain: {EXTRAS_HINT}")


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a finder refused it, or a broken sys.modules entry
        return False


FLAVOUR: Flavour = choose_flavour()

if TYPE_CHECKING:
    # The binding roots' stubs (stubs/) are empty, so a type checker reads only the
    # submodules named here: the ones the constructs use.
    import cdktf as cdktf
    import cdktf_cdktf_provider_aws as aws
    import cdktf_cdktf_provider_aws.data_aws_caller_identity
    import cdktf_cdktf_provider_aws.iam_role
    import cdktf_cdktf_provider_aws.iam_role_policy
    import cdktf_cdktf_provider_aws.kms_alias
    import cdktf_cdktf_provider_aws.kms_key
    import cdktf_cdktf_provider_aws.provider
    import cdktf_cdktf_provider_aws.s3_bucket
    import cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration
    import cdktf_cdktf_provider_aws.s3_bucket_notification
    import cdktf_cdktf_provider_aws.s3_bucket_ownership_controls
    import cdktf_cdktf_provider_aws.s3_bucket_policy
    import cdktf_cdktf_provider_aws.s3_bucket_public_access_block
    import cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration
    import cdktf_cdktf_provider_aws.s3_bucket_versioning
    import cdktf_cdktf_provider_aws.sns_topic
    import cdktf_cdktf_provider_aws.sns_topic_policy
    import cdktf_cdktf_provider_random as random_provider
    import cdktf_cdktf_provider_random.pet
    import cdktf_cdktf_provider_random.provider
    import cdktf_cdktf_provider_snowflake as snowflake
    import cdktf_cdktf_provider_snowflake.account_role
    import cdktf_cdktf_provider_snowflake.alert
    import cdktf_cdktf_provider_snowflake.database
    import cdktf_cdktf_provider_snowflake.grant_account_role
    import cdktf_cdktf_provider_snowflake.grant_ownership
    import cdktf_cdktf_provider_snowflake.grant_privileges_to_account_role
    import cdktf_cdktf_provider_snowflake.notification_integration
    import cdktf_cdktf_provider_snowflake.provider
    import cdktf_cdktf_provider_snowflake.schema
    import cdktf_cdktf_provider_snowflake.stage
    import cdktf_cdktf_provider_snowflake.storage_integration
    import cdktf_cdktf_provider_snowflake.stream_on_directory_table
    import cdktf_cdktf_provider_snowflake.stream_on_table
    import cdktf_cdktf_provider_snowflake.table
    import cdktf_cdktf_provider_snowflake.task
    import cdktf_cdktf_provider_snowflake.warehouse
    import cdktf_cdktf_provider_time as time_provider
    import cdktf_cdktf_provider_time.provider
    import cdktf_cdktf_provider_time.sleep
else:
    try:
        cdktf, aws, snowflake, random_provider, time_provider = (
            importlib.import_module(name) for name in MODULES[FLAVOUR]
        )
    except ModuleNotFoundError as error:
        raise ImportError(
            f"snowssi-constructs runs on {FLAVOUR}, but {error.name} is missing: {EXTRAS_HINT}"
        ) from error

# The two classes a program needs besides ours; `from snowssi_constructs import App`.
if TYPE_CHECKING:
    # A type checker cannot know which flavour runs, and in an environment of one
    # flavour the other's module is missing (Any to mypy). Each class below derives from
    # both, so it has the installed flavour's real signatures on either: a wrong call is
    # reported on CDK Terrain too. (An attribute that exists on neither is not: an Any
    # base lets it pass.) At run time they are the flavour's own classes.
    import cdktn as _cdktn  # type: ignore[import-not-found, unused-ignore]

    class App(cdktf.App, _cdktn.App):  # type: ignore[misc, unused-ignore]
        """The flavour's ``App``."""

    class TerraformStack(cdktf.TerraformStack, _cdktn.TerraformStack):  # type: ignore[misc, unused-ignore]
        """The flavour's ``TerraformStack``."""

else:
    App = cdktf.App
    TerraformStack = cdktf.TerraformStack

__all__ = [
    "FLAVOUR",
    "FLAVOUR_ENV",
    "MODULES",
    "App",
    "Flavour",
    "TerraformStack",
    "aws",
    "cdktf",
    "choose_flavour",
    "random_provider",
    "snowflake",
    "time_provider",
]
