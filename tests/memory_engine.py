"""A tiny engine keeping its index in Python lists and dicts: an engine is its package (this
module, with ``open_backend``) plus one ``EngineEntry`` (``ENTRY``), and the contract suite
registers it for its run.

It indexes the documents of ``imr_search.search.documents``, as the real engines do, and
evaluates the query tree in Python: text fields are lower-cased words (``\\w+``) made singular,
patterns match the letters' words as written and search their stems, other fields match whole
values; relevance is tf-idf with the default fields' ``FIELD_BOOSTS``.

Where an index lives: in a store named by its location, ``memory://NAME``. Engines opened on
one name share its store (a commit by one is seen by the other, as with a folder), so names are
looked up in a module-level table. The table holds stores weakly: a store lives as long as an
open engine holds it (as SQLite's named in-memory databases do), so nothing outlives the
engines of a test, and tests name theirs by their own temporary folders.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imr_search.engines.registry import EngineEntry
from imr_search.errors import IndexBusyError, IndexError_, NotFoundError, QueryError
from imr_search.model import Letter
from imr_search.search.backend import Backend, ClosesOnExit, Matches
from imr_search.search.documents import (
    UNCLASSIFIED,
    ItemDocument,
    LetterDocument,
    item_documents,
    letter_document,
)
from imr_search.search.fields import (
    ALL_FIELDS,
    DEFAULT_FIELDS,
    FIELD_BOOSTS,
    MAX_CORRECTED_WORDS,
    MAX_EXPANSIONS,
    TEXT_FIELDS,
)
from imr_search.search.hits import SNIPPET_CHARS, item_record, lead
from imr_search.search.request import FACETS, SortOrder
from imr_search.search.results import IndexStats, ItemRecord, LetterSource, Segment, SourceState
from imr_search.search.tree import And, AndMaybe, Every, Node, Not, Pattern, Phrase, Range, Term

ENTRY = EngineEntry(
    "memory",
    "memory_engine",
    holds=None,  # it keeps no index in a folder
    comfortable_letters=2_000,
    note="in Python lists and dicts, for tests: a few thousand letters",
    schemes=("memory",),
)
SIMILAR_TERMS = 20
_WORD = re.compile(r"\w+")
Matcher = Callable[["_Item"], float | None]  # an item's score; None: no match


def stem(word: str) -> str:
    """Plurals made singular ("opioids", "therapies"): all the stemming the contract needs."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def analyse_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def analyse(text: str) -> list[str]:
    return [stem(w) for w in analyse_words(text)]


def distance(a: str, b: str) -> int:
    """Levenshtein distance (3 for anything past 2)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# -- the index: one immutable state per commit -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    doc: ItemDocument
    record: dict[str, Any]
    stems: dict[str, list[str]]  # text field -> its stems in order (for phrases)
    tf: dict[str, Counter[str]]  # text field -> stem counts


@dataclass(frozen=True, slots=True)
class _Letter:
    doc: LetterDocument
    items: tuple[_Item, ...]


def _index(letter: Letter, source_key: str, content_hash: str) -> _Letter:
    items = []
    for doc in item_documents(letter):
        stems = {name: analyse(text) for name, text in doc.text.items()}
        tf = {name: Counter(s) for name, s in stems.items()}
        items.append(_Item(doc, json.loads(doc.stored), stems, tf))
    return _Letter(
        letter_document(letter, source_key=source_key, content_hash=content_hash), tuple(items)
    )


class _State:
    """A committed content: letters, their items, document frequencies, the vocabulary (each
    word of the letters, unstemmed, with the number of letters using it)."""

    def __init__(self, letters: dict[str, _Letter]) -> None:
        self.letters = letters
        self.items = [item for letter in letters.values() for item in letter.items]
        self.df: dict[str, Counter[str]] = {name: Counter() for name in TEXT_FIELDS}
        for item in self.items:
            for name, counts in item.tf.items():
                self.df[name].update(counts.keys())
        self.vocabulary = Counter(
            w for v in letters.values() for w in {*analyse_words(v.doc.words)}
        )

    def weight(self, field: str, term: str, tf: int) -> float:
        df = self.df[field][term]
        return (1 + math.log(tf)) * math.log(1 + len(self.items) / df) if tf and df else 0.0

    def spellings(self, word: str, limit: int) -> list[str]:
        """Indexed words at most 2 edits from ``word``, nearest then most used first."""
        near = ((distance(word, w), -n, w) for w, n in self.vocabulary.items() if w != word)
        return [w for _, _, w in sorted(c for c in near if c[0] <= 2)[:limit]]


class _Store:
    """What the engines opened on one name share: the state and the one writer's lock."""

    def __init__(self) -> None:
        self.state = _State({})
        self.write_lock = threading.Lock()


