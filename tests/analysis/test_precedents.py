"""Precedents on an index of the 5 seeds and 20 fixture letters.

Expected items, counts and intervals are worked out from the parsed records and by hand, never
copied from the output.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from imr_search.analysis import precedents as precedents_module
from imr_search.analysis.precedents import precedents, why
from imr_search.cli import main
from imr_search.engines.registry import open_engine
from imr_search.errors import QueryError, UsageError
from imr_search.model import Item, Letter
from imr_search.present.jsonforms import precedents_dict
from imr_search.search.backend import Engine

# isort: split
from factories import index_letters

Z = 1.959963984540054


@pytest.fixture(scope="module")
def records(letter_records: list[Letter]) -> list[Letter]:
    return letter_records


@pytest.fixture(scope="module")
def index_dir(letters_index: Path) -> Path:
    return letters_index


@pytest.fixture(scope="module")
def engine(index_dir: Path) -> Iterator[Engine]:
    eng = open_engine(index_dir)
    yield eng
    eng.close()


def items_where(records: list[Letter], keep: Callable[[Item], bool]) -> list[tuple[str, Item]]:
    return [(r.item_id(i), i) for r in records for i in r.items if keep(i)]


def expected_rung(item: Item) -> str:
    """The ladder worked out from the item's own fields: the first rung it has what for."""
    if item.drug:
        return "drug"
    if item.modality and item.body_region:
        return "modality+region"
    if item.subcategory and item.body_region:
        return "subcategory+region"
    if item.modality:
        return "modality"
    if item.subcategory:
        return "subcategory"
    return "category"


def same_kind(rung: str, a: Item, b: Item) -> bool:
    fields = {
        "drug": ("category", "drug"),
        "modality+region": ("category", "modality", "body_region"),
        "subcategory+region": ("category", "subcategory", "body_region"),
        "modality": ("category", "modality"),
        "subcategory": ("category", "subcategory"),
        "category": ("category",),
    }[rung]

    def value(item: Item, name: str) -> object:
        return item.drug.name if name == "drug" and item.drug else getattr(item, name)

    return all(value(a, f) == value(b, f) for f in fields)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


# -- every item against its own service text ---------------------------------------------------


def test_each_items_own_service_finds_its_kind_first(engine: Engine, records: list[Letter]) -> None:
    every = items_where(records, lambda i: True)
    assert len(every) == 67
    by_id = dict(every)
    for item_id, item in every:
        p = precedents(engine, item.service)
        rung = expected_rung(item)
        assert p.rung is not None, item.service
        assert p.rung.name == rung, item.service
        kind = [(r.item_id(i), i) for r in records for i in r.items if same_kind(rung, item, i)]
        assert p.overall.items == len(kind), item.service
        assert p.overall.overturned == sum(i.decision == "overturned" for _, i in kind)
        assert item_id in [x.item_id for x in p.closest], item.service
        first = by_id[p.closest[0].item_id]
        assert first.category == item.category
        if item.drug:
            assert first.drug is not None
            assert first.drug.name == item.drug.name
        if item.modality and item.body_region:
            assert (first.modality, first.body_region) == (item.modality, item.body_region)
        # Same kind first: no precedent of a less specific kind outranks one of the rung's kind.
        matches = [x.match for x in p.closest]
        assert matches == sorted(matches, key=["drug+strength", rung].index)


def test_cervical_mri_counts_and_interval_by_hand(engine: Engine, records: list[Letter]) -> None:
    cervical_mri = items_where(
        records, lambda i: i.modality == "mri" and i.body_region == "cervical spine"
    )
    assert len(cervical_mri) == 2
    assert all(i.decision == "upheld" for _, i in cervical_mri)
    p = precedents(engine, "MRI of the cervical spine")
    assert p.rung is not None
    assert p.rung.name == "modality+region"
    assert (p.overall.items, p.overall.upheld, p.overall.overturned) == (2, 2, 0)
    assert p.overall.rate == 0.0
    # 0 of 2: centre = half = (z²/4) / (1 + z²/2) = 0.96037 / 2.92074 = 0.32881
    assert p.overall.low == 0.0
    assert p.overall.high == pytest.approx(0.6576, abs=1e-4)
    assert sorted(x.item_id for x in p.closest) == sorted(i for i, _ in cervical_mri)


