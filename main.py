"""Synthesize the default SnowSSI stack to cdktf.out/stacks/snowssi/cdk.tf.json."""

from snowssi_constructs import SnowSSIStack

try:  # CDK for Terraform, or CDK Terrain: the same API (the package picks the installed one)
    from cdktf import App
except ModuleNotFoundError:  # type checkers see the CDKTF flavour, which is installed
    from cdktn import App  # type: ignore[import-not-found, no-redef]


def main() -> None:
    app = App(stack_traces=False)
    SnowSSIStack(app, "snowssi")
    app.synth()


if __name__ == "__main__":
    main()
