"""The original SnowSSI pipeline, unchanged: what the HCL module deploys."""

try:  # CDK for Terraform, or CDK Terrain: the same API; imported first, as isort sorts it
    from cdktf import App, TerraformStack
except ModuleNotFoundError:  # type checkers see the CDKTF flavour, which is installed
    from cdktn import App, TerraformStack  # type: ignore[import-not-found, no-redef]

from snowssi_constructs import SnowSSIStack


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi")]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
