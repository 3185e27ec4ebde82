# The binding's root package, for type checkers: a partial stub package (py.typed says
# "partial"), shipped in the snowssi-constructs wheel. The real __init__.py imports every
# submodule of the binding when type checking, and mypy would analyze them all (for
# aws, about 2,400). Every submodule is still read, fully typed, from the installed
# binding: import the ones a program uses, for example
# `from cdktn_provider_time.provider import ...`.
