"""What the engines' answers should be, computed from the Letter records themselves (never copied
from an engine's output): the contract suite and the other engine-neutral tests share them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from imr_search.model import Citation, Item, Letter
from imr_search.search.backend import Engine
from imr_search.search.request import FACETS, SearchRequest
from imr_search.search.results import SearchResult

# isort: split


Pair = tuple[Letter, Item]
Pred = Callable[[Letter, Item], bool]


def pairs(corpus: list[Letter]) -> list[Pair]:
    return [(letter, item) for letter in corpus for item in letter.items]


def ids_where(corpus: list[Letter], pred: Pred) -> set[str]:
    return {letter.item_id(item) for letter, item in pairs(corpus) if pred(letter, item)}


def all_hits(engine: Engine, **kwargs: object) -> SearchResult:
    return engine.search(SearchRequest(size=100, **kwargs))  # type: ignore[arg-type]


def hit_ids(engine: Engine, query: str = "", **kwargs: object) -> set[str]:
    result = all_hits(engine, query=query, **kwargs)
    assert result.total == len(result.hits)
    return {h.item_id for h in result.hits}


# -- independent expectations ------------------------------------------------------------------

STATE_NAMES = {"CA": "california", "NY": "new york", "TX": "texas", "FL": "florida"}


def imr_sources(item: Item) -> list[str]:
    return sorted({c.source for c in item.imr_citations}) or ["none"]


def band(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 30:
        return "<30"
    if age >= 60:
        return "60+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


# Era boundaries as the issue lists them (the request's date is the UR denial date, else the
# decision date).
ERA_STARTS = [
    (dt.date(2021, 11, 23), "update-2021-11-23"),
    (dt.date(2020, 9, 21), "update-2020-09-21"),
    (dt.date(2019, 10, 7), "update-2019-10-07"),
    (dt.date(2019, 8, 11), "update-2019-08-11"),
    (dt.date(2019, 4, 18), "update-2019-04-18"),
    (dt.date(2018, 1, 1), "formulary-2018"),
    (dt.date(2017, 12, 1), "acoem-2017"),
    (dt.date(2016, 7, 28), "mtus-2016"),
]


def era_of(letter: Letter) -> str | None:
    day = letter.ur_denial_date or letter.decision_date
    if day is None:
        return None
    return next((name for start, name in ERA_STARTS if day >= start), "mtus-2009")


def simple_label(c: Citation) -> str:
    # The factories' citations are clean: the label is their parts joined, without ODG's
    # "(Acute & Chronic)" chapter tag.
    part = (c.part or "").replace(" (Acute & Chronic)", "")
    head = c.source + (f" > {part}" if part else "") + (f" {c.edition}" if c.edition else "")
    return head + (f" > {c.section}" if c.section else "")


def cites_of(item: Item) -> str:
    sources = {c.source for c in item.imr_citations}
    if not sources:
        return "none"
    if sources == {"MTUS"}:
        return "MTUS only"
    return "both" if "MTUS" in sources else "outside MTUS"


def expected_facets(corpus: list[Letter], pred: Pred) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for letter, item in pairs(corpus):
        if not pred(letter, item):
            continue
        counts["decision"][item.decision] += 1
        counts["reason"].update(set(item.reasons))
        if item.category:
            counts["category"][item.category] += 1
        if item.subcategory:
            counts["subcategory"][item.subcategory] += 1
        counts["specialty"].update(set(letter.reviewer.specialties))
        counts["state"].update(set(letter.reviewer.license_states))
        counts["guideline"].update(imr_sources(item))
        counts["mtus"].update({c.part for c in item.imr_citations if c.source == "MTUS" and c.part})
        if item.body_region:
            counts["region"][item.body_region] += 1
        if letter.decision_date:
            counts["year"][str(letter.decision_date.year)] += 1
        if (b := band(letter.patient.age)) is not None:
            counts["age"][b] += 1
        if letter.patient.sex:
            counts["sex"][letter.patient.sex] += 1
        counts["outcome"][_outcome(letter)] += 1
        if (era := era_of(letter)) is not None:
            counts["era"][era] += 1
        counts["cites"][cites_of(item)] += 1
        counts["citation"].update({simple_label(c) for c in item.imr_citations})
        counts["urcitation"].update({simple_label(c) for c in item.claims_citations})
    return counts


def _outcome(letter: Letter) -> str:
    """The case outcome as DWC words it, from the items' decisions."""
    decisions = [i.decision for i in letter.items]
    if all(d == "upheld" for d in decisions):
        return "upheld"
    return "overturned" if all(d == "overturned" for d in decisions) else "partially overturned"


def facet_dict(result: SearchResult) -> dict[str, Counter[str]]:
    return {
        name: Counter({fc.value: fc.count for fc in values if fc.count})
        for name, values in result.facets.items()
    }


def always(letter: Letter, item: Item) -> bool:
    return True


def words_of(letter: Letter, item: Item) -> str:
    """What plain words search: service, rationale, summary and citations, lower-cased."""
    citations = [c.text for c in (*item.claims_citations, *item.imr_citations)]
    parts = [item.service, item.rationale, letter.summary, *citations]
    return " ".join(parts).lower()


# -- a filter's value typed after --NAME and after NAME: (issue 25, point 3) --------------------

# (filter, a value as users type it, a misspelt one) for each filter whose query field takes the
# same values, over the fixture letters: the flag and the field must give the same answer, the
# same note and the same error. Where an alias exists, the value is one (data/filter-aliases.json
# as docs/vocabulary.md lists them).
FIELD_VALUE_CASES: list[tuple[str, str, str]] = [
    ("decision", "denied", "overturnd"),
    ("state", "California", "Californa"),
    ("specialty", "ortho", "Orthopedc Surgery"),
    ("category", "drugs", "Pharmaceutical"),
    ("subcategory", "PT/OT", "Opiods"),
    ("region", "lumbar", "lumbr"),
    ("modality", "MRA", "mir"),
    ("drug", "cyclobenzaprine", "cyclobenzaprin"),
    ("mtus", "Chronic Pain Medical Treatment", "Chronic Pain Medical Treatmnt"),
    ("sex", "F", "femal"),
    ("outcome", "uphold", "partialy overturned"),
    ("citation", "MTUS > Knee Complaints 2004 > Special Studies", "MTUS > Knee Complaints 2004 >"),
    ("urcitation", "MTUS > Knee Complaints 2004", "MTUS > Knee Complaint 2004"),
    ("cites", "MTUS only", "MTUS onl"),
    ("era", "current", "mtus-216"),
    ("reason", "exceeds-limits", "exceeds-limit"),
]


def as_field(name: str, value: str) -> str:
    """``value`` typed after ``NAME:`` in a query (quoted, as a value with spaces must be)."""
    return f'{name}:"{value}"'


def error_detail(message: str, name: str) -> str:
    """What an error says about a value, without how it names where the value was typed
    ("region filter: " for the flag, "region: " for the field, and the field's position)."""
    for label in (f"{name} filter: ", f"{name}: "):
        if message.startswith(label):
            message = message[len(label) :]
            break
    head, at, position = message.rpartition(" at position ")
    return head if at and position.isdigit() else message
