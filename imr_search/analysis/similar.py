"""Similar rationales: items whose rationale argues the same way as a given item's (or a given
text), ranked, with near-duplicate rationales folded into one row.

How. The engine proposes candidates (``Engine.similar``: its key terms of the text against the
indexed rationales). They are re-ranked here by the cosine of their 1-2 word phrases (see
``imr_search.analysis.terms.phrases``), each phrase weighted by its inverse frequency among the
candidates, so shared arguments ("functional improvement", "no red flags") count and
boilerplate every rationale carries does not.

Near duplicates. Reviewers reuse template wording, so many rationales are copies with a date,
a drug or a few words changed. Two rationales are near duplicates when the Jaccard resemblance
of their word 5-gram shingles (lower-cased words only, so punctuation and line wrapping do not
matter) is at least ``NEAR_DUPLICATE`` (0.5). Changing one word of a 100-word rationale
changes at most 5 of its ~96 shingles (resemblance about 0.9); a rationale that only shares the
guideline quote with another stays well below 0.5. Grouping is greedy in rank order: a
candidate joins the first row whose leading rationale it nearly duplicates.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from imr_search.analysis.terms import key_sentence, phrases, words
from imr_search.errors import NotFoundError, UsageError
from imr_search.model import Decision
from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline
from imr_search.search.lookup import find_letter
from imr_search.search.results import ItemRecord, ItemSummary

NEAR_DUPLICATE = 0.5  # Jaccard resemblance of word 5-gram shingles
SHINGLE_WORDS = 5
# Candidates asked of the engine, whatever the limit: the phrase weights depend on the
# candidate set, so a pool that grew with the limit would re-rank the rows and `--limit 6`
# would not be the first six rows of `--limit 20`.
CANDIDATES = 300


@dataclass(slots=True)
class Member(ItemSummary):
    """One item in a row; ``resemblance`` is its shingle Jaccard with the row's first item."""

    resemblance: float


@dataclass(slots=True)
class SimilarGroup:
    """One row: a rationale and its near duplicates. ``similarity`` (0-1) is how alike its
    first (best) rationale is to the query; ``duplicate_of_query`` marks a row whose rationale
    is itself a near duplicate of the query's."""

    similarity: float
    rationale: str
    key_sentence: str
    members: list[Member] = field(default_factory=list)
    duplicate_of_query: bool = False
    # The query item's decision (None for a text query): a row that copies the query's
    # wording but was decided otherwise is not "a copy" of the query.
    query_decision: Decision | None = None

    @property
    def decided_otherwise(self) -> bool:
        """Some items of this row were decided differently from the query item."""
        return self.query_decision is not None and any(
            m.decision != self.query_decision for m in self.members
        )

    @property
    def label(self) -> str | None:
        """How the row relates to the query's own rationale, in words, or None."""
        if not self.duplicate_of_query:
            return None
        if self.decided_otherwise:
            d = self.decisions()
            return (
                f"same wording as the query's rationale, but decided differently "
                f"({d['upheld']} upheld, {d['overturned']} overturned; the query item was "
                f"{self.query_decision})"
            )
        return "a copy of the query's rationale"

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def first(self) -> Member:
        return self.members[0]

    def decisions(self) -> dict[str, int]:
        found = Counter(m.decision for m in self.members)
        return {"upheld": found["upheld"], "overturned": found["overturned"]}


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """Hashes of the word ``size``-grams of ``text`` (the whole text when it is shorter)."""
    tokens = words(text)
    if len(tokens) <= size:
        return frozenset({hash(tuple(tokens))}) if tokens else frozenset()
    return frozenset(hash(tuple(tokens[i : i + size])) for i in range(len(tokens) - size + 1))


