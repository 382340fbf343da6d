"""Wordings the parser must read (issue 11): a partial authorisation whose remaining portion is
not followed by "is", and a summary that gives the sex without an age ("a female")."""

from __future__ import annotations

import re

import pytest

from imr_search.parse.items import split_partial
from imr_search.parse.patient import parse_patient
from imr_search.parse.text import loose


def test_partial_authorisation_without_is() -> None:
    heading = (
        "Baclofen 100mg #6 was the original request. Baclofen 100mg #3 was authorized by the "
        "Claims Administrator. The remaining IMR eligible portion of the original request, "
        "Baclofen 100mg #3:"
    )
    svc = split_partial(heading)
    assert svc.partial
    assert svc.service == "Baclofen 100mg #3"
    assert svc.original_request == "Baclofen 100mg #6"


def test_partial_authorisation_with_is_still_reads() -> None:
    heading = (
        "Norco 10/325mg #60 was the original request. The Claims Administrator authorized "
        "Norco #30. The remaining IMR eligible portion of the original request, Norco #30, is"
    )
    svc = split_partial(heading)
    assert (svc.partial, svc.service, svc.original_request) == (
        True,
        "Norco #30",
        "Norco 10/325mg #60",
    )


@pytest.mark.parametrize(
    ("summary", "sex"),
    [
        ("The patient is a female who sustained an injury at work.", "female"),
        ("The injured worker is a right-handed male with chronic neck pain.", "male"),
        ("This is a woman who fell from a ladder.", "female"),
        ("The patient was seen by a physician on 01/02/2016.", None),
    ],
)
def test_sex_without_an_age(summary: str, sex: str | None) -> None:
    warnings: list[str] = []
    assert parse_patient(summary, warnings).sex == sex


# --- the one loose-pattern builder (parse.text.loose) ---------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"Claims\s*Administrator\s*guidelines?", "Claims Administrator guidel ine"),
        (r"Claims\s*Administrator\s*guidelines?", "ClaimsAdministrator guidelines"),
        (r"Non\s*-?\s*MTUS", "Non -MTUS"),
        (r"Shoulder", "S houlder"),
        (r"recommendations?(?:\(s\))?", "recommendation( s)"),
    ],
)
def test_loose_reads_words_that_extraction_split(pattern: str, text: str) -> None:
    assert re.fullmatch(loose(pattern), text, re.I)


def test_loose_leaves_escapes_and_group_names_alone() -> None:
    # A space inserted inside "\b" or a group's name would break the pattern or its meaning.
    pattern = loose(r"\bODG(?P<rest>\s+Guidelines)?\b")
    m = re.search(pattern, "see the O DG Guide lines here")
    assert m is not None
    assert m.group("rest") == " Guide lines"
    # Only one stray character between two letters: a real gap still separates words.
    assert re.fullmatch(loose("Shoulder"), "Sho  ulder") is None
