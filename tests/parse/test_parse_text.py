"""Text clean-up (imr_search/parse/text.py): what is left of the extractors' characters."""

from __future__ import annotations

import sys

from imr_search.parse.text import clean_text

WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def test_no_whitespace_but_spaces_and_newlines_survives() -> None:
    # The field patterns read "\s*" as at most one space; any other whitespace character left
    # in a line (U+3000, U+205F, a tab ...) would break that.
    for ch in WHITESPACE:
        cleaned = clean_text(f"a{ch}b {ch}{ch} c{ch}")
        assert set(cleaned) <= {"a", "b", "c", " ", "\n"}, hex(ord(ch))
        assert not {"  ", " \n", "\n "} & {cleaned[i : i + 2] for i in range(len(cleaned))}


def test_each_kind_of_character_becomes_what_the_rules_say() -> None:
    assert clean_text("a\u3000b\u00a0c\td") == "a b c d"
    assert clean_text("a\u2028b\x85c\fd\ve\r\nf\rg") == "a\nb\nc\nd\ne\nf\ng"
    assert clean_text("a\x00b\x1fc\x7fd\u00ade\u200bf\ufeffg") == "abcdefg"
    assert clean_text("\ufb01le e\ufb00ort \u2018x\u2019 \u201cy\u201d \u2010 \u2011") == (
        "file effort 'x' \"y\" - -"
    )
    assert clean_text("  one   two  \n\n\n\n  three ") == "one two\n\nthree"
