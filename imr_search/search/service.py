"""The one search service: a request in, a result out, the same for the CLI, the API and the
page, over whichever engine holds the index.

Two parts, each written once:

- ``prepare``, the policy before a search: a query that is only a case number searches that
  case; filter values are checked against the index (aliases applied, a value no item has
  refused with the closest ones); a decision-date range that ends before it starts is refused.
  It returns the request to run and the notes to show beside its answer.
- ``search``, the orchestration of one search over the engine's narrow ``Reader``: the page
  checks, the query parsed once into a tree, matching, letter groups, the facet counts,
  highlighting and spelling suggestions. One clock bounds the whole search: past the
  request's time limit the phases left are skipped, with a warning naming them, and the
  answer is partial, never wrong in silence.

Whole answers are kept in a response cache (``imr_search.search.response_cache``) keyed by
the commit the reader sees and the normalised request: the same request on the same commit is
answered from it, a commit makes every key new.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any

from imr_search.config import MAX_QUERY_LENGTH
from imr_search.errors import QueryError
from imr_search.model import Letter
from imr_search.parse.drugs import generic_name
from imr_search.search.backend import (
    Backend,
    ClosesOnExit,
    CountsPairs,
    Engine,
    LetterPage,
    Matches,
    PagesLetters,
    Reader,
    WriterSession,
    group_letters,
)
from imr_search.search.fields import EVERYWHERE_FIELDS, FIELD_BOOSTS
from imr_search.search.filters import request_tree
from imr_search.search.filtervalues import check_filters, check_query_values
from imr_search.search.hits import facet_counts, item_record, make_hit
from imr_search.search.lookup import case_number_letter
from imr_search.search.request import MAX_PAGE_SIZE, PAIR_FACET, SearchRequest
from imr_search.search.response_cache import CacheStats, ResponseCache
from imr_search.search.results import (
    FacetCount,
    Hit,
    IndexStats,
    ItemRecord,
    LetterGroup,
    LetterSource,
    SearchResult,
    SourceState,
)
from imr_search.search.syntax import parse
from imr_search.search.tree import And, Node, Not, Term, has_default_fields, in_fields, plain_words
from imr_search.search.vocabulary import (
    Vocabulary,
    expand,
    lexicon_spelling,
    respelled,
    vocabulary,
)

clock = time.monotonic  # the time limit's clock (a test replaces it)


@dataclass(slots=True)
class Plan:
    """The search run for a request: its tree, the engine's query, what it matched, where the
    plain words searched and what else they searched (``SearchResult`` reports each)."""

    tree: Node
    query: Any
    matches: Matches
    scope: str = "services"
    also: list[str] = field(default_factory=list)
    fallback: bool = False
    respelled: dict[str, str] = field(default_factory=dict)
    # The plain words as typed (spelling suggestions), the index's spellings of them when
    # already asked, and the phases the time limit left out.
    words: list[str] | None = None
    suggested: tuple[dict[str, str], bool] | None = None
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request ready to run and what the user should be told about it: the filter aliases
    applied (``notes``) and, when the query was only a case number, that letter and the note
    saying so."""

    request: SearchRequest
    notes: tuple[str, ...] = ()
    case_letter: str | None = None
    case_note: str | None = None
    # The query text with its field values as the filters name them (``decision:denied`` ->
    # ``decision:upheld``): what a saved search stores. None: the request's query as it is.
    resolved_query: str | None = None

    @property
    def all_notes(self) -> list[str]:
        """Every note, in the order an answer shows them."""
        return [*self.notes, *([self.case_note] if self.case_note else [])]


def _blank(request: SearchRequest) -> bool:
    """No query, filter, exclusion or date bound: the request asks for every item."""
    return (
        request.tree is None
        and not request.query.strip()
        and not request.filters
        and not request.exclude_letters
        and request.only_letters is None
        and request.date_from is None
        and request.date_to is None
        and not any(lo or hi for lo, hi in request.ranges.values())
    )


