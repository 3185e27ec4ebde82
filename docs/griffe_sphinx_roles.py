"""A griffe extension for the docs build: Sphinx cross-reference roles as inline code.

The docstrings write ``:class:`PipelineOptions``` or ``:func:`~module.name```, which
Markdown would show with the role's name in front. This turns each into plain inline
code of the name (the last dotted part where Sphinx's ``~`` asks for it). mkdocs.yml
loads it; mkdocs does not publish it (``exclude_docs``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|obj|exc|const):`(~?)([^`]+)`")


def _inline_code(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"``{target.rsplit('.', 1)[-1] if tilde else target}``"


class SphinxRoles(griffe.Extension):
    """Rewrite the roles of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(_inline_code, obj.docstring.value)
