"""Compiling imr-search's query tree (``imr_search.search.tree``) into Whoosh queries.

Words and phrases are analysed with the field's own analyzer (so they are stemmed as the index
is); a word the analyzer splits ("L4-L5") becomes an AND of its tokens, and a stop word
disappears. Unfielded words, phrases and patterns search the default fields, the service
boosted.

A pattern matches words as written, never stems: the text fields hold stems ("oxycodon"), so
a pattern on them is matched against the unstemmed vocabulary (the ``words`` field of letter
documents) and each word it matches is searched by its stem. On keyword fields a pattern
matches the whole values. More than ``max_expansions`` matches, or more than
``MAX_QUERY_EXPANSIONS`` for all the query's patterns together, is a QueryError.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from imr_search.engines.whoosh._whoosh import query as wq
from imr_search.search import fields
from imr_search.search import tree as q
from imr_search.search.fields import MAX_EXPANSIONS, ExpansionBudget


class _Excluded(wq.Or):  # type: ignore[misc]
    """The union of what an AND's negations exclude, its documents read into an array once
    (Whoosh's preloading union): asked "is this document excluded?" at every document of the
    rest, a tree of hundreds of unions cost seconds before a first match (4.4 s for 84 NOTs
    over 2,000 letters, 0.7 s so)."""

    matcher_type = wq.Or.ARRAY_MATCHER


def _day_start(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def _day_end(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, 23, 59, 59)


VOCABULARY = "words"


class Compiler:
    """Compiles trees for one search: ``reader`` (the search's) expands patterns; without one
    they become Whoosh's own pattern queries over the indexed terms."""

    def __init__(
        self, schema: Any, reader: Any = None, *, max_expansions: int = MAX_EXPANSIONS
    ) -> None:
        self.schema = schema
        self.max_expansions = max_expansions
        self._reader = reader
        self._budget = ExpansionBudget(max_expansions)
        self._expanded: dict[tuple[str, str], list[str]] = {}

    def compile(self, node: q.Node) -> Any:
        """The Whoosh query for ``node`` (``NullQuery`` when nothing searchable is left, as for
        a query of stop words only)."""
        out = self._node(node)
        return out if out is not None else wq.NullQuery

    def _fields(self, field: str | None, boost: float) -> list[tuple[str, float]]:
        if field is not None:
            return [(field, boost)]
        return [(f, boost * fields.FIELD_BOOSTS.get(f, 1.0)) for f in fields.DEFAULT_FIELDS]

    def _tokens(self, field: str, text: str) -> list[str]:
        analyzer = self.schema[field].analyzer
        return [t.text for t in analyzer(text, mode="query", removestops=True)]

    def _over_fields(self, field: str | None, boost: float, make: Any) -> Any:
        parts = [p for f, b in self._fields(field, boost) if (p := make(f, b)) is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _term(self, node: q.Term) -> Any:
        if node.field is not None and node.field not in fields.TEXT_FIELDS:
            if node.field == "partial":  # a BOOLEAN field in this schema
                return wq.Term("partial", node.text == "true", boost=node.boost)
            return wq.Term(node.field, node.text, boost=node.boost)
        # A word the analyzer splits needs all its tokens, anywhere in the field.
        return self._words(node, lambda f, ws, b: wq.And([wq.Term(f, w) for w in ws], boost=b))

    def _phrase(self, node: q.Phrase) -> Any:
        return self._words(node, lambda f, ws, b: wq.Phrase(f, ws, slop=node.slop, boost=b))

    def _words(self, node: q.Term | q.Phrase, several: Any) -> Any:
        """``node``'s text analysed per field: one token is a term, several are ``several``
        (field, tokens, boost), none (punctuation only) is nothing."""

        def make(field: str, boost: float) -> Any:
            words = self._tokens(field, node.text)
            if not words:
                return None
            if len(words) == 1:
                return wq.Term(field, words[0], boost=boost)
            return several(field, words, boost)

        return self._over_fields(node.field, node.boost, make)

    def _matching(self, field: str, node: q.Pattern) -> list[str]:
        """The indexed terms of ``field`` that ``node`` matches (QueryError past the limit)."""
        key = (field, node.pattern)
        if key in self._expanded:  # written twice: one expansion, counted once
            return self._expanded[key]
        prefix = node.prefix
        pattern = wq.Prefix(field, prefix) if prefix else wq.Wildcard(field, node.pattern)
        found: list[str] = []
        for _, btext in pattern.expanded_terms(self._reader):
            found.append(btext.decode("utf-8"))
            if len(found) > self.max_expansions:
                break  # the budget's error says so; reading on would only cost time
        self._budget.spend(node.pattern, len(found))
        self._expanded[key] = found
        return found

    def _pattern(self, node: q.Pattern) -> Any:
        prefix = node.prefix
        if self._reader is None:

            def pattern_query(field: str, boost: float) -> Any:
                if prefix is not None:
                    return wq.Prefix(field, prefix, boost=boost)
                return wq.Wildcard(field, node.pattern, boost=boost)

            return self._over_fields(node.field, node.boost, pattern_query)
        if node.field is not None and node.field not in fields.TEXT_FIELDS:
            values = self._matching(node.field, node)
            terms = [wq.Term(node.field, v, boost=node.boost) for v in values]
            return wq.Or(terms) if terms else wq.NullQuery
        words = self._matching(VOCABULARY, node)

        def stems(field: str, boost: float) -> Any:
            found = dict.fromkeys(t for w in words for t in self._tokens(field, w))
            terms = [wq.Term(field, t, boost=boost) for t in found]
            return wq.Or(terms) if terms else None

        found = self._over_fields(node.field, node.boost, stems)
        return found if found is not None else wq.NullQuery

    def _range(self, node: q.Range) -> Any:
        if node.field == "age":
            return wq.NumericRange("age", node.low, node.high)
        low = node.low if isinstance(node.low, dt.date) else None
        high = node.high if isinstance(node.high, dt.date) else None
        return wq.DateRange(
            node.field, _day_start(low) if low else None, _day_end(high) if high else None
        )

    def _and_not(self, node: q.And) -> Any:
        """An AND with several negations, as the AND of the rest minus the union of what they
        negate: as an AND of inverse matchers (Whoosh's own), 200 NOTs made a tree Whoosh
        walked for minutes before its first match, where no time limit reaches."""
        kept = [c for c in node.children if not isinstance(c, q.Not)]
        negated = list(dict.fromkeys(c.child for c in node.children if isinstance(c, q.Not)))
        parts = [c for c in map(self._node, kept) if c is not None]
        excluded = [c for c in map(self._node, negated) if c is not None]
        if not parts:
            positive: Any = wq.Every()
        else:
            positive = parts[0] if len(parts) == 1 else wq.And(parts)
        if node.boost != 1.0:
            positive = positive.with_boost(node.boost)
        if not excluded:
            return positive
        return wq.AndNot(positive, _Excluded(excluded))

    def _node(self, node: q.Node) -> Any:
        if isinstance(node, q.Term):
            return self._term(node)
        if isinstance(node, q.Phrase):
            return self._phrase(node)
        if isinstance(node, q.Pattern):
            return self._pattern(node)
        if isinstance(node, q.Range):
            return self._range(node)
        if isinstance(node, q.Every):
            return wq.Every()
        if isinstance(node, q.Not):
            child = self._node(node.child)
            return wq.Not(child) if child is not None else None
        if isinstance(node, q.AndMaybe):
            required, optional = self._node(node.required), self._node(node.optional)
            if required is None or optional is None:
                return required
            return wq.AndMaybe(required, optional)
        if isinstance(node, q.And) and sum(isinstance(c, q.Not) for c in node.children) > 1:
            return self._and_not(node)
        children = [c for c in map(self._node, node.children) if c is not None]
        if not children:
            return None
        if len(children) == 1 and node.boost == 1.0:
            return children[0]
        kind = wq.And if isinstance(node, q.And) else wq.Or
        return kind(children, boost=node.boost)
