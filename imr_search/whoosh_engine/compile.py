"""Compiling imr-search's query tree (``imr_search.query``) into Whoosh queries.

Words and phrases are analysed with the field's own analyzer (so they are stemmed as the index
is); a word the analyzer splits ("L4-L5") becomes an AND of its tokens, and a stop word
disappears. Patterns are matched against the indexed terms as written, never analysed.
Unfielded words, phrases and patterns search the default fields, the service boosted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from imr_search import query as q
from imr_search.errors import QueryError
from imr_search.whoosh_engine._whoosh import query as wq


def _day_start(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def _day_end(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, 23, 59, 59)


class Compiler:
    def __init__(self, schema: Any) -> None:
        self.schema = schema

    def compile(self, node: q.Node) -> Any:
        """The Whoosh query for ``node`` (``NullQuery`` when nothing searchable is left, as for
        a query of stop words only)."""
        out = self._node(node)
        return out if out is not None else wq.NullQuery

    def _fields(self, field: str | None, boost: float) -> list[tuple[str, float]]:
        if field is not None:
            return [(field, boost)]
        return [(f, boost * q.FIELD_BOOSTS.get(f, 1.0)) for f in q.DEFAULT_FIELDS]

    def _tokens(self, field: str, text: str) -> list[str]:
        analyzer = self.schema[field].analyzer
        return [t.text for t in analyzer(text, mode="query", removestops=True)]

    def _over_fields(self, field: str | None, boost: float, make: Any) -> Any:
        parts = [p for f, b in self._fields(field, boost) if (p := make(f, b)) is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _term(self, node: q.Term) -> Any:
        if node.field is not None and node.field not in q.TEXT_FIELDS:
            if node.field == "partial":  # a BOOLEAN field in this schema
                return wq.Term("partial", node.text == "true", boost=node.boost)
            return wq.Term(node.field, node.text, boost=node.boost)

        def make(field: str, boost: float) -> Any:
            words = self._tokens(field, node.text)
            if not words:
                return None
            if len(words) == 1:
                return wq.Term(field, words[0], boost=boost)
            return wq.And([wq.Term(field, w) for w in words], boost=boost)

        return self._over_fields(node.field, node.boost, make)

    def _phrase(self, node: q.Phrase) -> Any:
        def make(field: str, boost: float) -> Any:
            words = self._tokens(field, node.text)
            if not words:
                return None
            if len(words) == 1:
                return wq.Term(field, words[0], boost=boost)
            return wq.Phrase(field, words, slop=node.slop, boost=boost)

        return self._over_fields(node.field, node.boost, make)

    def _pattern(self, node: q.Pattern) -> Any:
        prefix = node.prefix

        def make(field: str, boost: float) -> Any:
            if prefix is not None:
                return wq.Prefix(field, prefix, boost=boost)
            return wq.Wildcard(field, node.pattern, boost=boost)

        return self._over_fields(node.field, node.boost, make)

    def _range(self, node: q.Range) -> Any:
        if node.field == "age":
            return wq.NumericRange("age", node.low, node.high)
        low = node.low if isinstance(node.low, dt.date) else None
        high = node.high if isinstance(node.high, dt.date) else None
        return wq.DateRange(
            node.field, _day_start(low) if low else None, _day_end(high) if high else None
        )

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
        children = [c for c in map(self._node, node.children) if c is not None]
        if not children:
            return None
        if len(children) == 1 and node.boost == 1.0:
            return children[0]
        kind = wq.And if isinstance(node, q.And) else wq.Or
        return kind(children, boost=node.boost)


def _walk(wquery: Any) -> Iterator[Any]:
    yield wquery
    for child in wquery.children():
        yield from _walk(child)


def check_expansions(wquery: Any, reader: Any, limit: int) -> None:
    """QueryError when a pattern expands to more than ``limit`` indexed terms."""
    for node in _walk(wquery):
        if isinstance(node, wq.Prefix | wq.Wildcard):
            for count, _ in enumerate(node._btexts(reader), 1):
                if count > limit:
                    raise QueryError(
                        f"{node.text!r} matches too many terms (more than {limit}); "
                        "make the pattern longer",
                        hint="use more letters before the *",
                    )
