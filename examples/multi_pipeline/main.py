"""Three pipelines in one stack, sharing the database, schema, warehouse, KMS key,
storage integration and IAM role; names use a fixed suffix instead of a pet name."""

from snowssi_constructs import App, SnowSSIStack, TerraformStack


def build(app: App) -> list[TerraformStack]:
    stack = SnowSSIStack(app, "snowssi", name_suffix="data-team", pipelines=["orders", "invoices"])
    # A pipeline may also be added later, with options of its own.
    stack.add_pipeline("events", file_pattern=r".*[.]json$")
    return [stack]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
