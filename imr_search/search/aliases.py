"""The aliases of field and filter values: ``lumbar`` -> ``lumbar spine``, ``PT`` ->
``Physical Therapy/Occupational Therapy (PT/OT)``, ``denied`` -> ``upheld``. One table, read by
the filters (``filtervalues``) and by the query language (``field:value``), so a value means
the same typed after ``--region`` or after ``region:``.

Two sources:

- derived from the glossary (``data/abbreviations.json``, which the parser and the query read
  too): a short or long form of a filter value, or of a part of it, is an alias of that value
  (``PT``, ``OT`` and "occupational therapy" name the subcategory "Physical Therapy/Occupational
  Therapy (PT/OT)"; ``NCS`` and "nerve conduction" the modality ``emg/ncv``; ``L-spine`` the
  region ``lumbar spine``), so an abbreviation added there is a filter alias too;
- written by hand in ``data/filter-aliases.json``: the aliases that are no abbreviation
  (``denied`` -> ``upheld``, ``ortho`` -> ``Orthopedic Surgery``, ``MRA`` -> ``mri``). They win
  where both give one.

And the one way the filters and the query language name the closest values to one that is
refused (``closest``), so their errors agree.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from types import MappingProxyType

from imr_search.glossary import glossary
from imr_search.taxonomy import load_taxonomy

# How many close values a message names.
CLOSEST = 5


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("&", " and ").split())


def _parts(value: str) -> set[str]:
    """The names a value is made of: "Physical Therapy/Occupational Therapy (PT/OT)" ->
    itself, "physical therapy", "occupational therapy", "pt/ot", "pt", "ot"."""
    v = value.casefold()
    inner = re.findall(r"\(([^)]*)\)", v)
    out: set[str] = {_norm(v)}
    for chunk in [re.sub(r"\([^)]*\)", " ", v), *inner]:
        out.add(_norm(chunk.replace(" / ", "/")))
        out |= {_norm(p) for p in chunk.split("/")}
    # "Proton Pump Inhibitors" is named by the singular the glossary writes.
    out |= {p[:-1] for p in out if p.endswith("s") and not p.endswith("ss")}
    return {p for p in out if p}


def _synonyms(pairs: Iterable[tuple[str, str]]) -> Mapping[str, frozenset[str]]:
    """Each form of ``pairs``, compared as ``_norm`` writes it -> every form joined to it by
    pairs, as written (NCV, "nerve conduction", NCS, "nerve conduction study")."""
    links: dict[str, set[str]] = {}
    for short, long in pairs:
        links.setdefault(short, set()).add(long)
        links.setdefault(long, set()).add(short)
    out: dict[str, frozenset[str]] = {}
    for start in links:
        if _norm(start) in out:
            continue
        group: set[str] = set()
        todo = [start]
        while todo:
            form = todo.pop()
            if form not in group:
                group.add(form)
                todo += links[form]
        for form in group:
            out[_norm(form)] = frozenset(group)
    return MappingProxyType(out)


def _values() -> Mapping[str, Iterable[str]]:
    """The filters whose values the glossary may abbreviate, and their values."""
    from imr_search.parse.classify import MODALITY_NAMES, REGION_NAMES

    taxonomy = load_taxonomy()
    return {
        "category": taxonomy.categories,
        "subcategory": [s for subs in taxonomy.categories.values() for s in subs],
        "specialty": taxonomy.reviewer_specialties,
        "region": REGION_NAMES,
        "modality": MODALITY_NAMES,
    }


@functools.cache
def derived_aliases() -> Mapping[str, Mapping[str, str]]:
    """Filter name -> alias -> value, from the glossary (see the module docstring)."""
    return derive(glossary().service_pairs, _values())


def derive(
    pairs: Iterable[tuple[str, str]], filters: Mapping[str, Iterable[str]]
) -> Mapping[str, Mapping[str, str]]:
    """Filter name -> alias -> value: each form ``pairs`` join to a value of ``filters`` (or to
    a part of one), and the short name a value gives itself in brackets. An alias two values
    of one filter share, or that is itself a value, is left out."""
    synonyms = _synonyms(pairs)
    out: dict[str, Mapping[str, str]] = {}
    for name, values in filters.items():
        values = list(dict.fromkeys(values))
        own = {v.casefold() for v in values}
        found: dict[str, set[str]] = {}
        for value in values:
            # The value's own short name, in brackets: "(PT/OT)".
            for inner in re.findall(r"\(([^)]*)\)", value.casefold()):
                found.setdefault(" ".join(inner.split()), set()).add(value)
            for part in _parts(value):
                for form in synonyms.get(part, ()):
                    found.setdefault(form, set()).add(value)
        out[name] = MappingProxyType(
            {
                alias: next(iter(targets))
                for alias, targets in sorted(found.items())
                if len(targets) == 1 and alias not in own
            }
        )
    return MappingProxyType(out)


@functools.cache
def written_aliases() -> Mapping[str, Mapping[str, str]]:
    """Filter name -> casefolded alias -> value, as ``data/filter-aliases.json`` writes them."""
    raw = resources.files("imr_search").joinpath("data/filter-aliases.json").read_text("utf-8")
    data = json.loads(raw)
    return MappingProxyType(
        {
            name: MappingProxyType({k.casefold(): v for k, v in table.items()})
            for name, table in data.items()
            if not name.startswith("_")
        }
    )


@functools.cache
def aliases() -> Mapping[str, Mapping[str, str]]:
    """Filter name -> casefolded alias -> the value items carry: the derived aliases, and the
    written ones over them."""
    derived, written = derived_aliases(), written_aliases()
    return MappingProxyType(
        {
            name: MappingProxyType({**derived.get(name, {}), **written.get(name, {})})
            for name in dict.fromkeys([*derived, *written])
        }
    )


def closest(value: str, candidates: Iterable[str], n: int = CLOSEST) -> list[str]:
    """The candidates most like ``value`` (case-insensitive): close spellings first, then
    values containing it as a word ("orthopedic" -> "Orthopedic Surgery")."""
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(c.casefold(), c)
    key = value.strip().casefold()
    spelt = difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6)
    words = [k for k in by_key if key and len(key) >= 2 and key in k and k not in spelt]
    words.sort(key=lambda k: (not k.startswith(key), len(k)))
    return [by_key[k] for k in [*spelt, *words][:n]]
