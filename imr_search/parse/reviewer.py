"""The expert reviewer's credentials: specialties, board certification, licensure states.

Two styles (FORMATS.md):

    prose   The expert reviewer is Board Certified in Occupational Medicine and is licensed to
            practice in California.
    lines   State(s) of Licensure: California, Arizona
            Certification(s)/Specialty: Physical Medicine & Rehabilitation

The 2013 notice and the professional-review layout use the prose style under their own
headings ("Medical Qualifications of the Expert Reviewer:", "MEDICAL REVIEWER
QUALIFICATIONS:").
"""

from __future__ import annotations

import re

from imr_search.model import Reviewer
from imr_search.taxonomy import (
    normalise_specialty,
    split_on_and,
    split_specialties,
    split_states,
)

# Every free-text group below is a bounded lazy repeat (``.{1,N}?``), never ``.+?``: a search
# retries a lazy group at each later occurrence of its lead words, so an unbounded one costs
# the square of the text when its terminator never comes (docs/benchmarks.md, "Hostile
# input"). The bounds are far above any real value (a specialty is a few words, a
# list of states a line or two).

# "State(s) of Licensure: California,Missouri" (also "State of Licensure:").
_STATES_LINE = re.compile(
    r"States?(?:\s*\(s\))?\s+of\s+Licensure\s*:\s*(.{0,600}?)(?=\n\s*\n|\n[^\n]*:|\Z)",
    re.IGNORECASE | re.DOTALL,
)
# "Certification(s)/Specialty: Preventive Medicine, Occupational Medicine, Public Health &
# General Preventive Medicine" (the value may wrap onto the next lines).
_SPECIALTY_LINE = re.compile(
    r"Certifications?(?:\s*\(s\))?\s*/\s*Specialt(?:y|ies)\s*:\s*(.{0,600}?)(?=\n\s*\n|\n[^\n]*:|\Z)",
    re.IGNORECASE | re.DOTALL,
)
# "is Board Certified in Physical Medicine and Rehabilitation, has a subspecialty in Pain
# Medicine and is licensed to practice in Minnesota."
_CERTIFIED = re.compile(
    r"\b(?:is\s+)?(Board[- ]Certified|certified)\s+in\s+(.{1,300}?)"
    r"(?=,?\s+(?:and\s+)?(?:is|has)\s+(?:a\s+)?(?:licensed|subspecialty|been)|\.\s|\.$)",
    re.IGNORECASE | re.DOTALL,
)
_SUBSPECIALTY = re.compile(
    r"subspecialty\s+(?:certificate\s+)?in\s+(.{1,300}?)(?=,?\s+and\s+is\s+licensed|\.\s|\.$)",
    re.IGNORECASE | re.DOTALL,
)
_LICENSED = re.compile(
    r"licensed\s+to\s+practice\s+(?:medicine\s+)?in\s+(.{1,600}?)(?=\.\s|\.$|\s+He/she|\s+The\b)",
    re.IGNORECASE | re.DOTALL,
)
# Prose for a non-certified reviewer: "The expert reviewer is a licensed Chiropractor and ..."
_LICENSED_AS = re.compile(
    r"reviewer\s+is\s+(?:a\s+)?(?i:licensed)\s+([A-Z][A-Za-z &]{0,200}?)(?=\s+and\s+is|\.\s|,)",
    re.DOTALL,
)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .;,")


def parse_reviewer(block: str, warnings: list[str]) -> Reviewer:
    """Credentials from the section that describes how the determination was made."""
    reviewer = Reviewer()
    lines_style = False
    m = _STATES_LINE.search(block)
    if m:
        lines_style = True
        reviewer.license_states = _states(_one_line(m.group(1)), warnings)
    m = _SPECIALTY_LINE.search(block)
    if m:
        lines_style = True
        reviewer.specialties = _specialties(split_specialties(_one_line(m.group(1))), warnings)

    if not lines_style:
        m = _CERTIFIED.search(block)
        if m:
            reviewer.board_certified = m.group(1).lower().startswith("board")
            named = [_one_line(m.group(2))]
            sub = _SUBSPECIALTY.search(block)
            if sub:
                named.append(_one_line(sub.group(1)))
            reviewer.specialties = _specialties(named, warnings)
        else:
            m = _LICENSED_AS.search(block)
            if m:
                reviewer.specialties = _specialties([_one_line(m.group(1))], warnings)
        m = _LICENSED.search(block)
        if m:
            reviewer.license_states = _states(_one_line(m.group(1)), warnings)

    if not reviewer.specialties:
        warnings.append("reviewer specialty not found")
    if not reviewer.license_states:
        warnings.append("reviewer licensure states not found")
    return reviewer


def _specialties(named: list[str], warnings: list[str]) -> list[str]:
    out: list[str] = []
    for raw in named:
        # Prose joins two boards with "and": "Internal Medicine and Sports Medicine".
        for part in split_on_and(raw):
            name, known = normalise_specialty(part.strip())
            if not known:
                warnings.append(f"reviewer specialty not in the DWC list: {name!r}")
            if name and name not in out:
                out.append(name)
    return out


def _states(raw: str, warnings: list[str]) -> list[str]:
    codes = split_states(raw)
    if not codes:
        warnings.append(f"licensure states not recognised: {raw!r}")
    return codes
