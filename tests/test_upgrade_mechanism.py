"""The upgrade's mechanism, proven with real Terraform on moto: what the library emits to
move an object to a new resource type (a ``removed`` block that keeps the object, an
``import`` block at the new address) plans 0 to add and 0 to destroy.

The Snowflake half cannot run here, so the same helpers (``_addresses.forget`` and
``_addresses.import_existing``, which the current generation's stage and integration
use) move an S3 bucket: deployed at one address, then declared at another, with the
import ID built from a reference to another resource (as the stages' IDs reference the
database, the schema and the pet name) and a ``removed`` block for an address that was
never in the state (as the upgrade forgets both the library's and the HCL module's
addresses of a stage, and a state holds only one of them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs._addresses import forget, import_existing, pin
from snowssi_constructs._flavour import aws, cdktf
from tests.support import synth_text
from tests.terraform_env import (
    MotoServer,
    Terraform,
    destroy_from_state,
    moto_server,  # noqa: F401  (fixture)
    moto_stack,
    terraform,  # noqa: F401  (fixture)
)

App = cdktf.App
TerraformStack = cdktf.TerraformStack
S3Bucket = aws.s3_bucket.S3Bucket

pytestmark = [pytest.mark.shared_json, pytest.mark.integration]

STACK = "upgrade-proof"
ANCHOR = "upgrade-anchor"
OBJECT_KEY = "in/kept.csv"


def build(app: App, *, endpoint: str, required_version: str, upgraded: bool) -> TerraformStack:
    stack = moto_stack(app, STACK, endpoint=endpoint, required_version=required_version)
    anchor = pin(S3Bucket(stack, "anchor", bucket=ANCHOR, force_destroy=True), "anchor")
    # Named from another resource's attribute, as the Snowflake objects are named from
    # the pet name: the import ID must be an expression that Terraform resolves at plan.
    name = f"{anchor.bucket}-data"
    if not upgraded:
        pin(S3Bucket(stack, "legacy", bucket=name, force_destroy=True), "legacy")
        return stack
    current = pin(S3Bucket(stack, "current", bucket=name, force_destroy=True), "current")
    import_existing(current, name)
    forget(stack, "aws_s3_bucket.legacy")
    forget(stack, "module.legacy_module.aws_s3_bucket.bucket")  # never in the state
    return stack


def plan_actions(terraform: Terraform, workdir: Path) -> dict[str, Any]:  # noqa: F811
    """Each resource change of the saved plan ``upgrade.plan``: address -> (actions,
    importing)."""
    shown = terraform.run(workdir, "show", "-json", "upgrade.plan", label="show plan")
    plan = json.loads(shown.stdout)
    return {
        change["address"]: (change["change"]["actions"], "importing" in change["change"])
        for change in plan.get("resource_changes", [])
    }


def test_removed_plus_import_moves_a_bucket_without_creating_or_destroying(
    terraform: Terraform,  # noqa: F811
    moto_server: MotoServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    workdir = tmp_path / STACK
    workdir.mkdir()

    def write(upgraded: bool) -> dict[str, Any]:
        text = synth_text(
            lambda app: build(
                app,
                endpoint=moto_server.endpoint,
                required_version=terraform.version,
                upgraded=upgraded,
            )
        )[STACK]
        (workdir / "cdk.tf.json").write_text(text)
        document: dict[str, Any] = json.loads(text)
        return document

    def run(command: str, *args: str, **kwargs: Any) -> Any:
        return terraform.run(workdir, command, "-input=false", "-no-color", *args, **kwargs)

    write(upgraded=False)
    try:
        run("init")
        run("apply", "-auto-approve")
        s3 = moto_server.client("s3")
        s3.put_object(Bucket=f"{ANCHOR}-data", Key=OBJECT_KEY, Body=b"a,b\n")

        document = write(upgraded=True)
        assert document["import"] == [
            {"to": "aws_s3_bucket.current", "id": "${aws_s3_bucket.anchor.bucket}-data"}
        ]
        assert [block["from"] for block in document["removed"]] == [
            "aws_s3_bucket.legacy",
            "module.legacy_module.aws_s3_bucket.bucket",
        ]
        run("plan", "-out=upgrade.plan")
        actions = plan_actions(terraform, workdir)
        # Imported, then updated in place: `force_destroy` is not read back by the
        # importer (as the new stage's `encryption` is not). Nothing created or destroyed.
        assert actions == {
            "aws_s3_bucket.anchor": (["no-op"], False),
            "aws_s3_bucket.current": (["update"], True),
            "aws_s3_bucket.legacy": (["forget"], False),
        }
        assert not {"create", "delete"} & {a for acts, _ in actions.values() for a in acts}
        run("apply", "upgrade.plan")
        terraform.assert_no_changes(workdir, "the adopted bucket still plans a change")
        state = terraform.run(workdir, "state", "list").stdout.split()
        assert state == ["aws_s3_bucket.anchor", "aws_s3_bucket.current"]
        # The object survived: the bucket was adopted, not recreated.
        body = s3.get_object(Bucket=f"{ANCHOR}-data", Key=OBJECT_KEY)["Body"].read()
        assert body == b"a,b\n"
    finally:
        if (workdir / "terraform.tfstate").exists():
            destroy_from_state(terraform, workdir)
