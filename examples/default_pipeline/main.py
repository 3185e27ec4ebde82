"""The original SnowSSI pipeline, unchanged: what the HCL module deploys."""

from snowssi_constructs import App, SnowSSIStack, TerraformStack


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi")]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