def test_pre_op_labs_rate_and_interval_by_hand(engine: Engine, records: list[Letter]) -> None:
    labs = items_where(records, lambda i: i.category == "Surgery" and i.modality == "lab")
    assert len(labs) == 8
    overturned = sum(i.decision == "overturned" for _, i in labs)
    assert overturned == 3
    p = precedents(engine, "Pre-op labs: CBC")
    assert p.rung is not None
    assert p.rung.name == "modality"
    assert (p.overall.items, p.overall.overturned) == (8, 3)
    assert p.overall.rate == pytest.approx(0.375)
    # 3 of 8: z²/n = 0.48018; centre = (0.375 + 0.24009) / 1.48018 = 0.41555;
    # half = 1.95996 / 1.48018 * sqrt(0.375 * 0.625 / 8 + 3.84146 / 256) = 0.27871
    assert p.overall.low == pytest.approx(0.1368, abs=1e-4)
    assert p.overall.high == pytest.approx(0.6943, abs=1e-4)
    centre = (0.375 + Z**2 / 16) / (1 + Z**2 / 8)
    half = Z / (1 + Z**2 / 8) * math.sqrt(0.375 * 0.625 / 8 + Z**2 / 256)
    assert p.overall.low == pytest.approx(centre - half)


def test_breakdowns_split_each_value_by_decision(engine: Engine, records: list[Letter]) -> None:
    p = precedents(engine, "Pre-op labs: CBC")
    years = {b.value: (b.rate.items, b.rate.overturned) for b in p.breakdowns["year"]}
    assert years == {"2017": (8, 3)}
    specialties = {b.value: (b.rate.items, b.rate.overturned) for b in p.breakdowns["specialty"]}
    # CM17-0010420 (4 labs, 3 overturned) was reviewed by "Surgery"; CM17-0014449 (4 labs,
    # none overturned) by Orthopedic Surgery.
    assert specialties == {"Surgery": (4, 3), "Orthopedic Surgery": (4, 0)}
    guidelines = {b.value: (b.rate.items, b.rate.overturned) for b in p.breakdowns["guideline"]}
    assert guidelines == {"ODG": (4, 3), "none": (4, 0)}


def test_the_set_is_broken_down_by_reason_per_decision(engine: Engine, index_dir: Path) -> None:
    # Read from the letters: CM17-0010420's CBC, CMP and urinalysis were overturned, the
    # criteria met; its PT/PTT upheld, no bleeding history or anticoagulant (indications not
    # met); CM17-0014449's four labs were upheld because the surgery they went with was.
    p = precedents(engine, "Pre-op labs: CBC")
    reasons = {b.value: (b.rate.items, b.rate.overturned) for b in p.breakdowns["reason"]}
    assert reasons == {"criteria-met": (3, 3), "other": (4, 0), "indications-not-met": (1, 0)}
    said = [w.text() for w in why(p.overall, p.breakdowns["reason"])]
    assert said == [
        "of 5 upheld: 4 other, 1 indications not met",
        "of 3 overturned: 3 criteria met",
    ]
    d = precedents_dict(p)
    assert d["why"][0]["reasons"] == [
        {"code": "other", "items": 4},
        {"code": "indications-not-met", "items": 1},
    ]
    result = run("precedents", "Pre-op labs: CBC", "--index", str(index_dir))
    assert "of 5 upheld: 4 other, 1 indications not met" in result.output


