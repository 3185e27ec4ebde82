"""Three pipelines in one stack, sharing the database, schema, warehouse, KMS key,
storage integration and IAM role; names use a fixed suffix instead of a pet name."""

try:  # CDK for Terraform, or CDK Terrain: the same API; imported first, as isort sorts it
    from cdktf import App, TerraformStack
except ModuleNotFoundError:  # type checkers see the CDKTF flavour, which is installed
    from cdktn import App, TerraformStack  # type: ignore[import-not-found, no-redef]

from snowssi_constructs import SnowSSIStack


def build(app: App) -> list[TerraformStack]:
    stack = SnowSSIStack(app, "snowssi", name_suffix="data-team", pipelines=["orders", "invoices"])
    # A pipeline may also be added later, with options of its own.
    stack.add_pipeline("events", file_pattern=r".*[.]json$")
    return [stack]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
