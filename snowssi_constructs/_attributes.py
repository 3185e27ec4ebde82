"""Construct attributes that read a resource's attribute once.

Each read of a resource attribute is a call into the jsii kernel, and a stack of many
pipelines reads the same few (a bucket's ARN, a stage's name) thousands of times, so the
constructs expose them as cached reads.
"""

from __future__ import annotations

from functools import cached_property
from operator import attrgetter


def resource_attribute(path: str) -> cached_property[str]:
    """A cached property reading ``path`` (``"bucket.arn"``) on the construct."""
    getter = attrgetter(path)

    def read(construct: object) -> str:
        value: str = getter(construct)
        return value

    return cached_property(read)
