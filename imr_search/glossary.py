"""The field's abbreviations and their long forms, as ``data/abbreviations.json`` holds them.

One file read by three readers, so an abbreviation added there is understood alike:

- the parser (``imr_search.parse.classify``): a service's short forms are classified by their
  long forms too ("TKA" is a total knee arthroplasty: a knee surgery);
- the filters (``imr_search.search.aliases``): an abbreviation of a filter value is an alias
  of it (``--subcategory PT``, ``--modality NCS``);
- the query (``imr_search.search.vocabulary``): a plain word also searches what it stands for.

The file's tables: ``pairs`` (short form -> long forms, the first the usual one),
``dose_forms`` (the same for how a medication is given or dosed: ER, XR, SL, PRN ...; searched
like pairs, but they say nothing of what a service is, so the classifier leaves them out, and
"ER" is also the emergency room), ``narrower`` (term -> narrower terms, one way: ESI finds CESI)
and ``senses`` (a word -> the words beside which it means something else: PT beside PTT or INR
is prothrombin time, physiotherapy beside chiropractic is a chiropractor's service).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

Pairs = tuple[tuple[str, str], ...]


def _key(text: str) -> str:
    """A form as compared: lower case, words single-spaced."""
    return " ".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class Glossary:
    """The tables of ``data/abbreviations.json``, each form lower case and single-spaced."""

    pairs: Pairs  # (short form, long form): the service pairs, then the dose forms
    service_pairs: Pairs  # the pairs the classifier reads (no dose forms)
    narrower: Pairs  # (term, narrower term)
    senses: Mapping[str, tuple[str, ...]]


def _flat(table: Mapping[str, list[str]]) -> Pairs:
    return tuple((_key(k), _key(v)) for k, values in table.items() for v in values)


@functools.cache
def glossary() -> Glossary:
    """The glossary of the package's ``data/abbreviations.json``."""
    raw = resources.files("imr_search").joinpath("data/abbreviations.json").read_text("utf-8")
    data = json.loads(raw)
    services = _flat(data["pairs"])
    return Glossary(
        pairs=services + _flat(data.get("dose_forms", {})),
        service_pairs=services,
        narrower=_flat(data["narrower"]),
        senses=MappingProxyType({_key(k): tuple(map(_key, v)) for k, v in data["senses"].items()}),
    )


# A short form stands alone between characters that are not letters or digits: "emg/ncv" holds
# EMG and NCV, "tfesi" holds no ESI, "c5-6" no C.
_EDGE_BEFORE = r"(?<![a-z0-9])"
_EDGE_AFTER = r"(?![a-z0-9])"


@functools.cache
def _short_forms() -> tuple[re.Pattern[str], Mapping[str, str]]:
    first: dict[str, str] = {}
    for short, long in glossary().service_pairs:
        first.setdefault(short, long)  # the first long form listed is the usual one
    # Longest first: "c-spine" before a shorter form it starts with.
    alternation = "|".join(re.escape(s) for s in sorted(first, key=lambda s: (-len(s), s)))
    return re.compile(f"{_EDGE_BEFORE}(?:{alternation}){_EDGE_AFTER}"), MappingProxyType(first)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text))


def long_forms_in(text: str) -> list[tuple[int, str]]:
    """Where ``text`` (lower case) uses a short form of a service, with its usual long form,
    in the order written: ``"tka left knee"`` -> ``[(0, "total knee arthroplasty")]``. A short
    form beside a word of its other sense is left out ("pt/inr" is no physical therapy); so is
    a long form the text already spells out."""
    pattern, first = _short_forms()
    senses = glossary().senses
    words: set[str] | None = None
    out: list[tuple[int, str]] = []
    for m in pattern.finditer(text):
        short = m.group(0)
        other = senses.get(short)
        if other:
            words = _words(text) if words is None else words
            if words & set(other):
                continue
        long = first[short]
        if long not in text:
            out.append((m.start(), long))
    return out
