"""The query parser and the term stages (phrases, sentences, key sentences) are linear in their
input (issue 13), checked as tests/parse/test_parse_linear.py checks the letter parser: the input
grown 4x takes at most 6x the time.

The query language caps a query at 1,000 characters, but each of these stages also reads
indexed text (rationales, services) or runs on every rationale of a precedent sample, so each
is measured far past that, with the limit lifted. Each case is an input that made a stage
backtrack before: a run of spaces inside a range (cubic: 1.7 s at 1,000 spaces), the digits of
a boost after a word (quadratic), a run of commas in a rationale (quadratic: 24 s at 32,000),
abbreviations that do not end a sentence (quadratic), and the inputs that are near a pattern's
repeats or alternations without matching.
"""

from __future__ import annotations

import contextlib

import pytest

from imr_search.analysis.terms import content_words, key_sentence, phrases, sentences
from imr_search.errors import QueryError
from imr_search.search.syntax import MAX_NESTING, parse

# isort: split
from linear import Case, assert_linear

pytestmark = pytest.mark.slow


def _query(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse(text, max_length=len(text))


def _key_sentence(text: str) -> None:
    key_sentence(text, "MRI of the lumbar spine")


CASES: dict[str, Case] = {
    # the query parser: tokens, ranges, boosts, strengths, operators
    "query: words": Case(_query, "lumbar "),
    "query: spaces in a range": Case(_query, " ", "age:[", "x]"),
    "query: spaces in a range before TO": Case(_query, " ", "decided:[2016", "TO 2017]"),
    "query: spaces in an empty range": Case(_query, " ", "decided:[", "]"),
    "query: TO words in a range": Case(_query, "TOTO ", "age:[", "]"),
    "query: digits of a boost": Case(_query, "1", "knee^", "x"),
    "query: carets": Case(_query, "^"),
    "query: boosts": Case(_query, "knee^2 "),
    "query: a strength chain": Case(_query, "10/", "", "x"),
    "query: a strength chain with decimals": Case(_query, "1.5/", "", "mgx"),
    "query: strengths as two words": Case(_query, "50 mg "),
    "query: OR chain": Case(_query, "a OR ", "", "b"),
    "query: AND chain": Case(_query, "a AND ", "", "b"),
    "query: ANDNOT chain": Case(_query, "a ANDNOT ", "", "b"),
    "query: field names": Case(_query, "service:a "),
    "query: colons": Case(_query, "a:"),
    "query: phrases with slop": Case(_query, '"a b"~2 '),
    "query: an unclosed phrase": Case(_query, "a ", '"'),
    "query: unclosed ranges": Case(_query, "[a ", "age:"),
    "query: parentheses": Case(_query, "(a) "),
    "query: wildcards": Case(_query, "lum*ar "),
    # the term stages (indexed rationales and services)
    "phrases: commas": Case(phrases, ",", "", "x"),
    "phrases: full stops": Case(phrases, ".", "", "x"),
    "phrases: clause marks": Case(phrases, ";(", "", "x"),
    "phrases: words": Case(phrases, "no functional improvement documented "),
    "phrases: dotted words": Case(phrases, "a.", "", "b"),
    "content words: hyphens": Case(content_words, "x-", "", "y"),
    "sentences: initials": Case(sentences, "a. "),
    "sentences: marks before lower case": Case(sentences, "2 mg. daily "),
    "sentences: quotes after a mark": Case(sentences, '."', "", "x"),
    "sentences: marks without a space": Case(sentences, "A.Ab"),
    "sentences: spaces after a mark": Case(sentences, " ", "End.", "x"),
    "key sentence: initials": Case(_key_sentence, "a. "),
    "key sentence: verdicts": Case(_key_sentence, "The MRI is not medically necessary. "),
    "key sentence: necessity without its end": Case(_key_sentence, "medical necessity "),
    "key sentence: reasons": Case(_key_sentence, "There is no documentation of pain. "),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_doubling_the_input_at_most_about_doubles_the_time(name: str) -> None:
    # Five attempts, not three: these stages build many small objects, so a loaded box's
    # memory pressure shows more here than in the letter parser's test.
    assert_linear(name, CASES[name], attempts=5)


def test_deep_nesting_is_a_query_error_not_a_crash() -> None:
    # 300 parentheses in 601 characters passed Python's recursion limit (a 500 before).
    for text in ("(" * 300 + "a" + ")" * 300, "NOT " * 240 + "a", "(NOT " * 150 + "a" + ")" * 150):
        with pytest.raises(QueryError, match=f"more than {MAX_NESTING} deep"):
            parse(text)


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_NESTING
    assert parse("(" * depth + "knee" + ")" * depth) == parse("knee")
    assert parse("NOT " * (depth - 1) + "(knee)") is not None