_STORES: weakref.WeakValueDictionary[str, _Store] = weakref.WeakValueDictionary()
_STORES_LOCK = threading.Lock()


def open_backend(location: Path | str, *, create: bool) -> Backend:
    """The engine of ``memory://NAME``; with ``create``, a new empty index if none is open."""
    scheme, sep, name = str(location).partition("://")
    if not (isinstance(location, str) and sep and scheme.lower() == "memory" and name):
        raise IndexError_(f"the memory engine has no folders: give memory://NAME, not {location}")
    with _STORES_LOCK:
        store = _STORES.get(name)
        if store is None and not create:
            raise IndexError_(f"no index at {location} (build one with `imr-search index`)")
        if store is None:
            store = _STORES[name] = _Store()
    return MemoryEngine(store, location)


# -- the engine --------------------------------------------------------------------------------


class _Session:
    """The ``WriterSession``: changes to a private copy of the letters."""

    def __init__(self, letters: dict[str, _Letter]) -> None:
        self.letters = letters

    def put(self, letter: Letter, *, source_key: str, content_hash: str) -> None:
        for old in [k for k, v in self.letters.items() if v.doc.source_key == source_key]:
            self.delete(old)
        self.delete(letter.id)
        self.letters[letter.id] = _index(letter, source_key, content_hash)

    def delete(self, letter_id: str) -> None:
        self.letters.pop(letter_id, None)


class MemoryEngine(ClosesOnExit):
    def __init__(self, store: _Store, location: str) -> None:
        self._store: _Store | None = store
        self.location = location

    def _live(self) -> _Store:
        if self._store is None:
            raise IndexError_("the engine is closed")
        return self._store

    @contextmanager
    def reading(self) -> Iterator[_Reader]:
        yield _Reader(self._live().state)

    @contextmanager
    def writer(self, *, rebuild: bool = False) -> Iterator[_Session]:
        store = self._live()
        if not store.write_lock.acquire(blocking=False):
            raise IndexBusyError(self.location)
        try:
            session = _Session({} if rebuild else dict(store.state.letters))
            yield session
            store.state = _State(session.letters)  # the commit, one assignment
        finally:
            store.write_lock.release()

    def _letter(self, letter_id: str) -> _Letter:
        found = self._live().state.letters.get(letter_id)
        if found is None:
            raise NotFoundError(f"no letter {letter_id!r} in the index")
        return found

    def get_letter(self, letter_id: str) -> Letter:
        return Letter.from_dict(json.loads(self._letter(letter_id).doc.stored))

    def letter_source(self, letter_id: str) -> LetterSource:
        doc = self._letter(letter_id).doc
        return LetterSource(doc.source_key, doc.content_hash)

    def sources(self) -> dict[str, SourceState]:
        letters = self._live().state.letters.values()
        return {v.doc.source_key: SourceState(v.doc.letter_id, v.doc.content_hash) for v in letters}

    def similar(
        self,
        *,
        text: str,
        exclude: str | None = None,
        limit: int = 20,
        time_limit: float | None = None,
    ) -> list[ItemRecord]:
        state = self._live().state
        deadline = time.monotonic() + time_limit if time_limit is not None else math.inf
        weights = {t: state.weight("rationale", t, n) for t, n in Counter(analyse(text)).items()}
        top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:SIMILAR_TERMS]
        scored = [
            (sum(w for t, w in top if t in item.tf["rationale"]), item)
            for item in state.items
            if item.doc.item_id != exclude
        ]
        scored.sort(key=lambda pair: -pair[0])
        best = [(score, item) for score, item in scored[:limit] if score > 0]
        return [item_record(item.record, s) for s, item in best if time.monotonic() <= deadline]

    def suggest(self, term: str) -> list[str]:
        word = term.strip().lower()
        return self._live().state.spellings(word, 5) if word else []

    def stats(self) -> IndexStats:
        state = self._live().state
        facets = _facets(state.items)
        days = [item.doc.day for item in state.items if item.doc.day]
        return IndexStats(
            letters=len(state.letters),
            items=len(state.items),
            overturned=facets["decision"]["overturned"],
            first_decision=dt.date.fromordinal(min(days)) if days else None,
            last_decision=dt.date.fromordinal(max(days)) if days else None,
            top_categories=facets["category"].most_common(10),
            unclassified=facets["category"][UNCLASSIFIED],
        )

    def close(self) -> None:
        self._store = None


