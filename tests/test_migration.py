"""Taking over a state made by the HCL module: apply an HCL fixture shaped like the
original's S3 submodule and root calls, swap in the library's JSON on the same state,
and prove Terraform only moves resources (no create, update or destroy)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from snowssi_constructs import EncryptedBucket, PipelineKey
from snowssi_constructs._flavour import cdktf
from tests.support import synth_text
from tests.terraform_env import (
    AWS_PROVIDER_VERSION,
    MotoServer,
    Terraform,
    moto_provider_hcl,
    moto_server,  # noqa: F401  (fixture)
    moto_stack,
    print_timings,
    terraform,  # noqa: F401  (fixture)
)

App = cdktf.App
TerraformStack = cdktf.TerraformStack

# The JSON both flavours share: checked once, on CDKTF (see dev.py).
pytestmark = [pytest.mark.shared_json, pytest.mark.integration]

WORKDIR = "migration"
BUCKETS = {
    "inbound_bucket": "inbound-bucket-migration-test",
    "outbound_bucket": "outbound-bucket-migration-test",
}
# Spec section 5: the resources of catalog/modules/aws/s3, by type and name.
MODULE_RESOURCES = {
    "aws_s3_bucket": "bucket",
    "aws_s3_bucket_server_side_encryption_configuration": "encryption_configuration",
    "aws_s3_bucket_public_access_block": "public_access_block",
    "aws_s3_bucket_ownership_controls": "ownership_controls",
    "aws_s3_bucket_versioning": "versioning",
}

S3_MODULE_MAIN = """\
resource "aws_s3_bucket" "bucket" {
  bucket        = var.bucket
  force_destroy = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "encryption_configuration" {
  bucket = aws_s3_bucket.bucket.id

  rule {
    apply_server_side_encryption_by_default {
      kms_master_key_id = var.kms_master_key_id
      sse_algorithm     = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "public_access_block" {
  bucket                  = aws_s3_bucket.bucket.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "ownership_controls" {
  bucket = aws_s3_bucket.bucket.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "versioning" {
  bucket = aws_s3_bucket.bucket.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""

S3_MODULE_VARIABLES = """\
variable "bucket" {
  type    = string
  default = ""
}

variable "kms_master_key_id" {
  type    = string
  default = ""
}
"""

S3_MODULE_OUTPUTS = """\
output "arn" {
  value = aws_s3_bucket.bucket.arn
}

output "bucket" {
  value = aws_s3_bucket.bucket.bucket
}
"""


def versions_hcl(required_version: str | None) -> str:
    pin = f'  required_version = "{required_version}"\n' if required_version else ""
    return (
        "terraform {\n"
        f"{pin}"
        "  required_providers {\n"
        f'    aws = {{\n      source  = "hashicorp/aws"\n      version = "{AWS_PROVIDER_VERSION}"\n'
        "    }\n  }\n}\n"
    )


def write_hcl_fixture(workdir: Path, endpoint: str, required_version: str) -> None:
    module = workdir / "catalog" / "modules" / "aws" / "s3"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(S3_MODULE_MAIN)
    (module / "variables.tf").write_text(S3_MODULE_VARIABLES)
    (module / "outputs.tf").write_text(S3_MODULE_OUTPUTS)
    (module / "versions.tf").write_text(versions_hcl(None))

    calls = "\n".join(
        f'module "{call}" {{\n'
        '  source            = "./catalog/modules/aws/s3"\n'
        f'  bucket            = "{name}"\n'
        "  kms_master_key_id = aws_kms_key.kms_key.key_id\n"
        "}\n"
        for call, name in BUCKETS.items()
    )
    (workdir / "main.tf").write_text(
        versions_hcl(required_version).replace(
            "terraform {\n",
            'terraform {\n  backend "local" {\n    path = "terraform.tfstate"\n  }\n',
        )
        + "\n"
        + moto_provider_hcl(endpoint)
        + '\nresource "aws_kms_key" "kms_key" {\n  enable_key_rotation = true\n}\n\n'
        + calls
    )


def build_library_config(app: App, *, endpoint: str, required_version: str) -> TerraformStack:
    stack = moto_stack(app, WORKDIR, endpoint=endpoint, required_version=required_version)
    key = PipelineKey(stack, "kms_key")
    for call, name in BUCKETS.items():
        EncryptedBucket(
            stack, call, bucket_name=name, kms_key_id=key.key_id, moved_from_module=call
        )
    return stack


def expected_moves() -> dict[str, str]:
    """New address -> address in the HCL module's state."""
    return {
        f"{rtype}.{call}": f"module.{call}.{rtype}.{name}"
        for call in BUCKETS
        for rtype, name in MODULE_RESOURCES.items()
    }


def test_library_takes_over_hcl_module_state(
    terraform: Terraform,  # noqa: F811
    moto_server: MotoServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workdir = tmp_path / WORKDIR
    workdir.mkdir()
    # Synthesize first: a library failure should not cost a Terraform apply.
    text = synth_text(
        lambda app: build_library_config(
            app, endpoint=moto_server.endpoint, required_version=terraform.version
        )
    )[WORKDIR]
    try:
        # 1. The HCL module's deployment.
        write_hcl_fixture(workdir, moto_server.endpoint, terraform.version)
        terraform.run(workdir, "init", "-input=false", "-no-color", label="init (HCL)")
        terraform.run(
            workdir, "apply", "-input=false", "-no-color", "-auto-approve", label="apply (HCL)"
        )
        state = json.loads((workdir / "terraform.tfstate").read_text())
        addresses = {
            (f"{r['module']}." if "module" in r else "") + f"{r['type']}.{r['name']}"
            for r in state["resources"]
        }
        assert addresses == {"aws_kms_key.kms_key", *expected_moves().values()}

        # 2. The library's JSON on the same state (.terraform and the state stay).
        for path in workdir.glob("*.tf"):
            path.unlink()
        shutil.rmtree(workdir / "catalog")
        (workdir / "cdk.tf.json").write_text(text)
        terraform.run(workdir, "init", "-input=false", "-no-color", label="init (library)")
        terraform.run(
            workdir,
            "plan",
            "-input=false",
            "-no-color",
            "-out=migration.plan",
            label="plan -out (library)",
        )
        shown = terraform.run(
            workdir, "show", "-json", "-no-color", "migration.plan", label="show -json"
        )
        plan = json.loads(shown.stdout)

        changes = {change["address"]: change for change in plan["resource_changes"]}
        assert set(changes) == {"aws_kms_key.kms_key", *expected_moves()}
        not_noop = {
            address: change["change"]["actions"]
            for address, change in changes.items()
            if change["change"]["actions"] != ["no-op"]
        }
        assert not not_noop, f"the takeover would change resources: {not_noop}"
        moved = {address: change.get("previous_address") for address, change in changes.items()}
        assert moved == {"aws_kms_key.kms_key": None, **expected_moves()}

        terraform.run(
            workdir,
            "apply",
            "-input=false",
            "-no-color",
            "migration.plan",
            label="apply (moves)",
        )
        terraform.assert_no_changes(workdir, "changes left after the takeover")
        state = json.loads((workdir / "terraform.tfstate").read_text())
        assert all("module" not in r for r in state["resources"])
    finally:
        # No destroy: moto's state disappears with the server at teardown.
        print_timings(terraform, "migration test (HCL module state -> library)", WORKDIR, capsys)
