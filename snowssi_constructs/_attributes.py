"""Construct attributes that read a resource's attribute once.

Each read of a resource attribute is a call into the jsii kernel, and a stack of many
pipelines reads the same few (a bucket's ARN, a stage's name) thousands of times, so the
constructs expose them as cached reads.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any


def resource_attribute(path: str) -> cached_property[str]:
    """A cached property reading, on the construct's resource named by the first part
    of ``path``, the Terraform attribute the rest names (``"bucket.arn"``,
    ``"integration.describe_output[0].iam_user_arn"``).

    It is read as ``get_string_attribute``, which every resource has, typed or declared
    without a binding class (``_current_types.UntypedResource``); a typed resource's
    property of the same name returns the same reference.
    """
    resource_name, attribute = path.split(".", 1)

    def read(construct: object) -> str:
        resource: Any = getattr(construct, resource_name)
        value: str = resource.get_string_attribute(attribute)
        return value

    return cached_property(read)