def _facets(items: Iterable[_Item]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for item in items:
        for name, values in item.doc.facets.items():
            counts[name].update(set(values))  # a value counts once per item
    return counts


# -- searching ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Query:
    run: Matcher | None  # None: nothing to search, nothing matches
    highlight: dict[str, set[str]]  # text field -> the stems a snippet marks


class _Compiler:
    """A tree into a matcher over one state, noting the stems a snippet should mark."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.highlight: dict[str, set[str]] = {}
        self._negated = 0

    def node(self, node: Node) -> Matcher | None:
        if isinstance(node, Every):
            return lambda item: 1.0
        if isinstance(node, Range):
            return _range(node)
        if isinstance(node, Term | Phrase | Pattern):
            if node.field is not None:
                return self._leaf(node, node.field, node.boost)
            fields = [(f, node.boost * FIELD_BOOSTS.get(f, 1.0)) for f in DEFAULT_FIELDS]
            return _combine([self._leaf(node, *f) for f in fields], 1.0, every=False)
        if isinstance(node, Not):
            self._negated += 1
            child = self.node(node.child)
            self._negated -= 1
            return (
                None if child is None else (lambda item: None if child(item) is not None else 0.0)
            )
        if isinstance(node, AndMaybe):
            required, optional = self.node(node.required), self.node(node.optional)
            if required is None or optional is None:
                return required
            return _combine([required, lambda item: optional(item) or 0.0], 1.0, every=True)
        parts = [self.node(child) for child in node.children]
        return _combine(parts, node.boost, every=isinstance(node, And))

    def _leaf(self, node: Term | Phrase | Pattern, field: str, boost: float) -> Matcher | None:
        if ALL_FIELDS[field].kind != "text":  # whole values, normalised by the parser
            if isinstance(node, Pattern):
                values = {v for item in self.state.items for v in item.doc.keywords.get(field, [])}
                wanted = set(_expand(node.pattern, values))
            else:
                wanted = {node.text if isinstance(node, Term) else node.text.lower()}
            return lambda item: (
                boost if wanted.intersection(item.doc.keywords.get(field, [])) else None
            )
        if isinstance(node, Pattern):  # any word it matches (as written), by its stem
            stems = {stem(w) for w in _expand(node.pattern, self.state.vocabulary)}
        elif not (stems := set(analyse(node.text))):
            return None  # punctuation only
        if not self._negated:
            self.highlight.setdefault(field, set()).update(stems)
        needs_all = not isinstance(node, Pattern)  # a word split in two needs both
        phrase = (
            (analyse(node.text), node.slop) if isinstance(node, Phrase) and len(stems) > 1 else None
        )
        weight = self.state.weight

        def match(item: _Item) -> float | None:
            tf = item.tf[field]
            if needs_all and not all(tf[s] for s in stems):
                return None
            if phrase and not _in_order(item.stems[field], *phrase):
                return None
            found = sum(weight(field, s, tf[s]) for s in stems)
            return boost * found if found else None

        return match


def _expand(pattern: str, words: Iterable[str]) -> list[str]:
    rx = re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )
    found = [w for w in words if rx.fullmatch(w)]
    if len(found) > MAX_EXPANSIONS:
        raise QueryError(
            f"{pattern!r} matches too many terms (more than {MAX_EXPANSIONS}); "
            "make the pattern longer",
            hint="use more letters before the *",
        )
    return found


def _in_order(seq: list[str], words: list[str], slop: int) -> bool:
    """Whether ``words`` occur in ``seq`` in order, each at most ``slop`` after the last."""
    reach = {i for i, s in enumerate(seq) if s == words[0]}
    for word in words[1:]:
        reach = {j for i in reach for j in range(i + 1, i + slop + 1) if seq[j : j + 1] == [word]}
    return bool(reach)


def _combine(parts: Sequence[Matcher | None], boost: float, *, every: bool) -> Matcher | None:
    """Every one of ``parts`` or any, scores summed; parts of nothing (None) are left out."""
    live = [p for p in parts if p is not None]
    if not live:
        return None

    def match(item: _Item) -> float | None:
        scores = [part(item) for part in live]
        found = [s for s in scores if s is not None]
        if not found or (every and len(found) < len(scores)):
            return None
        return boost * sum(found)

    return match


def _unscored(matcher: Matcher) -> Matcher:
    return lambda item: None if matcher(item) is None else 0.0


def _range(node: Range) -> Matcher:
    def day(value: dt.date | int | None) -> int | None:
        return value.toordinal() if isinstance(value, dt.date) else value

    low, high = day(node.low), day(node.high)

    def match(item: _Item) -> float | None:
        value = day(item.doc.age if node.field == "age" else item.doc.dates.get(node.field))
        inside = (
            value is not None and (low is None or low <= value) and (high is None or value <= high)
        )
        return 1.0 if inside else None

    return match


class _Reader:
    """``imr_search.search.backend.Reader`` over one state; a reference is an item's position."""

    def __init__(self, state: _State) -> None:
        self._state = state

    @property
    def commit(self) -> None:
        # States are told apart only by identity, which Python reuses: never cached.
        return None

    def _item(self, ref: Any) -> _Item:
        return self._state.items[int(ref)]

    def compile(self, tree: Node, filters: Node | None) -> _Query:
        compiler = _Compiler(self._state)
        run = compiler.node(tree)
        if filters is not None:  # they narrow, never score
            narrow = _Compiler(self._state).node(filters)
            run = _combine([run, _unscored(narrow)], 1.0, every=True) if run and narrow else None
        return _Query(run, compiler.highlight)

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
        deadline = time.monotonic() + time_limit if time_limit is not None else math.inf
        matched: list[tuple[Any, float]] = []
        partial = False
        for ref, item in enumerate(self._state.items if query.run else []):
            if partial := time.monotonic() > deadline:
                break
            if query.run is not None and (score := query.run(item)) is not None:
                matched.append((ref, score if sort == "relevance" else 0.0))
        if sort == "relevance":
            matched.sort(key=lambda hit: -hit[1])
        else:
            matched.sort(key=lambda hit: self._item(hit[0]).doc.day, reverse=sort == "-decided")
        return Matches(
            len(matched), matched if every else matched[start : start + size], partial, matched
        )

    def letter_keys(self, refs: Sequence[Any]) -> list[str]:
        return [self._item(ref).doc.letter_id for ref in refs]

    def facet_counts(
        self, query: _Query, matches: Matches, *, blank: bool
    ) -> dict[str, Counter[str]]:
        return _facets(self._item(ref) for ref, _ in matches.payload)

    def record(self, ref: Any) -> dict[str, Any]:
        return self._item(ref).record

    def snippet(
        self, record: Mapping[str, Any], query: _Query, *, highlight: bool
    ) -> list[Segment]:
        rationale, summary = record["item"].get("rationale") or "", record.get("summary") or ""
        for field, text in (("rationale", rationale), ("summary", summary)):
            if highlight and (found := _marked(text, query.highlight.get(field, set()))):
                return found
        return lead(rationale or summary)

    def suggestions(
        self, words: Sequence[str], out_of_time: Callable[[], bool]
    ) -> tuple[dict[str, str], bool]:
        out: dict[str, str] = {}
        searched: set[str] = set()
        for word in (w for given in words for w in analyse_words(given)):
            if word in searched or word in self._state.vocabulary:
                continue
            if len(searched) == MAX_CORRECTED_WORDS:  # as every engine: the first few only
                return out, True
            if out_of_time():
                return out, False
            searched.add(word)
            found = self._state.spellings(word, 1)
            if found:
                out[word] = found[0]
        return out, True


def _marked(text: str, stems: set[str]) -> list[Segment] | None:
    """``text`` from a little before its first word whose stem is in ``stems``, such words
    marked; None when it has none."""
    found = [m for m in _WORD.finditer(text) if stem(m.group().lower()) in stems]
    if not found:
        return None
    start, end = 0, len(text)
    if len(text) > SNIPPET_CHARS:  # a window of words around the first one
        start = text.rfind(" ", 0, max(0, found[0].start() - 60)) + 1
    if len(text) > start + SNIPPET_CHARS:
        end = max(text.rfind(" ", 0, start + SNIPPET_CHARS), found[0].end())
    out, pos = [Segment("… ")] if start else [], start
    for m in (m for m in found if m.end() <= end):
        out += [Segment(text[pos : m.start()]), Segment(m.group(), match=True)]
        pos = m.end()
    out += [Segment(text[pos:end]), Segment(" …" if end < len(text) else "")]
    return [s for s in out if s.text]
