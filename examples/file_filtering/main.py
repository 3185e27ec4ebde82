"""Copy only CSV files that are not backups (a regular expression on the file path)."""

try:  # CDK for Terraform, or CDK Terrain: the same API; imported first, as isort sorts it
    from cdktf import App, TerraformStack
except ModuleNotFoundError:  # type checkers see the CDKTF flavour, which is installed
    from cdktn import App, TerraformStack  # type: ignore[import-not-found, no-redef]

from snowssi_constructs import SnowSSIStack

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
