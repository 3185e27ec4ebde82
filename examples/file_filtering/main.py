"""Copy only CSV files that are not backups (a regular expression on the file path)."""

from snowssi_constructs import App, SnowSSIStack, TerraformStack

# Paths ending in ".csv" that nowhere contain "_backup". Snowflake's POSIX regular
# expressions have no look-ahead, so `^(?!.*_backup).*[.]csv$` is spelt out: after any
# run of "_", the path may start spelling "backup" but must break off before its "p".
CSV_BUT_NOT_BACKUPS = (
    r"^[^_]*(_+([^_b]|b([^_a]|a([^_c]|c([^_k]|k([^_u]|u[^_p])))))[^_]*"
    r"|_+(b(a(c(ku?)?)?)?)?)*[.]csv$"
)


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi", file_pattern=CSV_BUT_NOT_BACKUPS)]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
