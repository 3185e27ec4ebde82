"""Custom processing: load CSV rows into a table, then move the files.

The task body is a Snowflake Scripting block, since a task runs one statement; the
function receives the pipeline, so the SQL can name its stages by their fully
qualified names.
"""

from snowssi_constructs import App, SnowSSIStack, SqlContext, TerraformStack


def load_then_move(pipeline: SqlContext) -> str:
    inbound = pipeline.inbound_stage.fully_qualified_name
    outbound = pipeline.outbound_stage.fully_qualified_name
    return "\n".join(
        [
            "BEGIN",
            "  COPY INTO my_table",
            f"    FROM @{inbound}",
            "    FILE_FORMAT = (TYPE = 'CSV' FIELD_DELIMITER = ',')",
            "    PATTERN = '.*[.]csv'",
            "    ON_ERROR = 'CONTINUE';",
            f"  COPY FILES INTO @{outbound} FROM @{inbound};",
            # No final ';' after END: the provider compares this text with what
            # SHOW TASKS returns, which may not keep it.
            "END",
        ]
    )


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi", sql_statement=load_then_move)]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
