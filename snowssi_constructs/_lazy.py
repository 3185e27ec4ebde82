"""Values computed at synthesis time, so shared resources can grow after creation.

The storage integration's allowed locations and the role's access policy cover every
pipeline's buckets, and pipelines may be added after those resources exist.
"""

from __future__ import annotations

from collections.abc import Callable

import jsii

from ._flavour import cdktf

IListProducer = cdktf.IListProducer
IResolveContext = cdktf.IResolveContext
IStringProducer = cdktf.IStringProducer
Lazy = cdktf.Lazy


@jsii.implements(IListProducer)
class _ListProducer:
    def __init__(self, produce: Callable[[], list[str]]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> list[str] | None:
        return self._produce()


@jsii.implements(IStringProducer)
class _StringProducer:
    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> str | None:
        return self._produce()


def lazy_list(produce: Callable[[], list[str]]) -> list[str]:
    return Lazy.list_value(_ListProducer(produce))


def lazy_string(produce: Callable[[], str]) -> str:
    return Lazy.string_value(_StringProducer(produce))
