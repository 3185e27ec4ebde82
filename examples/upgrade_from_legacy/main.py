"""The default stack, moved to the current snowflake provider generation with the
one-time upgrade on: its plan imports the existing stages and storage integration under
their new resource types and forgets the legacy addresses (ours and the HCL module's),
creating and destroying nothing. Apply it once, then drop ``upgrade_from_legacy``
(docs/provider-generations.md gives the steps)."""

from snowssi_constructs import App, SnowSSIStack, TerraformStack


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi", snowflake_provider="current", upgrade_from_legacy=True)]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
