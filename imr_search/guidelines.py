"""Guideline citation labels: one label per cited section, ``SOURCE > Part Edition > Section``
("MTUS > Chronic Pain Medical Treatment 2016 > Opioids, Criteria for Use"), normalised so that
one section is one label however a letter spells it: spaces and trailing punctuation, "&" for
"and", ODG's "(Acute & Chronic)" tag, and the case of each word's first letter. A chain of
the ACOEM chapters' section headings ("Special Studies, Diagnostic Criteria") is split into its
headings. ``cites`` says which guidelines the IMR relied on.

The index holds these labels in ``citation`` (the IMR's side) and ``urcitation`` (the claims
administrator's); the citator (``imr_search.analysis.citator``) counts them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from imr_search.model import Citation, Item

# Values of the ``cites`` facet: which guidelines the IMR decision cites.
CITES_VALUES = ("none", "MTUS only", "outside MTUS", "both")
# The section headings of the MTUS's ACOEM chapters (2004/2007). Letters chain them with
# commas ("Special Studies, Summary"), and a comma inside other sections' names is part of the
# name ("Opioids, criteria for use"), so only a chain made wholly of these is split.
_ACOEM_HEADINGS = frozenset(
    h.casefold()
    for h in (
        "Special Studies", "Initial Care", "Diagnostic Criteria", "Summary",
        "Surgical Considerations", "Physical Methods", "Work Activities", "Activity Alteration",
        "Follow-up Visits", "Medications", "Red Flags", "Initial Assessment", "Medical History",
        "Physical Examination", "Treatment Considerations", "Assessing Red Flags",
        "Recommendations", "Clinical Measures", "Detection of Neurologic Abnormalities",
    )
)  # fmt: skip
_ODG_TAG = re.compile(r"\s*\((?:acute\s*(?:&|and)\s*chronic|chronic|acute)\)\s*$", re.I)
_TRIM = " \t.,;:-"


def _words_capitalised(text: str) -> str:
    # The first letter of each word upper-cased, the rest left alone: "MRI", "NSAIDs" and
    # "(Flexeril)" keep their spelling; small joining words stay lower case.
    small = {"and", "or", "of", "for", "the", "in", "with", "to", "a", "an", "on", "by", "vs"}
    out: list[str] = []
    for i, word in enumerate(text.split(" ")):
        if i and word.casefold() in small:
            out.append(word.lower())
        else:
            j = next((k for k, ch in enumerate(word) if ch.isalpha()), None)
            out.append(word if j is None else word[:j] + word[j].upper() + word[j + 1 :])
    return " ".join(out)


def _clean(text: str | None) -> str:
    if not text:
        return ""
    t = re.sub(r"\s+", " ", text).strip(_TRIM)
    t = re.sub(r",?\s*&\s*|,\s+and\s+", " and ", t)
    return _words_capitalised(t)


def normal_part(part: str | None) -> str:
    return _clean(_ODG_TAG.sub("", part or ""))


def normal_sections(section: str | None) -> list[str]:
    """The section(s) named, each normalised; [] for none."""
    text = re.sub(r"\s+", " ", section or "").strip(_TRIM)
    if not text:
        return []
    pieces = [p.strip(_TRIM) for p in re.split(r"\s*;\s*", text)]
    out: list[str] = []
    for piece in pieces:
        heads = [h.strip(_TRIM) for h in re.split(r",\s*|\s+and\s+", piece)]
        if len(heads) > 1 and all(h.casefold() in _ACOEM_HEADINGS for h in heads):
            out += heads
        else:
            # Numbered sections of the 2016 opioid guideline chained by commas.
            out += [p.strip(_TRIM) for p in re.split(r",\s*(?=\d+(?:\.\d+)+\s)", piece)]
    return list(dict.fromkeys(_clean(p) for p in out if p))


def citation_labels(c: Citation) -> list[str]:
    """One label per section of a citation (one label when it names no section)."""
    return list(_labels(c.source, c.part, c.edition, c.section))


# The corpus cites a few thousand distinct sections millions of times, and every item document
# needs its labels three times (facets, citator pairs): normalising each spelling once took
# the labels from about a third of an index build's Python time to almost nothing.
@functools.lru_cache(maxsize=1 << 16)
def _labels(
    source: str, part: str | None, edition: int | None, section: str | None
) -> tuple[str, ...]:
    head = source
    normal = normal_part(part)
    if normal:
        head += f" > {normal}" + (f" {edition}" if edition else "")
    elif edition:
        head += f" {edition}"
    sections = normal_sections(section)
    return tuple(f"{head} > {s}" for s in sections) if sections else (head,)


def labels(citations: Iterable[Citation]) -> list[str]:
    out: list[str] = []
    for c in citations:
        out += citation_labels(c)
    return list(dict.fromkeys(out))


def cites(item: Item) -> str:
    """Which guidelines the IMR decision cites: one of CITES_VALUES."""
    sources = {c.source for c in item.imr_citations}
    mtus, outside = "MTUS" in sources, bool(sources - {"MTUS"})
    if mtus:
        return "both" if outside else "MTUS only"
    return "outside MTUS" if outside else "none"
