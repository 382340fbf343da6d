"""Issue 25, point 4, in the library over both engines: precedents show both sides, a rung for
"the same service at any level or side" comes before the whole subcategory, and the same drug
is found whatever category its item was filed under. The letters are generated; what each
test expects is written from the services it indexes."""

from __future__ import annotations

import pytest

from imr_search.analysis.ladder import ladder, service_words
from imr_search.analysis.precedents import CLOSEST, precedents
from imr_search.model import Item
from imr_search.parse.classify import classify
from imr_search.search.backend import Engine

# isort: split
from factories import index_letters, make_item, make_letter


def classified(number: int, service: str, decision: str, **overrides: object) -> Item:
    c = classify(service)
    values: dict[str, object] = {
        "category": c.category,
        "subcategory": c.subcategory,
        "body_region": c.body_region,
        "body_regions": list(c.body_regions),
        "modality": c.modality,
        "drug": c.drug,
        "imr_guideline": None,
        "imr_citations": [],
    }
    values.update(overrides)
    return make_item(number, service=service, decision=decision, **values)


def index(engine: Engine, services: list[tuple[str, str]], **overrides: object) -> list[str]:
    letters = [
        make_letter(items=[classified(1, service, decision, **overrides)])
        for service, decision in services
    ]
    index_letters(engine, letters)
    return [le.item_id(le.items[0]) for le in letters]


@pytest.mark.parametrize(
    ("request_text", "words"),
    [
        ("Cervical epidural steroid injection C5-6", ("epidural", "steroid", "injection")),
        ("Right knee arthroscopy", ("arthroscopy",)),
        ("Bilateral L4-5 medial branch block", ("medial", "branch", "block")),
        ("Retrospective request for left shoulder subacromial decompression", None),
    ],
)
def test_service_words_leave_out_the_place(
    request_text: str, words: tuple[str, ...] | None
) -> None:
    got = service_words(request_text)
    if words is None:  # "subacromial decompression", whatever else: never a place word
        assert "subacromial" in got
        assert "decompression" in got
        assert not {"left", "shoulder", "retrospective", "request"} & set(got)
    else:
        assert got == words


def test_the_same_service_rung_comes_before_the_subcategory() -> None:
    request = "Cervical epidural steroid injection C5-6"
    names = [r.name for r in ladder(classify(request), request)]
    assert names.index("service") < names.index("subcategory")


def test_a_cervical_esi_finds_esis_at_any_level_before_every_injection(new_engine: Engine) -> None:
    esis = index(
        new_engine,
        [
            ("Lumbar epidural steroid injection at L4-5", "upheld"),
            ("Left L5-S1 transforaminal epidural steroid injection", "overturned"),
        ],
    )
    others = index(
        new_engine,
        [("PRP injection right knee", "upheld"), ("Cortisone injection left shoulder", "upheld")],
    )
    p = precedents(new_engine, "Cervical epidural steroid injection C5-6")
    assert p.rung is not None
    assert p.rung.name == "service"
    assert {x.item_id for x in p.closest} == set(esis)
    assert not {x.item_id for x in p.closest} & set(others)
    assert (p.overall.items, p.overall.overturned) == (2, 1)
    assert p.fallback is not None
    assert "epidural steroid injection requests at any level or side" in p.fallback


@pytest.mark.parametrize(
    "request_text",
    ["CESI C5-6", "Cervical epidural steroid injection C5-6", "Right C6-7 cervical ESI"],
)
def test_the_same_service_rung_reads_abbreviations_and_long_forms_alike(
    new_engine: Engine, request_text: str
) -> None:
    # ESIs at other levels and sides, each written another way: an abbreviation, its long
    # form, a narrower kind (TFESI, LESI); and injections that are no ESI.
    esis = index(
        new_engine,
        [
            ("ESI L4-5", "upheld"),
            ("LESI at L5-S1", "upheld"),
            ("Left L5-S1 TFESI", "overturned"),
            ("Lumbar epidural steroid injection at L3-4", "overturned"),
        ],
    )
    others = index(
        new_engine,
        [("PRP injection right knee", "upheld"), ("Right SI joint injection", "overturned")],
    )
    p = precedents(new_engine, request_text)
    assert p.rung is not None
    assert p.rung.name == "service"
    assert {x.item_id for x in p.closest} == set(esis)
    assert not {x.item_id for x in p.closest} & set(others)
    assert (p.overall.items, p.overall.overturned) == (4, 2)


def test_the_rung_s_query_names_every_form_it_searches() -> None:
    request = "TFESI left L5-S1"
    rung = next(r for r in ladder(classify(request), request) if r.name == "service")
    assert rung.service == ("tfesi",)
    assert "tfesi OR (transforaminal AND epidural AND injection)" in rung.query
    # A place is no part of the service: a cervical ESI's rung is every ESI.
    request = "CESI C5-6"
    rung = next(r for r in ladder(classify(request), request) if r.name == "service")
    assert {("esi",), ("lesi",), ("tfesi",)} <= set(rung.forms)


def test_the_same_drug_is_found_whatever_its_category(new_engine: Engine) -> None:
    # A Lidoderm patch filed under DMEPOS, and an unrelated topical under Pharmaceuticals.
    patch = index(new_engine, [("Lidoderm 5% patch #30", "overturned")], category="DMEPOS",
                  subcategory=None)  # fmt: skip
    index(new_engine, [("Voltaren gel 1%", "upheld")])
    p = precedents(new_engine, "Lidocaine 5% patch")
    assert p.rung is not None
    assert p.rung.name == "drug"
    assert p.fallback is None
    assert [x.item_id for x in p.closest] == patch


def test_an_upheld_mri_sees_the_one_overturned_precedent(new_engine: Engine) -> None:
    # Twelve upheld lumbar MRIs worded exactly as the request and one overturned worded
    # otherwise: by closeness alone the ten closest would all be upheld.
    upheld = index(new_engine, [("MRI of the lumbar spine without contrast", "upheld")] * 12)
    overturned = index(new_engine, [("Repeat lumbar MRI", "overturned")])
    p = precedents(new_engine, "MRI of the lumbar spine without contrast")
    assert len(p.closest) == CLOSEST
    assert overturned[0] in [x.item_id for x in p.closest]
    assert sum(x.decision == "upheld" for x in p.closest) == CLOSEST - 1
    assert p.sides["overturned"].item_id == overturned[0]
    assert p.sides["upheld"].item_id in upheld


def test_one_sided_sets_name_only_their_side(new_engine: Engine) -> None:
    index(new_engine, [("MRI of the lumbar spine", "upheld")] * 3)
    p = precedents(new_engine, "MRI of the lumbar spine")
    assert set(p.sides) == {"upheld"}
    assert all(x.decision == "upheld" for x in p.closest)


def test_no_service_rung_when_the_subcategory_names_the_service() -> None:
    # "physical therapy" is what PT/OT says already: the words would only drop "PT 2x6".
    for request in ("Physical therapy 2x6 lumbar", "Four sessions of physical therapy"):
        assert "service" not in [r.name for r in ladder(classify(request), request)]
