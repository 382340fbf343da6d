"""Parsing time is linear in the input, for each parser stage (issue 13).

Each case is an adversarial input that made a stage backtrack before (the reliability probe's
findings, and the runs that a pattern would retry at every later position). The check: the
input doubled takes at most about twice as long. Absolute times mean nothing on a shared
2-core box, so the test compares the best of a few runs at n and 4n (two doublings, so a
quadratic stage shows 16x even when its linear part dominates at n), grows n until one run
takes long enough to measure, and allows 6x: under 2.5x per doubling.
"""

from __future__ import annotations

import contextlib

import pytest

from imr_search.errors import ParseError
from imr_search.parse import legacy
from imr_search.parse.citations import parse_citations
from imr_search.parse.classify import classify
from imr_search.parse.header import parse_header
from imr_search.parse.items import parse_items, split_partial
from imr_search.parse.letter import HEADINGS_2014, detect_layout, parse_text
from imr_search.parse.patient import injury_date, parse_patient
from imr_search.parse.reasons import read_reasons
from imr_search.parse.reviewer import parse_reviewer
from imr_search.parse.sections import split_sections
from imr_search.parse.text import clean_text

# isort: split
from linear import Case, assert_linear

pytestmark = pytest.mark.slow

# The stages as the parser runs them: each after clean_text, as in parse_text.


def _clean(text: str) -> None:
    clean_text(text)


def _layout(text: str) -> None:
    detect_layout(clean_text(text))


def _sections(text: str) -> None:
    split_sections(clean_text(text).split("\n"), HEADINGS_2014)


def _header(text: str) -> None:
    parse_header(clean_text(text), pivot=2017)


def _reviewer(text: str) -> None:
    parse_reviewer(clean_text(text), [])


def _patient(text: str) -> None:
    summary = clean_text(text)
    parse_patient(summary, [])
    injury_date(summary, pivot=2017)


def _items(text: str) -> None:
    parse_items(clean_text(text).split("\n"), [])


def _notice(text: str) -> None:
    legacy.parse_notice(clean_text(text).split("\n"), source="x.txt", stem="x")


def _professional(text: str) -> None:
    legacy.parse_professional(clean_text(text).split("\n"), source="x.txt", stem="x")


def _reasons(text: str) -> None:
    read_reasons(text, "upheld")


def _letter(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_text(text, source="x.txt")


_HOW = "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
_ISSUES = "IMR ISSUES, DECISIONS AND RATIONALES\n"
_CITE = "MTUS Chronic Pain Medical Treatment 2016, Section(s): Opioids"


CASES: dict[str, Case] = {
    # clean-up and layout
    "clean: ideographic spaces": Case(_clean, "\u3000"),
    "clean: blank lines": Case(_clean, " \n"),
    "layout: heading padded with U+3000": Case(_layout, "\u3000", "HOW THE IMR", "FINAL\n"),
    "sections: many heading-like lines": Case(_sections, "IMR ISSUES x\nHOW THE IMR\n"),
    # header, reviewer, patient
    "header: labelled dates": Case(_header, "Date Assigned: 01/01/2016 "),
    "header: spaced dashes": Case(_header, "1 - "),
    "reviewer: is certified in": Case(_reviewer, "is certified in "),
    "reviewer: licensed to practice in": Case(_reviewer, "licensed to practice in "),
    "reviewer: board certified and": Case(_reviewer, "Board Certified in X and "),
    "reviewer: a long states line": Case(_reviewer, "California, ", "State(s) of Licensure: "),
    "reviewer: licensed as": Case(_reviewer, "reviewer is a licensed Chiropractor "),
    "patient: year without old": Case(_patient, "48 year "),
    "patient: injury without a date": Case(_patient, "injury "),
    # items
    "items: partial authorisation": Case(
        _items, "A was the original request. ", _ISSUES, "C: Upheld\n"
    ),
    "items: service of ideographic spaces": Case(_items, "\u3000", "Norco", "x\n"),
    "items: service of digits": Case(_items, "1", "", ": Upheld\n"),
    "items: colons without a decision": Case(_items, ":"),
    "items: lines ending in a colon": Case(_items, "Norco:\n"),
    "partial: cue without the rest": Case(split_partial, "A was the original request. ", "", "is"),
    "partial: authorised without the rest": Case(
        split_partial,
        "was authorized by the Claims Administrator. ",
        "A was the original request. ",
        " is",
    ),
    # citations
    "citations: commas after a citation": Case(parse_citations, ",", _CITE),
    "citations: Effective without a year": Case(parse_citations, "(Effective "),
    "citations: www.": Case(parse_citations, "www."),
    "citations: http://": Case(parse_citations, "http://"),
    "citations: broken addresses": Case(parse_citations, "www.a- "),
    "citations: chained parts": Case(parse_citations, "Shoulder Complaints 2004, and ", "MTUS "),
    "citations: ACOEM elements": Case(parse_citations, "ACOEM, ", "Non-MTUS Citation "),
    "citations: notice style": Case(parse_citations, "ODG, which is not part of the MTUS. "),
    # classification of a service
    "classify: strength chain without a unit": Case(classify, "1 / ", "Norco "),
    "classify: digits": Case(classify, "1"),
    "classify: strengths": Case(classify, "Norco 10 mg "),
    "classify: words": Case(classify, "lumbar epidural injection "),
    # reason codes (a rule that looks across a sentence, a sentence with no end)
    "reasons: risk without outweigh": Case(_reasons, "the risk "),
    "reasons: extenuating factors": Case(_reasons, "no extenuating factors "),
    "reasons: abbreviations": Case(_reasons, "e.g. A "),
    "reasons: the request clause": Case(_reasons, "the request for x "),
    "reasons: short quotations": Case(_reasons, '"no red flags" '),
    "reasons: sentences": Case(_reasons, "The patient has no red flags. "),
    # the older layouts
    "notice: decision sentence without its end": Case(
        _notice, "1) MAXIMUS Federal Services, Inc. has determined the request for "
    ),
    "notice: regarding lines": Case(_notice, "1) Regarding the request for x\n"),
    "professional: issue lines": Case(_professional, "ISSUE AT DISPUTE: x\n"),
    # the whole letter
    "letter: partial authorisation": Case(
        _letter, "A was the original request. ", _HOW + "x\n" + _ISSUES, "C: Upheld\n"
    ),
    "letter: commas in a citation": Case(
        _letter,
        ",",
        _HOW + _ISSUES + "X-ray: Upheld\nMAXIMUS guideline: Decision based on " + _CITE,
    ),
    "letter: strength chain": Case(_letter, "1 / ", _HOW + _ISSUES + "Norco ", ": Upheld\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_doubling_the_input_at_most_about_doubles_the_time(name: str) -> None:
    # Measured over two doublings (see the module docstring).
    assert_linear(name, CASES[name])
