"""Strength-aware search on both engines: a strength typed one way finds the items that write
it another way ("10/325" and "10/325mg", "50 mg" and "50mg"), and a strength is not a bare
number that finds unrelated items. The items are made here; expectations are read from their
service texts."""

from __future__ import annotations

import pytest

from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.syntax import parse

# isort: split
from factories import drug_item, index_letters, make_item, make_letter

SERVICES = {
    "norco-a": "Norco 10/325mg #120",
    "norco-b": "Norco 10/325 #60",
    "norco-c": "Hydrocodone/APAP 10/325 mg #90",
    "norco-5": "Norco 5/325mg #60",
    "tram-a": "Tramadol 50mg #60",
    "tram-b": "Tramadol 50 mg #30",
    "tram-100": "Tramadol ER 100mg #30",
    "flexeril": "Flexeril 10mg #30",
    "pt": "Physical therapy 10 sessions for the lumbar spine",
}


@pytest.fixture
def engine(new_engine: Engine) -> Engine:
    letters = [
        make_letter(
            f"CM16-80000{n:02d}",
            items=[
                drug_item(1, "tramadol", "Opioids", service=service)
                if key != "pt"
                else make_item(1, service=service)
            ],
            summary=f"Summary {key}.",
        )
        for n, (key, service) in enumerate(SERVICES.items())
    ]
    index_letters(new_engine, letters)
    return new_engine


def found(engine: Engine, query: str) -> set[str]:
    hits = engine.search(SearchRequest(tree=parse(f"service:({query})"), size=50)).hits
    by_service = {s: k for k, s in SERVICES.items()}
    return {by_service[h.service] for h in hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Norco 10/325", {"norco-a", "norco-b"}),
        ("Norco 10/325mg", {"norco-a", "norco-b"}),
        ("10/325mg", {"norco-a", "norco-b", "norco-c"}),
        ("10/325 mg", {"norco-a", "norco-b", "norco-c"}),
        ("tramadol 50 mg", {"tram-a", "tram-b"}),
        ("tramadol 50mg", {"tram-a", "tram-b"}),
        ("50mg", {"tram-a", "tram-b"}),
    ],
)
def test_a_strength_finds_every_spelling_of_it(
    engine: Engine, query: str, expected: set[str]
) -> None:
    assert found(engine, query) == expected


def test_a_strength_is_not_a_bare_number(engine: Engine) -> None:
    # "10mg" names Flexeril's strength, not the 10 sessions of therapy or Norco's 10/325.
    assert found(engine, "10mg") == {"flexeril"}
