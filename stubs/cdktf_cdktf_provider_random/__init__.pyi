# The binding's root package for mypy: the real __init__.py defines nothing the code uses
# and imports every submodule, which mypy would then analyze; each submodule the code
# imports is still read, fully typed, from the installed package (see pyproject.toml).
