"""Compiling imr-search's query tree (``imr_search.search.tree``) into tantivy queries.

- ``Term`` on a text field: the word analysed as the index analysed it (``en_stem``); a word
  that analyses into several tokens (``L4-5``, ``hydrocodone/acetaminophen``) needs them all.
  On a keyword or enum field: the whole, already normalised value.
- ``Phrase``: a phrase query over the analysed tokens (the tree's slop 1 is tantivy's 0); a
  phrase with no slop whose adjacent words are all frequent is answered from pair terms
  instead (``pairs``: the same items, no positions read).
- ``Pattern``: matches words as written, never stems. Text fields hold stems ("oxycodon"),
  so there the pattern is matched against the unstemmed vocabulary (the ``words`` field of
  letter documents) and each word it matches is searched by its stem; on keyword fields it
  matches the whole values. Expanded here, in Python, so that a pattern matching more than
  ``max_expansions`` terms is a QueryError (as with Whoosh) and the expansions can be
  highlighted.
- ``Range``: integer ranges (dates as day ordinals, see ``schema``).
- ``Not``: tantivy matches nothing with only ``MustNot`` clauses, so a negation stands beside
  ``Must all`` unless it sits in an AND that has positive clauses.
- ``AndMaybe``: ``Must`` required, ``Should`` optional (scores only).
- A node that analyses into nothing (a word of punctuation) is dropped from its parent, as
  Whoosh drops its NullQuery; a tree of nothing matches nothing.

Unfielded nodes search ``DEFAULT_FIELDS`` with ``FIELD_BOOSTS``. The compiler also records,
per text field, the analysed terms a snippet should highlight (negated parts left out).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import tantivy

from imr_search.engines.tantivy.pairs import Pairs
from imr_search.errors import QueryError
from imr_search.search.fields import ALL_FIELDS, DEFAULT_FIELDS, FIELD_BOOSTS, MAX_EXPANSIONS
from imr_search.search.tree import And, AndMaybe, Every, Node, Not, Or, Pattern, Phrase, Range, Term

Q = tantivy.Query
VOCABULARY = "words"  # unstemmed, lower-cased: what patterns on text fields are matched against
MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


def _boosted(q: Any, boost: float) -> Any:
    return Q.boost_query(q, boost) if boost != 1.0 else q


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """``*`` any run, ``?`` one character, everything else literal."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def literal_prefix(pattern: str) -> str:
    """The characters before the first wildcard."""
    m = re.search(r"[*?]", pattern)
    return pattern[: m.start()] if m else pattern