def test_items_without_a_decision_date_are_counted_as_unknown_year(
    engine: Engine, records: list[Letter]
) -> None:
    # The seeds carry no decision date.
    years = Counter(
        str(r.decision_date.year) if r.decision_date else "unknown"
        for r in records
        for i in r.items
        if i.subcategory == "Imaging / Radiology" and i.body_region == "cervical spine"
    )
    assert years["unknown"] > 0
    p = precedents(engine, "Bone scan of the cervical spine")  # none indexed: imaging answers
    assert [r.name for r in p.ladder] == ["modality+region", "subcategory+region"]
    assert {b.value: b.rate.items for b in p.breakdowns["year"]} == dict(years)


def test_the_ladder_falls_through_to_the_drug_class(engine: Engine, records: list[Letter]) -> None:
    # Norco is hydrocodone/acetaminophen: only a post-op Norco (a surgical item) is indexed, so
    # the drug rung (Pharmaceuticals + the drug) is empty and the opioid class answers.
    opioids = items_where(records, lambda i: i.subcategory == "Opioids")
    p = precedents(engine, "Norco 10/325 #120")
    assert [(r.name, r.items) for r in p.ladder] == [("drug", 0), ("subcategory", len(opioids))]
    assert p.normalised.drug is not None
    assert p.normalised.drug.name == "hydrocodone/acetaminophen"
    assert [x.item_id for x in p.closest] == [i for i, _ in opioids]


def test_a_strength_match_ranks_above_the_same_drug(engine: Engine) -> None:
    p = precedents(engine, "Cyclobenzaprine 7.5mg #90")
    assert p.closest[0].match == "drug+strength"
    assert precedents(engine, "Cyclobenzaprine 10mg").closest[0].match == "drug"


def test_the_summary_ranks_alike_facts_first(engine: Engine, records: list[Letter]) -> None:
    knee = next(r for r in records if r.id == "CM17-0001064")
    lumbar = next(r for r in records if r.id == "CM17-0008241")
    for letter in (knee, lumbar):
        p = precedents(engine, "MRI", summary=letter.summary)
        assert p.closest[0].letter_id == letter.id


def test_filters_narrow_every_count(engine: Engine, records: list[Letter]) -> None:
    p = precedents(engine, "MRI of the lumbar spine", filters={"specialty": ("Family Practice",)})
    expected = items_where(
        records, lambda i: i.modality == "mri" and i.body_region == "lumbar spine"
    )
    family = [
        r.item_id(i)
        for r in records
        if "Family Practice" in r.reviewer.specialties
        for i in r.items
        if i.modality == "mri" and i.body_region == "lumbar spine"
    ]
    assert len(family) < len(expected)
    assert p.overall.items == len(family)
    assert sorted(x.item_id for x in p.closest) == sorted(family)


def test_a_filter_contradicting_the_rung_moves_down_the_ladder(engine: Engine) -> None:
    p = precedents(engine, "MRI of the cervical spine", filters={"region": ("knee",)})
    assert p.ladder[0].items == 0
    assert p.rung is not None
    assert p.rung.name == "modality"
    assert {x.item_id.split("#")[0] for x in p.closest} == {"CM17-0001064"}


def test_small_groups_report_no_phrases(engine: Engine) -> None:
    p = precedents(engine, "Pre-op labs: CBC")
    assert not p.terms.tested
    assert p.terms.a_terms == []
    assert p.terms.b_terms == []
    assert p.terms.note is not None
    assert p.terms.note.startswith("too few rationales")


def test_a_sample_is_announced(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precedents_module, "SAMPLE", 3)
    monkeypatch.setattr(precedents_module, "MIN_SAMPLED", 2)
    p = precedents(engine, "Pre-op labs: CBC")
    assert p.overall.items == 8  # counts still cover every item
    assert p.sampled
    assert 3 <= p.sample_size <= 5  # the 3 most relevant, topped up to 2 of each decision
    assert any("sample of" in n for n in p.notes)


def test_a_sample_holds_both_decisions(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precedents_module, "SAMPLE", 1)
    monkeypatch.setattr(precedents_module, "MIN_SAMPLED", 3)
    seen: list[str] = []
    real = precedents_module._closest

    def spy(sample, *args):  # type: ignore[no-untyped-def]
        seen.extend(r.item.decision for r in sample)
        return real(sample, *args)

    monkeypatch.setattr(precedents_module, "_closest", spy)
    precedents(engine, "Pre-op labs: CBC")
    assert Counter(seen) == {"overturned": 3, "upheld": 3}


