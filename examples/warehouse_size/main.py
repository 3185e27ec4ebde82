"""Run the task on an XSMALL warehouse that suspends after a minute idle."""

from snowssi_constructs import App, SnowSSIStack, TerraformStack


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
