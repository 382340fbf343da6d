"""WhooshEngine: the ``Backend`` (``imr_search.search.backend``) over a Whoosh index directory.

Reading: one searcher per thread and index generation. Each request checks the generation (a
directory listing) and, when another process has committed, opens a new searcher; the old one
is closed only when the last request using it lets go, so requests in flight never fail (on
Linux the files of merged-away segments stay readable while open). A searcher's generation is
the one its reader read from the TOC, never the listing's: a commit can land in between.

Writing: one writer at a time (Whoosh's file lock, tried once: a held lock is IndexBusyError
at once). A batch becomes visible on commit; a crash leaves the last committed generation.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from imr_search.engines.whoosh import results as res
from imr_search.engines.whoosh._whoosh import collectors, index, writing
from imr_search.engines.whoosh._whoosh import query as wq
from imr_search.engines.whoosh.collect import AllMatches
from imr_search.engines.whoosh.compile import Compiler
from imr_search.engines.whoosh.pool import use_chunked_pool
from imr_search.engines.whoosh.schema import KIND_ITEM, KIND_LETTER, PAIR_COLUMN, decode_pairs
from imr_search.engines.whoosh.session import WhooshWriterSession
from imr_search.engines.whoosh.spelling import suggestions_for
from imr_search.errors import IndexBusyError, IndexError_, NotFoundError
from imr_search.model import Letter
from imr_search.search.backend import ClosesOnExit, Matches
from imr_search.search.documents import UNCLASSIFIED
from imr_search.search.fields import MAX_CORRECTED_LENGTH, MAX_EXPANSIONS
from imr_search.search.hits import item_record
from imr_search.search.request import FACETS, SortOrder
from imr_search.search.results import IndexStats, ItemRecord, LetterSource, Segment, SourceState
from imr_search.search.tree import Node, matches_by_negation

ITEMS = wq.Term("kind", KIND_ITEM)
LETTERS = wq.Term("kind", KIND_LETTER)
# The writer's posting pool: Whoosh's default is 128 MB. Postings beyond it spill to disk
# (pool.py); about 8,000 letters fit. Peak memory of a large build grows by about this much.
WRITER_POOL_MB = 512


class _Shared:
    """A searcher and the number of requests using it.

    ``generation`` is the one the searcher's reader read. Whoosh's reader of an index with no
    segments has none (None): such a searcher is reopened on each request, which is cheap.
    """

    def __init__(self, searcher: Any, generation: int | None) -> None:
        self.searcher = searcher
        self.generation = generation
        self.users = 0
        self.retired = False


class WhooshEngine(ClosesOnExit):
    """The Whoosh implementation of ``imr_search.search.backend.Engine``."""

    def __init__(
        self,
        ix: Any,
        index_dir: Path,
        *,
        schema: Any,
        max_expansions: int = MAX_EXPANSIONS,
        private_hooks: bool = True,
        pool_mb: float = WRITER_POOL_MB,
    ) -> None:
        """``private_hooks`` off builds indexes with Whoosh's public API only (the same
        index, more slowly: tests compare the two); ``pool_mb`` is the writer's posting pool."""
        self._ix = ix
        self._private_hooks = private_hooks
        self._pool_mb = pool_mb
        # The schema object given at opening: ``ix.schema`` re-reads the TOC file each time,
        # which a concurrent commit may just have deleted.
        self.schema = schema
        # False: an index made before the citator's pairs (it asks row by row).
        self.citation_pairs = PAIR_COLUMN in schema
        self.index_dir = index_dir
        self.max_expansions = max_expansions
        self._facet_tables: dict[int, res.FacetTable] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._open: set[_Shared] = set()
        self._closed = False

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def _searcher(self) -> Iterator[Any]:
        # One searcher per thread (Whoosh readers are not documented as thread-safe) and per
        # index generation; a retired searcher closes when its last request ends.
        if self._closed:
            raise IndexError_("the engine is closed")
        generation = self._ix.latest_generation()
        shared: _Shared | None = getattr(self._local, "shared", None)
        if shared is None or shared.generation != generation:
            # Label it with the generation it opened, not the one listed above: a commit
            # between the listing and the TOC read makes the searcher newer, and a wrong
            # label would pair it with another generation's facet table.
            searcher = self._ix.searcher()
            fresh = _Shared(searcher, searcher.reader().generation())
            with self._lock:
                self._open.add(fresh)
                if shared is not None:
                    self._retire(shared)
            self._local.shared = shared = fresh
        shared.users += 1
        try:
            yield shared.searcher
        finally:
            shared.users -= 1
            if shared.retired and shared.users == 0:
                with self._lock:
                    self._close_shared(shared)

    def _retire(self, shared: _Shared) -> None:
        shared.retired = True
        if shared.users == 0:
            self._close_shared(shared)

    def _close_shared(self, shared: _Shared) -> None:
        if shared in self._open:
            self._open.discard(shared)
            shared.searcher.close()

    def facet_table(self, s: Any) -> res.FacetTable:
        """The facet values of every document of this searcher's index generation, decoded
        once and shared by every thread (a new generation replaces it).

        Keyed by the generation of the reader it is built from and used with: docnums differ
        between generations (a commit adds documents and merges segments)."""
        reader = s.reader()
        generation = reader.generation()
        if generation is None:  # no segments: nothing to decode, nothing to share
            return res.FacetTable(_column(reader, "facets"))
        with self._lock:
            table = self._facet_tables.get(generation)
        if table is None:
            table = res.FacetTable(_column(reader, "facets"))
            with self._lock:
                if generation >= max(self._facet_tables, default=-1):
                    self._facet_tables = {generation: table}
        return table

    @contextmanager
    def reading(self) -> Iterator[_WhooshReader]:
        with self._searcher() as s:
            yield _WhooshReader(self, s)

    def get_letter(self, letter_id: str) -> Letter:
        with self._searcher() as s:
            fields = s.stored_fields(_letter_docnum(s, letter_id))
            return Letter.from_dict(json.loads(fields["stored"]))

    def letter_source(self, letter_id: str) -> LetterSource:
        with self._searcher() as s:
            docnum = _letter_docnum(s, letter_id)
            key, _, content_hash = (
                _column(s.reader(), "src")[docnum].decode("utf-8").partition("\0")
            )
        return LetterSource(key, content_hash)

    def similar(
        self,
        *,
        text: str,
        exclude: str | None = None,
        limit: int = 20,
        time_limit: float | None = None,
    ) -> list[ItemRecord]:
        if not text.strip():
            return []
        deadline = time.monotonic() + time_limit if time_limit is not None else None
        with self._searcher() as s:
            key_terms = s.key_terms_from_text("rationale", text, numterms=20)
            if not key_terms:
                return []
            q = wq.Or([wq.Term("rationale", word, boost=weight) for word, weight in key_terms])
            mask = wq.Term("uid", exclude) if exclude else None
            collector = s.collector(limit=limit, filter=ITEMS, mask=mask)
            top = collector
            if deadline is not None:
                left = max(deadline - time.monotonic(), 0.0)
                collector = collectors.TimeLimitCollector(top, timelimit=left, use_alarm=False)
            with suppress(collectors.TimeLimit):  # the best found so far
                s.search_with_collector(q, collector)
            out: list[ItemRecord] = []
            for hit in top.results():
                if deadline is not None and time.monotonic() > deadline:
                    break
                out.append(item_record(res.load_record(s.reader(), hit.docnum), float(hit.score)))
            return out

    def suggest(self, term: str) -> list[str]:
        word = term.strip().lower()
        if not word or len(word) > MAX_CORRECTED_LENGTH:
            return []
        with self._searcher() as s:
            found: list[str] = s.reader().corrector("words").suggest(word, limit=5, maxdist=2)
        return [w for w in found if w != word]

    def sources(self) -> dict[str, SourceState]:
        with self._searcher() as s:
            out: dict[str, SourceState] = {}
            docnums = list(s.docs_for_query(LETTERS))
            if not docnums:
                return out
            column, lid = _column(s.reader(), "src"), _column(s.reader(), "lid")
            for docnum in docnums:
                key, _, content_hash = column[docnum].decode("utf-8").partition("\0")
                out[key] = SourceState(lid[docnum].decode("utf-8"), content_hash)
        return out

    def stats(self) -> IndexStats:
        with self._searcher() as s:
            reader = s.reader()
            items = list(s.docs_for_query(ITEMS))
            letters = sum(1 for _ in s.docs_for_query(LETTERS))
            counters = self.facet_table(s).count(items)
            day = _column(reader, "day") if items else []
            days = sorted({day[d] for d in items} - {0})
        dates = [dt.date.fromordinal(days[0]), dt.date.fromordinal(days[-1])] if days else []
        return IndexStats(
            letters=letters,
            items=len(items),
            overturned=counters["decision"]["overturned"],
            first_decision=dates[0] if dates else None,
            last_decision=dates[-1] if dates else None,
            top_categories=counters["category"].most_common(10),
            unclassified=counters["category"][UNCLASSIFIED],
        )

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def writer(self, *, rebuild: bool = False) -> Iterator[WhooshWriterSession]:
        """A write session; committed when the block ends. A write that fails (a read-only
        folder, a full disk, at any point up to the commit) is an ``IndexError_`` naming the
        folder and the cause; the committed generation stays what readers see, and the failed
        write's partial files are removed then, or at the next writer if that fails too."""
        # Files of killed or failed runs first: no generation refers to them. Only under the
        # write lock, and before the writer exists (it creates its own files at once).
        self._remove_leftovers(take_lock=True)
        try:
            # A larger posting pool than Whoosh's 128 MB default: until it fills, postings
            # are sorted in memory instead of being pickled to temporary runs and merged.
            w = self._ix.writer(timeout=0.0, limitmb=self._pool_mb)
        except index.LockError:
            raise IndexBusyError(str(self.index_dir)) from None
        except OSError as exc:
            raise self._write_error(exc) from None
        if self._private_hooks:
            use_chunked_pool(w, self._pool_mb)
        session = WhooshWriterSession(
            w, rebuild=rebuild, facet_names=FACETS, private_hooks=self._private_hooks
        )
        try:
            yield session
            session.close()
            if rebuild:
                w.commit(mergetype=writing.CLEAR)
            else:
                w.commit()
        except BaseException as exc:
            session.close(commit=False)
            _cancel(w)
            self._remove_leftovers(take_lock=True)
            if isinstance(exc, OSError):
                raise self._write_error(exc) from None
            raise

    def _write_error(self, exc: OSError) -> IndexError_:
        return IndexError_(f"cannot write the index in {self.index_dir}: {exc.strerror or exc}")

    def _remove_leftovers(self, *, take_lock: bool) -> None:
        storage, name = self._ix.storage, self._ix.indexname
        try:
            lock = self._ix.lock("WRITELOCK")  # the lock Whoosh's writers take
            if take_lock and not lock.acquire(False):
                return  # another writer is at work: its files are not leftovers
            try:
                toc = index.TOC.read(storage, name)
                index.clean_files(storage, name, toc.generation, toc.segments)
            finally:
                lock.release()
        except Exception:
            pass

    def close(self) -> None:
        """Close every searcher not in use; those in use close when their request ends."""
        with self._lock:
            self._closed = True
            for shared in list(self._open):
                self._retire(shared)


