"""The regular-expression dialect Snowflake runs, as a construction-time check.

Snowflake's regular-expression functions (``RLIKE``, ``REGEXP_LIKE``, ...) take POSIX
extended regular expressions plus the Perl backslash sequences ``\\d \\D \\s \\S \\w \\W
\\b \\B``; they have no look-around, no lazy quantifiers, no back-references and no
inline flags ("String functions (regular expressions)" in Snowflake's SQL reference).
Python's ``re`` takes all of those, so a pattern that compiles in Python can still fail
in Snowflake on every task run. ``COPY FILES ... PATTERN`` does not document its
engine; the POSIX subset is the one that is safe in both places.

:func:`unsupported_constructs` finds what Python accepts and Snowflake does not. It
reads the pattern the way a regex parser does: escapes first, bracket expressions as
one unit (where ``(?`` or ``*?`` are plain characters), then groups and quantifiers.
"""

from __future__ import annotations

from dataclasses import dataclass

# Letters whose escape Python reads as something Snowflake lacks.
_UNSUPPORTED_ESCAPES = {
    "A": "the start-of-string anchor \\A (use ^)",
    "Z": "the end-of-string anchor \\Z (use $)",
    "z": "the end-of-string anchor \\z (use $)",
    "G": "the \\G anchor",
    "N": "a named character \\N{...}",
    "p": "a Unicode property class \\p{...}",
    "P": "a Unicode property class \\P{...}",
    "k": "a named back-reference \\k<...>",
}
_QUANTIFIERS = frozenset("*+?")


@dataclass(frozen=True)
class Unsupported:
    """One construct Snowflake's engine does not run, and where it starts."""

    what: str
    text: str
    position: int

    def __str__(self) -> str:
        return f"{self.what} '{self.text}' at position {self.position}"


def unsupported_constructs(pattern: str) -> list[Unsupported]:
    """Every construct of ``pattern`` outside Snowflake's dialect, in order."""
    found: list[Unsupported] = []
    index = 0
    # Whether the previous token can take a quantifier; a quantifier right after a
    # quantifier is what makes it lazy (``*?``) or possessive (``*+``).
    after_quantifier = False
    quantifier_start = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escape = pattern[index + 1 : index + 2]
            if escape.isdigit() and escape != "0":
                found.append(Unsupported("a back-reference", pattern[index : index + 2], index))
            elif escape in _UNSUPPORTED_ESCAPES:
                found.append(
                    Unsupported(_UNSUPPORTED_ESCAPES[escape], pattern[index : index + 2], index)
                )
            index += 2
            after_quantifier = False
        elif char == "[":
            index = _end_of_bracket(pattern, index)
            after_quantifier = False
        elif char == "(" and pattern.startswith("(?", index):
            found.append(_group_extension(pattern, index))
            index += 2
            after_quantifier = False
        elif char in _QUANTIFIERS or (char == "{" and _is_interval(pattern, index)):
            end = pattern.index("}", index) + 1 if char == "{" else index + 1
            if after_quantifier and char in "?+":
                kind = "a lazy quantifier" if char == "?" else "a possessive quantifier"
                found.append(Unsupported(kind, pattern[quantifier_start:end], quantifier_start))
                after_quantifier = False
            else:
                quantifier_start = index
                after_quantifier = True
            index = end
        else:
            index += 1
            after_quantifier = False
    return found


def _end_of_bracket(pattern: str, start: int) -> int:
    """The index after the bracket expression opening at ``start``."""
    index = start + 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):  # a leading ']' is a literal
        index += 1
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern.startswith("[:", index) or pattern.startswith("[=", index):
            close = pattern.find(pattern[index + 1] + "]", index + 2)
            if close != -1:
                index = close + 2
                continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    return len(pattern)


def _is_interval(pattern: str, start: int) -> bool:
    """``{n}``, ``{n,}`` or ``{n,m}``: elsewhere a '{' is a literal in Python."""
    close = pattern.find("}", start)
    if close == -1:
        return False
    body = pattern[start + 1 : close]
    low, _, high = body.partition(",")
    return low.isdigit() and (high == "" or high.isdigit())


def _group_extension(pattern: str, start: int) -> Unsupported:
    rest = pattern[start + 2 :]
    if rest.startswith(("=", "!")):
        return Unsupported("a look-ahead", pattern[start : start + 3], start)
    if rest.startswith(("<=", "<!")):
        return Unsupported("a look-behind", pattern[start : start + 4], start)
    if rest.startswith("P="):
        return Unsupported("a named back-reference", pattern[start : start + 4], start)
    if rest.startswith(("P<", "<")):
        return Unsupported("a named group", pattern[start : start + 4], start)
    if rest.startswith(":"):
        return Unsupported("a non-capturing group (use a plain group)", "(?:", start)
    if rest.startswith(">"):
        return Unsupported("an atomic group", "(?>", start)
    if rest.startswith("#"):
        return Unsupported("a comment group", "(?#", start)
    if rest.startswith("("):
        return Unsupported("a conditional group", "(?(", start)
    flags = ""
    for char in rest:
        if not (char.isalpha() or char == "-"):
            break
        flags += char
    return Unsupported("an inline flag group", f"(?{flags}", start)
