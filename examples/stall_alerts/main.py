"""Stall alerts: page when a file has waited too long, not only when a task fails.

Each pipeline gets a Snowflake alert that checks its waiting files (the stream's new
files and the processed-files record's uncopied ones) on a schedule and, while one has
waited longer than ``stall_alert_minutes``, sends a JSON message naming the pipeline,
its task, the oldest waiting file and how long it has waited, through the failure
alerts' integration to their SNS topic. So it needs ``failure_alerts=True`` and a task
that consumes the stream (``processing="consume_stream"``, which ``hardened=True``
sets).

The alert is resumed by the provider, which needs ``EXECUTE ALERT`` on the account: the
bootstrap grants it with ``stall_alerts=True``. Apply ``bootstrap`` first (as
ACCOUNTADMIN), then ``snowssi``. docs/failure-alerts.md states what each run costs.
"""

from snowssi_constructs import App, SnowSSIBootstrap, SnowSSIStack, TerraformStack

ROLE = "SNOWSSI_DEPLOYER"
# Orders should move within half an hour; invoices arrive in nightly batches.
ORDERS_STALL_MINUTES = 30
INVOICES_STALL_MINUTES = 180


def build(app: App) -> list[TerraformStack]:
    bootstrap = SnowSSIBootstrap(
        app, "bootstrap", role_name=ROLE, grant_to_roles=["SYSADMIN"], stall_alerts=True
    )
    pipeline = SnowSSIStack(
        app,
        "snowssi",
        hardened=True,
        snowflake_role=ROLE,
        failure_alerts=True,
        pipelines=["orders"],
        stall_alert_minutes=ORDERS_STALL_MINUTES,
    )
    pipeline.add_pipeline("invoices", stall_alert_minutes=INVOICES_STALL_MINUTES)
    return [bootstrap, pipeline]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
