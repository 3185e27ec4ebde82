# The binding's root package, for type checkers: a partial stub package (py.typed says
# "partial"), shipped in the snowssi-constructs wheel. The real __init__.py imports every
# submodule of the binding, and mypy would analyze them all (for aws, about 2,200: over
# a minute and 3.5 GB cold). Every submodule is still read, fully typed, from the
# installed binding: import the ones a program uses, for example
# `from cdktf_cdktf_provider_random.provider import ...`.