@dataclass(slots=True)
class _Query:
    """A compiled request: the query (what scores and highlights) and what runs (with the
    filters). The words snippets highlight are worked out at the first snippet: a request that
    shows none (every item of a set, for precedents and the citator) never expands them."""

    q: Any
    run: Any
    _terms: dict[str, frozenset[str]] | None = None

    def terms(self, reader: Any) -> dict[str, frozenset[str]]:
        if self._terms is None:
            self._terms = res.query_terms(self.q, reader)
        return self._terms


class _WhooshReader:
    """``imr_search.search.backend.Reader`` over one searcher (one index generation)."""

    def __init__(self, engine: WhooshEngine, searcher: Any) -> None:
        self._engine = engine
        self._s = searcher

    @property
    def commit(self) -> Hashable | None:
        # Whoosh numbers its commits (a rebuild too); an index with no segments has none.
        generation: int | None = self._s.reader().generation()
        return generation

    def compile(self, tree: Node, filters: Node | None) -> _Query:
        s = self._s
        compiler = Compiler(
            self._engine.schema, s.reader(), max_expansions=self._engine.max_expansions
        )
        q = compiler.compile(tree)
        # Filters are AND-ed into the query (``Require``: scores come from the query alone)
        # rather than given as Whoosh's ``filter=``, which first builds the set of every
        # document the filter matches (every item, for ``kind:item``) on each search.
        fq = compiler.compile(filters) if filters is not None else None
        # Letter documents hold no field the language searches: only a blank query or a
        # negation (in the query or the filters) could match them.
        if matches_by_negation(tree) or (filters is not None and matches_by_negation(filters)):
            fq = wq.And([ITEMS, fq]) if fq is not None else ITEMS
        if isinstance(q, wq.Every):
            run = wq.ConstantScoreQuery(fq)
        else:
            run = wq.Require(q, fq) if fq is not None else q
        return _Query(q, run)

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
        # Whoosh collects every match either way: the total and the facets need them all.
        s = self._s
        if sort == "relevance":
            collector: Any = AllMatches()
            child = collector
        else:
            collector = child = s.collector(limit=None, sortedby="day", reverse=sort == "-decided")
        if time_limit is not None:
            collector = collectors.TimeLimitCollector(
                collector, timelimit=time_limit, use_alarm=False
            )
        partial = False
        try:
            s.search_with_collector(query.run, collector, context=_context(s, query.run))
        except collectors.TimeLimit:
            partial = True
        if isinstance(child, AllMatches):
            matched = child.ranked()
        else:
            matched = [(docnum, 0.0) for docnum, _ in child.results().items()]
        hits = matched if every else matched[start : start + size]
        return Matches(len(matched), hits, partial, payload=matched)

    def letter_keys(self, refs: Sequence[Any]) -> list[bytes]:
        lid = _column(self._s.reader(), "lid")
        return [lid[docnum] for docnum in refs]

    def facet_counts(
        self, query: _Query, matches: Matches, *, blank: bool
    ) -> dict[str, Counter[str]]:
        return self._engine.facet_table(self._s).count(d for d, _ in matches.payload)

    def pair_counts(self, query: _Query, matches: Matches, *, blank: bool) -> Counter[str] | None:
        if not self._engine.citation_pairs:
            return None
        column = _column(self._s.reader(), PAIR_COLUMN)
        return Counter(chain.from_iterable(decode_pairs(column[d]) for d, _ in matches.payload))

    def record(self, ref: Any) -> dict[str, Any]:
        return res.load_record(self._s.reader(), ref)

    def snippet(
        self, record: Mapping[str, Any], query: _Query, *, highlight: bool
    ) -> list[Segment]:
        terms = query.terms(self._s.reader()) if highlight else {}
        return res.snippet(record, terms, self._engine.schema)

    def suggestions(
        self, words: Sequence[str], out_of_time: Callable[[], bool]
    ) -> tuple[dict[str, str], bool]:
        return suggestions_for(words, self._s, out_of_time)


def _cancel(w: Any) -> None:
    # Cancelling releases the lock; after a failure inside the commit it may itself fail.
    try:
        w.cancel()
    except Exception:
        with suppress(Exception):
            w.writelock.release()


def _letter_docnum(s: Any, letter_id: str) -> int:
    """The document number of the letter document ``letter_id`` (NotFoundError if none)."""
    docnum = s.document_number(uid=letter_id, kind="letter")
    if docnum is None:
        raise NotFoundError(f"no letter {letter_id!r} in the index")
    return int(docnum)


def _context(s: Any, run: Any) -> Any:
    """Unscored for a blank query (every score is the same), scored otherwise."""
    return s.boolean_context() if isinstance(run, wq.ConstantScoreQuery) else s.context()


def _column(reader: Any, name: str) -> Any:
    """The raw column ``name`` (an empty index has none: an empty list then)."""
    if not reader.has_column(name):
        return []
    return reader.column_reader(name, translate=False)
