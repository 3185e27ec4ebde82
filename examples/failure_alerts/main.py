"""Failure alerts: when the task fails, Snowflake publishes its error notification to
an SNS topic (standard, KMS-encrypted) through a notification integration. Subscribe an
e-mail address or a chat hook to the ``failure_alerts_topic_arn`` output.

A second stack publishes to a topic the team already has (bring your own topic).
SNS error notifications need a Snowflake account hosted on AWS.
"""

from snowssi_constructs import App, SnowSSIStack, TerraformStack

TEAM_TOPIC = "arn:aws:sns:us-east-1:123456789012:data-platform-alerts"
TEAM_TOPIC_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def build(app: App) -> list[TerraformStack]:
    return [
        SnowSSIStack(app, "snowssi", hardened=True, failure_alerts=True),
        SnowSSIStack(
            app,
            "snowssi-team-topic",
            failure_alerts=True,
            alert_topic_arn=TEAM_TOPIC,
            alert_topic_kms_key_arn=TEAM_TOPIC_KEY,
        ),
    ]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
