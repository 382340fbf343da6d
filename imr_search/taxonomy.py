"""The state's own vocabulary: DWC request categories, reviewer specialties, US states.

Categories and specialties come from ``data/dwc-taxonomy.json`` (a copy of the DWC
decision-search form), so that facets count the same things DWC's statistics count. The JSON
is read once, lazily; everything else here is pure string work.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The DWC vocabulary. Read-only: ``categories`` maps a category to its subcategories."""

    categories: Mapping[str, tuple[str, ...]]
    reviewer_specialties: tuple[str, ...]
    outcomes: tuple[str, ...]

    def has(self, category: str, subcategory: str) -> bool:
        """True when ``subcategory`` is listed under ``category``."""
        return subcategory in self.categories.get(category, ())


@functools.cache
def load_taxonomy() -> Taxonomy:
    """The packaged DWC taxonomy (read once per process)."""
    raw = resources.files("imr_search").joinpath("data/dwc-taxonomy.json").read_text("utf-8")
    data = json.loads(raw)
    categories = {k: tuple(v) for k, v in data["request_categories"].items()}
    return Taxonomy(
        categories=MappingProxyType(categories),
        reviewer_specialties=tuple(data["reviewer_specialties"]),
        outcomes=tuple(data["case_outcomes"]),
    )


# --- reviewer specialties -------------------------------------------------------------------

# Spellings letters use for a DWC name that closeness alone would not find (or would find
# the wrong one for). Keys are casefolded, "&" written as "and".
_SPECIALTY_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "physical medicine and rehabilitation": "Physical Medicine & Rehabilitation",
        "physical medicine and rehab": "Physical Medicine & Rehabilitation",
        "physiatry": "Physical Medicine & Rehabilitation",
        "pm and r": "Physical Medicine & Rehabilitation",
        "pmandr": "Physical Medicine & Rehabilitation",
        "chiropractor": "Chiropractic",
        "chiropractic medicine": "Chiropractic",
        "doctor of chiropractic": "Chiropractic",
        "orthopedic surgery": "Orthopedic Surgery",
        "orthopedic surgeon": "Orthopedic Surgery",
        "orthopedics": "Orthopedic Surgery",
        "family medicine": "Family Practice",
        "family practice medicine": "Family Practice",
        "general practice": "Family Practice",
        "public health and general preventive medicine": (
            "Public Health & General Preventive Medicine"
        ),
        "pain medicine": "Pain Management",
        "interventional pain management": "Pain Management",
        "neurosurgery": "Neurological Surgery",
        "anesthesia": "Anesthesiology",
        "acupuncture": "Oriental Medicine",
        "acupuncturist": "Oriental Medicine",
        "licensed acupuncturist": "Oriental Medicine",
        "clinical psychology": "Psychology",
        "podiatry": "Podiatrist",
        "dentistry": "Dentist",
        "hospice and palliative medicine": "Hospice & Palliative Medicine",
    }
)

# Closeness cut-off: high enough that "Surgery" never becomes "Thoracic Surgery" (0.61) and
# "Neurology" never becomes "Urology" (0.75), low enough for one-letter typos (0.97).
_CLOSE_ENOUGH = 0.88


def _clean(raw: str) -> str:
    """One line, no surrounding punctuation or board wording."""
    text = re.sub(r"\s+", " ", raw).strip(" \t.,;:")
    return re.sub(r"^(?:board\s+certified\s+in|certified\s+in)\s+", "", text, flags=re.I)


def _key(text: str) -> str:
    """Casefolded lookup key: British spellings and "&" folded so variants meet."""
    key = text.casefold().replace("&", " and ").replace("paed", "ped")
    return re.sub(r"\s+", " ", key).strip()


@functools.cache
def _specialty_keys() -> Mapping[str, str]:
    return MappingProxyType({_key(n): n for n in load_taxonomy().reviewer_specialties})


def normalise_specialty(raw: str) -> tuple[str, bool]:
    """The DWC name for a written specialty and whether it is on the DWC list.

    Unknown specialties come back cleaned but otherwise as written, with ``False``.
    """
    cleaned = _clean(raw)
    key = _key(cleaned)
    known = _specialty_keys()
    if key in known:
        return known[key], True
    if key in _SPECIALTY_ALIASES:
        return _SPECIALTY_ALIASES[key], True
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=_CLOSE_ENOUGH)
    if close:
        return known[close[0]], True
    close = difflib.get_close_matches(key, list(_SPECIALTY_ALIASES), n=1, cutoff=_CLOSE_ENOUGH)
    if close:
        return _SPECIALTY_ALIASES[close[0]], True
    return cleaned, False


def split_specialties(raw: str) -> list[str]:
    """A "Certification(s)/Specialty:" value as normalised names, in order, without repeats.

    Commas and semicolons separate names; "&" never does (it is part of DWC names). A line
    break inside a name is just a space.
    """
    names: list[str] = []
    for piece in re.split(r"[,;]", re.sub(r"\s+", " ", raw)):
        if not _clean(piece):
            continue
        for part in split_on_and(piece):
            name, _known = normalise_specialty(part)
            if name and name not in names:
                names.append(name)
    return names


def split_on_and(piece: str) -> list[str]:
    """Split "Internal Medicine and Sports Medicine" only when both halves are known names
    ("Physical Medicine and Rehabilitation" is one)."""
    if " and " not in piece or normalise_specialty(piece)[1]:
        return [piece]
    halves = [h for h in piece.split(" and ") if h.strip()]
    if len(halves) > 1 and all(normalise_specialty(h)[1] for h in halves):
        return halves
    return [piece]


# --- US states ------------------------------------------------------------------------------

_STATES: Mapping[str, str] = MappingProxyType(
    {
        "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR",
        "california": "CA", "colorado": "CO", "connecticut": "CT", "delaware": "DE",
        "district of columbia": "DC", "washington dc": "DC", "washington d c": "DC",
        "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
        "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
        "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
        "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
        "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
        "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
        "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
        "puerto rico": "PR", "rhode island": "RI", "south carolina": "SC",
        "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT",
        "vermont": "VT", "virginia": "VA", "washington": "WA", "west virginia": "WV",
        "wisconsin": "WI", "wyoming": "WY",
    }
)  # fmt: skip
_CODES = frozenset(_STATES.values())


_COMPACT_STATES = {name.replace(" ", ""): code for name, code in _STATES.items()}


def state_code(name: str) -> str | None:
    """USPS code for a state name or code (any case, stray spaces/dots); None if not a state."""
    key = re.sub(r"[\s.]+", " ", name).strip().casefold()
    if key in _STATES:
        return _STATES[key]
    compact = key.replace(" ", "")
    if compact in _COMPACT_STATES:  # "NorthCarolina": extraction dropped the space
        return _COMPACT_STATES[compact]
    code = compact.upper()
    return code if code in _CODES else None


def state_codes() -> frozenset[str]:
    """Every USPS code ``state_code`` returns."""
    return _CODES


def split_states(raw: str) -> list[str]:
    """USPS codes for "California,Missouri" / "Texas, New York" / "Ohio and Utah".

    Unrecognised names are dropped (the caller warns when nothing is left).
    """
    codes: list[str] = []
    for piece in re.split(r"[,;/&]|\band\b", raw, flags=re.I):
        code = state_code(piece)
        if code and code not in codes:
            codes.append(code)
    return codes
