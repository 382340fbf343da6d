"""The field's glossary (data/abbreviations.json), the one file the parser, the filters and
the query read."""

from __future__ import annotations

import pytest

from imr_search.glossary import glossary, long_forms_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("left tka", [(5, "total knee arthroplasty")]),
        ("emg/ncv ble", [(0, "electromyography"), (4, "nerve conduction velocity")]),
        # a short form inside a longer one, or a level, is none
        ("tfesi l5-s1", [(0, "transforaminal epidural steroid injection")]),
        # PT beside INR or PTT is prothrombin time
        ("pt/inr", []),
        ("pt 2x6", [(0, "physical therapy")]),
        # the long form already written
        ("fce (functional capacity evaluation)", []),
        # how a drug is given says nothing of what the service is
        ("tramadol er 150mg", []),
    ],
)
def test_the_short_forms_of_a_service_and_their_usual_long_forms(
    text: str, expected: list[tuple[int, str]]
) -> None:
    assert long_forms_in(text) == expected


def test_the_tables_are_lower_case_and_the_dose_forms_are_searched_not_classified() -> None:
    g = glossary()
    assert all(s == s.lower() and lf == lf.lower() for s, lf in g.pairs)
    assert ("er", "extended release") in g.pairs
    assert ("er", "extended release") not in g.service_pairs
    assert set(g.service_pairs) <= set(g.pairs)
    assert g.senses["pt"] == ("ptt", "inr")
