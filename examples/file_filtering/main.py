"""Copy only CSV files that are not backups (a regular expression on the file path)."""

from snowssi_constructs import SnowSSIStack

from cdktf import App, TerraformStack

CSV_BUT_NOT_BACKUPS = r"^(?!.*_backup).*[.]csv$"


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi", file_pattern=CSV_BUT_NOT_BACKUPS)]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
