"""TantivyEngine: the ``Backend`` (``imr_search.search.backend``) over a tantivy index folder.

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
the query length (the search service's ``max_query_length``), patterns (at most
``max_expansions`` terms each), the page size (``MAX_PAGE_SIZE``), and collection of every
matched item only where it is needed (letter grouping, every item of a set). The search
service checks the time limit between the phases of a search: past it, the phases left (facet
counts, highlighting) are skipped, with a warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy
from cachetools import LRUCache

from imr_search.engines.tantivy import counts, facets, letters, pairs, readonly, spelling
from imr_search.engines.tantivy import schema as sc
from imr_search.engines.tantivy.compile import Compiler
from imr_search.engines.tantivy.files import (
    _readable_like_segments,
    _remove_temporary_files,
    write_failure,
)
from imr_search.engines.tantivy.highlight import snippet
from imr_search.engines.tantivy.session import TantivyWriterSession
from imr_search.errors import IndexBusyError, IndexError_, NotFoundError
from imr_search.model import Letter
from imr_search.search.backend import ClosesOnExit, LetterPage, Matches, group_letters
from imr_search.search.documents import UNCLASSIFIED
from imr_search.search.fields import MAX_CORRECTED_WORDS, MAX_EXPANSIONS
from imr_search.search.hits import item_record
from imr_search.search.request import FACETS, SortOrder
from imr_search.search.results import IndexStats, ItemRecord, LetterSource, Segment, SourceState
from imr_search.search.tree import Every, Node, matches_by_negation

Q = tantivy.Query
MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot

# The writer's indexing memory, shared by its threads: segments are flushed when it fills.
WRITER_HEAP = 256_000_000
WRITER_THREADS = max(1, min(2, os.cpu_count() or 1))
SIMILAR_TERMS = 20
# Facet counts of filter-only requests kept per commit.
FILTER_FACETS = 256
# Past this share of the items a query matches, facet values are counted by walking the facet
# terms with the query as filter (``terms_with_prefix(filter_query=...)``, Solr's "enum"
# method), whose cost does not grow with the result; below it, a terms aggregation over the
# matches; past COMPLEMENT_SHARE, an aggregation over the few items left out.
ENUM_SHARE = 0.10
COMPLEMENT_SHARE = 0.90
clock = time.monotonic  # the time_limit's clock (a test replaces it)


@dataclass(eq=False)
class _View:
    """One committed state of the index: its searcher and what is cached about it."""

    searcher: Any
    stamp: tuple[int, int, int]
    commit: str | None = None  # meta.json's digest when the searcher is surely of it
    items: int | None = None
    blank_facets: dict[str, Counter[str]] | None = None
    blank_pairs: Counter[str] | None = None  # the citator's pairs over every item
    # Filter-only requests' facet counts (every page and sort of a filter shares them).
    filter_facets: LRUCache[Hashable, dict[str, Counter[str]]] = field(
        default_factory=lambda: LRUCache(FILTER_FACETS)
    )
    lock: threading.Lock = field(default_factory=threading.Lock)


class TantivyEngine(ClosesOnExit):
    """The tantivy implementation of ``imr_search.search.backend.Engine``."""

    def __init__(
        self,
        index: Any,
        index_dir: Path,
        *,
        max_expansions: int = MAX_EXPANSIONS,
        read_only: bool = False,
    ) -> None:
        self._index = index
        # A folder this process cannot write: each commit is read through links
        # (``readonly``), and writing is refused with the reason.
        self.read_only = read_only
        self.schema = index.schema
        self.index_dir = index_dir
        self.max_expansions = max_expansions
        self.analyzer = sc.build_analyzer()
        self.words_analyzer = sc.build_words_analyzer()
        self._lock = threading.Lock()
        self._current: _View | None = None
        self._closed = False
        self.item_q = Q.term_query(self.schema, "kind", sc.KIND_ITEM)
        self._letter_q = Q.term_query(self.schema, "kind", sc.KIND_LETTER)
        self._states = sc.has_field(self.schema, sc.STATE_FIELD)
        # False: an index made before the citator's pairs (it asks row by row).
        self.citation_pairs = sc.has_field(self.schema, sc.PAIR_FIELD)
        # False: letter pages from every hit's letter (to compare, ``benchmarks.mechanisms``)
        self.letter_aggregation = True
        # Through the view: a read-only index can only be read through its links.
        empty = self._view().searcher.num_docs == 0
        self.pairs = pairs.load(index_dir, self.schema, self.analyzer, empty=empty)

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
                before = counts.digest(self.index_dir)
                if self.read_only:
                    searcher = readonly.open_searcher(self.index_dir)
                else:
                    self._index.reload()
                    searcher = self._index.searcher()
                # The same meta.json before and after: no commit came between, and the
                # searcher is of the commit it names (what the kept counts are keyed by).
                commit = (
                    before
                    if before is not None and before == counts.digest(self.index_dir)
                    else None
                )
                view = self._current = _View(searcher, stamp, commit)
        return view

    def _item_count(self, view: _View) -> int:
        if view.items is None:
            view.items = _count(view.searcher, self.item_q)
        return view.items

    @contextmanager
    def reading(self) -> Iterator[_TantivyReader]:
        yield _TantivyReader(self, self._view())

    def ranked(
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

    def every_match(self, view: _View, query: Any, sort: str) -> list[tuple[float, Any]]:
        """Every matched document, in order. Counted first: tantivy's top-N collector sizes
        its buffer by the limit, and the index size would cost memory on every query."""
        n = _count(view.searcher, query)
        if n == 0:
            return []
        hits, _ = self.ranked(view.searcher, query, sort, limit=n)
        return hits

    def facets(
        self, view: _View, query: Any, matched: int, blank: bool, key: Hashable | None = None
    ) -> dict[str, Counter[str]]:
        """Exact facet counts over the items ``query`` matches. The blank query's counts are
        computed once per commit, and a filter-only request's (``key``: its filters) once per
        commit and filter. The way of counting depends on the share of items matched (see
        ENUM_SHARE)."""
        if blank:
            return self._blank_facets(view)
        if key is not None:
            with view.lock:
                kept = view.filter_facets.get(key)
            if kept is not None:
                return kept
        counts = self._facets(view, query, matched)
        if key is not None:
            with view.lock:
                view.filter_facets[key] = counts
        return counts

    def _facets(self, view: _View, query: Any, matched: int) -> dict[str, Counter[str]]:
        items = self._item_count(view)
        if matched <= ENUM_SHARE * items:
            return facets.count_facets(view.searcher, query)
        if matched <= COMPLEMENT_SHARE * items:
            return facets.enum_facets(view.searcher, query)
        everything = self._blank_facets(view)
        complement = Q.boolean_query([(MUST, self.item_q), (MUST_NOT, query)])
        left_out = facets.count_facets(view.searcher, complement)
        return {
            name: Counter(
                {v: n - left_out[name][v] for v, n in everything[name].items()
                 if n - left_out[name][v] > 0}
            )
            for name in FACETS
        }  # fmt: skip

    def _blank_facets(self, view: _View) -> dict[str, Counter[str]]:
        with view.lock:
            if view.blank_facets is None and not self._kept_counts(view):
                view.blank_facets = facets.count_facets(view.searcher, self.item_q)
            assert view.blank_facets is not None
            return view.blank_facets

    def _blank_pairs(self, view: _View) -> Counter[str]:
        with view.lock:
            if view.blank_pairs is None and not self._kept_counts(view):
                view.blank_pairs = facets.pair_counts(view.searcher, self.item_q)
            assert view.blank_pairs is not None
            return view.blank_pairs

    def _kept_counts(self, view: _View) -> bool:
        """Take the blank query's counts from the commit's ``counts.json`` (``counts``);
        False when there is none for this commit. The caller holds ``view.lock``."""
        if view.commit is None:
            return False
        kept = counts.load(self.index_dir, view.commit)
        if kept is None or (self.citation_pairs and kept.pairs is None):
            return False
        if kept.items != self._item_count(view):
            return False
        view.blank_facets = kept.facets
        view.blank_pairs = kept.pairs
        return True

    def _keep_counts(self) -> None:
        """Count the blank query over the commit just made and keep it beside the commit
        (after a commit, the writer's lock still held: no other commit can come between)."""
        view = self._view()
        if view.commit is None or not view.searcher.num_docs:
            return
        every = facets.count_facets(view.searcher, self.item_q)
        pairs_ = facets.pair_counts(view.searcher, self.item_q) if self.citation_pairs else None
        kept = counts.Kept(self._item_count(view), every, pairs_)
        counts.store(self.index_dir, view.commit, kept)
        with view.lock:
            view.blank_facets, view.blank_pairs = every, pairs_

    def get_letter(self, letter_id: str) -> Letter:
        s, addr = self._letter(letter_id)
        return Letter.from_dict(_record(s, addr))

    def letter_source(self, letter_id: str) -> LetterSource:
        s, addr = self._letter(letter_id)
        doc = s.doc(addr)
        return LetterSource(str(doc.get_first("source_key")), str(doc.get_first("content_hash")))

    def _letter(self, letter_id: str) -> tuple[Any, Any]:
        """The searcher and the address of the letter document ``letter_id``."""
        s = self._view().searcher
        q = Q.boolean_query(
            [(MUST, self._letter_q), (MUST, Q.term_query(self.schema, "uid", letter_id))]
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
        for term, tf in Counter(self.analyzer.analyze(text)).items():
            if out_of_time():
                break
            df = int(s.doc_freq("rationale", term))
            if df:
                weights[term] = tf * math.log(1 + items / df)
        top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:SIMILAR_TERMS]
        if not top:
            return []
        terms = Q.boolean_query(
            [(SHOULD, Q.boost_query(Q.term_query(self.schema, "rationale", t), w)) for t, w in top]
        )
        clauses = [(MUST, terms), (MUST, self.item_q)]
        if exclude:
            clauses.append((MUST_NOT, Q.term_query(self.schema, "uid", exclude)))
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
        if self._states:
            # The state terms of live letter documents (a deleted one's term stays in the
            # dictionary until a merge, counted 0 under the filter): no document is loaded.
            terms = s.terms_with_prefix(sc.STATE_FIELD, "", filter_query=self._letter_q)
            for term, n in terms:
                if n:
                    key, letter_id, content_hash = sc.parse_state(str(term))
                    out[key] = SourceState(letter_id, content_hash)
            return out
        # An index made before the state terms: every letter document is read.
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
                (MUST, self.item_q),
                (MUST, Q.range_query(self.schema, "day", tantivy.FieldType.Integer, 1, None)),
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
        if self.read_only:
            raise IndexError_(
                f"cannot write the index in {self.index_dir}: the folder is read-only "
                "(searching needs only read access; indexing needs write access)"
            )
        committed = self._view().searcher
        try:
            w = self._index.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
        except ValueError as exc:
            if "LockBusy" in str(exc):
                raise IndexBusyError(str(self.index_dir)) from None
            raise IndexError_(f"cannot write the index in {self.index_dir}: {exc}") from exc
        _remove_temporary_files(self.index_dir)  # ours now: the writer's lock is held
        try:
            if rebuild:
                w.delete_all_documents()
            yield TantivyWriterSession(w, committed, self.schema, rebuild=rebuild, pairs=self.pairs)
            w.commit()
            w.garbage_collect_files()
            _readable_like_segments(self.index_dir)
            # A cache: a failure to count or write leaves the counts to be made on reading.
            with contextlib.suppress(OSError, IndexError_):
                self._keep_counts()
        except BaseException as exc:
            # tantivy removes what no commit refers to at the next garbage collection.
            with contextlib.suppress(Exception):
                w.rollback()
            if isinstance(exc, OSError | ValueError) and not isinstance(exc, UnicodeError):
                # tantivy-py reports I/O failures as ValueError("... IoError ...").
                raise IndexError_(write_failure(self.index_dir, exc)) from None
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


@dataclass(frozen=True, slots=True)
class _Query:
    """A compiled request: tantivy's query and the words its snippets highlight."""

    query: Any
    highlight: dict[str, set[str]]
    facet_key: Hashable | None = None  # a filter-only request: its filters


class _TantivyReader:
    """``imr_search.search.backend.Reader`` over one view (one commit)."""

    def __init__(self, engine: TantivyEngine, view: _View) -> None:
        self._engine = engine
        self._view = view
        self._s = view.searcher

    @property
    def commit(self) -> Hashable | None:
        # meta.json's identity: every commit writes a new file and renames it into place.
        return self._view.stamp

    def compile(self, tree: Node, filters: Node | None) -> _Query:
        engine = self._engine
        compiler = Compiler(
            engine.schema,
            self._s,
            engine.analyzer,
            max_expansions=engine.max_expansions,
            pairs=engine.pairs,
        )
        clauses = [(MUST, compiler.compile(tree))]
        if filters is not None:
            # Filters narrow, never score: scores come from the query alone.
            clauses.append((MUST, Q.const_score_query(compiler.compile(filters), 0.0)))
        if matches_by_negation(tree) or (filters is not None and matches_by_negation(filters)):
            clauses.append((MUST, engine.item_q))
        query = clauses[0][1] if len(clauses) == 1 else Q.boolean_query(clauses)
        key = ("filters", filters) if isinstance(tree, Every) and filters is not None else None
        return _Query(query, compiler.highlight, key)

    def match(
        self,
        query: _Query,
        sort: SortOrder,
        *,
        start: int,
        size: int,
        every: bool,
        time_limit: float | None,
    ) -> Matches:
        # tantivy cannot stop a running query: time_limit is for the phases around it.
        if self._s.num_docs == 0:
            return Matches(0)
        if every:
            hits = self._engine.every_match(self._view, query.query, sort)
            return Matches(len(hits), [(a, s) for s, a in hits])
        page, total = self._engine.ranked(self._s, query.query, sort, limit=size, offset=start)
        return Matches(total, [(a, s) for s, a in page])

    def letter_page(
        self, query: _Query, sort: SortOrder, *, start: int, size: int, facets: bool
    ) -> LetterPage:
        if self._s.num_docs == 0:
            return LetterPage(Matches(0), 0, [])
        if not self._engine.letter_aggregation:  # the plain way (the benchmark's "off")
            hits = self._engine.every_match(self._view, query.query, sort)
            keys = self.letter_keys([a for _, a in hits])
            found = [(a, s) for s, a in hits]
            return LetterPage(Matches(len(hits)), *group_letters(keys, found, start, size))
        return letters.letter_page(
            self._engine,
            self._s,
            query.query,
            sort,
            start=start,
            size=size,
            facets=facets,
        )

    def letter_keys(self, refs: Sequence[Any]) -> Sequence[int]:
        # The integer ``lkey`` fast field: exact at any number of letters.
        keys: list[int] = self._s.fast_field_values("lkey", list(refs))
        return keys

    def facet_counts(
        self, query: _Query, matches: Matches, *, blank: bool
    ) -> dict[str, Counter[str]]:
        if self._s.num_docs == 0:
            return {}
        if isinstance(matches.payload, dict):  # counted with the letters (``letter_page``)
            return matches.payload
        return self._engine.facets(self._view, query.query, matches.total, blank, query.facet_key)

    def pair_counts(self, query: _Query, matches: Matches, *, blank: bool) -> Counter[str] | None:
        if not self._engine.citation_pairs:
            return None
        if self._s.num_docs == 0:
            return Counter()
        if not blank:
            return facets.pair_counts(self._s, query.query)
        return self._engine._blank_pairs(self._view)  # every item's: once per commit

    def record(self, ref: Any) -> dict[str, Any]:
        return _record(self._s, ref)

    def snippet(
        self, record: Mapping[str, Any], query: _Query, *, highlight: bool
    ) -> list[Segment]:
        return snippet(record, query.highlight if highlight else {}, self._engine.analyzer)

    def suggestions(
        self, words: Sequence[str], out_of_time: Callable[[], bool]
    ) -> tuple[dict[str, str], bool]:
        # Within the time limit and MAX_CORRECTED_WORDS: each unknown word costs a search.
        s = self._s
        out: dict[str, str] = {}
        if not s.num_docs:
            return out, True
        searched: set[str] = set()
        for word in words:
            for token in self._engine.words_analyzer.analyze(word):
                if token in searched or spelling.known(s, token):
                    continue
                if len(searched) == MAX_CORRECTED_WORDS:
                    return out, True
                if out_of_time():
                    return out, False
                searched.add(token)
                found = spelling.suggest(s, token, limit=1)
                if found:
                    out[token] = found[0]
        return out, True


def _count(searcher: Any, query: Any) -> int:
    if not searcher.num_docs:
        return 0
    return int(searcher.search(query, limit=1, count=True).count or 0)


def _record(searcher: Any, addr: Any) -> dict[str, Any]:
    raw = searcher.doc(addr).get_first("stored")
    record: dict[str, Any] = json.loads(bytes(raw).decode("utf-8"))
    return record
