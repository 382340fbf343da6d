"""The guideline citator over the 25 fixture letters, on both engines: counts, rates and the
UR-side citations answered, computed here from the parsed records (never from the citator's
output); and the label normalisation on citations written as letters write them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from imr_search.analysis.citator import citator
from imr_search.guidelines import citation_labels, cites, normal_sections
from imr_search.model import Citation, Item, Letter
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

# isort: split
from conftest import EngineFactory, engine_of

Z = 1.959963984540054
CitePred = Callable[[Citation], bool]


@pytest.fixture(scope="module")
def engine(
    engine_factory: EngineFactory,
    letter_records: list[Letter],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    yield from engine_of(engine_factory, letter_records, tmp_path_factory)


def items(records: list[Letter]) -> list[Item]:
    return [i for r in records for i in r.items]


def section_has(c: Citation, words: str) -> bool:
    return words in (c.section or "").lower()


LOW_BACK_STUDIES: CitePred = lambda c: (  # noqa: E731
    c.source == "MTUS" and c.part == "Low Back Complaints" and c.edition == 2004
    and section_has(c, "special studies")
)  # fmt: skip
PHYSICAL_MEDICINE: CitePred = lambda c: (  # noqa: E731
    c.source == "MTUS" and c.part == "Chronic Pain Medical Treatment" and c.edition == 2016
    and (c.section or "").lower() == "physical medicine treatment"
)  # fmt: skip
KNEE_DME: CitePred = lambda c: (  # noqa: E731
    c.source == "ODG" and (c.part or "").lower().startswith("knee")
    and section_has(c, "durable medical equipment")
)  # fmt: skip

ROWS = [
    ("MTUS > Low Back Complaints 2004 > Special Studies", LOW_BACK_STUDIES),
    ("MTUS > Chronic Pain Medical Treatment 2016 > Physical Medicine Treatment", PHYSICAL_MEDICINE),
    # "Knee & Leg" in the letters: one row however the chapter is written
    ("ODG > Knee and Leg > Durable Medical Equipment (DME)", KNEE_DME),
]


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@pytest.mark.parametrize(("label", "pred"), ROWS, ids=[r[0] for r in ROWS])
def test_a_section_row_counts_the_items_citing_it(
    engine: Engine, letter_records: list[Letter], label: str, pred: CitePred
) -> None:
    citing = [i for i in items(letter_records) if any(pred(c) for c in i.imr_citations)]
    assert citing, f"the fixtures have no item citing {label}"
    table = citator(engine, SearchRequest())
    row = next(r for r in table.rows if r.citation == label)
    overturned = sum(i.decision == "overturned" for i in citing)
    assert (row.items, row.overturned) == (len(citing), overturned)
    assert row.rate == pytest.approx(overturned / len(citing))
    low, high = row.interval
    assert (low, high) == pytest.approx(wilson(overturned, len(citing)), abs=1e-9)


def test_the_answered_citations_are_the_ur_side_of_the_same_items(
    engine: Engine, letter_records: list[Letter]
) -> None:
    citing = [
        i for i in items(letter_records) if any(PHYSICAL_MEDICINE(c) for c in i.imr_citations)
    ]
    # The claims administrator cited the same section in these items (3 of 4, read in the
    # letters); ODG's physical therapy guideline in 2.
    same = sum(any(PHYSICAL_MEDICINE(c) for c in i.claims_citations) for i in citing)
    odg_pt = sum(
        any(
            c.source == "ODG" and "physical therapy" in (c.part or "").lower()
            for c in i.claims_citations
        )
        for i in citing
    )
    row = next(r for r in citator(engine, SearchRequest()).rows if r.citation == ROWS[1][0])
    assert row.answered[ROWS[1][0]] == same == 3
    assert row.answered["ODG > Physical Therapy"] == odg_pt == 2


def test_totals_sorting_and_filters(engine: Engine, letter_records: list[Letter]) -> None:
    everything = items(letter_records)
    table = citator(engine, SearchRequest())
    assert table.items == len(everything)
    assert table.cited == sum(bool(i.imr_citations) for i in everything)
    # every citing item is in at least one row, and no row is counted twice for an item
    assert sum(r.items for r in table.rows) >= table.cited
    assert [r.items for r in table.rows] == sorted((r.items for r in table.rows), reverse=True)
    by_rate = citator(engine, SearchRequest(), sort="rate").rows
    assert [r.rate for r in by_rate] == sorted((r.rate for r in by_rate), reverse=True)
    overturned = citator(engine, SearchRequest(filters={"decision": ("overturned",)}))
    assert overturned.items == sum(i.decision == "overturned" for i in everything)
    assert all(r.items == r.overturned for r in overturned.rows)
    # The citation filter selects exactly the row's items.
    label, pred = ROWS[0]
    hits = engine.search(SearchRequest(filters={"citation": (label,)}, size=100))
    assert hits.total == sum(any(pred(c) for c in i.imr_citations) for i in everything)


# -- labels ------------------------------------------------------------------------------------


def test_one_section_is_one_label_however_it_is_written() -> None:
    a = Citation("ODG", part="Knee & Leg (Acute & Chronic)", section="Physical therapy.")
    b = Citation("ODG", part="Knee and Leg", section="Physical Therapy")
    assert citation_labels(a) == citation_labels(b) == ["ODG > Knee and Leg > Physical Therapy"]
    c = Citation("MTUS", part="Forearm, Wrist, and Hand Complaints", edition=2004, chapter=11)
    assert citation_labels(c) == ["MTUS > Forearm, Wrist and Hand Complaints 2004"]


def test_chained_acoem_headings_split_and_named_sections_keep_their_commas() -> None:
    assert normal_sections("Special Studies, Diagnostic Criteria") == [
        "Special Studies",
        "Diagnostic Criteria",
    ]
    assert normal_sections("Opioids, criteria for use") == ["Opioids, Criteria for Use"]
    assert normal_sections("NSAIDs (non-steroidal anti-inflammatory drugs); Muscle relaxants") == [
        "NSAIDs (Non-steroidal Anti-inflammatory Drugs)",
        "Muscle Relaxants",
    ]
    assert normal_sections("3.3.6 Opioids: Use of UDT, 4.1 Tapering Opioids: Indications") == [
        "3.3.6 Opioids: Use of UDT",
        "4.1 Tapering Opioids: Indications",
    ]


def test_cites_says_which_guidelines_the_imr_relied_on() -> None:
    mtus, odg = Citation("MTUS", part="Knee Complaints"), Citation("ODG", part="Knee")

    def made(*cs: Citation) -> Item:
        return Item(number=1, service="x", decision="upheld", imr_citations=list(cs))

    assert [cites(made()), cites(made(mtus)), cites(made(odg)), cites(made(mtus, odg))] == [
        "none",
        "MTUS only",
        "outside MTUS",
        "both",
    ]


def test_citations_as_the_fixture_letters_write_them_make_few_rows(
    letter_records: list[Letter],
) -> None:
    # Each distinct (source, part, section) spelling the parser found maps to one label, and
    # spellings differing only in case, "&" or ODG's "(Acute & Chronic)" share it.
    spellings: Counter[str] = Counter()
    for item in items(letter_records):
        for c in item.imr_citations + item.claims_citations:
            for label in citation_labels(c):
                spellings[label.casefold()] += 1
    labels = {lab for i in items(letter_records) for c in i.imr_citations + i.claims_citations
              for lab in citation_labels(c)}  # fmt: skip
    assert len(labels) == len(spellings)  # no two labels differ only in case
