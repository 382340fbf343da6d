"""The JSON forms of the answers: search results, index statistics, precedents, similar
rationales, the citator and the cross-tabs. ``imr-search ... --format json`` prints them and
the API returns them (the server adds only its URLs, marked-up snippets and facet rates, in
``imr_search.server.views``), so the two never disagree. No I/O, no search logic.

A result class whose JSON is its own fields (``Hit``, ``LetterGroup``, ``FacetCount``,
``SearchResult``, ``IndexStats``, ``Precedent``, ``Member``) is dumped by pydantic from its
dataclass, whose annotations say where the JSON differs (a field renamed, rounded or computed);
the API's schema comes from the same classes (``imr_search.server.schemas``). The answers whose
JSON is laid out otherwise than their objects (precedents, similar rows, the citator and the
cross-tabs) are assembled here from those dumps. Key names and values are a public contract:
``tests/present/test_json_golden.py`` holds them to the outputs recorded before this module existed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pydantic_core

from imr_search.model import adapter

if TYPE_CHECKING:
    from imr_search.analysis.citator import Citator, CitatorRow
    from imr_search.analysis.crosstab import Cell, CrossTab
    from imr_search.analysis.overview import Overview
    from imr_search.analysis.precedents import Precedents, Rate
    from imr_search.analysis.similar import SimilarGroup
    from imr_search.analysis.terms import TermStat
    from imr_search.search.results import FacetCount, Hit, IndexStats, LetterGroup, SearchResult


def to_json(obj: Any, *, pretty: bool = False) -> str:
    if pretty:
        # pydantic's Rust serialiser writes the layout of ``json.dumps(indent=2)`` (floats in
        # their shortest form: 0.00001 for 1e-05) about 5x faster: Python's encoder is pure
        # Python once it indents, and the whole corpus's citator is 5 MB (0.5 s of 2).
        return pydantic_core.to_json(obj, indent=2, fallback=str).decode("utf-8")
    return json.dumps(obj, ensure_ascii=False, default=str)


def dump(obj: Any) -> dict[str, Any]:
    """The JSON form of one result object, as its dataclass describes it."""
    out: dict[str, Any] = adapter(type(obj)).dump_python(obj, mode="json", by_alias=True)
    return out


def _rounded(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


# -- search results and statistics ----------------------------------------------------------


def hit_dict(hit: Hit) -> dict[str, Any]:
    return dump(hit)


def group_dict(group: LetterGroup) -> dict[str, Any]:
    return dump(group)


def facets_dict(facets: dict[str, list[FacetCount]]) -> dict[str, list[dict[str, Any]]]:
    return {name: [dump(f) for f in values] for name, values in facets.items()}


def stats_dict(stats: IndexStats) -> dict[str, Any]:
    """The index statistics as the CLI (--format json) and /api/stats both give them."""
    return dump(stats)


def overview_dict(o: Overview) -> dict[str, Any]:
    """What the index holds, as ``imr-search stats --format json`` and ``/api/stats`` give it:
    the statistics, then letters per case outcome and items per facet value (``/stats``)."""
    return {
        **stats_dict(o.stats),
        "outcomes": [{"outcome": name, "letters": n} for name, n in o.outcomes],
        "facets": {
            name: [{"value": f.value, "count": f.count} for f in values]
            for name, values in o.facets.items()
        },
    }


def result_dict(result: SearchResult) -> dict[str, Any]:
    """A search as the CLI prints it (``groups`` always there, in the CLI's form)."""
    out = dump(result)
    out["groups"] = [group_dict(g) for g in result.groups]
    return out


# -- precedents and similar rationales ------------------------------------------------------


def _rate_dict(r: Rate) -> dict[str, Any]:
    return {
        "items": r.items,
        "upheld": r.upheld,
        "overturned": r.overturned,
        "overturn_rate": _rounded(r.rate),
        "interval_95": [round(r.low, 4), round(r.high, 4)],
    }


def _term_dict(t: TermStat) -> dict[str, Any]:
    return {
        "term": t.term,
        "count": t.count,
        "other_count": t.other_count,
        "g2": round(t.g2, 2),
        "p": float(f"{t.p:.3g}"),
    }


def precedents_dict(p: Precedents) -> dict[str, Any]:
    """The JSON form of a precedents answer (``imr-search precedents --format json``, the API)."""
    # Imported here: the precedents module imports the classifier, which a search's JSON
    # does not need (docs/benchmarks.md, "The CLI's start").
    from imr_search.analysis.precedents import MIN_SAMPLED, SAMPLE, why

    t = p.terms
    return {
        "request": p.request,
        "summary": p.summary,
        "normalised": dump(p.normalised),
        "match": None
        if p.rung is None
        else {
            "rung": p.rung.name,
            "label": p.rung.label,
            "fields": dict(p.rung.fields),
            # Words the service text must all have (the "same service at any level" rung).
            "service_words": list(p.rung.service),
            "query": p.rung.query,
        },
        "fallback": p.fallback,
        "ladder": [{"rung": r.name, "label": r.label, "items": r.items} for r in p.ladder],
        **_rate_dict(p.overall),
        "breakdowns": {
            name: [{"value": b.value, **_rate_dict(b.rate)} for b in rows]
            for name, rows in p.breakdowns.items()
        },
        # The reason breakdown per decision ("of 28 upheld: 19 indications not met, ...").
        "why": [
            {
                "decision": w.decision,
                "of": w.of,
                "reasons": [{"code": code, "items": n} for code, n in w.reasons],
                "text": w.text(),
            }
            for w in why(p.overall, p.breakdowns.get("reason", []))
        ],
        "sample": {
            "items": p.sample_size,
            "sampled": p.sampled,
            "size": SAMPLE,
            "min_per_decision": MIN_SAMPLED,
        },
        "closest": [dump(x) for x in p.closest],
        # The closest precedent of each decision the matched set holds (null for none).
        "closest_overturned": dump(p.sides["overturned"]) if "overturned" in p.sides else None,
        "closest_upheld": dump(p.sides["upheld"]) if "upheld" in p.sides else None,
        "terms": {
            "test": "log-likelihood ratio G² per phrase (2x2: decision x rationale has phrase), "
            "Bonferroni over the phrases tested",
            "tested": t.tested,
            "overturned_rationales": t.a_size,
            "upheld_rationales": t.b_size,
            "phrases_tested": t.phrases_tested,
            "critical_g2": _rounded(t.critical, 2),
            "overturned": [_term_dict(x) for x in t.a_terms],
            "upheld": [_term_dict(x) for x in t.b_terms],
            "note": t.note,
        },
        "notes": list(p.notes),
    }


def similar_dict(
    groups: Sequence[SimilarGroup],
    *,
    item_id: str | None = None,
    text: str | None = None,
    warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """The JSON form (``imr-search similar --format json``, ``GET /api/similar/{item_id}``)."""
    from imr_search.analysis.similar import NEAR_DUPLICATE, SHINGLE_WORDS

    return {
        "item_id": item_id,
        "text": text,
        "warnings": list(warnings),
        "near_duplicate": {"shingle_words": SHINGLE_WORDS, "min_jaccard": NEAR_DUPLICATE},
        "groups": [
            {
                "similarity": g.similarity,
                "count": g.count,
                "decisions": g.decisions(),
                "duplicate_of_query": g.duplicate_of_query,
                "decided_otherwise": g.decided_otherwise,
                "label": g.label,
                "key_sentence": g.key_sentence,
                "rationale": g.rationale,
                "members": [dump(m) for m in g.members],
            }
            for g in groups
        ],
    }


# -- the citator and the cross-tabs -----------------------------------------------------------


def _rate_fields(rate: float | None, interval: tuple[float, float]) -> dict[str, Any]:
    """An overturn rate and its 95% interval, as the citator and the cross-tabs give them."""
    low, high = interval
    return {"rate": _rounded(rate), "low": round(low, 4), "high": round(high, 4)}


def citator_row_dict(row: CitatorRow) -> dict[str, Any]:
    return {
        "citation": row.citation,
        "items": row.items,
        "overturned": row.overturned,
        **_rate_fields(row.rate, row.interval),
        "answered": [{"citation": c, "items": n} for c, n in row.answered_most()],
    }


def citator_dict(c: Citator) -> dict[str, Any]:
    return {
        "items": c.items,
        "cited": c.cited,
        "sections": c.sections,
        "rows": [citator_row_dict(r) for r in c.rows],
        "warnings": c.warnings,
    }


def cell_dict(c: Cell) -> dict[str, Any]:
    """One row or cell; ``col`` only in a two-way table."""
    return {
        "row": c.row,
        **({} if c.col is None else {"col": c.col}),
        "items": c.items,
        "overturned": c.overturned,
        **_rate_fields(c.rate, c.interval),
        "small": c.small,
    }


def crosstab_dict(t: CrossTab) -> dict[str, Any]:
    return {
        "rows_by": t.rows_by,
        "cols_by": t.cols_by,
        "items": t.total,
        "overturned": t.overturned,
        "rows": [cell_dict(c) for c in t.rows],
        "cols": t.cols,
        "cells": [cell_dict(c) for c in t.cells],
        "warnings": t.warnings,
    }
