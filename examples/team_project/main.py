"""A team's SnowSSI program: one app, three stacks.

- ``bootstrap``: the pipelines' Snowflake role and its grants, applied once per
  Snowflake account by an administrator (as ACCOUNTADMIN);
- ``snowssi-dev`` and ``snowssi-prod``: one environment each, two pipelines each, on the
  current snowflake provider generation, deployed under the bootstrap's role, with
  failure alerts and stall alerts; ``prod`` takes the hardened preset.

Every stack keeps its state in one S3 bucket, under a key of its own. Run
``python main.py`` (or ``snowssi-cli cdktf synth``) to write ``cdktf.out/``.
"""

from snowssi_constructs import App, S3StateBackend, SnowSSIBootstrap, SnowSSIStack, TerraformStack

# The role the bootstrap creates and the environments deploy under.
ROLE = "SNOWSSI_DEPLOYER"
# The user that runs Terraform for the environments (granted the role).
DEPLOY_USER = "PIPELINE_DEPLOYER"
STATE_BUCKET = "acme-terraform-state"
STATE_REGION = "eu-west-1"
PIPELINES = ["orders", "returns"]
ENVIRONMENTS = ("dev", "prod")
# How long a file may wait before the team is paged, by environment.
STALL_ALERT_MINUTES = {"dev": 120, "prod": 30}


def state_in_s3() -> S3StateBackend:
    """The shared state bucket; each stack gets its own key in it."""
    return S3StateBackend(bucket=STATE_BUCKET, region=STATE_REGION)


def build(app: App) -> list[TerraformStack]:
    """Add the bootstrap and one stack per environment to ``app``."""
    bootstrap = SnowSSIBootstrap(
        app,
        "bootstrap",
        role_name=ROLE,
        grant_to_users=[DEPLOY_USER],
        stall_alerts=True,
        snowflake_provider="current",
        s3_backend=state_in_s3(),
    )
    environments: list[TerraformStack] = [
        SnowSSIStack(
            app,
            f"snowssi-{environment}",
            snowflake_provider="current",
            snowflake_role=ROLE,
            name_suffix=environment,
            pipelines=PIPELINES,
            failure_alerts=True,
            s3_backend=state_in_s3(),
            hardened=environment == "prod",
            processing="consume_stream",
            stall_alert_minutes=STALL_ALERT_MINUTES[environment],
        )
        for environment in ENVIRONMENTS
    ]
    return [bootstrap, *environments]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
