"""Regions and ingredients are lists, and the filters and facets use the whole lists (both
engines): "MRI of neck and right hand" is found by --region hand, a four-agent compound by
--drug lidocaine, Terocin by --drug menthol. Items are classified by the parser from their
service text; the expectations are read from the texts."""

from __future__ import annotations

import pytest

from imr_search.model import Item
from imr_search.parse.classify import classify
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

# isort: split
from factories import index_letters, make_letter

SERVICES = [
    "MRI of neck and right hand",
    "Dextromethorphan/Amitriptyline/Lidocaine/Capsaicin cream",
    "Terocin lotion 120ml",
    "Lidoderm 5% patch #30",
    "Physical therapy 2x6 for the cervical, thoracic and lumbar spine",
    "Tramadol 50mg #60",
]


def _item(service: str) -> Item:
    c = classify(service)
    return Item(
        number=1,
        service=service,
        decision="upheld",
        category=c.category,
        subcategory=c.subcategory,
        body_region=c.body_region,
        body_regions=c.body_regions,
        modality=c.modality,
        drug=c.drug,
    )


@pytest.fixture
def engine(new_engine: Engine) -> Engine:
    letters = [make_letter(f"CM16-94000{n:02d}", items=[_item(s)]) for n, s in enumerate(SERVICES)]
    index_letters(new_engine, letters)
    return new_engine


def services(engine: Engine, **filters: tuple[str, ...]) -> set[str]:
    return {h.service for h in engine.search(SearchRequest(filters=filters, size=50)).hits}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("region", "hand", {"MRI of neck and right hand"}),
        ("region", "cervical spine", {SERVICES[0], SERVICES[4]}),
        ("region", "thoracic spine", {SERVICES[4]}),
        ("drug", "lidocaine", {SERVICES[1], SERVICES[2], SERVICES[3]}),
        ("drug", "capsaicin", {SERVICES[1], SERVICES[2]}),
        ("drug", "menthol", {SERVICES[2]}),
        ("drug", "dextromethorphan", {SERVICES[1]}),
        ("drug", "tramadol", {SERVICES[5]}),
    ],
)
def test_filters_match_any_region_or_ingredient(
    engine: Engine, name: str, value: str, expected: set[str]
) -> None:
    assert services(engine, **{name: (value,)}) == expected


def test_the_region_facet_counts_every_region(engine: Engine) -> None:
    facets = engine.search(SearchRequest(facets=True)).facets
    counts = {f.value: f.count for f in facets["region"]}
    assert counts == {"cervical spine": 2, "hand": 1, "thoracic spine": 1, "lumbar spine": 1}
