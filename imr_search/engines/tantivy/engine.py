"""TantivyEngine: the Engine interface (``imr_search.engine``) over a tantivy index folder.

Reading: the index reader reloads by hand (``reload_policy="manual"``), when a request finds
that ``meta.json`` (rewritten and renamed by every commit) has changed, so a commit by another
process or engine is seen by the next request, not half a second later. Each reload makes a
new ``_View`` (a searcher and what is cached about its content: the item count and the facet
counts of the blank query); a request keeps the view it started with, and tantivy searchers
keep their segments readable while they live, so requests in flight never fail.

Writing: one writer at a time (tantivy's lock file, tried once: a held lock is IndexBusyError
at once). A batch becomes visible on commit; an exception rolls it back; a crash leaves the
last committed ``meta.json``. After a commit the files no commit uses are deleted
(``garbage_collect_files``) and the writer is dropped at once (``wait_merging_threads``
consumes it), so the lock is released when the block ends, not when Python collects it.

What bounds a query: tantivy cannot stop a running query. Every request is bounded instead by
the query length (``max_query_length``), patterns (at most ``max_expansions`` terms each), the
page size (``MAX_PAGE_SIZE``), and collection of every matched item only where it is needed
(letter grouping, ``iter_items``). ``time_limit`` is checked between the phases of a search:
past it, the phases left (facet counts, highlighting) are skipped, with a warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from imr_search.config import MAX_QUERY_LENGTH
from imr_search.engines.tantivy import schema as sc
from imr_search.engines.tantivy import spelling
from imr_search.engines.tantivy.compile import Compiler
from imr_search.engines.tantivy.highlight import snippet
from imr_search.engines.tantivy.session import TantivyWriterSession
from imr_search.errors import IndexBusyError, IndexError_, NotFoundError, QueryError
from imr_search.model import Letter
from imr_search.search.backend import ClosesOnExit
from imr_search.search.documents import UNCLASSIFIED
from imr_search.search.filters import request_tree
from imr_search.search.hits import facet_counts, item_record, make_hit
from imr_search.search.request import FACETS, MAX_PAGE_SIZE, SearchRequest
from imr_search.search.results import (
    Hit,
    IndexStats,
    ItemRecord,
    LetterGroup,
    SearchResult,
    SourceState,
)
from imr_search.search.tree import Node, matches_by_negation, plain_words

Q = tantivy.Query
MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot

# The writer's indexing memory, shared by its threads: segments are flushed when it fills.
WRITER_HEAP = 256_000_000
WRITER_THREADS = max(1, min(2, os.cpu_count() or 1))
# Buckets asked of the facet terms aggregation: more than every distinct facet value an index
# of the whole corpus has (a few thousand), within tantivy's limit of 65,000 per request.
FACET_BUCKETS = 60_000
SIMILAR_TERMS = 20
clock = time.monotonic  # the time_limit's clock (a test replaces it)


@dataclass(eq=False)
class _View:
    """One committed state of the index: its searcher and what is cached about it."""

    searcher: Any
    stamp: tuple[int, int, int]
    items: int | None = None
    blank_facets: dict[str, Counter[str]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class TantivyEngine(ClosesOnExit):
    """The tantivy implementation of ``imr_search.search.backend.Engine``."""

    def __init__(
        self,
        index: Any,
        index_dir: Path,
        *,
        max_query_length: int = MAX_QUERY_LENGTH,
        max_expansions: int = 2000,
    ) -> None:
        self._index = index
        self._schema = index.schema
        self.index_dir = index_dir
        self.max_query_length = max_query_length
        self.max_expansions = max_expansions
        self._analyzer = sc.build_analyzer()
        self._words_analyzer = sc.build_words_analyzer()
        self._lock = threading.Lock()
        self._current: _View | None = None
        self._closed = False
        self._item_q = Q.term_query(self._schema, "kind", sc.KIND_ITEM)
        self._letter_q = Q.term_query(self._schema, "kind", sc.KIND_LETTER)

    # -- reading ---------------------------------------------------------------------------

    def _stamp(self) -> tuple[int, int, int]:
        try:
            st = (self.index_dir / "meta.json").stat()
        except OSError as exc:
            raise IndexError_(f"cannot read the index in {self.index_dir}: {exc}") from exc
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _view(self) -> _View:
        """The view of the latest commit (a new one after any commit)."""
        if self._closed:
            raise IndexError_("the engine is closed")
        stamp = self._stamp()
        with self._lock:
            view = self._current
            if view is None or view.stamp != stamp:
                self._index.reload()
                view = self._current = _View(self._index.searcher(), stamp)
        return view

    def _item_count(self, view: _View) -> int:
        if view.items is None:
            view.items = _count(view.searcher, self._item_q)
        return view.items

    def _compiled(self, view: _View, request: SearchRequest) -> tuple[Compiler, Node, Any]:
        """(compiler, query tree, the tantivy query of the request with its filters)."""
        tree, ftree = request_tree(
            request.query,
            request.tree,
            request.filters,
            request.date_from,
            request.date_to,
            request.exclude_letters,
            max_length=self.max_query_length,
            ranges=request.ranges,
        )
        compiler = Compiler(
            self._schema, view.searcher, self._analyzer, max_expansions=self.max_expansions
        )
        clauses = [(MUST, compiler.compile(tree))]
        if ftree is not None:
            # Filters narrow, never score: scores come from the query alone.
            clauses.append((MUST, Q.const_score_query(compiler.compile(ftree), 0.0)))
        if matches_by_negation(tree) or (ftree is not None and matches_by_negation(ftree)):
            clauses.append((MUST, self._item_q))
        query = clauses[0][1] if len(clauses) == 1 else Q.boolean_query(clauses)
        return compiler, tree, query

    def _ranked(
        self, searcher: Any, query: Any, sort: str, *, limit: int, offset: int = 0
    ) -> tuple[list[tuple[float, Any]], int]:
        """(hits as (score, address) in order, total). ``limit`` must be at least 1: tantivy
        panics (a BaseException) on 0."""
        kwargs: dict[str, Any] = {}
        if sort != "relevance":
            kwargs = {
                "order_by_field": "day",
                "order": tantivy.Order.Asc if sort == "decided" else tantivy.Order.Desc,
            }
        found = searcher.search(query, limit=max(1, limit), count=True, offset=offset, **kwargs)
        total = int(found.count or 0)
        hits = [(float(s) if sort == "relevance" else 0.0, a) for s, a in found.hits]
        return hits, total

    def _all(self, view: _View, query: Any, sort: str) -> list[tuple[float, Any]]:
        """Every matched document, in order. Counted first: tantivy's top-N collector sizes
        its buffer by the limit, and the index size would cost memory on every query."""
        n = _count(view.searcher, query)
        if n == 0:
            return []
        hits, _ = self._ranked(view.searcher, query, sort, limit=n)
        return hits

    def search(self, request: SearchRequest) -> SearchResult:
        if request.page < 1:
            raise QueryError(f"page must be 1 or more, not {request.page}")
        if not 1 <= request.size <= MAX_PAGE_SIZE:
            raise QueryError(f"size must be between 1 and {MAX_PAGE_SIZE}, not {request.size}")
        started = clock()
        view = self._view()
        s = view.searcher
        compiler, tree, query = self._compiled(view, request)
        result = SearchResult(total=0, page=request.page, size=request.size)
        start = (request.page - 1) * request.size
        empty = s.num_docs == 0
        skipped: list[str] = []

        def out_of_time() -> bool:
            limit = request.time_limit
            return limit is not None and clock() - started > limit

        if empty:
            pass
        elif request.letters:
            result.total, groups = self._groups(
                s, self._all(view, query, request.sort), start, request.size
            )
            terms = self._highlight_terms(compiler, out_of_time(), skipped)
            for members in groups:
                hits = [self._hit(s, addr, score, terms) for score, addr in members]
                first = hits[0]
                result.groups.append(
                    LetterGroup(
                        letter_id=first.letter_id,
                        case_number=first.case_number,
                        decision_date=first.decision_date,
                        specialties=first.specialties,
                        outcome=first.outcome,
                        hits=hits,
                        score=max(h.score for h in hits),
                    )
                )
        else:
            page, result.total = self._ranked(
                s, query, request.sort, limit=request.size, offset=start
            )
            terms = self._highlight_terms(compiler, out_of_time(), skipped)
            result.hits = [self._hit(s, addr, score, terms) for score, addr in page]
        if request.facets:
            if empty:
                result.facets = facet_counts({}, request.filters)
            elif out_of_time():
                skipped.append("facet counts")
            else:
                blank = request.tree is None and not request.query.strip()
                blank = blank and not request.filters and not request.exclude_letters
                blank = blank and request.date_from is None and request.date_to is None
                blank = blank and not any(lo or hi for lo, hi in request.ranges.values())
                counters = self._facets(view, query, result.total, blank, request.letters)
                result.facets = facet_counts(counters, request.filters)
        if request.query.strip() and not empty:
            result.suggestions = self._suggestions(s, tree, out_of_time, skipped)
        if skipped:
            result.warnings.append(
                f"the search ran out of time ({request.time_limit:g} s); "
                f"{' and '.join(dict.fromkeys(skipped))} left out"
            )
        return result

    def _groups(
        self, searcher: Any, hits: list[tuple[float, Any]], start: int, size: int
    ) -> tuple[int, list[list[tuple[float, Any]]]]:
        """(number of letters, the hits of the letters ``start`` to ``start + size``), letters
        in order of their first hit. The letter of each hit is the integer ``lkey`` fast
        field, so the count is exact at any number of letters; only the page's letters
        collect their hits."""
        if not hits:
            return 0, []
        keys = searcher.fast_field_values("lkey", [addr for _, addr in hits])
        letters = dict.fromkeys(keys)  # first-hit order, deduplicated in C
        page = {key: i for i, key in enumerate(itertools.islice(letters, start, start + size))}
        groups: list[list[tuple[float, Any]]] = [[] for _ in page]
        for key, hit in zip(keys, hits, strict=True):
            i = page.get(key)
            if i is not None:
                groups[i].append(hit)
        return len(letters), groups

    @staticmethod
    def _highlight_terms(compiler: Compiler, late: bool, skipped: list[str]) -> dict[str, set[str]]:
        """The terms snippets highlight; none (snippets are leads) once out of time."""
        if late:
            skipped.append("highlighting")
            return {}
        return compiler.highlight

    def _hit(self, searcher: Any, addr: Any, score: float, terms: dict[str, set[str]]) -> Hit:
        record = _record(searcher, addr)
        return make_hit(record, snippet(record, terms, self._analyzer), score)

    def _facets(
        self, view: _View, query: Any, total: int, blank: bool, letters: bool
    ) -> dict[str, Counter[str]]:
        """Exact facet counts over the items ``query`` matches. The blank query's counts are
        computed once per commit; a query matching most items is counted over its complement
        (every item minus the ones it leaves out), which touches fewer documents."""
        everything = self._blank_facets(view)
        if blank:
            return everything
        items = self._item_count(view)
        matched = total if not letters else _count(view.searcher, query)
        if matched * 2 > items:
            complement = Q.boolean_query([(MUST, self._item_q), (MUST_NOT, query)])
            left_out = _count_facets(view.searcher, complement)
            return {
                name: Counter(
                    {v: n - left_out[name][v] for v, n in everything[name].items()
                     if n - left_out[name][v] > 0}
                )
                for name in FACETS
            }  # fmt: skip
        return _count_facets(view.searcher, query)

    def _blank_facets(self, view: _View) -> dict[str, Counter[str]]:
        with view.lock:
            if view.blank_facets is None:
                view.blank_facets = _count_facets(view.searcher, self._item_q)
            return view.blank_facets

    def _suggestions(
        self,
        searcher: Any,
        tree: Node,
        out_of_time: Callable[[], bool],
        skipped: list[str],
    ) -> dict[str, str]:
        # Within the time limit too: 200 unknown words cost a correction search each.
        out: dict[str, str] = {}
        for word in plain_words(tree):
            for token in self._words_analyzer.analyze(word):
                if token in out or spelling.known(searcher, token):
                    continue
                if out_of_time():
                    skipped.append("some spelling suggestions")
                    return out
                found = spelling.suggest(searcher, token, limit=1)
                if found:
                    out[token] = found[0]
        return out

    def iter_items(
        self, request: SearchRequest, *, limit: int | None = None
    ) -> Iterator[ItemRecord]:
        view = self._view()
        _, _, query = self._compiled(view, request)
        s = view.searcher
        if s.num_docs == 0 or limit == 0:
            return
        if limit is None:
            hits = self._all(view, query, request.sort)
        else:
            hits, _ = self._ranked(s, query, request.sort, limit=limit)
        for score, addr in hits:
            yield item_record(_record(s, addr), score)

    def get_letter(self, letter_id: str) -> Letter:
        s, addr = self._letter(letter_id)
        return Letter.from_dict(_record(s, addr))

    def letter_source(self, letter_id: str) -> str:
        s, addr = self._letter(letter_id)
        return str(s.doc(addr).get_first("source_key"))

    def _letter(self, letter_id: str) -> tuple[Any, Any]:
        """The searcher and the address of the letter document ``letter_id``."""
        s = self._view().searcher
        q = Q.boolean_query(
            [(MUST, self._letter_q), (MUST, Q.term_query(self._schema, "uid", letter_id))]
        )
        found = s.search(q, limit=1, count=False).hits if s.num_docs else []
        if not found:
            raise NotFoundError(f"no letter {letter_id!r} in the index")
        return s, found[0][1]

    def similar(
        self,
        *,
        text: str,
        exclude: str | None = None,
        limit: int = 20,
        time_limit: float | None = None,
    ) -> list[ItemRecord]:
        if not text.strip() or limit < 1:
            return []
        # tantivy cannot stop its one search; the Python work around it (a document frequency
        # per word of the text, a stored record per hit) stops at the deadline.
        deadline = clock() + time_limit if time_limit is not None else None

        def out_of_time() -> bool:
            return deadline is not None and clock() > deadline

        view = self._view()
        s = view.searcher
        items = self._item_count(view) if s.num_docs else 0
        if not items:
            return []
        # Key terms: tf-idf over the rationale field's document frequencies.
        weights: dict[str, float] = {}
        for term, tf in Counter(self._analyzer.analyze(text)).items():
            if out_of_time():
                break
            df = int(s.doc_freq("rationale", term))
            if df:
                weights[term] = tf * math.log(1 + items / df)
        top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:SIMILAR_TERMS]
        if not top:
            return []
        terms = Q.boolean_query(
            [(SHOULD, Q.boost_query(Q.term_query(self._schema, "rationale", t), w)) for t, w in top]
        )
        clauses = [(MUST, terms), (MUST, self._item_q)]
        if exclude:
            clauses.append((MUST_NOT, Q.term_query(self._schema, "uid", exclude)))
        found = s.search(Q.boolean_query(clauses), limit=limit, count=False)
        out: list[ItemRecord] = []
        for score, addr in found.hits:
            if out_of_time():
                break
            out.append(item_record(_record(s, addr), float(score)))
        return out

    def suggest(self, term: str) -> list[str]:
        word = term.strip().lower()
        if not word:
            return []
        s = self._view().searcher
        if not s.num_docs:
            return []
        return [w for w in spelling.suggest(s, word) if w != word]

    def sources(self) -> dict[str, SourceState]:
        s = self._view().searcher
        out: dict[str, SourceState] = {}
        if not s.num_docs:
            return out
        for _, addr in s.search(self._letter_q, limit=s.num_docs, count=False).hits:
            doc = s.doc(addr)
            out[str(doc.get_first("source_key"))] = SourceState(
                str(doc.get_first("letter_id")), str(doc.get_first("content_hash"))
            )
        return out

    def stats(self) -> IndexStats:
        view = self._view()
        s = view.searcher
        if not s.num_docs:
            return IndexStats(0, 0, 0, None, None, [])
        counters = self._blank_facets(view)
        dated = Q.boolean_query(
            [
                (MUST, self._item_q),
                (MUST, Q.range_query(self._schema, "day", tantivy.FieldType.Integer, 1, None)),
            ]
        )
        agg = s.aggregate(
            dated, {"first": {"min": {"field": "day"}}, "last": {"max": {"field": "day"}}}
        )
        first, last = agg["first"].get("value"), agg["last"].get("value")
        return IndexStats(
            letters=_count(s, self._letter_q),
            items=self._item_count(view),
            overturned=counters["decision"]["overturned"],
            first_decision=dt.date.fromordinal(int(first)) if first else None,
            last_decision=dt.date.fromordinal(int(last)) if last else None,
            top_categories=counters["category"].most_common(10),
            unclassified=counters["category"][UNCLASSIFIED],
        )

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def writer(self, *, rebuild: bool = False) -> Iterator[TantivyWriterSession]:
        committed = self._view().searcher
        try:
            w = self._index.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
        except ValueError as exc:
            if "LockBusy" in str(exc):
                raise IndexBusyError(str(self.index_dir)) from None
            raise IndexError_(f"cannot write the index in {self.index_dir}: {exc}") from exc
        try:
            if rebuild:
                w.delete_all_documents()
            yield TantivyWriterSession(w, committed, self._schema, rebuild=rebuild)
            w.commit()
            w.garbage_collect_files()
        except BaseException as exc:
            # tantivy removes what no commit refers to at the next garbage collection.
            with contextlib.suppress(Exception):
                w.rollback()
            if isinstance(exc, OSError | ValueError) and not isinstance(exc, UnicodeError):
                # tantivy-py reports I/O failures as ValueError("... IoError ...").
                raise IndexError_(f"cannot write the index in {self.index_dir}: {exc}") from None
            raise
        finally:
            # Consumes the writer: its threads end and the lock file is released now.
            w.wait_merging_threads()
            del w

    def close(self) -> None:
        """Forget the searcher; requests still running keep theirs until they end."""
        with self._lock:
            self._closed = True
            self._current = None


def _count(searcher: Any, query: Any) -> int:
    if not searcher.num_docs:
        return 0
    return int(searcher.search(query, limit=1, count=True).count or 0)


def _record(searcher: Any, addr: Any) -> dict[str, Any]:
    raw = searcher.doc(addr).get_first("stored")
    record: dict[str, Any] = json.loads(bytes(raw).decode("utf-8"))
    return record


def _count_facets(searcher: Any, query: Any) -> dict[str, Counter[str]]:
    """Counts per facet value over ``query``'s documents, from one terms aggregation over the
    combined ``facets`` field; exact, or IndexError_ when tantivy could not count every value."""
    agg = {
        "facets": {
            "terms": {"field": "facets", "size": FACET_BUCKETS, "segment_size": FACET_BUCKETS}
        }
    }
    try:
        out = searcher.aggregate(query, agg).get("facets", {})
    except ValueError as exc:
        raise IndexError_(f"cannot count facets: {exc}") from exc
    if out.get("sum_other_doc_count", 0) or out.get("doc_count_error_upper_bound", 0):
        raise IndexError_(
            "too many distinct facet values to count exactly "
            f"(more than {FACET_BUCKETS}); the counts would be approximate"
        )
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for bucket in out.get("buckets", []):
        name, _, value = str(bucket["key"]).partition(sc.FACET_SEP)
        if name in counters:
            counters[name][value] = int(bucket["doc_count"])
    return counters
