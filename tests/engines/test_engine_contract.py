"""The Engine contract (imr_search.engine), run against every engine in ENGINE_FACTORIES and a
tiny in-memory engine registered for the run (``memory_engine``: adding an engine is its
package plus one ``EngineEntry``).

Expected results are computed from the Letter records themselves, never copied from an
engine's output.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_search.engines import registry
from imr_search.errors import NotFoundError, QueryError
from imr_search.model import Citation, Drug, Item, Letter, Patient, Reviewer
from imr_search.search.backend import Engine
from imr_search.search.fields import MAX_CORRECTED_WORDS
from imr_search.search.request import FACETS, FILTERS, SearchRequest

# isort: split
from conftest import ENGINE_FACTORIES, EngineFactory, engine_of, new_engine_of
from expected import (
    Pred,
    all_hits,
    always,
    band,
    cites_of,
    era_of,
    expected_facets,
    facet_dict,
    hit_ids,
    ids_where,
    imr_sources,
    pairs,
    words_of,
)
from factories import drug_item, index_letters, make_item, make_letter
from memory_engine import ENTRY as MEMORY_ENTRY


def open_memory_engine(folder: Path) -> Engine:
    """The memory engine at ``memory://<folder>`` (a name unique to the test), opened through
    the registry with its one entry added. The registry is read only while an engine is
    opened, so the entry is there for each opening and gone after it, whatever order pytest
    runs the tests in (a session fixture holding it would keep it until the session ends,
    into the other test modules)."""
    assert MEMORY_ENTRY.name not in registry.ENGINES
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry.ENGINES, MEMORY_ENTRY.name, MEMORY_ENTRY)
        return registry.open_engine(f"memory://{folder}", create=True)


@pytest.fixture(scope="session", params=[*sorted(ENGINE_FACTORIES), MEMORY_ENTRY.name])
def engine_factory(request: pytest.FixtureRequest) -> EngineFactory:
    """conftest's engine factories and the memory engine's (overrides conftest's fixture, so
    its ``corpus_engine`` and ``new_engine`` are built with each of these here)."""
    if request.param == MEMORY_ENTRY.name:
        return open_memory_engine
    return ENGINE_FACTORIES[request.param]


@pytest.fixture(scope="session")
def corpus_engine(
    engine_factory: EngineFactory,
    corpus: list[Letter],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    """conftest's, made from this module's ``engine_factory`` (see conftest: kept apart)."""
    yield from engine_of(engine_factory, corpus, tmp_path_factory)


@pytest.fixture
def new_engine(engine_factory: EngineFactory, tmp_path: Path) -> Iterator[Engine]:
    yield from new_engine_of(engine_factory, tmp_path)


# -- queries over every named field -------------------------------------------------------------

FIELD_QUERIES: list[tuple[str, Pred]] = [
    # ``about``: the service and what the parser derived from it (the drug, here).
    (
        "about:tramadol",
        lambda lt, it: (
            "tramadol" in it.service.lower() or (it.drug is not None and "tramadol" in it.drug.name)
        ),
    ),
    ("service:mri", lambda lt, it: "MRI" in it.service),
    ("service:injection", lambda lt, it: "injection" in it.service.lower()),
    ("decision:overturned", lambda lt, it: it.decision == "overturned"),
    ("decision:UPHELD", lambda lt, it: it.decision == "upheld"),
    ("category:pharmaceuticals", lambda lt, it: it.category == "Pharmaceuticals"),
    ('category:"Diagnostic Testing"', lambda lt, it: it.category == "Diagnostic Testing"),
    ('subcategory:"Muscle Relaxant"', lambda lt, it: it.subcategory == "Muscle Relaxant"),
    ("subcategory:opioids", lambda lt, it: it.subcategory == "Opioids"),
    ("drug:tramadol", lambda lt, it: bool(it.drug and it.drug.name == "tramadol")),
    ("drug:acetaminophen", lambda lt, it: bool(it.drug and "acetaminophen" in it.drug.name)),
    ('drug:"hydrocodone/acetaminophen"', lambda lt, it: bool(it.drug and "/" in it.drug.name)),
    ('region:"cervical spine"', lambda lt, it: it.body_region == "cervical spine"),
    ("modality:MRI", lambda lt, it: it.modality == "mri"),
    (
        'specialty:"Physical Medicine & Rehabilitation"',
        lambda lt, it: "Physical Medicine & Rehabilitation" in lt.reviewer.specialties,
    ),
    ("specialty:chiropractic", lambda lt, it: "Chiropractic" in lt.reviewer.specialties),
    ("state:NY", lambda lt, it: "NY" in lt.reviewer.license_states),
    ("state:ca", lambda lt, it: "CA" in lt.reviewer.license_states),
    ("state:Texas", lambda lt, it: "TX" in lt.reviewer.license_states),
    ('state:"New York"', lambda lt, it: "NY" in lt.reviewer.license_states),
    (
        "guideline:odg",
        lambda lt, it: (
            any(c.source == "ODG" for c in it.claims_citations)
            or any(c.source == "ODG" for c in it.imr_citations)
        ),
    ),
    ("guideline:uptodate", lambda lt, it: any(c.source == "other" for c in it.imr_citations)),
    (
        'mtus:"Neck and Upper Back Complaints"',
        lambda lt, it: any(c.part == "Neck and Upper Back Complaints" for c in it.imr_citations),
    ),
    ("rationale:radiculopathy", lambda lt, it: "Radiculopathy" in it.rationale),
    ("rationale:opioids", lambda lt, it: "opioid" in it.rationale.lower()),
    ("summary:vehicle", lambda lt, it: "vehicle" in lt.summary),
    ("case:cm16-0000004", lambda lt, it: lt.case_number == "CM16-0000004"),
    # The case outcome: from the letter's items, as DWC's search has it.
    ("outcome:upheld", lambda lt, it: {i.decision for i in lt.items} == {"upheld"}),
    ("outcome:overturned", lambda lt, it: {i.decision for i in lt.items} == {"overturned"}),
    ('outcome:"partially overturned"', lambda lt, it: len({i.decision for i in lt.items}) == 2),
    ('outcome:"Partially Overturn"', lambda lt, it: len({i.decision for i in lt.items}) == 2),
    (
        "received:[2015-01-01 TO 2015-06-30]",
        lambda lt, it: (
            lt.application_received is not None
            and dt.date(2015, 1, 1) <= lt.application_received <= dt.date(2015, 6, 30)
        ),
    ),
    (
        "received:[2016-01-01 TO]",
        lambda lt, it: (
            lt.application_received is not None and lt.application_received >= dt.date(2016, 1, 1)
        ),
    ),
    (
        "urdenial:2014",
        lambda lt, it: lt.ur_denial_date is not None and lt.ur_denial_date.year == 2014,
    ),
    (
        "injured:[2011-01-01 TO 2012-12-31]",
        lambda lt, it: (
            lt.date_of_injury is not None
            and dt.date(2011, 1, 1) <= lt.date_of_injury <= dt.date(2012, 12, 31)
        ),
    ),
    ("decided:2016", lambda lt, it: lt.decision_date is not None and lt.decision_date.year == 2016),
    (
        "decided:[2015-03-01 TO 2015-12-31]",
        lambda lt, it: (
            lt.decision_date is not None
            and dt.date(2015, 3, 1) <= lt.decision_date <= dt.date(2015, 12, 31)
        ),
    ),
    (
        "decided:[2017-01-01 TO]",
        lambda lt, it: lt.decision_date is not None and lt.decision_date >= dt.date(2017, 1, 1),
    ),
    (
        "decided:2016-05",
        lambda lt, it: (
            lt.decision_date is not None
            and (lt.decision_date.year, lt.decision_date.month) == (2016, 5)
        ),
    ),
    ("injured:2012", lambda lt, it: bool(lt.date_of_injury and lt.date_of_injury.year == 2012)),
    ("assigned:2015-01-01", lambda lt, it: lt.date_assigned == dt.date(2015, 1, 1)),
    ("age:[40 TO 60]", lambda lt, it: lt.patient.age is not None and 40 <= lt.patient.age <= 60),
    ("age:[60 TO]", lambda lt, it: lt.patient.age is not None and lt.patient.age >= 60),
    ("age:45", lambda lt, it: lt.patient.age == 45),
    ("sex:male", lambda lt, it: lt.patient.sex == "male"),
    ("partial:true", lambda lt, it: it.partial),
    ("partial:false", lambda lt, it: not it.partial),
    (
        'citation:"mtus > chronic pain medical treatment 2009 > physical medicine"',
        lambda lt, it: any(c.section == "Physical Medicine" for c in it.imr_citations),
    ),
    (
        'urcitation:"ODG > Neck and Upper Back > MRI"',
        lambda lt, it: any(c.source == "ODG" for c in it.claims_citations),
    ),
    ('cites:"outside MTUS"', lambda lt, it: cites_of(it) == "outside MTUS"),
    ("cites:both", lambda lt, it: cites_of(it) == "both"),
    ("era:mtus-2016", lambda lt, it: era_of(lt) == "mtus-2016"),
    ("era:acoem-2017", lambda lt, it: era_of(lt) == "acoem-2017"),
    ("reason:exceeds-limits", lambda lt, it: "exceeds-limits" in it.reasons),
    (
        "decision:upheld AND NOT reason:no-functional-improvement",
        lambda lt, it: it.decision == "upheld" and "no-functional-improvement" not in it.reasons,
    ),
    # plain words search service, rationale, summary and citations
    ("flexeril", lambda lt, it: "Flexeril" in it.service),
    ("tramadol", lambda lt, it: "Tramadol" in it.service or "Tramadol" in it.rationale),
    ("exacerbations", lambda lt, it: "exacerbations" in it.rationale),
    ("uptodate", lambda lt, it: any(c.source == "other" for c in it.imr_citations)),
    ("vehicle", lambda lt, it: "vehicle" in lt.summary),
    # syntax
    ("tramadol OR flexeril", lambda lt, it: "Tramadol" in it.service or "Flexeril" in it.service),
    (
        "category:pharmaceuticals AND NOT decision:upheld",
        lambda lt, it: it.category == "Pharmaceuticals" and it.decision == "overturned",
    ),
    ('"urine drug screening"', lambda lt, it: "urine drug screening" in it.rationale),
    ("flexer*", lambda lt, it: "Flexeril" in it.service),
    ("Category:Injection", lambda lt, it: it.category == "Injection"),
]


@pytest.mark.parametrize(("query", "pred"), FIELD_QUERIES, ids=[q for q, _ in FIELD_QUERIES])
def test_every_named_field_matches_the_records(
    corpus_engine: Engine, corpus: list[Letter], query: str, pred: Pred
) -> None:
    expected = ids_where(corpus, pred)
    assert expected, f"the corpus has no example for {query!r}"
    assert hit_ids(corpus_engine, query) == expected


def test_every_query_field_is_tested() -> None:
    from imr_search.search.fields import QUERY_FIELDS

    tested = {q.split(":")[0].lower() for q, _ in FIELD_QUERIES if ":" in q}
    assert set(QUERY_FIELDS) <= tested


def test_empty_query_matches_every_item(corpus_engine: Engine, corpus: list[Letter]) -> None:
    assert hit_ids(corpus_engine, "") == ids_where(corpus, always)


# -- filters ----------------------------------------------------------------------------------

FILTER_CASES: list[tuple[str, tuple[str, ...], Pred]] = [
    ("decision", ("overturned",), lambda lt, it: it.decision == "overturned"),
    ("state", ("NY", "TX"), lambda lt, it: bool({"NY", "TX"} & set(lt.reviewer.license_states))),
    ("state", ("New York",), lambda lt, it: "NY" in lt.reviewer.license_states),
    ("specialty", ("Pain Medicine",), lambda lt, it: "Pain Medicine" in lt.reviewer.specialties),
    ("category", ("Injection", "Diagnostic Testing"), lambda lt, it: it.category in
     ("Injection", "Diagnostic Testing")),
    ("subcategory", ("Opioids",), lambda lt, it: it.subcategory == "Opioids"),
    ("region", ("lumbar spine",), lambda lt, it: it.body_region == "lumbar spine"),
    ("modality", ("mri",), lambda lt, it: it.modality == "mri"),
    ("drug", ("cyclobenzaprine",), lambda lt, it: bool(it.drug and it.drug.name ==
     "cyclobenzaprine")),
    ("guideline", ("ODG",), lambda lt, it: "ODG" in imr_sources(it)),
    ("guideline", ("none",), lambda lt, it: not it.imr_citations),
    ("guideline", ("other", "ACOEM"), lambda lt, it: bool({"other", "ACOEM"} &
     set(imr_sources(it)))),
    ("mtus", ("Chronic Pain Medical Treatment",), lambda lt, it: any(
        c.part == "Chronic Pain Medical Treatment" for c in it.imr_citations)),
    ("sex", ("female",), lambda lt, it: lt.patient.sex == "female"),
    ("year", ("2015", "2017"), lambda lt, it: bool(lt.decision_date and
     lt.decision_date.year in (2015, 2017))),
    ("age", ("<30", "60+"), lambda lt, it: band(lt.patient.age) in ("<30", "60+")),
    ("age", ("40-49",), lambda lt, it: band(lt.patient.age) == "40-49"),
    ("outcome", ("overturned", "upheld"), lambda lt, it: len({i.decision for i in lt.items}) == 1),
    ("outcome", ("partially overturned",), lambda lt, it: len({i.decision for i in lt.items}) == 2),
    ("citation", ("ACOEM > Low Back Disorders", "other"), lambda lt, it: any(
        c.source in ("ACOEM", "other") for c in it.imr_citations)),
    ("urcitation", ("odg > neck and upper back > mri",), lambda lt, it: any(
        c.source == "ODG" for c in it.claims_citations)),
    ("cites", ("none", "MTUS only"), lambda lt, it: cites_of(it) in ("none", "MTUS only")),
    ("era", ("mtus-2009", "acoem-2017"), lambda lt, it: era_of(lt) in ("mtus-2009", "acoem-2017")),
    (
        "reason",
        ("opioid-monitoring", "indications-not-met"),
        lambda lt, it: bool({"opioid-monitoring", "indications-not-met"} & set(it.reasons)),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "values", "pred"), FILTER_CASES, ids=[f"{n}={v}" for n, v, _ in FILTER_CASES]
)
def test_every_filter_ors_its_values(
    corpus_engine: Engine, corpus: list[Letter], name: str, values: tuple[str, ...], pred: Pred
) -> None:
    expected = ids_where(corpus, pred)
    assert expected
    assert hit_ids(corpus_engine, filters={name: values}) == expected


def test_every_filter_name_is_tested() -> None:
    assert {name for name, _, _ in FILTER_CASES} == set(FILTERS)


def test_filters_are_anded_with_each_other_and_the_query(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    expected = ids_where(
        corpus,
        lambda lt, it: (
            it.subcategory == "Opioids"
            and "CA" in lt.reviewer.license_states
            and "pain" in words_of(lt, it)
        ),
    )
    assert expected
    found = hit_ids(corpus_engine, "pain", filters={"subcategory": ("Opioids",), "state": ("CA",)})
    assert found == expected


def test_date_from_and_date_to_bound_the_decision_date(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    lo, hi = dt.date(2015, 6, 1), dt.date(2016, 6, 30)
    expected = ids_where(
        corpus, lambda lt, it: bool(lt.decision_date and lo <= lt.decision_date <= hi)
    )
    assert hit_ids(corpus_engine, date_from=lo, date_to=hi) == expected
    after = ids_where(corpus, lambda lt, it: bool(lt.decision_date and lt.decision_date >= hi))
    assert hit_ids(corpus_engine, date_from=hi) == after


def test_date_ranges_bound_the_other_dates(corpus_engine: Engine, corpus: list[Letter]) -> None:
    lo, hi = dt.date(2015, 3, 1), dt.date(2016, 2, 28)
    received = ids_where(
        corpus,
        lambda lt, it: bool(lt.application_received and lo <= lt.application_received <= hi),
    )
    assert received
    found = corpus_engine.search(SearchRequest(ranges={"received": (lo, hi)}, size=100))
    assert sorted(h.item_id for h in found.hits) == sorted(received)
    # Open at the top; AND-ed with the decision date and another range.
    both = ids_where(
        corpus,
        lambda lt, it: bool(
            lt.ur_denial_date
            and lt.ur_denial_date >= lo
            and lt.date_of_injury
            and lt.date_of_injury <= dt.date(2012, 12, 31)
        ),
    )
    assert both
    found = corpus_engine.search(
        SearchRequest(
            ranges={"urdenial": (lo, None), "injured": (None, dt.date(2012, 12, 31))}, size=100
        )
    )
    assert sorted(h.item_id for h in found.hits) == sorted(both)
    with pytest.raises(QueryError, match="unknown date range 'colour'"):
        corpus_engine.search(SearchRequest(ranges={"colour": (lo, hi)}))
    with pytest.raises(QueryError, match="starts"):
        corpus_engine.search(SearchRequest(ranges={"received": (hi, lo)}))


def test_excluded_letters_leave_their_items_out(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    left_out = {corpus[0].id, corpus[3].id}
    expected = ids_where(corpus, lambda lt, it: lt.id not in left_out)
    assert hit_ids(corpus_engine, exclude_letters=tuple(left_out)) == expected
    opioids = ids_where(corpus, lambda lt, it: it.subcategory == "Opioids")
    kept = {i for i in opioids if i.split("#")[0] not in left_out}
    found = hit_ids(
        corpus_engine, filters={"subcategory": ("Opioids",)}, exclude_letters=tuple(left_out)
    )
    assert found == kept


def test_unknown_filter_or_value_is_a_query_error(corpus_engine: Engine) -> None:
    with pytest.raises(QueryError, match="unknown filter 'colour'"):
        corpus_engine.search(SearchRequest(filters={"colour": ("red",)}))
    with pytest.raises(QueryError, match="age filter"):
        corpus_engine.search(SearchRequest(filters={"age": ("old",)}))
    with pytest.raises(QueryError, match="year filter"):
        corpus_engine.search(SearchRequest(filters={"year": ("20x6",)}))


# -- facets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "filters", "pred"),
    [
        ("", {}, always),
        ("pain", {}, lambda lt, it: "pain" in words_of(lt, it)),
        (
            "",
            {"state": ("NY",), "decision": ("upheld",)},
            lambda lt, it: "NY" in lt.reviewer.license_states and it.decision == "upheld",
        ),
    ],
    ids=["all", "query", "filtered"],
)
def test_facet_counts_cover_the_whole_result_set_not_the_page(
    corpus_engine: Engine,
    corpus: list[Letter],
    query: str,
    filters: dict[str, tuple[str, ...]],
    pred: Pred,
) -> None:
    result = corpus_engine.search(SearchRequest(query=query, filters=filters, facets=True, size=2))
    assert len(result.hits) <= 2
    assert result.total == len(ids_where(corpus, pred))
    assert list(result.facets) == list(FACETS)
    assert facet_dict(result) == expected_facets(corpus, pred)


def test_facet_values_of_active_filters_are_selected(corpus_engine: Engine) -> None:
    result = corpus_engine.search(
        SearchRequest(filters={"state": ("ny",), "category": ("Injection",)}, facets=True)
    )
    selected = {
        (name, fc.value) for name, values in result.facets.items() for fc in values if fc.selected
    }
    assert selected == {("state", "NY"), ("category", "Injection")}


def test_age_facet_uses_bands_in_order(corpus_engine: Engine) -> None:
    result = corpus_engine.search(SearchRequest(facets=True))
    assert [fc.value for fc in result.facets["age"]] == ["<30", "30-39", "40-49", "50-59", "60+"]


# -- sorting, paging, grouping ------------------------------------------------------------------


def test_sort_by_decision_date_both_ways(corpus_engine: Engine) -> None:
    up = all_hits(corpus_engine, sort="decided").hits
    down = all_hits(corpus_engine, sort="-decided").hits
    dates = [h.decision_date for h in up]
    assert dates == sorted(dates)  # type: ignore[type-var]
    assert [h.decision_date for h in down] == sorted(dates, reverse=True)  # type: ignore[type-var]


def test_relevance_puts_the_service_match_first(corpus_engine: Engine) -> None:
    hits = all_hits(corpus_engine, query="tramadol").hits
    assert "Tramadol" in hits[0].service
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_pages_partition_the_results(corpus_engine: Engine, corpus: list[Letter]) -> None:
    total = len(ids_where(corpus, always))
    seen: list[str] = []
    page = 1
    while True:
        result = corpus_engine.search(SearchRequest(sort="decided", page=page, size=7))
        assert result.total == total
        assert result.pages == -(-total // 7)
        if not result.hits:
            break
        seen += [h.item_id for h in result.hits]
        page += 1
    assert len(seen) == len(set(seen)) == total


def test_letters_groups_items_by_letter(corpus_engine: Engine, corpus: list[Letter]) -> None:
    pred: Pred = lambda lt, it: it.category == "Pharmaceuticals"  # noqa: E731
    letters = {lt.id for lt, it in pairs(corpus) if pred(lt, it)}
    result = corpus_engine.search(
        SearchRequest(query="category:pharmaceuticals", letters=True, size=100)
    )
    assert result.total == len(letters)
    assert result.hits == []
    assert {g.letter_id for g in result.groups} == letters
    for group in result.groups:
        letter = next(lt for lt in corpus if lt.id == group.letter_id)
        assert {h.item_id for h in group.hits} == {
            letter.item_id(it) for it in letter.items if pred(letter, it)
        }
        assert group.case_number == letter.case_number
    page2 = corpus_engine.search(
        SearchRequest(query="category:pharmaceuticals", letters=True, size=3, page=2)
    )
    assert [g.letter_id for g in page2.groups] == [g.letter_id for g in result.groups][3:6]


def test_hit_carries_item_and_letter_fields(corpus_engine: Engine, corpus: list[Letter]) -> None:
    letter = corpus[4]
    item = letter.items[0]
    [hit] = all_hits(corpus_engine, query=f"case:{letter.id} AND decision:{item.decision}").hits[:1]
    hit = next(h for h in all_hits(corpus_engine, query=f"case:{letter.id}").hits
               if h.item_number == item.number)  # fmt: skip
    assert hit.letter_id == letter.id
    assert hit.item_id == letter.item_id(item)
    assert hit.service == item.service
    assert hit.decision_date == letter.decision_date
    assert hit.license_states == letter.reviewer.license_states
    assert hit.guideline_sources == imr_sources(item)
    assert hit.drug == (item.drug.name if item.drug else None)


def test_snippet_highlights_query_words_in_the_rationale(corpus_engine: Engine) -> None:
    hit = all_hits(corpus_engine, query="radiculopathy").hits[0]
    text = "".join(s.text for s in hit.snippet)
    assert any(s.match and s.text.lower() == "radiculopathy" for s in hit.snippet)
    assert text.strip("… ") in hit_rationale(corpus_engine, hit.item_id)


def test_letter_source_is_the_key_the_writer_gave(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    # index_letters puts each letter under its own source name.
    for letter in corpus[:3]:
        source = corpus_engine.letter_source(letter.id)
        assert source.key == letter.source
        assert source.content_hash == f"hash-{letter.id}"
    for unknown in ("CM99-0000000", f"{corpus[0].id}#1", "../etc/passwd", ""):
        with pytest.raises(NotFoundError):
            corpus_engine.letter_source(unknown)


def test_hits_and_records_carry_the_letter_fields(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    by_id = {lt.id: lt for lt in corpus}
    result = corpus_engine.search(SearchRequest(size=100, letters=True))
    for group in result.groups:
        decisions = {i.decision for i in by_id[group.letter_id].items}
        expected = "partially overturned" if len(decisions) == 2 else decisions.pop()
        assert group.outcome == expected
        assert all(h.outcome == expected for h in group.hits)
    for record in corpus_engine.iter_items(SearchRequest()):
        letter = by_id[record.letter_id]
        assert record.license_states == letter.reviewer.license_states
        assert record.application_received == letter.application_received
        assert record.ur_denial_date == letter.ur_denial_date
        assert record.date_of_injury == letter.date_of_injury
        assert (record.age, record.sex) == (letter.patient.age, letter.patient.sex)


def hit_rationale(engine: Engine, item_id: str) -> str:
    letter_id, number = item_id.split("#")
    letter = engine.get_letter(letter_id)
    return next(it.rationale for it in letter.items if it.number == int(number))


def test_snippet_offsets_are_characters_not_bytes(new_engine: Engine) -> None:
    rationale = "Café société naïve: the radiculopathy is documented; œdème résolu."
    index_letters(new_engine, [make_letter(items=[make_item(rationale=rationale)])])
    [hit] = new_engine.search(SearchRequest(query="radiculopathy")).hits
    assert [s.text for s in hit.snippet if s.match] == ["radiculopathy"]
    assert "".join(s.text for s in hit.snippet) == rationale


def test_a_time_limit_that_is_not_reached_changes_nothing(corpus_engine: Engine) -> None:
    limited = corpus_engine.search(SearchRequest(query="pain", time_limit=30.0, facets=True))
    plain = corpus_engine.search(SearchRequest(query="pain", facets=True))
    assert limited.warnings == []
    assert [h.item_id for h in limited.hits] == [h.item_id for h in plain.hits]
    assert limited.facets == plain.facets


def test_bad_page_or_size_is_a_query_error(corpus_engine: Engine) -> None:
    with pytest.raises(QueryError, match="page"):
        corpus_engine.search(SearchRequest(page=0))
    with pytest.raises(QueryError, match="size"):
        corpus_engine.search(SearchRequest(size=1000))


# -- strict queries ---------------------------------------------------------------------------

BAD_QUERIES = [
    ("colour:red", "unknown field 'colour'", 0),
    ("pain speciality:chiropractic", "unknown field 'speciality' (did you mean 'specialty'?)", 5),
    ("decided:2016-13-01", "'2016-13-01' is not a valid date", 8),
    ("decided:yesterday", "'yesterday' is not a date", 8),
    ("decided:[2016-01-01 TO 2016-02-30]", "'2016-02-30' is not a valid date", 8),
    ("age:[x TO", "unbalanced range", 4),
    ("age:[x TO 50]", "'x' is not a whole number", 4),
    ("age:old", "'old' is not a whole number", 4),
    ('"lumbar spine', "unbalanced quote", 0),
    ('service:"lumbar', "unbalanced quote", 8),
    ("(lumbar OR cervical", "unbalanced parenthesis", 0),
    ("lumbar)", "unbalanced parenthesis", 6),
    ("decision:maybe", "'maybe' is not one of upheld, overturned", 9),
    ("sex:x", "is not one of male, female", 4),
    ("service:", "has no value", 0),
    ("lumbar ]", "unbalanced range", 7),
]


@pytest.mark.parametrize(("query", "message", "position"), BAD_QUERIES)
def test_bad_query_is_an_error_saying_what_and_where(
    corpus_engine: Engine, query: str, message: str, position: int
) -> None:
    with pytest.raises(QueryError) as info:
        corpus_engine.search(SearchRequest(query=query))
    assert message in str(info.value)
    assert info.value.position == position
    assert f"at position {position}" in str(info.value)


def test_over_long_query_is_an_error(corpus_engine: Engine) -> None:
    with pytest.raises(QueryError, match="query is too long"):
        corpus_engine.search(SearchRequest(query="pain " * 500))


def test_over_wide_wildcard_is_an_error(new_engine: Engine) -> None:
    words = " ".join(f"zz{i:05d}" for i in range(2100))
    index_letters(new_engine, [make_letter(items=[make_item(rationale=words)])])
    with pytest.raises(QueryError, match="matches too many terms"):
        new_engine.search(SearchRequest(query="zz*"))
    assert new_engine.search(SearchRequest(query="zz0000*")).total == 1


def test_stop_words_are_searched_so_not_is_not_is(new_engine: Engine) -> None:
    denied = make_item(1, rationale="The request is not medically necessary.")
    granted = make_item(2, decision="overturned", rationale="The request is medically necessary.")
    index_letters(new_engine, [make_letter("CM-NOT", items=[denied, granted])])
    assert hit_ids(new_engine, '"not medically necessary"') == {"CM-NOT#1"}
    assert hit_ids(new_engine, '"is medically necessary"') == {"CM-NOT#2"}
    assert hit_ids(new_engine, '"medically necessary"') == {"CM-NOT#1", "CM-NOT#2"}


def test_dotted_words_are_split(new_engine: Engine) -> None:
    item = make_item(rationale="See drugs.com/pro/ondansetron.html for the label.")
    index_letters(new_engine, [make_letter("CM-DOT", items=[item])])
    assert hit_ids(new_engine, "ondansetron") == {"CM-DOT#1"}


def test_snippet_highlights_the_words_a_prefix_matched(corpus_engine: Engine) -> None:
    hit = corpus_engine.search(SearchRequest(query="radicul*")).hits[0]
    assert any(s.match and s.text.lower().startswith("radicul") for s in hit.snippet)


def test_patterns_match_the_words_as_written_not_their_stems(new_engine: Engine) -> None:
    # "oxy*" was once stemmed to "oxi*" and found nothing while "oxycodone" found the item.
    oxy = make_item(1, service="Oxycodone 10mg #60", rationale="Opioids are not indicated.")
    other = make_item(2, service="Oxford knee brace", rationale="A brace is not indicated.")
    index_letters(new_engine, [make_letter("CM-OXY", items=[oxy, other])])
    assert hit_ids(new_engine, "oxycodone") == {"CM-OXY#1"}
    assert hit_ids(new_engine, "oxy*") == {"CM-OXY#1"}
    assert hit_ids(new_engine, "Oxy*") == {"CM-OXY#1"}
    assert hit_ids(new_engine, "service:ox*") == {"CM-OXY#1", "CM-OXY#2"}
    assert hit_ids(new_engine, "o?ycodone") == {"CM-OXY#1"}
    assert hit_ids(new_engine, "oxycodone*") == {"CM-OXY#1"}
    assert hit_ids(new_engine, "oxyc?d*") == {"CM-OXY#1"}
    assert hit_ids(new_engine, "oxi*") == set()  # the stem of "oxy" is no pattern of its own
    assert hit_ids(new_engine, "rationale:indicat*") == {"CM-OXY#1", "CM-OXY#2"}


@given(st.text(alphabet='ab:()"[]{} *?^~-TOANDRNOT', max_size=30))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_query_string_either_runs_or_is_a_query_error(corpus_engine: Engine, text: str) -> None:
    with contextlib.suppress(QueryError):
        corpus_engine.search(SearchRequest(query=text))


# -- suggestions, similar, stats ------------------------------------------------------------------


def test_misspelt_word_gets_a_suggestion(corpus_engine: Engine) -> None:
    # As typed (no vocabulary, no respelling), a word no item has draws a suggestion.
    result = corpus_engine.search(SearchRequest(query="lumbr", synonyms=False))
    assert result.total == 0
    assert result.suggestions == {"lumbr": "lumbar"}
    assert "lumbar" in corpus_engine.suggest("lumbr")


def test_misspelt_word_is_searched_as_its_spelling_and_says_so(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    # By default the search box answers the word the index knows, and says which.
    result = corpus_engine.search(SearchRequest(query="lumbr", size=100))
    assert result.respelled == {"lumbr": "lumbar"}
    lumbar = ids_where(
        corpus,
        lambda lt, it: (
            "lumbar" in it.service.lower()
            or "lumbar" in " ".join(it.body_regions or [it.body_region or ""]).lower()
        ),
    )
    assert {h.item_id for h in result.hits} == lumbar


def test_known_words_get_no_suggestion(corpus_engine: Engine) -> None:
    assert corpus_engine.search(SearchRequest(query="lumbar pain")).suggestions == {}


def test_similar_finds_items_with_like_rationale(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    letter = next(lt for lt in corpus if any("Radiculopathy" in it.rationale for it in lt.items))
    item = next(it for it in letter.items if "Radiculopathy" in it.rationale)
    found = corpus_engine.similar(text=item.rationale, limit=5)
    assert "Radiculopathy" in found[0].item.rationale
    excluded = corpus_engine.similar(text=item.rationale, exclude=letter.item_id(item), limit=50)
    assert letter.item_id(item) not in {r.item_id for r in excluded}
    assert {r.item_id for r in excluded} < ids_where(
        corpus,
        lambda lt, it: bool(
            set(it.rationale.lower().split()) & set(item.rationale.lower().split())
        ),
    )


def test_iter_items_yields_whole_items_best_first(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    records = list(corpus_engine.iter_items(SearchRequest(query="subcategory:opioids"), limit=3))
    assert len(records) == 3
    for record in records:
        letter = next(lt for lt in corpus if lt.id == record.letter_id)
        assert record.item in letter.items
        assert record.summary == letter.summary
    every = list(corpus_engine.iter_items(SearchRequest(query="subcategory:opioids")))
    assert len(every) == len(ids_where(corpus, lambda lt, it: it.subcategory == "Opioids"))


def test_stats_count_the_records(corpus_engine: Engine, corpus: list[Letter]) -> None:
    stats = corpus_engine.stats()
    everything = pairs(corpus)
    assert stats.letters == len(corpus)
    assert stats.items == len(everything)
    assert stats.overturned == sum(it.decision == "overturned" for _, it in everything)
    dates = [lt.decision_date for lt in corpus if lt.decision_date]
    assert (stats.first_decision, stats.last_decision) == (min(dates), max(dates))
    categories = Counter(it.category for _, it in everything if it.category)
    assert dict(stats.top_categories) == dict(categories)


# -- writing ----------------------------------------------------------------------------------


def test_put_replaces_a_letter_with_the_same_id(new_engine: Engine) -> None:
    index_letters(new_engine, [make_letter("CM1", items=[make_item(1), make_item(2)])])
    replacement = make_letter("CM1", items=[drug_item(1, "tramadol", "Opioids")])
    index_letters(new_engine, [replacement])
    assert hit_ids(new_engine) == {"CM1#1"}
    assert new_engine.get_letter("CM1") == replacement
    assert new_engine.stats().letters == 1


def test_put_replaces_the_letter_of_the_same_source(new_engine: Engine) -> None:
    with new_engine.writer() as w:
        w.put(make_letter("CM1"), source_key="a.pdf", content_hash="1")
    with new_engine.writer() as w:
        w.put(make_letter("CM2"), source_key="a.pdf", content_hash="2")
    assert hit_ids(new_engine) == {"CM2#1"}
    assert new_engine.sources() == {"a.pdf": SourceStateLike("CM2", "2")}
    with pytest.raises(NotFoundError):
        new_engine.get_letter("CM1")


def SourceStateLike(letter_id: str, content_hash: str) -> object:
    from imr_search.search.results import SourceState

    return SourceState(letter_id, content_hash)


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_letter_put_twice_in_one_batch_is_there_once(new_engine: Engine, rebuild: bool) -> None:
    index_letters(new_engine, [make_letter("CM1"), make_letter("CM9")])
    first, second = make_letter("CM1"), make_letter("CM1", summary="second version")
    with new_engine.writer(rebuild=rebuild) as w:
        w.put(first, source_key="a.pdf", content_hash="1")
        w.put(second, source_key="a.pdf", content_hash="2")
        w.put(make_letter("CM2"), source_key="b.pdf", content_hash="3")
        w.put(make_letter("CM3"), source_key="b.pdf", content_hash="4")
    kept = {"CM1#1", "CM3#1"} | (set() if rebuild else {"CM9#1"})
    assert hit_ids(new_engine) == kept
    assert new_engine.get_letter("CM1").summary == "second version"
    assert new_engine.stats().letters == len(kept)


def test_delete_removes_the_letter_and_its_items(new_engine: Engine) -> None:
    index_letters(new_engine, [make_letter("CM1"), make_letter("CM2")])
    with new_engine.writer() as w:
        w.delete("CM1")
    assert hit_ids(new_engine) == {"CM2#1"}
    assert set(new_engine.sources()) == {"CM2.pdf"}
    with pytest.raises(NotFoundError, match="CM1"):
        new_engine.get_letter("CM1")


def test_an_exception_in_the_writer_block_keeps_the_old_content(new_engine: Engine) -> None:
    index_letters(new_engine, [make_letter("CM1")])

    def fail_midway() -> None:
        with new_engine.writer() as w:
            w.put(make_letter("CM2"), source_key="b", content_hash="b")
            w.delete("CM1")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_midway()
    assert hit_ids(new_engine) == {"CM1#1"}


def test_rebuild_replaces_everything_at_commit(new_engine: Engine) -> None:
    index_letters(new_engine, [make_letter("CM1"), make_letter("CM2")])
    with new_engine.writer(rebuild=True) as w:
        w.put(make_letter("CM3"), source_key="c", content_hash="c")
        assert hit_ids(new_engine) == {"CM1#1", "CM2#1"}  # not before the commit
    assert hit_ids(new_engine) == {"CM3#1"}
    assert set(new_engine.sources()) == {"c"}


def test_empty_index_searches_and_counts_nothing(new_engine: Engine) -> None:
    result = new_engine.search(SearchRequest(query="pain", facets=True, letters=True))
    assert result.total == 0
    assert new_engine.stats().items == 0
    assert new_engine.sources() == {}
    assert new_engine.similar(text="pain") == []


def test_a_commit_by_another_engine_is_seen_without_reopening(
    engine_factory: Callable[[Path], Engine], tmp_path: Path
) -> None:
    reader = engine_factory(tmp_path)
    writer = engine_factory(tmp_path)
    index_letters(writer, [make_letter("CM1")])
    assert hit_ids(reader) == {"CM1#1"}
    index_letters(writer, [make_letter("CM2")])
    assert hit_ids(reader) == {"CM1#1", "CM2#1"}
    writer.close()
    reader.close()


# -- round trip -------------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
_opt_text = st.none() | _text
_dates = st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))
_citations = st.builds(
    Citation,
    source=st.sampled_from(["MTUS", "ODG", "ACOEM", "other"]),
    part=_opt_text,
    edition=st.none() | st.integers(1990, 2030),
    chapter=st.none() | st.integers(1, 20),
    section=_opt_text,
    pages=_opt_text,
    text=_text,
)
_items = st.builds(
    Item,
    number=st.integers(1, 30),
    service=_text,
    decision=st.sampled_from(["upheld", "overturned"]),
    original_request=_opt_text,
    partial=st.booleans(),
    category=_opt_text,
    subcategory=_opt_text,
    body_region=_opt_text,
    modality=_opt_text,
    retrospective=st.booleans(),
    drug=st.none() | st.builds(Drug, name=_text.filter(bool), brand=_opt_text, strength=_opt_text,
                               quantity=st.none() | st.integers(0, 999),
                               refills=st.none() | st.integers(0, 12)),
    claims_guideline=_opt_text,
    imr_guideline=_opt_text,
    claims_citations=st.lists(_citations, max_size=2),
    imr_citations=st.lists(_citations, max_size=2),
    rationale=_text,
)  # fmt: skip
_letters = st.builds(
    Letter,
    id=st.from_regex(r"CM1[0-9]-[0-9]{7}", fullmatch=True),
    source=_text,
    layout=st.sampled_from(["2014", "2013-notice", "professional-review"]),
    case_number=_opt_text,
    priority=_opt_text,
    date_assigned=_dates,
    date_of_injury=_dates,
    decision_date=_dates,
    ur_denial_date=_dates,
    application_received=_dates,
    reviewer=st.builds(Reviewer, specialties=st.lists(_text, max_size=3),
                       board_certified=st.none() | st.booleans(),
                       license_states=st.lists(_text, max_size=3)),
    patient=st.builds(Patient, age=st.none() | st.integers(0, 120),
                      sex=st.none() | st.sampled_from(["male", "female"])),
    summary=_text,
    items=st.lists(_items, max_size=3, unique_by=lambda i: i.number),
    warnings=st.lists(_text, max_size=2),
)  # fmt: skip


@pytest.mark.slow
@given(letters=st.lists(_letters, min_size=1, max_size=8, unique_by=lambda lt: lt.id))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_letter_round_trips_through_the_index(
    engine_factory: Callable[[Path], Engine],
    tmp_path_factory: pytest.TempPathFactory,
    letters: list[Letter],
) -> None:
    # A fresh folder per example: Hypothesis seeds `random`, which Whoosh names segments with.
    engine = engine_factory(tmp_path_factory.mktemp("roundtrip"))
    with engine.writer() as w:
        for n, letter in enumerate(letters):
            w.put(letter, source_key=f"{n}:{letter.source}", content_hash="h")
    for letter in letters:
        back = engine.get_letter(letter.id)
        assert back == letter
        assert dataclasses.asdict(back) == dataclasses.asdict(letter)
    engine.close()


def test_unknown_letter_is_not_found(corpus_engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="no letter 'CM00-0000000'"):
        corpus_engine.get_letter("CM00-0000000")


def test_requests_in_flight_survive_commits_by_others(
    engine_factory: Callable[[Path], Engine], tmp_path: Path
) -> None:
    reader = engine_factory(tmp_path)
    writer = engine_factory(tmp_path)
    index_letters(writer, [make_letter(f"CM-{i:03d}") for i in range(30)])
    running = reader.iter_items(SearchRequest(sort="decided"))
    first = next(running)
    for round_ in range(12):  # enough commits for segments to be merged and their files deleted
        index_letters(writer, [make_letter(f"CM-{round_:03d}", summary=f"round {round_}")])
    rest = list(running)
    assert len(rest) + 1 == 30
    assert {r.letter_id for r in [first, *rest]} == {f"CM-{i:03d}" for i in range(30)}
    assert reader.get_letter("CM-011").summary == "round 11"
    writer.close()
    reader.close()


def test_threads_search_while_another_engine_commits(
    engine_factory: Callable[[Path], Engine], tmp_path: Path
) -> None:
    reader = engine_factory(tmp_path)
    writer = engine_factory(tmp_path)
    index_letters(writer, [make_letter(f"CM-{i:03d}") for i in range(10)])
    errors: list[BaseException] = []

    def search_many() -> None:
        try:
            for _ in range(20):
                result = reader.search(SearchRequest(query="therapy", facets=True))
                assert result.total >= 10
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=search_many) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(5):
        index_letters(writer, [make_letter(f"CM-NEW-{i}")])
    for t in threads:
        t.join()
    assert errors == []
    assert reader.stats().letters == 15
    writer.close()
    reader.close()


# -- the time limit covers the spelling suggestions (issue 13) -------------------------------


def test_the_time_limit_covers_spelling_suggestions(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    # The probe's query: 200 words no letter has, 999 characters. Only the first
    # MAX_CORRECTED_WORDS unknown words get a correction search (each costs a search), and
    # those within the time limit: a limit already spent leaves every one of them out, says so,
    # and changes no suggestion the search makes with time to spare. (What the searches cost,
    # in CPU seconds, is tests/search/test_bounds.py's.)
    rng = random.Random(13)
    words = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(4)) for _ in range(200)]
    # First, the corpus's own words with a letter doubled: misspellings with a correction.
    said = sorted({w.lower() for lt in corpus for it in lt.items for w in it.service.split()})
    typos = [w + w[-1] for w in said if w.isalpha() and len(w) >= 6][:3]
    query = " OR ".join(typos + words)[:999]
    unlimited = corpus_engine.search(SearchRequest(query=query, synonyms=False))
    assert 0 < len(unlimited.suggestions) <= MAX_CORRECTED_WORDS
    assert not unlimited.warnings
    limited = corpus_engine.search(SearchRequest(query=query, synonyms=False, time_limit=1e-9))
    assert len(limited.suggestions) < len(unlimited.suggestions)
    assert set(limited.suggestions.items()) <= set(unlimited.suggestions.items())
    assert any("ran out of time" in w for w in limited.warnings)
