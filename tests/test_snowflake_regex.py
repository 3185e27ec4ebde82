"""The scanner of Snowflake's regular-expression dialect, exactly: what it reports, with
the text and position of each construct, and what it lets through."""

from __future__ import annotations

import pytest

from snowssi_constructs.snowflake_regex import Unsupported, unsupported_constructs

BACK_REFERENCE = "a back-reference"
LOOK_AHEAD = "a look-ahead"
LOOK_BEHIND = "a look-behind"
LAZY = "a lazy quantifier"
POSSESSIVE = "a possessive quantifier"


@pytest.mark.parametrize(
    "pattern",
    [
        r"^in/[0-9]{4}-[0-9]{2}/.*\.json$",
        r"\d+_\w+\s\b\D\S\W\B",  # the Perl classes Snowflake documents
        r"\0",  # an octal escape, not a back-reference
        r"[[:alpha:]]+(_[a-z]+)?[.](csv|tsv)",
        r"a*b?c+d{2}e{2,}f{2,3}",
        r"a{,3}?",  # '{,3}' is no interval: the '?' quantifies the literal '}'
        r"a{x}?b{2,x}?c{}?",
        r"a{2,3",  # no closing brace: a literal
        r"a**",  # a second '*' is not lazy or possessive
        "a\\",  # a trailing backslash
        r"\(?=x",  # an escaped '(' opens no group
        r"a*\d?",  # an escape between two quantifiers
        r"a*[b]?",  # a bracket expression between two quantifiers
        r"a*b?",  # a character between two quantifiers
        # Inside a bracket expression these are plain characters.
        r"[(?=*?]+",
        r"[]a(?=]",  # a leading ']' is a literal
        r"[^]a(?=]",
        r"[\](?=]",  # an escaped ']' does not close it
        r"[[:alpha:](?=]",  # nor does the ']' of a character class
        r"[[=a=](?=]",  # or of an equivalence class
        r"[[:a(?=]",  # '[:' without ':]' is two plain characters
        r"[a(?=",  # an unterminated bracket runs to the end
    ],
)
def test_what_snowflake_runs_passes(pattern: str):
    assert unsupported_constructs(pattern) == []


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        (r"(.)\1", [(BACK_REFERENCE, r"\1", 3)]),
        (r"(a)(b)\2\9", [(BACK_REFERENCE, r"\2", 6), (BACK_REFERENCE, r"\9", 8)]),
        (r"x\A", [("the start-of-string anchor \\A (use ^)", r"\A", 1)]),
        (r"x\Z", [("the end-of-string anchor \\Z (use $)", r"\Z", 1)]),
        (r"x\z", [("the end-of-string anchor \\z (use $)", r"\z", 1)]),
        (r"x\G", [("the \\G anchor", r"\G", 1)]),
        (r"x\N{DASH}", [("a named character \\N{...}", r"\N", 1)]),
        (r"x\p{L}", [("a Unicode property class \\p{...}", r"\p", 1)]),
        (r"x\P{L}", [("a Unicode property class \\P{...}", r"\P", 1)]),
        (
            r"(?P<n>a)\k<n>",
            [("a named group", "(?P<", 0), ("a named back-reference \\k<...>", r"\k", 8)],
        ),
        (r"ab(?=c)", [(LOOK_AHEAD, "(?=", 2)]),
        (r"ab(?!c)", [(LOOK_AHEAD, "(?!", 2)]),
        (r"(?<=a)b", [(LOOK_BEHIND, "(?<=", 0)]),
        (r"(?<!a)b", [(LOOK_BEHIND, "(?<!", 0)]),
        (r"(a)(?P=n)", [("a named back-reference", "(?P=", 3)]),
        (r"(?<n>a)", [("a named group", "(?<n", 0)]),
        (r"(?:a)", [("a non-capturing group (use a plain group)", "(?:", 0)]),
        (r"(?>a)", [("an atomic group", "(?>", 0)]),
        (r"(?#c)a", [("a comment group", "(?#", 0)]),
        (r"(a)(?(1)b|c)", [("a conditional group", "(?(", 3)]),
        (r"(?i)a", [("an inline flag group", "(?i", 0)]),
        (r"(?i-s:a)", [("an inline flag group", "(?i-s", 0)]),
        (r"(?)", [("an inline flag group", "(?", 0)]),
        (r"\[(?=x)\]", [(LOOK_AHEAD, "(?=", 2)]),
        (r"\d(?=x)", [(LOOK_AHEAD, "(?=", 2)]),
        (r"[a](?=x)", [(LOOK_AHEAD, "(?=", 3)]),
        (r"[[:alpha:]](?=x)", [(LOOK_AHEAD, "(?=", 11)]),
        (r"a*?", [(LAZY, "*?", 1)]),
        (r"a+?", [(LAZY, "+?", 1)]),
        (r"a??", [(LAZY, "??", 1)]),
        (r"ab{2,3}?", [(LAZY, "{2,3}?", 2)]),
        (r"a{2}?", [(LAZY, "{2}?", 1)]),
        (r"a{2,}?", [(LAZY, "{2,}?", 1)]),
        (r"[[:alpha:]]*?", [(LAZY, "*?", 11)]),
        (r"a*+", [(POSSESSIVE, "*+", 1)]),
        (r"a?+", [(POSSESSIVE, "?+", 1)]),
        (r"a{2}+", [(POSSESSIVE, "{2}+", 1)]),
        (r"a*??", [(LAZY, "*?", 1)]),  # the last '?' quantifies the lazy quantifier
        (r"a*?b+?", [(LAZY, "*?", 1), (LAZY, "+?", 4)]),
        (r"(?=a)(?=b)", [(LOOK_AHEAD, "(?=", 0), (LOOK_AHEAD, "(?=", 5)]),
        # Where a bracket expression or an interval ends decides what follows.
        (r"[]](?=x)", [(LOOK_AHEAD, "(?=", 3)]),
        (r"[^]](?=x)", [(LOOK_AHEAD, "(?=", 4)]),
        (r"[\]](?=x)", [(LOOK_AHEAD, "(?=", 4)]),
        (r"[[](?=x)]", [(LOOK_AHEAD, "(?=", 3)]),
        (r"[[:a:]](?=x):]", [(LOOK_AHEAD, "(?=", 7)]),
        (r"[[::]](?=x):]", [(LOOK_AHEAD, "(?=", 6)]),
        (r":]x[[:a:]](?=y)", [(LOOK_AHEAD, "(?=", 10)]),
        (r"a{2}?b{x}", [(LAZY, "{2}?", 1)]),
        (r"a{x}b{2}?", [(LAZY, "{2}?", 5)]),
        (
            r"(?i)(.)\1*?",
            [("an inline flag group", "(?i", 0), (BACK_REFERENCE, r"\1", 7), (LAZY, "*?", 9)],
        ),
    ],
)
def test_what_snowflake_cannot_run_is_reported_with_its_text_and_position(
    pattern: str, found: list[tuple[str, str, int]]
):
    assert unsupported_constructs(pattern) == [Unsupported(*item) for item in found]


def test_an_unsupported_construct_reads_as_what_text_and_position():
    assert str(Unsupported(LOOK_AHEAD, "(?=", 3)) == "a look-ahead '(?=' at position 3"
