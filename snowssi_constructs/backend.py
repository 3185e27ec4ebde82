"""Where a SnowSSI stack keeps its Terraform state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import validation
from ._flavour import TerraformStack, cdktf

LocalBackend = cdktf.LocalBackend
S3Backend = cdktf.S3Backend
TerraformBackend = cdktf.TerraformBackend


@dataclass(frozen=True)
class S3StateBackend:
    """Remote state in S3 with Terraform's native lock file (``use_lockfile``).

    ``key`` defaults to ``snowssi/<stack id>/terraform.tfstate``, so several stacks of
    one app (dev, prod) keep separate states in one bucket.
    """

    bucket: str
    key: str | None = None
    region: str | None = None
    encrypt: bool = True
    use_lockfile: bool = True
    kms_key_id: str | None = None

    def state_key(self, stack_id: str) -> str:
        """The state's key for the stack ``stack_id``: ``key``, or the default."""
        return self.key or f"snowssi/{stack_id}/terraform.tfstate"

    def __post_init__(self) -> None:
        # Named as the stack's prop, where the value is given: s3_backend.<field>.
        with validation.Problems("S3StateBackend") as problems:
            problems.check(validation.bucket_name, "s3_backend.bucket", self.bucket)
            if self.key is not None:
                problems.check(validation.s3_backend_key, "s3_backend.key", self.key)
            if self.region is not None:
                problems.check(validation.aws_region, "s3_backend.region", self.region)
            problems.check(validation.boolean, "s3_backend.encrypt", self.encrypt)
            problems.check(validation.boolean, "s3_backend.use_lockfile", self.use_lockfile)
            if self.kms_key_id is not None:
                problems.check(validation.kms_key_id, "s3_backend.kms_key_id", self.kms_key_id)


def configure_backend(
    stack: TerraformStack,
    stack_id: str,
    s3_backend: S3StateBackend | None,
    backend: Callable[[TerraformStack], TerraformBackend] | None,
) -> TerraformBackend:
    """The stack's backend: ``backend(stack)``, an S3 backend, or a local state file."""
    if backend is not None:
        return backend(stack)
    if s3_backend is not None:
        s3 = S3Backend(
            stack,
            bucket=s3_backend.bucket,
            key=s3_backend.state_key(stack_id),
            region=s3_backend.region,
            encrypt=s3_backend.encrypt,
            kms_key_id=s3_backend.kms_key_id,
        )
        if s3_backend.use_lockfile:
            # cdktf 0.21 predates use_lockfile (Terraform 1.10+); set it directly.
            s3.add_override("use_lockfile", True)
        return s3
    # Relative, so the JSON holds no path of the machine; Terraform resolves it in the
    # stack's folder.
    return LocalBackend(stack, path=f"terraform.{stack_id}.tfstate")
