"""Copy only CSV files that are not backups (a regular expression on the file path)."""

try:  # CDK for Terraform, or CDK Terrain: the same API; imported first, as isort sorts it
    from cdktf import App, TerraformStack
except ModuleNotFoundError:
    from cdktn import App, TerraformStack

from snowssi_constructs import SnowSSIStack

CSV_BUT_NOT_BACKUPS = r"^(?!.*_backup).*[.]csv$"


def build(app: App) -> list[TerraformStack]:
    return [SnowSSIStack(app, "snowssi", file_pattern=CSV_BUT_NOT_BACKUPS)]


if __name__ == "__main__":
    app = App(stack_traces=False)
    build(app)
    app.synth()
