"""Synthesize the default SnowSSI stack to cdktf.out/stacks/snowssi/cdk.tf.json."""

from snowssi_constructs import App, SnowSSIStack


def main() -> None:
    app = App(stack_traces=False)
    SnowSSIStack(app, "snowssi")
    app.synth()


if __name__ == "__main__":
    main()
