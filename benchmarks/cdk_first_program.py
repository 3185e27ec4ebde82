"""The default stack from a program that imports the CDK before snowssi_constructs, the
order isort and ruff sort the imports into (the benchmark's import-order cells).

    python benchmarks/cdk_first_program.py      # in the CDKTF or the CDK Terrain environment
"""

# On purpose not `from snowssi_constructs import App`: this program measures what a
# user's program pays when it imports the CDK itself, first.
try:  # CDK for Terraform, or CDK Terrain: whichever the environment has
    from cdktf import App
except ModuleNotFoundError:
    from cdktn import App

from snowssi_constructs import SnowSSIStack

app = App(stack_traces=False)
SnowSSIStack(app, "snowssi")
app.synth()
