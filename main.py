"""Synthesize the default SnowSSI stack to cdktf.out/stacks/snowssi/cdk.tf.json."""

from snowssi_constructs import SnowSSIStack  # first: selects Node.js and fast bindings

from cdktf import App


def main() -> None:
    app = App(stack_traces=False)
    SnowSSIStack(app, "snowssi")
    app.synth()


if __name__ == "__main__":
    main()
