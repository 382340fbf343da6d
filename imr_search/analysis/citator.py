"""The guideline citator: for each cited guideline section, how often IMR overturns.

A citation (``imr_search.model.Citation``, parsed by ``imr_search.parse.citations``) becomes
one label per section, ``SOURCE > Part Edition > Section`` ("MTUS > Chronic Pain Medical
Treatment 2016 > Opioids, Criteria for Use"), normalised so that one section is one row
however a letter spells it: spaces and trailing punctuation, "&" for "and", ODG's "(Acute &
Chronic)" tag, and the case of each word's first letter (letters write "Physical therapy" and
"Physical Therapy" for the same section). A chain of the ACOEM chapters' section headings
("Special Studies, Diagnostic Criteria") is split into its headings.

These labels are what the index holds in ``citation`` (the IMR's side) and ``urcitation``
(the claims administrator's); ``cites`` says which guidelines the IMR relied on. The table
(``citator``) is made from the index's facet counts over the items a search matches.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Literal

from imr_search.analysis.stats import wilson_interval
from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline, ran_out
from imr_search.search.documents import split_pair
from imr_search.search.request import PAIR_FACET, SearchRequest
from imr_search.search.syntax import keyword_value, parse
from imr_search.search.tree import Node, Term, all_of
from imr_search.words import count

CitatorSort = Literal["items", "rate", "overturned", "citation"]
CITATOR_SORTS: tuple[CitatorSort, ...] = ("items", "rate", "overturned", "citation")


# -- the table --------------------------------------------------------------------------------


@dataclass(slots=True)
class CitatorRow:
    citation: str
    items: int = 0
    overturned: int = 0
    answered: Counter[str] = field(default_factory=Counter)  # UR-side label -> items

    @property
    def rate(self) -> float:
        return self.overturned / self.items if self.items else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.overturned, self.items)

    def answered_most(self) -> list[tuple[str, int]]:
        """The UR-side citations, most items first, ties by name (a stable order)."""
        return sorted(self.answered.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass(slots=True)
class Citator:
    items: int  # items the search matched
    cited: int  # of them, items whose IMR decision cites any guideline
    rows: list[CitatorRow]  # the first ``limit`` of them
    sections: int = 0  # rows before the limit
    warnings: list[str] = field(default_factory=list)  # e.g. a search that ran out of time


def citator(
    engine: Engine, request: SearchRequest, *, sort: CitatorSort = "items", limit: int | None = None
) -> Citator:
    """The citator over every item ``request`` matches (its query and filters).

    Counts come from the index's exact facet counts, never from loading items: two searches
    (all matches with the citation pairs, and the overturned ones) give every section's items
    and overturned, and the UR-side citations each answered (the pairs), whatever the number
    of rows. An index made before the pairs answers them with one more search per row
    returned (``limit`` bounds them), and a note says a rebuild makes it one search."""
    deadline = Deadline.start(request.time_limit)
    base = replace(request, facets=True, letters=False, page=1, size=1)
    everything = deadline.timed(engine.search, replace(base, citation_pairs=True))
    tree = request.tree if request.tree is not None else parse(request.query)
    overturned = deadline.timed(
        engine.search, replace(base, tree=all_of(tree, Term("decision", "overturned")))
    )
    warnings: list[str] = []
    if ran_out([*everything.warnings, *overturned.warnings]):
        # A search cut short counted some items only, or none: the rows are partial.
        warnings.append(deadline.message("the counts are partial or left out; narrow the search"))
    over = {f.value: f.count for f in overturned.facets.get("citation", [])}
    rows = [
        CitatorRow(f.value, f.count, over.get(f.value, 0))
        for f in everything.facets.get("citation", [])
        if f.count
    ]
    uncited = sum(f.count for f in everything.facets.get("cites", []) if f.value == "none")
    chosen = sort_rows(rows, sort)[:limit]
    pairs = everything.facets.get(PAIR_FACET)
    if pairs is not None:
        by_label = {row.citation: row for row in chosen}
        for f in pairs:
            imr, answered = split_pair(f.value)
            if (row := by_label.get(imr)) is not None and f.count:
                row.answered[answered] += f.count
    elif chosen and not ran_out(everything.warnings):
        warnings += _row_by_row(engine, base, tree, chosen, deadline)
    return Citator(everything.total, everything.total - uncited, chosen, len(rows), warnings)


# What the citator says when the index was made before the citation pairs.
REBUILD_NOTE = (
    "this index was made before the citator's citation pairs, so the claims administrator's "
    "citations took a search per row; `imr-search index --rebuild` counts them in one"
)


def _row_by_row(
    engine: Engine, base: SearchRequest, tree: Node, chosen: list[CitatorRow], deadline: Deadline
) -> list[str]:
    """The UR-side citations of each row, a search each (an index without the pairs)."""
    answered = 0
    for row in chosen:
        if not deadline.room():  # another search would end past the limit
            break
        section = Term("citation", keyword_value("citation", row.citation))
        sub = deadline.timed(engine.search, replace(base, tree=all_of(tree, section)))
        if ran_out(sub.warnings):
            break
        row.answered.update({f.value: f.count for f in sub.facets.get("urcitation", []) if f.count})
        answered += 1
    notes = [REBUILD_NOTE]
    if answered < len(chosen):
        notes.append(
            deadline.message(
                f"the claims administrator's citations are given for the first {answered} of "
                f"{count(len(chosen), 'row')} only"
            )
        )
    return notes


def sort_rows(rows: list[CitatorRow], sort: CitatorSort) -> list[CitatorRow]:
    if sort == "citation":
        return sorted(rows, key=lambda r: r.citation.casefold())
    if sort == "rate":
        return sorted(rows, key=lambda r: (-r.rate, -r.items, r.citation))
    if sort == "overturned":
        return sorted(rows, key=lambda r: (-r.overturned, -r.items, r.citation))
    return sorted(rows, key=lambda r: (-r.items, -r.overturned, r.citation))


def citator_text(c: Citator, *, answered: int = 3) -> str:
    """The table for a terminal: one block per cited section, its top UR-side citations."""
    shown = f" (the first {len(c.rows)} shown)" if len(c.rows) < c.sections else ""
    lines = [
        f"{count(c.items, 'item')}, {c.cited} citing a guideline, "
        f"{count(c.sections, 'section')} cited{shown}"
    ]
    lines += [f"warning: {w}" for w in c.warnings]
    for r in c.rows:
        low, high = r.interval
        lines.append(
            f"{r.items:>5}  {r.overturned:>4} overturned  {r.rate:>4.0%} ({low:.0%}-{high:.0%})"
            f"  {r.citation}"
        )
        for label, n in r.answered_most()[:answered]:
            lines.append(f"{'':>13}answered UR: {label} ({n})")
    return "\n".join(lines) + "\n"
