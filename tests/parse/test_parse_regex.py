"""Patterns led by a lookahead for their first characters (imr_search/parse/regex.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_search.parse import classify
from imr_search.parse.regex import first_chars, quick

TRICKY = [
    r"(?:a|)b",
    r"a?b",
    r"\bab|cd",
    r"(?<!x)ab",
    r"^ab|c",
    r"(?=q)ab",
    r"(?:ab)+c",
    r"[a-c]x|d",
    r"a{0,2}b",
    r"(?>a|b)c",
    r"x\b|y",
    r"[\]\-^#]a",
    r"a|\w",
    r"a*",
    r"(?i)ab",
]
TABLES = [p for _, p in classify._REGIONS] + [p for _, p in classify._MODALITIES]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bhips?\b", {"h"}),
        (r"lumbo-?sacral|lumbar|\bl[1-5]\b|\bs1\b", {"l", "s"}),
        (r"(?:a|)b", {"a", "b"}),
        (r"a?b", {"a", "b"}),
        (r"(?<!meta)carpal", {"c"}),
        (r"^(?:an?\ )?surgeon", {"a", "s"}),
        (r"[x-z]+q", {"x", "y", "z"}),
    ],
)
def test_first_characters(pattern: str, expected: set[str]) -> None:
    assert first_chars(pattern) == frozenset(expected)


@pytest.mark.parametrize("pattern", [r"a*", r"\w+x", r".x", r"(?i)ab", r"[^a]b", r"", r"a|"])
def test_no_first_characters_when_any_or_none_can_start(pattern: str) -> None:
    # An empty match, any character, a class by category or case-insensitive matching.
    assert first_chars(pattern) is None
    assert quick(pattern).pattern == pattern


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdqxyz-^]# 1s/\n", max_size=24))
def test_quick_patterns_match_where_the_originals_do(text: str) -> None:
    for pattern in TRICKY:
        for flags in (0, re.VERBOSE):
            plain, fast = re.compile(pattern, flags), quick(pattern, flags)
            assert [m.span() for m in fast.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], pattern


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["lumbar", "l4-5", "c5", "neck", "mri", "x-ray", "urine", "knee", "cervical", " ", "/"]
        )
        | st.text(alphabet="abcelmnrstu-/ 0123456789", max_size=8),
        max_size=8,
    )
)
def test_the_classifiers_tables_match_as_before(words: list[str]) -> None:
    text = " ".join(words)
    for pattern in TABLES:
        plain, fast = re.compile(pattern), quick(pattern)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


# Patterns rewritten to start with a literal (faster to search) match what their plain forms
# match, on text made of the characters that matter to them.
HYPHEN_TEXT = st.text(alphabet="ab- _.é1\n\t", max_size=60)


@given(HYPHEN_TEXT)
@settings(max_examples=500, deadline=None)
def test_a_broken_hyphen_is_found_where_the_plain_pattern_finds_it(text: str) -> None:
    from imr_search.parse.citations import _BROKEN_HYPHEN

    plain = re.compile(r"(?<=\w)- (?=\w)|(?<=\w) -(?=\w)")
    assert _BROKEN_HYPHEN.sub("-", text) == plain.sub("-", text)
    assert [m.span() for m in _BROKEN_HYPHEN.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]


@given(st.text(alphabet="a \n\t\u3000", max_size=60))
@settings(max_examples=300, deadline=None)
def test_runs_of_spaces_are_found_where_the_plain_pattern_finds_them(text: str) -> None:
    from imr_search.parse.text import _SPACES

    assert _SPACES.sub(" ", text) == re.sub(r"[ ]{2,}", " ", text)
