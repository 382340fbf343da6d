"""Wordings the parser must read (issue 11): a partial authorisation whose remaining portion is
not followed by "is", and a summary that gives the sex without an age ("a female")."""

from __future__ import annotations

import pytest

from imr_search.parse.items import split_partial
from imr_search.parse.patient import parse_patient


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
