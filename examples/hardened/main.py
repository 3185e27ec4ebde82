"""Every fix of the original's defects at once: the task consumes its stream, the
directory table is refreshed, the key has a policy, buckets are protected and expire
old versions, and the warehouse suspends when idle; and the security settings: the
bootstrap's role instead of ACCOUNTADMIN, TLS-only bucket policies, a key policy that
separates administration from use, conditions on the access role (docs/security.md)."""

from snowssi_constructs import App, SnowSSIStack, TerraformStack


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi", hardened=True)]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
