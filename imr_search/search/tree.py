"""The query tree: imr-search's own nodes (``Term``, ``Phrase``, ``Pattern``, ``Range``, ``And``,
``Or``, ``Not``, ``AndMaybe``, ``Every``), which every engine compiles into its own queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from dataclasses import field as _field

# -- the tree --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word (text fields: the engine analyses it) or a whole value (other fields, normalised).
    ``field`` None means the default fields."""

    field: str | None
    text: str
    boost: float = 1.0
    # A field's value as the user typed it and where in the query text (start, end), when it
    # came from one: what a note says was read another way, and what a saved search rewrites
    # with the value as the filters name it. Not part of the term's identity.
    typed: str | None = _field(default=None, compare=False, repr=False)
    span: tuple[int, int] | None = _field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words in order; ``slop`` is how far apart they may be (1: next to each other)."""

    field: str | None
    text: str
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Pattern:
    """A lower-cased pattern with ``*`` (any run) and ``?`` (one character), matched against
    the field's words (or whole values) as indexed, unstemmed."""

    field: str | None
    pattern: str
    boost: float = 1.0

    @property
    def prefix(self) -> str | None:
        """The prefix, when the pattern is "letters then one trailing *"."""
        head = self.pattern[:-1]
        if self.pattern.endswith("*") and head and not any(c in head for c in "*?"):
            return head
        return None


@dataclass(frozen=True, slots=True)
class Range:
    """Inclusive bounds over a date field (``datetime.date``) or the age (``int``); None is
    open."""

    field: str
    low: dt.date | int | None
    high: dt.date | int | None


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class AndMaybe:
    """``required``, ranked higher when ``optional`` matches too (the "should" clause)."""

    required: Node
    optional: Node


@dataclass(frozen=True, slots=True)
class Every:
    """Every item (the blank query)."""


Node = Term | Phrase | Pattern | Range | And | Or | Not | AndMaybe | Every


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)
    elif isinstance(node, AndMaybe):
        yield from walk(node.required)
        yield from walk(node.optional)


def map_terms(node: Node, change: Callable[[Term], Node]) -> Node:
    """``node`` with every Term replaced by ``change(term)`` (the rest rebuilt as it was)."""
    if isinstance(node, Term):
        return change(node)
    if isinstance(node, And):
        return And(tuple(map_terms(c, change) for c in node.children), node.boost)
    if isinstance(node, Or):
        return Or(tuple(map_terms(c, change) for c in node.children), node.boost)
    if isinstance(node, Not):
        return Not(map_terms(node.child, change))
    if isinstance(node, AndMaybe):
        return AndMaybe(map_terms(node.required, change), map_terms(node.optional, change))
    return node


def plain_words(node: Node) -> list[str]:
    """The words of ``node`` searched in the default fields (for spelling suggestions)."""
    out: list[str] = []
    for n in walk(node):
        if isinstance(n, Term) and n.field is None and n.text.lower() not in out:
            out.append(n.text.lower())
    return out


def matches_by_negation(node: Node) -> bool:
    """Whether ``node`` can match a document that has none of its fields (a blank query or a
    negation can): engines that keep other documents beside items must then require items."""
    return any(isinstance(n, Not | Every) for n in walk(node))


def all_of(*nodes: Node | None) -> Node:
    """The AND of the given nodes (None left out; Every when nothing is left)."""
    parts = [n for n in nodes if n is not None and not isinstance(n, Every)]
    if not parts:
        return Every()
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def has_default_fields(node: Node) -> bool:
    """Whether ``node`` has a word, phrase or pattern without a field (plain words)."""
    return any(isinstance(n, Term | Phrase | Pattern) and n.field is None for n in walk(node))


def in_fields(node: Node, fields: tuple[str, ...], boosts: dict[str, float]) -> Node:
    """``node`` with each plain word, phrase and pattern searched in ``fields`` instead of the
    default fields (the wider scope of ``--everywhere``); fielded parts are kept."""
    if isinstance(node, Term | Phrase | Pattern):
        if node.field is not None:
            return node
        parts = tuple(replace(node, field=f, boost=node.boost * boosts.get(f, 1.0)) for f in fields)
        return parts[0] if len(parts) == 1 else Or(parts)
    if isinstance(node, And | Or):
        return type(node)(tuple(in_fields(c, fields, boosts) for c in node.children), node.boost)
    if isinstance(node, Not):
        return Not(in_fields(node.child, fields, boosts))
    if isinstance(node, AndMaybe):
        return AndMaybe(
            in_fields(node.required, fields, boosts), in_fields(node.optional, fields, boosts)
        )
    return node