def resemblance(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard |A∩B| / |A∪B| of two shingle sets (0 when both are empty)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _find_item(engine: Engine, item_id: str) -> tuple[str, Decision, str]:
    """The item's rationale, decision and id as indexed (a letter id in any case is found)."""
    letter_id, sep, number = item_id.rpartition("#")
    missing = NotFoundError(f"no item {item_id!r} in the index (item ids look like CM17-0001#1)")
    if not sep or not letter_id or not number.isdigit():
        raise missing
    try:
        letter = find_letter(engine, letter_id)
    except NotFoundError:
        raise missing from None
    for item in letter.items:
        if item.number == int(number):
            return item.rationale, item.decision, letter.item_id(item)
    raise missing


def similar(
    engine: Engine,
    item_id: str | None = None,
    text: str | None = None,
    limit: int = 20,
    *,
    time_limit: float | None = None,
    warnings: list[str] | None = None,
) -> list[SimilarGroup]:
    """Rows of rationales most like the item's rationale (``item_id``, itself left out) or like
    ``text``, best first, near duplicates folded together. Give exactly one of the two.

    ``time_limit`` (seconds) bounds the whole answer: past it the rows come from the
    candidates found by then, and a warning saying so is added to ``warnings``.

    Raises UsageError for neither or both (or a blank text, or limit < 1), NotFoundError for an
    unknown item id."""
    deadline = Deadline.start(time_limit)
    if (item_id is None) == (text is None):
        raise UsageError("give either an item id or a text to compare, not both or neither")
    if limit < 1:
        raise UsageError(f"limit must be 1 or more, not {limit}")
    if text is not None and not text.strip():
        raise UsageError("the text to compare is empty")
    decision: Decision | None = None
    if item_id is not None:
        query, decision, item_id = _find_item(engine, item_id)
    else:
        query = str(text)
    if not query.strip():
        return []
    found = engine.similar(
        text=query, exclude=item_id, limit=CANDIDATES, time_limit=deadline.left()
    )
    candidates = [r for r in found if r.item.rationale]
    if deadline.passed():
        # Re-ranking reads every candidate's phrases and shingles: past the deadline only the
        # engine's best ``limit`` are read, so the rows are the engine's, not re-ranked ones.
        candidates = candidates[:limit]
        if warnings is not None:
            warnings.append(
                deadline.message(
                    f"the rows come from the {len(candidates)} best candidates found by then, "
                    f"not {CANDIDATES}; near duplicates beyond them are not counted"
                )
            )
    scores = _similarities(query, [r.item.rationale for r in candidates])
    ranked = sorted(zip(scores, candidates, strict=True), key=lambda p: (-p[0], p[1].item_id))
    groups = _group(query, ranked, limit)
    if decision is not None:
        for g in groups:
            g.query_decision = decision
    return groups


def _similarities(query: str, texts: Sequence[str]) -> list[float]:
    """Cosine of binary phrase vectors weighted by idf = ln(1 + N / df) over the candidates
    and the query (N texts)."""
    bags = [phrases(t, max_n=2) for t in texts]
    wanted = phrases(query, max_n=2)
    df: Counter[str] = Counter()
    for bag in [*bags, wanted]:
        df.update(bag)
    n = len(bags) + 1
    weight = {t: math.log(1 + n / k) ** 2 for t, k in df.items()}
    # math.fsum is exact, so the result does not depend on set iteration order (which varies
    # between processes with string hashing): the CLI and the server rank ties alike.
    query_norm = math.sqrt(math.fsum(weight[t] for t in wanted))
    out: list[float] = []
    for bag in bags:
        norm = math.sqrt(math.fsum(weight[t] for t in bag))
        shared = math.fsum(weight[t] for t in wanted & bag)
        out.append(shared / (query_norm * norm) if query_norm and norm else 0.0)
    return out


def _member(r: ItemRecord, resemblance_: float) -> Member:
    return Member.of(r, resemblance=round(resemblance_, 3))


def _group(
    query: str, ranked: Sequence[tuple[float, ItemRecord]], limit: int
) -> list[SimilarGroup]:
    """Greedy leader grouping in rank order; every candidate is placed, so counts are whole
    even though only ``limit`` rows are returned."""
    query_shingles = shingles(query)
    rows: list[tuple[frozenset[int], SimilarGroup]] = []
    # shingle -> the rows whose leading rationale has it: only rows sharing a shingle can
    # reach the threshold, so a candidate is compared with those rows alone.
    leaders: dict[int, list[int]] = {}
    for score, record in ranked:
        own = shingles(record.item.rationale)
        shared = Counter(i for s in own for i in leaders.get(s, ()))
        home = next(
            (
                (i, r)
                for i in sorted(shared)
                if (r := shared[i] / (len(own) + len(rows[i][0]) - shared[i])) >= NEAR_DUPLICATE
            ),
            None,
        )
        if home is not None:
            rows[home[0]][1].members.append(_member(record, home[1]))
            continue
        row = SimilarGroup(
            similarity=round(score, 3),
            rationale=record.item.rationale,
            key_sentence=key_sentence(record.item.rationale, record.item.service),
            members=[_member(record, 1.0)],
            duplicate_of_query=resemblance(own, query_shingles) >= NEAR_DUPLICATE,
        )
        for s in own:
            leaders.setdefault(s, []).append(len(rows))
        rows.append((own, row))
    return [row for _, row in rows[:limit]]
