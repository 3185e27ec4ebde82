"""Two environments as two stacks of one app, each with its own state key in one S3
state bucket (Terraform's native lock file, no DynamoDB table)."""

from snowssi_constructs import App, S3StateBackend, SnowSSIStack, TerraformStack

STATE_BUCKET = "my-terraform-state"


def build(app: App) -> list[TerraformStack]:
    return [
        SnowSSIStack(
            app,
            f"snowssi-{env}",
            name_suffix=env,
            hardened=hardened,
            s3_backend=S3StateBackend(bucket=STATE_BUCKET, region="us-east-1"),
        )
        for env, hardened in (("dev", False), ("prod", True))
    ]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
