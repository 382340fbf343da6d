"""Precedents for a request: how IMR decided items of the same kind, the closest cases, and what
separates the overturned rationales from the upheld ones.

The request is normalised by the parser's own classifier, then matched against the index along
a ladder of "same kind", most specific first; the first rung with any item is used:

    drug                 same generic drug, whatever category  ("Norco 10/325 #120")
    modality+region      same category, modality, body region  ("MRI cervical spine")
    subcategory+region   same category, subcategory, region    ("PT 2x6 lumbar")
    modality             same category and modality            ("MRI")
    service              same service at any level or side     ("epidural steroid injection")
    subcategory          same category and subcategory         ("Opioids")
    category             same category                         ("Pharmaceuticals")
    region               same body region, when no category    ("cervical spine")
    service words        the request's words in the service text (nothing classified)

A rung is tried only when the request has what it needs (a drug, a modality and a region ...).
The user's filters narrow every rung. A drug is the same drug however its item was filed (a
lidocaine patch under DMEPOS is still lidocaine); "the same service" is the request's words
without its place (region, side, spinal level) and amounts, all in the service text: a
cervical ESI finds ESIs at any level before every injection.

Both sides: the answer names the closest overturned and the closest upheld precedent whenever
the matched set holds any of each (an appeal needs the case that went the other way), and the
list of closest precedents holds both.

Cost. A rung is put to the engine as a query tree (``category:"Pharmaceuticals" AND
drug:"tramadol"``) rather than as filters: the query drives the matching from its shortest
posting list, where a filter would first collect every document it matches. Counts and the
breakdowns by year, specialty and guideline come from the engine's facet counts over the whole
matched set (two searches: all, and overturned), never from loading items. Only a bounded
sample is loaded: the ``SAMPLE`` items of the rung whose service text is most like the request
(and at least ``MIN_SAMPLED`` of each decision). The closest precedents and the phrase
analysis use that sample, and the answer says so when it is smaller than the matched set.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from imr_search.analysis.ladder import (
    REQUEST_WORDS,
    Rung,
    any_word,
    fallback_text,
    ladder,
    query_words,
    rung_of,
)
from imr_search.analysis.stats import wilson_interval
from imr_search.analysis.terms import TermContrast, content_words, distinctive_terms, overlap
from imr_search.analysis.terms import key_sentence as rationale_key_sentence
from imr_search.errors import UsageError
from imr_search.model import Classification, Item
from imr_search.parse.classify import classify
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.results import FacetCount, ItemRecord, ItemSummary
from imr_search.search.tree import AndMaybe, Node, Term, all_of
from imr_search.words import count

CLOSEST = 10
SAMPLE = 400  # items loaded for the closest precedents and the phrases
MIN_SAMPLED = 25  # per decision: when the sample holds fewer, that decision is fetched apart
# How much the case summary weighs against the service wording in "closeness of the facts".
SUMMARY_WEIGHT = 0.7
# "era": the guideline era of the request (imr_search.eras): did the rate change with the MTUS?
# "reason": what the decisions rest on (docs/reasons.md); an item has one to three, so its rows
# add up to more than the items. ``why`` reads them per decision.
BREAKDOWNS = ("year", "era", "specialty", "guideline", "reason")

Filters = Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class RungCount:
    name: str
    label: str
    items: int


@dataclass(frozen=True, slots=True)
class Rate:
    """``overturned`` of ``items``; ``rate`` is None for no items; (low, high) is the 95%
    Wilson interval."""

    items: int
    overturned: int
    rate: float | None
    low: float
    high: float

    @property
    def upheld(self) -> int:
        return self.items - self.overturned


@dataclass(frozen=True, slots=True)
class Breakdown:
    value: str
    rate: Rate


@dataclass(slots=True)
class Precedent(ItemSummary):
    """One close precedent: ``match`` names the most specific rung it shares with the request
    ("drug+strength" when even the strength is the same); ``closeness`` (0-1) is how alike the
    facts are."""

    match: str
    closeness: float
    guideline: str
    guideline_sources: list[str]
    key_sentence: str


@dataclass(frozen=True, slots=True)
class Why:
    """What the items of one decision rest on: ``of`` items with that decision, and for each
    reason code the items that have it, most first ("of 28 upheld: 19 indications-not-met, 6
    missing-information")."""

    decision: str
    of: int
    reasons: tuple[tuple[str, int], ...]

    def text(self) -> str:
        said = ", ".join(f"{n} {code.replace('-', ' ')}" for code, n in self.reasons)
        return f"of {self.of} {self.decision}: {said}" if said else f"of {self.of} {self.decision}"


def why(overall: Rate, reason_rows: Sequence[Breakdown]) -> list[Why]:
    """The reason breakdown read per decision (the upheld items first): how many of the upheld
    items rest on each code, and of the overturned."""
    out = []
    for decision, of in (("upheld", overall.upheld), ("overturned", overall.overturned)):
        if not of:
            continue
        counts = [
            (b.value, b.rate.upheld if decision == "upheld" else b.rate.overturned)
            for b in reason_rows
        ]
        counted = sorted(((v, n) for v, n in counts if n), key=lambda vc: (-vc[1], vc[0]))
        out.append(Why(decision, of, tuple(counted)))
    return out


@dataclass(slots=True)
class Precedents:
    """The whole answer; ``jsonforms.precedents_dict`` is its JSON form (CLI ``--format json``,
    API)."""

    request: str
    summary: str | None
    normalised: Classification
    rung: Rung | None
    ladder: list[RungCount]
    overall: Rate
    breakdowns: dict[str, list[Breakdown]]
    closest: list[Precedent]
    sample_size: int
    sampled: bool
    terms: TermContrast
    notes: list[str] = field(default_factory=list)
    # The closest precedent of each decision ("overturned", "upheld") the matched set holds.
    sides: dict[str, Precedent] = field(default_factory=dict)
    # Said first, in words a reader cannot miss, when the ladder found nothing of the
    # request's own kind and the answer is about a broader group (see ``fallback_text``).
    fallback: str | None = None


def _and_decision(tree: Node, decision: str | None) -> Node:
    return all_of(tree, Term("decision", decision)) if decision else tree


# -- the answer --------------------------------------------------------------------------------


def precedents(
    engine: Engine,
    request_text: str,
    summary: str | None = None,
    filters: Filters | None = None,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    exclude_letter: str | None = None,
    ranges: Mapping[str, tuple[dt.date | None, dt.date | None]] | None = None,
    time_limit: float | None = None,
) -> Precedents:
    """Precedents for ``request_text`` (as a doctor would type it), optionally with the case
    ``summary`` to rank precedents by closeness of the facts. ``filters`` take the names of
    ``engine.FILTERS`` and narrow every rung; ``exclude_letter`` leaves one letter's items out
    (the letter being read). ``time_limit`` (seconds) bounds the whole answer: each search
    gets what is left, and past it the closest precedents and phrases are left out, with a
    note (the counts, the rate and the breakdowns come first). Raises UsageError for an empty
    request and QueryError for a bad filter."""
    deadline = time.monotonic() + time_limit if time_limit is not None else None

    def left() -> float | None:
        return None if deadline is None else max(deadline - time.monotonic(), 0.0)

    request_text = request_text.strip()
    if not request_text:
        raise UsageError("the request is empty: give the service as a doctor would write it")
    summary = summary.strip() if summary and summary.strip() else None
    c = classify(request_text)
    rungs = ladder(c, request_text)
    narrow: dict[str, Any] = {
        "filters": {k: tuple(v) for k, v in (filters or {}).items()},
        "date_from": date_from,
        "date_to": date_to,
        "exclude_letters": (exclude_letter,) if exclude_letter else (),
        "ranges": dict(ranges or {}),  # received, injured, urdenial bounds
    }

    tried: list[RungCount] = []
    chosen: Rung | None = None
    everything: dict[str, list[FacetCount]] = {}
    for rung in rungs:
        result = engine.search(
            SearchRequest(
                query=rung.query, tree=rung.tree, facets=True, size=1, time_limit=left(), **narrow
            )
        )
        tried.append(RungCount(rung.name, rung.label, result.total))
        if _ran_out(result.warnings):
            # A partial count is no answer: never fall through to a broader rung on it.
            break
        if result.total:
            chosen, everything = rung, result.facets
            break
    answer = Precedents(
        request=request_text,
        summary=summary,
        normalised=c,
        rung=chosen,
        ladder=tried,
        overall=_rate(0, 0),
        breakdowns={name: [] for name in BREAKDOWNS},
        closest=[],
        sample_size=0,
        sampled=False,
        terms=distinctive_terms([], []),
    )
    if tried and _ran_out(result.warnings):
        answer.notes.append(
            f"the answer ran out of time ({time_limit:g} s) while counting "
            f"{tried[-1].label}: no rate is given; try again, or narrow the request"
        )
        return answer
    if chosen is None:
        answer.notes.append("no indexed item is of the same kind as this request")
        return answer
    answer.fallback = fallback_text(c, rungs[0], chosen)

    counts = {f.value: f.count for f in everything.get("decision", [])}
    overturned: dict[str, list[FacetCount]] = {}
    if counts.get("overturned"):
        tree = _and_decision(chosen.tree, "overturned")
        over_result = engine.search(
            SearchRequest(tree=tree, facets=True, size=1, time_limit=left(), **narrow)
        )
        if _ran_out(over_result.warnings):
            answer.notes.append(
                f"the answer ran out of time ({time_limit:g} s) while counting the overturned "
                "items: the rate and breakdowns are left out"
            )
            return answer
        overturned = over_result.facets
    total = sum(counts.values())
    answer.overall = _rate(counts.get("overturned", 0), total)
    for name in BREAKDOWNS:
        over = {f.value: f.count for f in overturned.get(name, [])}
        answer.breakdowns[name] = [
            Breakdown(f.value, _rate(over.get(f.value, 0), f.count))
            for f in everything.get(name, [])
            if f.count
        ]
    # Year is the one single-valued breakdown: the items without a decision date make up the
    # rest of the total.
    years = answer.breakdowns["year"]
    dated = sum(b.rate.items for b in years)
    if dated < total:
        rest = answer.overall.overturned - sum(b.rate.overturned for b in years)
        years.append(Breakdown("unknown", _rate(rest, total - dated)))

    if left() == 0.0:
        answer.notes.append(
            f"the answer ran out of time ({time_limit:g} s): the closest precedents and the "
            "phrases that separate the decisions are left out"
        )
        return answer
    sample = _sample(engine, chosen, counts, request_text, narrow, left)
    if left() == 0.0:
        answer.notes.append(
            f"the answer ran out of time ({time_limit:g} s) while reading the closest "
            "precedents: they and the phrases come from the items read by then"
        )
    answer.sample_size = len(sample)
    answer.sampled = len(sample) < total
    if answer.sampled:
        answer.notes.append(
            f"the closest precedents and the phrases come from a sample of {len(sample)} of the "
            f"{count(total, 'item')}: the {SAMPLE} whose service text is most like the request, "
            f"and at least {MIN_SAMPLED} of each decision"
        )
    ranked = _closest(sample, c, rungs, request_text, summary)
    answer.sides = {d: next(p for p in ranked if p.decision == d) for d in _decisions(ranked)}
    answer.closest = _both_sides(ranked[:CLOSEST], answer.sides)
    answer.terms = distinctive_terms(
        [r.item.rationale for r in sample if r.item.decision == "overturned"],
        [r.item.rationale for r in sample if r.item.decision == "upheld"],
        names=("overturned", "upheld"),
    )
    return answer


def _ran_out(warnings: Sequence[str]) -> bool:
    """Whether an engine stopped a search at its time limit (its results are partial)."""
    return any("ran out of time" in w for w in warnings)


def _rate(overturned: int, items: int) -> Rate:
    low, high = wilson_interval(overturned, items)
    return Rate(items, overturned, overturned / items if items else None, low, high)


def _sample(
    engine: Engine,
    rung: Rung,
    counts: Mapping[str, int],
    request: str,
    narrow: Mapping[str, Any],
    left: Callable[[], float | None] = lambda: None,
) -> list[ItemRecord]:
    """The SAMPLE items of the rung whose service text is most like the request; when that
    holds fewer than MIN_SAMPLED of one decision, the most alike of that decision are added.

    Only the request's words steer the engine (``AndMaybe``: every item of the rung matches,
    the words only rank). The summary's words are left to the re-ranking: long OR queries
    over common words cost seconds on a large index."""
    words = query_words(content_words(request), REQUEST_WORDS)

    def fetch(decision: str | None, limit: int) -> list[ItemRecord]:
        tree = _and_decision(rung.tree, decision)
        if words and not rung.words:
            tree = AndMaybe(tree, any_word("service", words))
        found = engine.iter_items(
            SearchRequest(tree=tree, time_limit=left(), **narrow), limit=limit
        )
        out: list[ItemRecord] = []
        for record in found:
            if left() == 0.0:  # the items read by then
                break
            out.append(record)
        return out

    sample = fetch(None, SAMPLE)
    for decision in ("overturned", "upheld"):
        have = sum(r.item.decision == decision for r in sample)
        wanted = min(counts.get(decision, 0), MIN_SAMPLED)
        if have < wanted:
            seen = {r.item_id for r in sample}
            extra = [r for r in fetch(decision, wanted) if r.item_id not in seen]
            sample += extra[: wanted - have]
    return sample


def _closest(
    sample: Sequence[ItemRecord],
    c: Classification,
    rungs: Sequence[Rung],
    request: str,
    summary: str | None,
) -> list[Precedent]:
    """Same kind first (the rung order, "drug+strength" on top), then closeness of the facts,
    then the engine's relevance, then the newest."""
    order = {name: i for i, name in enumerate(["drug+strength", *(r.name for r in rungs)])}
    request_words = content_words(request)
    summary_words = content_words(summary) if summary else []
    ranked: list[tuple[tuple[int, float, float, int], ItemRecord, str, float]] = []
    for record in sample:
        item = record.item
        closeness = service_closeness(request_words, content_words(item.service))
        if summary_words:
            facts = overlap(summary_words, content_words(record.summary))
            closeness = SUMMARY_WEIGHT * facts + (1 - SUMMARY_WEIGHT) * closeness
        match = rung_of(item, c, rungs)
        day = record.decision_date.toordinal() if record.decision_date else 0
        key = (order.get(match, len(order)), -closeness, -record.score, -day)
        ranked.append((key, record, match, closeness))
    ranked.sort(key=lambda row: row[0])
    # Every one ranked, so the closest of each decision is found however far down it is; only
    # those and the first CLOSEST are shown.
    return [_precedent(r, match, near, request) for _, r, match, near in ranked]


def _decisions(ranked: Sequence[Precedent]) -> list[str]:
    return [d for d in ("overturned", "upheld") if any(p.decision == d for p in ranked)]


def _both_sides(top: list[Precedent], sides: Mapping[str, Precedent]) -> list[Precedent]:
    """The first CLOSEST precedents, where the closest of a decision they lack takes the last
    place of the other decision: an upheld request's ten closest upheld cases hide the one
    overturned case an appeal needs."""
    out = list(top)
    for decision, best in sides.items():
        if any(p.decision == decision for p in out):
            continue
        for i in range(len(out) - 1, -1, -1):
            if sum(p.decision == out[i].decision for p in out) > 1:
                out[i] = best
                break
    return out


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def service_closeness(request: Sequence[str], service: Sequence[str]) -> float:
    """Overlap of two services' content words, where a strength or quantity ("10mg", "#60",
    "2x6") counts only when the services also share a word: "Flexeril 10mg" is not close to
    "Ambien 10mg", but "tramadol 50mg" is closer to "tramadol 50mg #60" than to "tramadol
    100mg"."""
    words_a = [w for w in request if not _has_digit(w)]
    words_b = [w for w in service if not _has_digit(w)]
    if not set(words_a) & set(words_b):
        return 0.0
    return overlap(request, service)


def _precedent(record: ItemRecord, match: str, closeness: float, request: str) -> Precedent:
    item = record.item
    return Precedent.of(
        record,
        match=match,
        closeness=round(closeness, 3),
        guideline=guideline_line(item),
        guideline_sources=sorted({ci.source for ci in item.imr_citations}),
        key_sentence=rationale_key_sentence(item.rationale, item.service or request),
    )


def guideline_line(item: Item) -> str:
    """The IMR citations, short: "MTUS Chronic Pain Medical Treatment: Opioids; ODG Neck"."""
    parts: list[str] = []
    for ci in item.imr_citations:
        words = " ".join(w for w in (ci.source, ci.part) if w)
        line = f"{words}: {ci.section}" if ci.section else words
        if ci.source == "other" and ci.text:
            line = ci.text[:60]
        if line not in parts:
            parts.append(line)
    return "; ".join(parts)
