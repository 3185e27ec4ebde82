"""Two pipelines on the current snowflake provider generation (provider 2.20.0, stable
stage and integration types): a default one, and a serverless one that consumes its
stream, triggered by new files alone (no fallback schedule).

Serverless compute is a stack prop (the warehouse or Snowflake-managed compute serves
every task of a stack), so the two pipelines are two stacks of one app, each with its
own state."""

from snowssi_constructs import App, SnowSSIStack, TerraformStack


def build(app: App) -> list[TerraformStack]:
    return [
        SnowSSIStack(app, "snowssi", snowflake_provider="current"),
        SnowSSIStack(
            app,
            "snowssi_serverless",
            snowflake_provider="current",
            serverless_task=True,
            processing="consume_stream",
        ),
    ]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
