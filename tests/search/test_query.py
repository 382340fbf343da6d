"""The query language on its own: text -> imr-search's tree, with no engine involved.

Expected trees are written from the README's description of the syntax (and Whoosh's
precedence, which the language kept), not from the parser's output.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_search.errors import QueryError
from imr_search.search.filters import filter_tree
from imr_search.search.syntax import parse
from imr_search.search.tree import (
    And,
    AndMaybe,
    Every,
    Not,
    Or,
    Pattern,
    Phrase,
    Range,
    Term,
    plain_words,
)

D = dt.date


def w(text: str, field: str | None = None) -> Term:
    return Term(field, text)


TREES = [
    ("", Every()),
    ("   ", Every()),
    ("*", Every()),
    ("lumbar", w("lumbar")),
    ("lumbar spine", And((w("lumbar"), w("spine")))),
    # explicit operators bind tighter than the implicit AND of neighbours
    ("a b OR c", And((w("a"), Or((w("b"), w("c")))))),
    ("a AND b OR c", Or((And((w("a"), w("b"))), w("c")))),
    ("a OR b AND c", Or((w("a"), And((w("b"), w("c")))))),
    ("NOT a", Not(w("a"))),
    ("a ANDNOT b", And((w("a"), Not(w("b"))))),
    ("NOT a ANDNOT b", Not(And((w("a"), Not(w("b")))))),
    ("a ANDMAYBE b", AndMaybe(w("a"), w("b"))),
    ("(a OR b) c", And((Or((w("a"), w("b"))), w("c")))),
    # an operator with nothing after it is a word
    ("a AND", And((w("a"), w("AND")))),
    # phrases, slop, boosts
    ('"urine drug screen"', Phrase(None, "urine drug screen")),
    ('"urine screen"~3', Phrase(None, "urine screen", slop=3)),
    ("mri^2", Term(None, "mri", 2.0)),
    ("(mri OR ct)^3", Or((w("mri"), w("ct")), 3.0)),
    # patterns are lower-cased and never stemmed
    ("oxy*", Pattern(None, "oxy*")),
    ("Flexer*", Pattern(None, "flexer*")),
    ("l?mbar", Pattern(None, "l?mbar")),
    ("service:ther*", Pattern("service", "ther*")),
    ("drug:HYDRO*", Pattern("drug", "hydro*")),
    # fields: names in any case; keyword values whole and lower-cased; text values are words
    ("Category:Injection", Term("category", "injection")),
    ('category:"Diagnostic Testing"', Term("category", "diagnostic testing")),
    ("service:mri", Term("service", "mri")),
    ('rationale:"home exercise"', Phrase("rationale", "home exercise")),
    ("service:(mri OR ct)", Or((Term("service", "mri"), Term("service", "ct")))),
    ("drug:(tramadol OR Norco)", Or((Term("drug", "tramadol"), Term("drug", "norco")))),
    # states: a code or a name is the USPS code
    ("state:Texas", Term("state", "tx")),
    ('state:"New York"', Term("state", "ny")),
    ("state:ca", Term("state", "ca")),
    # enumerations
    ("decision:UPHELD", Term("decision", "upheld")),
    ("partial:yes", Term("partial", "true")),
    ("partial:false", Term("partial", "false")),
    ("sex:Female", Term("sex", "female")),
    # dates: a year, a month or a day is the span of days it covers
    ("decided:2016", Range("decided", D(2016, 1, 1), D(2016, 12, 31))),
    ("decided:2016-02", Range("decided", D(2016, 2, 1), D(2016, 2, 29))),
    ("decided:2015-02", Range("decided", D(2015, 2, 1), D(2015, 2, 28))),
    ("injured:2012-05-04", Range("injured", D(2012, 5, 4), D(2012, 5, 4))),
    ("decided:[2016-01-01 TO 2016-06-30]", Range("decided", D(2016, 1, 1), D(2016, 6, 30))),
    ("decided:[2017 TO]", Range("decided", D(2017, 1, 1), None)),
    ("decided:[TO 2014-03]", Range("decided", None, D(2014, 3, 31))),
    ("decided:{2016 TO 2018}", Range("decided", D(2017, 1, 1), D(2017, 12, 31))),
    ("decided:[2016-05-01 TO 2016-06}", Range("decided", D(2016, 5, 1), D(2016, 5, 31))),
    # the age
    ("age:45", Range("age", 45, 45)),
    ("age:[40 TO 60]", Range("age", 40, 60)),
    ("age:{40 TO 60}", Range("age", 41, 59)),
    ("age:[60 TO]", Range("age", 60, None)),
    # a web address is not a field
    ("http://www.odg-twc.com", w("http://www.odg-twc.com")),
]


@pytest.mark.parametrize(("text", "tree"), TREES, ids=[t for t, _ in TREES])
def test_text_parses_into_the_tree(text: str, tree: object) -> None:
    assert parse(text) == tree


def test_a_pattern_knows_when_it_is_a_prefix() -> None:
    assert Pattern(None, "oxy*").prefix == "oxy"
    assert Pattern(None, "o?y*").prefix is None
    assert Pattern(None, "*oxy").prefix is None
    assert Pattern(None, "oxy").prefix is None


BAD = [
    ("colour:red", "unknown field 'colour'", 0),
    ("pain speciality:chiropractic", "(did you mean 'specialty'?)", 5),
    ("decided:2016-13-01", "'2016-13-01' is not a valid date", 8),
    ("decided:2016-02-30", "'2016-02-30' is not a valid date", 8),
    ("decided:yesterday", "'yesterday' is not a date", 8),
    ("decided:[2016-01-01 TO 2016-02-30]", "'2016-02-30' is not a valid date", 8),
    ("decided:[ TO ]", "a range needs at least one end", 8),
    ("age:[x TO", "unbalanced range", 4),
    ("age:[x TO 50]", "'x' is not a whole number", 4),
    ("age:old", "'old' is not a whole number", 4),
    ("age:4*", "wildcards work only on text and keyword fields", 4),
    ("decided:(2016 OR 2017)", "takes one value or a range, not a group", 8),
    ("category:[a TO b]", "ranges work on dates and numbers", 9),
    ("[a TO b]", "a range needs a field", 0),
    ('"lumbar spine', "unbalanced quote", 0),
    ('service:"lumbar', "unbalanced quote", 8),
    ("(lumbar OR cervical", "unbalanced parenthesis", 0),
    ("lumbar)", "unbalanced parenthesis", 6),
    ("lumbar ]", "unbalanced range", 7),
    ("decision:maybe", "'maybe' is not one of upheld, overturned", 9),
    ("partial:perhaps", "is not one of true, false, yes, no", 8),
    ("sex:x", "is not one of male, female", 4),
    ("service:", "has no value", 0),
    ("service: mri", "has no value", 0),
]


@pytest.mark.parametrize(("text", "message", "position"), BAD, ids=[t for t, _, _ in BAD])
def test_bad_query_says_what_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert message in str(info.value)
    assert info.value.position == position


def test_unknown_field_hint_lists_the_fields_when_nothing_is_close() -> None:
    with pytest.raises(QueryError) as info:
        parse("zzzz:1")
    assert info.value.hint is not None
    assert "service" in info.value.hint
    assert "decided" in info.value.hint


def test_over_long_query_is_an_error() -> None:
    with pytest.raises(QueryError, match="query is too long"):
        parse("pain " * 201, max_length=1000)
    assert parse("pain " * 10, max_length=1000) is not None


@given(st.text(alphabet='ab:()"[]{} *?^~-TOANDRNOT', max_size=40))
def test_any_text_parses_or_is_a_query_error(text: str) -> None:
    error: QueryError | None = None
    try:
        parse(text)
    except QueryError as exc:
        error = exc
    if error is not None and error.position is not None:
        assert 0 <= error.position <= len(text)


def test_plain_words_are_the_unfielded_terms() -> None:
    tree = parse('lumbar Spine service:mri "two words" oxy* lumbar')
    assert plain_words(tree) == ["lumbar", "spine"]


# -- filters ---------------------------------------------------------------------------------


def test_filters_and_across_and_or_within() -> None:
    tree = filter_tree({"decision": ("overturned",), "state": ("Texas", "CA")})
    assert tree == And(
        (Term("decision", "overturned"), Or((Term("state", "tx"), Term("state", "ca"))))
    )


def test_filter_ranges_and_excluded_letters() -> None:
    tree = filter_tree(
        {"year": ("2016",), "age": ("60+",)},
        date_from=D(2016, 3, 1),
        exclude_letters=("CM16-0001",),
    )
    assert tree == And(
        (
            Not(Term("letter_id", "CM16-0001")),  # ids keep their case
            Range("decided", D(2016, 1, 1), D(2016, 12, 31)),
            Range("age", 60, None),
            Range("decided", D(2016, 3, 1), None),
        )
    )


def test_no_filters_is_no_tree() -> None:
    assert filter_tree({}) is None
    assert filter_tree({"decision": ()}) is None


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": ("red",)}, "unknown filter 'colour'"),
        ({"year": ("16",)}, "'16' is not a year"),
        ({"age": ("41",)}, "'41' is not one of <30, 30-39"),
        ({"guideline": ("NICE",)}, "'NICE' is not one of MTUS, ODG, ACOEM, other, none"),
        ({"decision": ("maybe",)}, "decision filter: 'maybe' is not one of upheld, overturned"),
    ],
)
def test_bad_filter_says_what_would_work(filters: dict[str, tuple[str, ...]], message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace("+", r"\+")):
        filter_tree(filters)


def test_the_language_imports_no_engine() -> None:
    code = (
        "import sys, imr_search.search.syntax, imr_search.search.tree, "
        "imr_search.search.filters, imr_search.search.service, imr_search.search.documents, "
        "imr_search.search.hits, "
        "imr_search.analysis.precedents; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('whoosh', 'tantivy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
