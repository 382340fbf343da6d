"""Filter values checked before a search: aliases applied, unknown values refused.

A filter value that matches nothing answers "0 items", which a user reads as a count; when the
value is only misspelt (``--decision overturnd``) or written another way (``--sex F``) that
count is wrong. So every filter value (CLI option, API parameter, page filter) passes here
first:

1. a known alias (``data/filter-aliases.json``: ``F`` -> ``female``, ``lumbar`` ->
   ``lumbar spine``, ``PT/OT``, ``PM&R``) is replaced by the value items carry, and a note
   says so (unless items carry the alias itself as a value: then it is that value);
2. the value's form is checked by the query language (``query.filter_tree``: enum values,
   years, age bands);
3. a value of the vocabulary (an enum value, a DWC category, subcategory or specialty, a
   state, a region, modality or drug the parser can produce) is accepted even when no item
   has it yet: 0 is then the true count;
4. any other value is accepted when at least one indexed item has it;
5. otherwise it is a UsageError naming the closest values that exist (exit 2, HTTP 400, a
   message on the page).

Nothing here names a particular filter except the vocabulary table: a filter added to
``query.FILTER_FIELDS`` is checked by steps 1, 2, 4 and 5 (its closest values come from its
facet, when it has one) without code here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from imr_search.eras import era_names
from imr_search.errors import QueryError, UsageError
from imr_search.guidelines import CITES_VALUES
from imr_search.search.aliases import aliases, closest
from imr_search.search.backend import Engine
from imr_search.search.documents import UNCLASSIFIED
from imr_search.search.fields import (
    AGE_BANDS,
    ALL_FIELDS,
    ENUM_SYNONYMS,
    GUIDELINE_VALUES,
    QUERY_FIELDS,
)
from imr_search.search.filters import FILTER_FIELDS, filter_tree
from imr_search.search.request import FACETS, SearchRequest
from imr_search.search.syntax import keyword_value
from imr_search.search.tree import Node, Term, map_terms
from imr_search.taxonomy import load_taxonomy, state_codes


def _regions() -> Iterable[str]:
    from imr_search.parse.classify import REGION_NAMES

    return REGION_NAMES


def _modalities() -> Iterable[str]:
    from imr_search.parse.classify import MODALITY_NAMES

    return MODALITY_NAMES


def _drugs() -> Iterable[str]:
    from imr_search.parse.drugs import drug_names

    return drug_names()


def _subcategories() -> Iterable[str]:
    return [s for subs in load_taxonomy().categories.values() for s in subs]


# Values a filter may name although no indexed item has them yet (their count, 0, is true).
# Enum fields, years and age bands need no entry: the query language checks their form.
_VOCABULARY: Mapping[str, Callable[[], Iterable[str]]] = MappingProxyType(
    {
        "category": lambda: [*load_taxonomy().categories, UNCLASSIFIED],
        "subcategory": lambda: [*_subcategories(), UNCLASSIFIED],
        "specialty": lambda: load_taxonomy().reviewer_specialties,
        "state": state_codes,
        "region": _regions,
        "modality": _modalities,
        "drug": _drugs,
        "guideline": lambda: GUIDELINE_VALUES,
        "age": lambda: AGE_BANDS,
        # Every era of the table, and "current" (today's rules), decided yet or not.
        "era": lambda: [*era_names(), "current"],
        "cites": lambda: CITES_VALUES,
    }
)


def _key(name: str, value: str) -> str:
    """A value as the index compares it (lower case; a state name as its USPS code)."""
    return keyword_value(FILTER_FIELDS[name], value)


@functools.cache
def _vocabulary(name: str) -> frozenset[str]:
    source = _VOCABULARY.get(name)
    return frozenset(_key(name, v) for v in source()) if source else frozenset()


@dataclass(frozen=True, slots=True)
class CheckedFilters:
    """The filters as the index holds their values, and one note per alias applied."""

    filters: dict[str, tuple[str, ...]]
    notes: tuple[str, ...] = ()


def _closed_form(name: str) -> bool:
    """Filters whose every valid value the query language knows (enums, years, age bands):
    a value that passes ``filter_tree`` needs no look-up in the index."""
    if name in ("year", "age", "guideline"):
        return True
    field = ALL_FIELDS[FILTER_FIELDS[name]]
    return field.kind in ("enum", "date", "int")


def _known_values(engine: Engine, name: str) -> list[str]:
    """The values the user could have meant: the filter's facet over every item, then its
    vocabulary, then enum values and aliases."""
    values: list[str] = []
    if name in FACETS:
        result = engine.search(SearchRequest(facets=True, size=1))
        values += [fc.value for fc in result.facets.get(name, [])]
    source = _VOCABULARY.get(name)
    if source:
        values += list(source())
    field = ALL_FIELDS.get(FILTER_FIELDS.get(name, ""))
    if field is not None and field.kind == "enum":
        values += [*field.values, *ENUM_SYNONYMS.get(field.name, {})]
    # An alias is a value a user may type too: "lumbr" is closest to "lumbar".
    values += list(aliases().get(name, {}))
    return list(dict.fromkeys(values))


def _exists(engine: Engine, name: str, value: str) -> bool:
    """Whether ``value`` is in the filter's vocabulary or at least one item has it."""
    if _key(name, value) in _vocabulary(name):
        return True
    return engine.search(SearchRequest(filters={name: (value,)}, size=1)).total > 0