class Compiler:
    """Compiles one request's trees against one searcher (patterns expand over its terms)."""

    def __init__(
        self,
        schema: Any,
        searcher: Any,
        analyzer: Any,
        *,
        max_expansions: int = MAX_EXPANSIONS,
        pairs: Pairs | None = None,
    ) -> None:
        self.schema = schema
        self.pairs = pairs
        self.searcher = searcher
        self.analyzer = analyzer
        self.max_expansions = max_expansions
        # text field -> analysed terms to highlight
        self.highlight: dict[str, set[str]] = {}
        self._negated = 0
        self._words: dict[str, list[str]] = {}  # pattern -> the vocabulary's words it matches

    # -- entry points ----------------------------------------------------------------------

    def compile(self, node: Node) -> Any:
        """The tantivy query of ``node`` (``empty_query`` when it compiles to nothing)."""
        q = self._node(node)
        return q if q is not None else Q.empty_query()

    # -- nodes -----------------------------------------------------------------------------

    def _node(self, node: Node) -> Any | None:
        if isinstance(node, Every):
            return Q.all_query()
        if isinstance(node, Term | Phrase | Pattern):
            if node.field is None:
                return self._default_fields(node)
            return self._leaf(node, node.field, node.boost)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, And):
            return _boosted_opt(self._and(node.children), node.boost)
        if isinstance(node, Or):
            return _boosted_opt(self._or(node.children), node.boost)
        if isinstance(node, Not):
            inner = self._negation(node.child)
            if inner is None:
                return None
            return Q.boolean_query([(MUST, Q.all_query()), (MUST_NOT, inner)])
        if isinstance(node, AndMaybe):
            required = self._node(node.required)
            if required is None:
                return None
            optional = self._node(node.optional)
            if optional is None:
                return required
            return Q.boolean_query([(MUST, required), (SHOULD, optional)])
        raise TypeError(f"not a query node: {node!r}")  # pragma: no cover

    def _negation(self, child: Node) -> Any | None:
        self._negated += 1
        try:
            return self._node(child)
        finally:
            self._negated -= 1

    def _and(self, children: tuple[Node, ...]) -> Any | None:
        clauses: list[tuple[Any, Any]] = []
        for child in children:
            if isinstance(child, Not):
                inner = self._negation(child.child)
                if inner is not None:
                    clauses.append((MUST_NOT, inner))
            else:
                q = self._node(child)
                if q is not None:
                    clauses.append((MUST, q))
        if not clauses:
            return None
        if all(occur == MUST_NOT for occur, _ in clauses):
            clauses.insert(0, (MUST, Q.all_query()))
        elif len(clauses) == 1:
            return clauses[0][1]
        return Q.boolean_query(clauses)

    def _or(self, children: tuple[Node, ...]) -> Any | None:
        parts = [q for q in (self._node(c) for c in children) if q is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Q.boolean_query([(SHOULD, q) for q in parts])

    def _default_fields(self, node: Term | Phrase | Pattern) -> Any | None:
        parts = [
            q
            for name in DEFAULT_FIELDS
            if (q := self._leaf(node, name, node.boost * FIELD_BOOSTS.get(name, 1.0))) is not None
        ]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Q.boolean_query([(SHOULD, q) for q in parts])

    def _leaf(self, node: Term | Phrase | Pattern, field: str, boost: float) -> Any | None:
        kind = ALL_FIELDS[field].kind
        if isinstance(node, Pattern):
            return _boosted_opt(self._pattern(node.pattern, field), boost)
        if kind != "text":  # the parser has normalised the whole value
            text = node.text if isinstance(node, Term) else node.text.lower()
            return _boosted(Q.term_query(self.schema, field, text), boost)
        tokens = self._analyse(node.text, field)
        if not tokens:
            return None
        if len(tokens) == 1:
            q = Q.term_query(self.schema, field, tokens[0])
        elif isinstance(node, Phrase) and node.slop <= 1 and self._paired(tokens):
            assert self.pairs is not None
            q = self.pairs.query(self.schema, field, tokens)
        elif isinstance(node, Phrase):
            words: list[str | tuple[int, str]] = list(tokens)
            q = Q.phrase_query(self.schema, field, words, slop=max(0, node.slop - 1))
        else:
            q = Q.boolean_query([(MUST, Q.term_query(self.schema, field, t)) for t in tokens])
        return _boosted(q, boost)

    def _paired(self, tokens: list[str]) -> bool:
        return self.pairs is not None and self.pairs.covers(tokens)

    def _analyse(self, text: str, field: str) -> list[str]:
        tokens: list[str] = self.analyzer.analyze(text)
        if not self._negated:
            self.highlight.setdefault(field, set()).update(tokens)
        return tokens

    def _pattern(self, pattern: str, field: str) -> Any | None:
        if ALL_FIELDS[field].kind == "text":
            if pattern not in self._words:
                self._words[pattern] = self.expand(pattern, VOCABULARY)
            stems = (t for w in self._words[pattern] for t in self.analyzer.analyze(w))
            terms = list(dict.fromkeys(stems))
        else:
            terms = self.expand(pattern, field)
        if not terms:
            return Q.empty_query()
        if ALL_FIELDS[field].kind == "text" and not self._negated:
            self.highlight.setdefault(field, set()).update(terms)
        return Q.term_set_query(self.schema, field, terms)

    def expand(self, pattern: str, field: str) -> list[str]:
        """The field's indexed terms that ``pattern`` matches; QueryError past
        ``max_expansions``. Only the terms sharing the pattern's literal prefix are read."""
        prefix = literal_prefix(pattern)
        exact_prefix = pattern == prefix + "*" or pattern == prefix
        limit = self.max_expansions + 1 if exact_prefix else None
        candidates = self.searcher.terms_with_prefix(field, prefix, limit=limit)
        if exact_prefix and pattern == prefix:  # no wildcard at all
            found = [t for t, _ in candidates if t == prefix]
        elif exact_prefix:
            found = [t for t, _ in candidates]
        else:
            rx = pattern_regex(pattern)
            found = [t for t, _ in candidates if rx.fullmatch(t)]
        if len(found) > self.max_expansions:
            raise QueryError(
                f"{pattern!r} matches too many terms (more than {self.max_expansions}); "
                "make the pattern longer",
                hint="use more letters before the *",
            )
        return found

    def _range(self, node: Range) -> Any:
        low, high = _int_bound(node.low), _int_bound(node.high)
        if low is not None and high is not None and low > high:
            return Q.empty_query()
        return Q.range_query(self.schema, node.field, tantivy.FieldType.Integer, low, high)


def _boosted_opt(q: Any | None, boost: float) -> Any | None:
    return None if q is None else _boosted(q, boost)


def _int_bound(value: dt.date | int | None) -> int | None:
    if isinstance(value, dt.date):
        return value.toordinal()
    return value