def check_page(request: SearchRequest) -> None:
    if request.page < 1:
        raise QueryError(f"page must be 1 or more, not {request.page}")
    if not 1 <= request.size <= MAX_PAGE_SIZE:
        raise QueryError(f"size must be between 1 and {MAX_PAGE_SIZE}, not {request.size}")


def prepare(engine: Engine, request: SearchRequest) -> Prepared:
    """The request to run, with its filter values checked against ``engine``'s index and the
    notes to show beside its answer (see the module docstring). Raises QueryError (a
    UsageError) for what cannot be run."""
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise QueryError(f"from ({request.date_from}) is after to ({request.date_to})")
    notes: list[str] = []
    resolved_query: str | None = None
    if request.filters:
        checked = check_filters(engine, request.filters)
        notes += checked.notes
        request = replace(request, filters=checked.filters)
    case_letter = case_number_letter(engine, request.query) if request.tree is None else None
    case_note = None
    if case_letter is not None:
        number = request.query.strip().strip('"').strip()
        case_note = f"{number!r} is the case number of letter {case_letter}: showing its items"
        request = replace(request, tree=Term("case", number.lower()))
    elif request.tree is None and ":" in request.query:
        # ``region:lumbar`` means what ``--region lumbar`` does (issue 25, point 3).
        # The service's own limit, so the query is refused here exactly when its search would.
        limit = getattr(engine, "max_query_length", MAX_QUERY_LENGTH)
        tree = parse(request.query, max_length=limit)
        values = check_query_values(engine, tree)
        notes += [n for n in values.notes if n not in notes]
        if values.tree != tree:
            request = replace(request, tree=values.tree)
        if values.changes:
            resolved_query = values.text(request.query)
    return Prepared(request, tuple(notes), case_letter, case_note, resolved_query)


