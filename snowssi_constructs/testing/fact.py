"""One fact about the snowflake provider or Snowflake, and where it was read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    """One thing the provider or Snowflake does, and where that was read."""

    statement: str
    source: str

    def __str__(self) -> str:
        # A violation names the fact by its source.
        return self.source
