"""Every fix of the original's defects at once: the task consumes its stream, the
directory table is refreshed, the key has a policy, buckets are protected and expire
old versions, and the warehouse suspends when idle."""

try:  # CDK for Terraform, or CDK Terrain: the same API; imported first, as isort sorts it
    from cdktf import App, TerraformStack
except ModuleNotFoundError:  # type checkers see the CDKTF flavour, which is installed
    from cdktn import App, TerraformStack  # type: ignore[import-not-found, no-redef]

from snowssi_constructs import SnowSSIStack


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi", hardened=True)]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