def test_key_sentence_comes_from_the_rationale(engine: Engine, records: list[Letter]) -> None:
    p = precedents(engine, "MRI cervical spine w/o contrast")
    seed = next(x for x in p.closest if x.item_id == "001_3452f9c4b0f92415#1")
    assert seed.key_sentence.startswith("The patient is not post-op; there are no red flags")
    assert seed.guideline == "MTUS Neck and Upper Back Complaints; ODG Neck: MRI"


def test_nothing_of_the_kind_is_an_empty_answer(engine: Engine) -> None:
    p = precedents(engine, "Transportation to appointments")
    assert p.rung is None
    assert p.overall.items == 0
    assert p.closest == []
    assert p.notes == ["no indexed item is of the same kind as this request"]


def test_empty_request_is_a_usage_error(engine: Engine) -> None:
    with pytest.raises(UsageError, match="the request is empty"):
        precedents(engine, "   ")


def test_unknown_filter_is_a_query_error(engine: Engine) -> None:
    with pytest.raises(QueryError, match="unknown filter 'colour'"):
        precedents(engine, "MRI knee", filters={"colour": ("red",)})


# -- the command -------------------------------------------------------------------------------


def test_cli_lists_the_cervical_mri_items_with_outcomes_and_rate(index_dir: Path) -> None:
    result = run("precedents", "MRI of the cervical spine", "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "matched: same test and region: mri, cervical spine (2 items)" in out
    assert "2 items: 0 overturned, 2 upheld; overturn rate 0.0% " in out
    assert "(95% Wilson interval 0.0%–65.8%)" in out
    assert "CM16-0234464 #1  2017-01-20  UPHELD" in out
    assert "001_3452f9c4b0f92415 #1  ----------  UPHELD" in out
    assert "\x1b[" not in out  # no colour when stdout is not a terminal


def test_cli_json_is_the_library_dict(index_dir: Path, engine: Engine) -> None:
    args = ["MRI of the cervical spine", "--summary", "neck pain radiating to the arm"]
    result = run("precedents", *args, "--format", "json", "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    expected = precedents_dict(precedents(engine, args[0], summary=args[2]))
    assert json.loads(result.stdout) == expected


def test_cli_filters_and_dates_reach_the_library(index_dir: Path, engine: Engine) -> None:
    result = run(
        "precedents", "MRI lumbar", "--from", "2017-02-10", "--format", "json",
        "--index", str(index_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = precedents(engine, "MRI lumbar", date_from=dt.date(2017, 2, 10))
    assert json.loads(result.stdout) == precedents_dict(expected)
    assert expected.overall.items == 1  # CM17-0010364, decided 2017-02-10


def test_cli_empty_request_exits_2(index_dir: Path) -> None:
    result = run("precedents", " ", "--index", str(index_dir))
    assert result.exit_code == 2
    assert result.stderr.startswith("imr-search: the request is empty")


def test_the_time_limit_bounds_the_answer_on_both_engines(
    new_engine: Engine, records: list[Letter]
) -> None:
    index_letters(new_engine, records)
    request = "MRI cervical spine"
    full = precedents(new_engine, request)
    assert full.closest, "the fixture letters hold cervical MRIs"
    # No time at all: the counts come first, the closest precedents and phrases are left out,
    # and the answer says so.
    cut = precedents(new_engine, request, time_limit=1e-9)
    assert cut.closest == []
    assert any("ran out of time" in note for note in cut.notes), cut.notes
    # A search cut short is never read as "nothing of this kind".
    assert not any("no indexed item" in note for note in cut.notes), cut.notes
    assert cut.fallback is None
    # Enough time: the same answer as without a limit.
    roomy = precedents(new_engine, request, time_limit=60.0)
    assert precedents_dict(roomy) == precedents_dict(full)
