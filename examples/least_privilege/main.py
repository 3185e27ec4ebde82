"""Running without ACCOUNTADMIN: a bootstrap stack, applied once by an administrator,
creates the pipeline's role and its grants; the pipeline stack runs under that role.

Apply ``bootstrap`` first (as ACCOUNTADMIN), then ``snowssi`` as the user the role is
granted to. The pipeline stack's ``role`` variable defaults to the bootstrap's role.
"""

from snowssi_constructs import App, SnowSSIBootstrap, SnowSSIStack, TerraformStack

ROLE = "SNOWSSI_DEPLOYER"


def build(app: App) -> list[TerraformStack]:
    bootstrap = SnowSSIBootstrap(
        app,
        "bootstrap",
        role_name=ROLE,
        grant_to_users=["PIPELINE_DEPLOYER"],
        grant_to_roles=["SYSADMIN"],
    )
    pipeline = SnowSSIStack(app, "snowssi", snowflake_role=ROLE)
    return [bootstrap, pipeline]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