class SearchService(ClosesOnExit):
    """``imr_search.search.backend.Engine`` over an engine's ``Backend``: searches are run
    here, everything else is the backend's."""

    def __init__(
        self,
        backend: Backend,
        *,
        max_query_length: int = MAX_QUERY_LENGTH,
        cache_size: int = 0,
        vocab: Vocabulary | None = None,
    ) -> None:
        self.backend = backend
        self.max_query_length = max_query_length
        self.cache = ResponseCache(cache_size)
        self.vocabulary = vocab if vocab is not None else vocabulary()

    # -- a search ----------------------------------------------------------------------------

    def _trees(self, request: SearchRequest) -> tuple[Node, Node | None]:
        return request_tree(
            request.query,
            request.tree,
            request.filters,
            request.date_from,
            request.date_to,
            request.exclude_letters,
            max_length=self.max_query_length,
            ranges=request.ranges,
            only_letters=request.only_letters,
        )

    def _planned(
        self,
        reader: Reader,
        request: SearchRequest,
        run: Callable[[Any], Matches],
        out_of_time: Callable[[], bool],
    ) -> Plan:
        """The search a user's query asks for (the module docstring): its words and their
        vocabulary in the request's scope; in "services" scope, when no service matches, the
        words respelled (a word no item has), else the words searched everywhere."""
        typed, ftree = self._trees(request)
        plain = request.tree is None and has_default_fields(typed)
        if not plain:
            query = reader.compile(typed, ftree)
            return Plan(typed, query, run(query), scope="fields" if request.query else "")

        def planned(words: Node, scope: str) -> Plan:
            expansion = expand(words, self.vocabulary) if request.synonyms else None
            tree = expansion.tree if expansion else words
            if scope == "everywhere":
                tree = in_fields(tree, EVERYWHERE_FIELDS, FIELD_BOOSTS)
            query = reader.compile(tree, ftree)
            also = expansion.also if expansion else []
            return Plan(tree, query, run(query), scope=scope, also=also)

        plan = planned(typed, request.scope)
        plan.words = plain_words(typed)
        if request.scope == "everywhere" or plan.matches.total:
            return plan
        if out_of_time():
            plan.skipped.append("searching the rationales and summaries")
            return plan
        suggested, complete = reader.suggestions(self._not_vocabulary(plan.words), out_of_time)
        plan.suggested = (suggested, complete)
        spellings = self._spellings(plan.words, suggested) if request.synonyms else {}
        if spellings and not out_of_time():
            respelt = planned(respelled(typed, spellings), "services")
            if respelt.matches.total:
                respelt.respelled, respelt.words = spellings, plan.words
                return respelt
        if out_of_time():  # each further search would cost a whole search's time again
            plan.skipped.append("searching the rationales and summaries")
            return plan
        wider = planned(typed, "everywhere")
        wider.fallback, wider.words = True, plan.words
        wider.suggested = (suggested, complete)
        return wider

    def _not_vocabulary(self, words: list[str]) -> list[str]:
        """The words a spelling correction is looked for: not those the vocabulary knows. An
        abbreviation or a drug name no item has ("ESI" in an index without one) is not a typo;
        "did you mean: is" would send the user from it to nothing."""
        return [w for w in words if not self.vocabulary.alternatives(w) and generic_name(w) is None]

    def _spellings(self, words: list[str], suggested: Mapping[str, str]) -> dict[str, str]:
        """Word -> the spelling to search instead, for the words no item has (``suggested``:
        the index's spellings): the index's suggestion, else the vocabulary's name it is
        closest to."""
        out: dict[str, str] = {}
        for word in words:
            spelling = suggested.get(word)
            fixed = lexicon_spelling(word, self.vocabulary) if spelling is None else spelling
            if fixed and fixed != word:
                out[word] = fixed
        return out

    def search(self, request: SearchRequest) -> SearchResult:
        """Run ``request`` as given (``prepare`` first for a user's request). Raises
        QueryError for a query that cannot be run."""
        check_page(request)
        with self.backend.reading() as reader:
            commit = reader.commit
            cached = self.cache.get(commit, request)
            if cached is not None:
                return cached
            result = self._search(reader, request)
        self.cache.put(commit, request, result)
        return result

    def _search(self, reader: Reader, request: SearchRequest) -> SearchResult:
        started = clock()
        limit = request.time_limit

        def out_of_time() -> bool:
            return limit is not None and clock() - started > limit

        def left() -> float | None:
            """The time the search has left: each phase gets what remains, not the limit."""
            return None if limit is None else max(limit - (clock() - started), 1e-6)

        skipped: list[str] = []
        result = SearchResult(total=0, page=request.page, size=request.size)
        start = (request.page - 1) * request.size
        runs: list[Any] = []
        # The letter page an engine that pages letters itself gave for a run's matches.
        pages: dict[int, LetterPage] = {}

        def run(query: Any) -> Matches:
            # The first search has the limit, as it always had; a later one (respelled,
            # wider) what is left of it.
            runs.append(query)
            if request.letters and isinstance(reader, PagesLetters):
                # The engine pages letters itself (counting them without every hit's letter).
                page = reader.letter_page(
                    query, request.sort, start=start, size=request.size, facets=request.facets
                )
                pages[id(page.matches)] = page
                return page.matches
            return reader.match(
                query,
                request.sort,
                start=start,
                size=request.size,
                every=request.letters,
                time_limit=limit if len(runs) == 1 else left(),
            )

        plan = self._planned(reader, request, run, out_of_time)
        tree, query, matches = plan.tree, plan.query, plan.matches
        page = pages.get(id(matches))
        result.scope, result.fallback = plan.scope, plan.fallback
        result.also_searched, result.respelled = plan.also, plan.respelled
        skipped += plan.skipped
        if plan.scope == "services":
            if out_of_time():
                skipped.append("the count of items that only mention it")
            else:
                result.elsewhere = self._elsewhere(reader, request, plan, left())
        if matches.partial:
            result.warnings.append(
                f"the search ran out of time ({limit or 0:g} s); results are partial"
            )
        highlight = not out_of_time()
        if not highlight:
            skipped.append("highlighting")

        def hit(ref: Any, score: float) -> Hit:
            record = reader.record(ref)
            return make_hit(record, reader.snippet(record, query, highlight=highlight), score)

        if request.letters:
            if page is None:
                keys = reader.letter_keys([ref for ref, _ in matches.hits])
                page = LetterPage(matches, *group_letters(keys, matches.hits, start, request.size))
            result.total = page.letters
            result.groups = [_group([hit(r, s) for r, s in g]) for g in page.groups]
        else:
            result.total = matches.total
            result.hits = [hit(ref, score) for ref, score in matches.hits]
        if request.facets:
            if out_of_time():
                skipped.append("facet counts")
            else:
                counts = reader.facet_counts(query, matches, blank=_blank(request))
                result.facets = facet_counts(counts, request.filters)
                if request.citation_pairs and isinstance(reader, CountsPairs):
                    pairs = reader.pair_counts(query, matches, blank=_blank(request))
                    if pairs is not None:  # None: an index made before them
                        result.facets[PAIR_FACET] = [FacetCount(v, n) for v, n in pairs.items()]
        if request.query.strip() and not plan.respelled:
            result.suggestions, complete = plan.suggested or reader.suggestions(
                self._not_vocabulary(plan.words if plan.words is not None else plain_words(tree)),
                out_of_time,
            )
            if not complete:
                skipped.append("some spelling suggestions")
        if skipped:
            result.warnings.append(
                f"the search ran out of time ({limit or 0:g} s); "
                f"{' and '.join(dict.fromkeys(skipped))} left out"
            )
        return result

    def iter_items(
        self, request: SearchRequest, *, limit: int | None = None
    ) -> Iterator[ItemRecord]:
        """Every item matching the request's query and filters (or the best ``limit``), best
        first, whole."""
        if limit == 0:
            return
        with self.backend.reading() as reader:

            def run(query: Any) -> Matches:
                return reader.match(
                    query,
                    request.sort,
                    start=0,
                    size=limit or 1,
                    every=limit is None,
                    time_limit=None,
                )

            matches = self._planned(reader, request, run, lambda: False).matches
            for ref, score in matches.hits:
                yield item_record(reader.record(ref), score)

    def _elsewhere(
        self, reader: Reader, request: SearchRequest, plan: Plan, limit: float | None
    ) -> int | None:
        """How many more items the words match everywhere but in the services (counted
        apart: "26 more items mention norco"); None when the count ran out of time."""
        _, ftree = self._trees(request)
        wider = in_fields(plan.tree, EVERYWHERE_FIELDS, FIELD_BOOSTS)
        query = reader.compile(And((wider, Not(plan.tree))), ftree)
        found = reader.match(query, "relevance", start=0, size=1, every=False, time_limit=limit)
        return None if found.partial else found.total

    # -- the rest is the backend's -----------------------------------------------------------

    def writer(self, *, rebuild: bool = False) -> AbstractContextManager[WriterSession]:
        return self.backend.writer(rebuild=rebuild)

    def sources(self) -> dict[str, SourceState]:
        return self.backend.sources()

    def get_letter(self, letter_id: str) -> Letter:
        return self.backend.get_letter(letter_id)

    def letter_source(self, letter_id: str) -> LetterSource:
        return self.backend.letter_source(letter_id)

    def similar(
        self,
        *,
        text: str,
        exclude: str | None = None,
        limit: int = 20,
        time_limit: float | None = None,
    ) -> list[ItemRecord]:
        return self.backend.similar(text=text, exclude=exclude, limit=limit, time_limit=time_limit)

    def suggest(self, term: str) -> list[str]:
        return self.backend.suggest(term)

    def stats(self) -> IndexStats:
        return self.backend.stats()

    def cache_stats(self) -> CacheStats:
        return self.cache.stats()

    def close(self) -> None:
        self.backend.close()


def _group(hits: list[Hit]) -> LetterGroup:
    first = hits[0]
    return LetterGroup(
        letter_id=first.letter_id,
        case_number=first.case_number,
        decision_date=first.decision_date,
        specialties=first.specialties,
        outcome=first.outcome,
        hits=hits,
        score=max(h.score for h in hits),
    )
