"""Run the task on an XSMALL warehouse that suspends after a minute idle."""

try:  # CDK for Terraform, or CDK Terrain: the same API; imported first, as isort sorts it
    from cdktf import App, TerraformStack
except ModuleNotFoundError:  # type checkers see the CDKTF flavour, which is installed
    from cdktn import App, TerraformStack  # type: ignore[import-not-found, no-redef]

from snowssi_constructs import SnowSSIStack


def build(app: App) -> list[TerraformStack]:
    return [
        SnowSSIStack(
            app,
            "snowssi",
            warehouse_size="XSMALL",
            warehouse_auto_suspend=60,
            warehouse_auto_resume=True,
        )
    ]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