def _refuse(engine: Engine, name: str, value: str, label: str) -> UsageError:
    known = _known_values(engine, name)
    near = closest(value, known)
    if near:
        listed = ", ".join(repr(v) for v in near)
        return QueryError(
            f"{label}: no item has {value!r}; the closest values are {listed}",
            hint=f"closest {name} values: {', '.join(near)}",
        )
    # Nothing alike: name a few values that do exist, so the user sees what a value looks like.
    if known:
        shown = ", ".join(repr(v) for v in known[:8])
        return QueryError(
            f"{label}: no item has {value!r}; values look like {shown}",
            hint=f"the {name} facet (search --facets) lists the values items have",
        )
    return QueryError(
        f"{label}: no item has {value!r}",
        hint=f"the {name} facet (search --facets) lists the values items have",
    )


def check_value(
    engine: Engine, name: str, value: str, *, label: str | None = None
) -> tuple[str, str | None]:
    """``value`` as the index holds it and the note for an alias (None when none applied).
    Raises QueryError for an unknown filter or a value no item has (see the module doc).
    ``label`` names the value in messages (default: "NAME filter")."""
    label = label or f"{name} filter"
    if name not in FILTER_FIELDS:
        raise QueryError(f"unknown filter {name!r} (filters: {', '.join(FILTER_FIELDS)})")
    given = value.strip()
    alias = aliases().get(name, {}).get(given.casefold())
    if alias is not None and not _closed_form(name) and _exists(engine, name, given):
        alias = None  # items carry the value as written: an alias must not hide them
    resolved = alias if alias is not None else given
    note = f"{name}: {given!r} read as {alias!r}" if alias is not None else None
    try:
        filter_tree({name: (resolved,)})
    except QueryError as exc:
        near = closest(given, _known_values(engine, name))
        if exc.hint or not near:  # enum values: the query language's closest values already
            raise
        listed = ", ".join(repr(v) for v in near)
        raise QueryError(
            f"{exc}; the closest values are {listed}",
            hint=f"closest {name} values: {', '.join(near)}",
        ) from None
    if _closed_form(name) or _exists(engine, name, resolved):
        return resolved, note
    raise _refuse(engine, name, given, label)


def check_filters(engine: Engine, filters: Mapping[str, Iterable[str]]) -> CheckedFilters:
    """Every value of ``filters`` checked (``check_value``); values keep their order, and a
    value that an alias makes a repeat is dropped."""
    out: dict[str, tuple[str, ...]] = {}
    notes: list[str] = []
    for name, values in filters.items():
        kept: list[str] = []
        for value in [values] if isinstance(values, str) else values:
            resolved, note = check_value(engine, name, value)
            if _key(name, resolved) not in {_key(name, k) for k in kept}:
                kept.append(resolved)
            if note and note not in notes:
                notes.append(note)
        if kept:
            out[name] = tuple(kept)
    return CheckedFilters(out, tuple(notes))


# Query field -> the filter of the same values (``region:`` and ``--region``, ``decision:`` and
# ``--decision``). The ranges (``decided:`` beside ``--year``, ``age:`` beside the ``--age``
# bands) are not values, and ``guideline:`` searches the citations' text.
_FIELD_FILTERS: Mapping[str, str] = MappingProxyType(
    {
        FILTER_FIELDS[name]: name
        for name in FILTER_FIELDS
        if FILTER_FIELDS[name] in QUERY_FIELDS
        and ALL_FIELDS[FILTER_FIELDS[name]].kind in ("keyword", "enum")
    }
)
# A value written bare in a query: anything else is quoted.
_BARE = re.compile(r"[\w.&/'+-]+")


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query's tree with its field values checked as the filters check theirs, a note per
    value read another way (the flags' wording), and where the typed text says it otherwise:
    (start, end, the value as the filters name it)."""

    tree: Node
    notes: tuple[str, ...] = ()
    changes: tuple[tuple[int, int, str], ...] = ()

    def text(self, typed: str) -> str:
        """``typed`` (the query this tree was parsed from) with each value read another way
        written as the filters name it (``decision:denied`` -> ``decision:upheld``): it parses
        to this tree, so a saved search stores it and runs as what was checked."""
        out = typed
        for start, end, value in sorted(self.changes, reverse=True):
            out = out[:start] + _written(value) + out[end:]
        return out


def _written(value: str) -> str:
    if _BARE.fullmatch(value) and value not in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
        return value
    return f'"{value}"'


def check_query_values(engine: Engine, tree: Node) -> CheckedQuery:
    """``tree`` with each ``field:value`` of a filter's field checked as that filter's value
    (``check_value``: aliases applied with the flag's note, a value no item has refused with
    the flag's closest values). Patterns (``region:lumb*``) are left as typed."""
    notes: list[str] = []
    changes: list[tuple[int, int, str]] = []

    def term(node: Term) -> Node:
        name = _FIELD_FILTERS.get(node.field or "")
        if name is None:
            return node
        typed = node.typed if node.typed is not None else node.text
        resolved, note = check_value(engine, name, typed, label=node.field)
        if note and note not in notes:
            notes.append(note)
        field = ALL_FIELDS[FILTER_FIELDS[name]]
        if field.kind == "enum":
            # The language resolved it already (its synonyms too): the term is the value.
            resolved = node.text
            changed = typed.strip().casefold() != resolved
        else:
            changed = resolved != typed.strip()
            node = replace(node, text=keyword_value(field.name, resolved))
        if changed and node.span is not None and '"' not in resolved:
            changes.append((*node.span, resolved))
        return node

    return CheckedQuery(map_terms(tree, term), tuple(notes), tuple(changes))
