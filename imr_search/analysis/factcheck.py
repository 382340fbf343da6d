"""What a reader should check against the records before arguing "a plainly erroneous finding
of fact" (Labor Code 4610.6(h)(5)): places where the letter disagrees with itself or with the
request, and the statements that something was missing.

Each check reads the letter alone and raises a ``Flag``: something to check, never a finding.

- ``region``: a sentence about the request names a body region, side or spinal level the
  requested service does not ("the request for MRI of the cervical spine" when the service is
  a lumbar MRI; "right knee" when the request is for the left knee; "L5-S1" when it is L3-4).
- ``patient``: the patient's age, sex or date of injury stated differently in the summary and
  a rationale.
- ``quantity``: a number of sessions, a quantity or a duration in a sentence about the request
  that differs from the requested service's.
- ``missing``: "no documentation of ...", "not provided" and the like, quoted, to check against
  what was submitted.
- ``guideline``: a cited guideline not in force on the date of the request (the era table).
- ``specialty``: the reviewer's specialties share none with those usually knowledgeable in the
  treatment (``data/reviewer-fit.json``; Labor Code 139.5(d)): worth a look.
- ``reasons``: the reasons the decision rests on, when the record carries them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import resources
from typing import Literal

from imr_search.analysis.terms import sentences
from imr_search.eras import eras, letter_era
from imr_search.model import Citation, Item, Letter
from imr_search.parse.classify import body_regions
from imr_search.parse.patient import injury_date, parse_patient

FlagKind = Literal["region", "patient", "quantity", "missing", "guideline", "specialty", "reasons"]
FLAG_KINDS: tuple[FlagKind, ...] = (
    "region",
    "patient",
    "quantity",
    "missing",
    "guideline",
    "specialty",
    "reasons",
)
FLAG_TITLES: dict[FlagKind, str] = {
    "region": "Body region, side or level differs from the request",
    "patient": "Patient facts stated differently",
    "quantity": "Quantity, frequency or duration differs from the request",
    "missing": "Said to be missing: check against what was submitted",
    "guideline": "Guideline not in force on the request date",
    "specialty": "Reviewer's specialty and the treatment: worth a look",
    "reasons": "What the decision rests on",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """One thing to check against the records: not a finding."""

    kind: FlagKind
    item: int | None  # the item's number; None for the letter as a whole
    says: str
    quotes: tuple[str, ...] = ()


def flags(letter: Letter) -> list[Flag]:
    """Every flag of ``letter``, letter-wide first, then item by item in each kind's order."""
    letter = _squeezed(letter)
    out = list(_patient_flags(letter))
    for item in letter.items:
        about = _request_sentences(item.rationale)
        out += _region_flags(item, about)
        out += _quantity_flags(item, about)
        out += _missing_flags(item)
        out += _guideline_flags(letter, item)
        out += _specialty_flags(letter, item)
        out += _reason_flags(item)
    return out


_SPACE = re.compile(r"\s+")


def _squeezed(letter: Letter) -> Letter:
    """``letter`` with every run of white space in its texts one space: the patterns below
    (and the parser's, reused here) allow optional spaces on both sides of a hyphen, which a
    long run of spaces would make quadratic; quotes read better too."""

    def squeeze(text: str) -> str:
        return _SPACE.sub(" ", text).strip()

    items = [
        replace(i, service=squeeze(i.service), rationale=squeeze(i.rationale)) for i in letter.items
    ]
    return replace(letter, summary=squeeze(letter.summary), items=items)


# -- sentences about the request -------------------------------------------------------------

# The rationale's own account of the request ("the request for ... is not medically
# necessary"), not the guideline it quotes.
_ABOUT_REQUEST = re.compile(
    r"\brequest(?:ed|s)?\b|\bmedically necessary\b|\bproposed\b",
    re.IGNORECASE,
)


def _request_sentences(rationale: str) -> list[str]:
    return [s for s in sentences(rationale) if _ABOUT_REQUEST.search(s)]


# -- region, side, level ----------------------------------------------------------------------

# Regions that contain others: a sentence naming the wider one does not contradict the service.
_WIDER = {
    "spine": {"cervical spine", "thoracic spine", "lumbar spine", "sacroiliac joint", "neck"},
    "neck": {"cervical spine"},
    "cervical spine": {"neck"},
    "upper extremity": {"shoulder", "elbow", "forearm", "wrist", "hand"},
    "lower extremity": {"hip", "thigh", "knee", "leg", "ankle", "foot"},
    "wrist": {"hand", "forearm"},
    "hand": {"wrist"},
    "ankle": {"foot", "leg"},
    "foot": {"ankle"},
    "knee": {"leg"},
    "leg": {"knee", "ankle"},
    "hip": {"pelvis", "thigh"},
    "head": {"brain", "face"},
    "brain": {"head"},
}
_SIDE = re.compile(r"\b(left|right|bilateral(?:ly)?|both)\b|\b(lt|rt)\.?\s", re.IGNORECASE)
_LEVEL_RANGE = re.compile(r"\b([CTLS])(\d{1,2})\s*(?:-|/|to|through)\s*([CTLS]?)(\d{1,2})\b", re.I)
_LEVEL = re.compile(r"\b([CTL])(\d{1,2})\b|\b(S)(1)\b", re.IGNORECASE)
_SPINE_ORDER = [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)]
_SPINE_ORDER += [f"L{i}" for i in range(1, 6)] + ["S1"]


def _sides(text: str) -> set[str]:
    out = set()
    for m in _SIDE.finditer(text):
        word = (m.group(1) or m.group(2)).lower()
        side = {"lt": "left", "rt": "right"}.get(word, word)
        out.add("bilateral" if side.startswith("bilateral") or side == "both" else side)
    return out


def _levels(text: str) -> set[str]:
    """Every vertebra a text names, ranges filled in ("L3-S1": L3, L4, L5, S1)."""
    out: set[str] = set()
    for m in _LEVEL_RANGE.finditer(text):
        first = f"{m.group(1).upper()}{int(m.group(2))}"
        last = f"{(m.group(3) or m.group(1)).upper()}{int(m.group(4))}"
        if first in _SPINE_ORDER and last in _SPINE_ORDER:
            a, b = sorted((_SPINE_ORDER.index(first), _SPINE_ORDER.index(last)))
            if b - a <= 6:  # a range, not two numbers side by side
                out.update(_SPINE_ORDER[a : b + 1])
    for m in _LEVEL.finditer(text):
        letter, number = (m.group(1) or m.group(3)).upper(), int(m.group(2) or m.group(4))
        name = f"{letter}{number}"
        if name in _SPINE_ORDER:
            out.add(name)
    return out


def _compatible(named: set[str], requested: set[str]) -> bool:
    if named & requested:
        return True
    return any(_WIDER.get(r, set()) & named for r in requested) or any(
        _WIDER.get(n, set()) & requested for n in named
    )


def _region_flags(item: Item, about: list[str]) -> Iterator[Flag]:
    requested = set(item.body_regions or body_regions(item.service))
    sides = _sides(item.service)
    levels = _levels(item.service)
    region_quotes, side_quotes, level_quotes = [], [], []
    for s in about:
        named = set(body_regions(s))
        if requested and named and not _compatible(named, requested):
            region_quotes.append(s)
            continue
        said = _sides(s)
        one_side = len(sides) == 1 and sides <= {"left", "right"}
        same_part = not requested or not named or _compatible(named, requested)
        if one_side and said and not (said & sides) and same_part:
            side_quotes.append(s)
        said_levels = _levels(s)
        if levels and said_levels and not said_levels <= levels:
            level_quotes.append(s)
    wanted = ", ".join(sorted(requested)) or "none named"
    if region_quotes:
        yield Flag(
            kind="region",
            item=item.number,
            says=f"the rationale speaks of another body region than the request ({wanted})",
            quotes=tuple(region_quotes),
        )
    if side_quotes:
        side = next(iter(sides))
        yield Flag(
            kind="region",
            item=item.number,
            says=f"the request is for the {side} side; the rationale names the other",
            quotes=tuple(side_quotes),
        )
    if level_quotes:
        yield Flag(
            kind="region",
            item=item.number,
            says="the rationale names a spinal level the request does not ("
            + "-".join(sorted(levels, key=_SPINE_ORDER.index))
            + ")",
            quotes=tuple(level_quotes),
        )


# -- patient facts ----------------------------------------------------------------------------


# The age as a rationale states it: "a 45-year-old", "45 y/o" (not "for 3 years").
_AGE = re.compile(r"\b(\d{1,3})\s*-?\s*(?:years?|yrs?)[-\s]+old\b|\b(\d{1,3})\s*(?:y/o|yo)\b", re.I)


def _stated_age(text: str) -> int | None:
    m = _AGE.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def _patient_flags(letter: Letter) -> Iterator[Flag]:
    summary_patient = parse_patient(letter.summary, [])
    age = letter.patient.age if letter.patient.age is not None else summary_patient.age
    sex = letter.patient.sex or summary_patient.sex
    # Two-digit years read as the latest year up to the decision's (no clock in the library).
    pivot = (letter.decision_date or letter.date_assigned or dt.date(2099, 1, 1)).year + 1
    injured = injury_date(letter.summary, pivot=pivot) or letter.date_of_injury
    for item in letter.items:
        text = item.rationale
        said = parse_patient(text, [])
        said_age = _stated_age(text)
        if age is not None and said_age is not None and said_age != age:
            yield Flag(
                kind="patient",
                item=item.number,
                says=f"the summary gives the patient's age as {age}; the rationale, {said_age}",
                quotes=tuple(_quoting(text, rf"\b{said_age}\s*-?\s*(?:year|yr|y/o|yo)")),
            )
        if sex is not None and said.sex is not None and said.sex != sex:
            yield Flag(
                kind="patient",
                item=item.number,
                says=f"the summary says the patient is {sex}; the rationale, {said.sex}",
                quotes=tuple(_quoting(text, r"\b(?:fe)?male\b|\b(?:wo)?man\b|gentleman|lady")),
            )
        stated = injury_date(text, pivot=pivot)
        if injured is not None and stated is not None and stated != injured:
            yield Flag(
                kind="patient",
                item=item.number,
                says=f"the summary gives the date of injury as {injured.isoformat()}; "
                f"the rationale, {stated.isoformat()}",
                quotes=tuple(_quoting(text, r"injur|\bDOI\b")),
            )


def _quoting(text: str, pattern: str) -> list[str]:
    rx = re.compile(pattern, re.IGNORECASE)
    return [s for s in sentences(text) if rx.search(s)][:2]


# -- quantity, frequency, duration -----------------------------------------------------------

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUMBER_WORDS = {w: i for i, w in enumerate((*_WORDS, "eleven", "twelve"))}
_N = r"(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")"
_RANGE = rf"{_N}(?:\s*(?:-|to)\s*{_N})?"
# Each unit: the patterns that give its numbers (a range gives both ends).
_UNITS: dict[str, tuple[re.Pattern[str], ...]] = {
    "sessions": (
        re.compile(rf"{_RANGE}\s*(?:\(\d+\)\s*)?(?:sessions?|visits?|treatments?)\b", re.I),
        re.compile(rf"(?:sessions?|visits?),?\s*(?:x\s*)?{_N}\b", re.I),
    ),
    "quantity": (
        re.compile(rf"#\s*{_N}\b", re.I),
        re.compile(rf"\b(?:qty|quantity)[:\s]*(?:of\s*)?{_N}\b", re.I),
        re.compile(rf"\b{_N}\s*(?:tablets?|tabs|capsules?|caps|pills|patch(?:es)?)\b", re.I),
    ),
    "days": (re.compile(rf"{_RANGE}[-\s]*days?\b", re.I),),
    "weeks": (re.compile(rf"{_RANGE}[-\s]*weeks?\b", re.I),),
    "months": (re.compile(rf"{_RANGE}[-\s]*months?\b", re.I),),
    "per week": (
        re.compile(rf"{_RANGE}\s*(?:times|x)\s*(?:a|per|/)\s*week", re.I),
        re.compile(rf"\b{_N}\s*x\s*\d{{1,2}}\b", re.I),
    ),
}
_UNIT_WORDS = {"sessions": "sessions", "quantity": "quantity", "per week": "times a week"}


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else _NUMBER_WORDS.get(text.lower())


def _amounts(text: str) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for unit, patterns in _UNITS.items():
        for rx in patterns:
            for m in rx.finditer(text):
                values = [_number(g) for g in m.groups()]
                found = [v for v in values if v is not None]
                if len(found) == 2 and found[0] < found[1]:
                    found = list(range(found[0], found[1] + 1))
                out.setdefault(unit, set()).update(found)
    # "2 times a week for 6 weeks" / "2x6": twelve sessions in all.
    per_week, weeks = out.get("per week"), out.get("weeks")
    times = re.search(r"\b(\d{1,2})\s*x\s*(\d{1,2})\b", text, re.I)
    if times:
        out.setdefault("weeks", set()).add(int(times.group(2)))
        out.setdefault("sessions", set()).add(int(times.group(1)) * int(times.group(2)))
    elif per_week and weeks and len(per_week) <= 2 and len(weeks) == 1:
        w = next(iter(weeks))
        out.setdefault("sessions", set()).update(p * w for p in per_week)
    return out


def _quantity_flags(item: Item, about: list[str]) -> Iterator[Flag]:
    requested = _amounts(item.service)
    if not requested:
        return
    for unit, wanted in requested.items():
        quotes = []
        said: set[int] = set()
        for s in about:
            found = _amounts(s).get(unit)
            if found and not found & wanted:
                quotes.append(s)
                said |= found
        if quotes:
            word = _UNIT_WORDS.get(unit, unit)
            yield Flag(
                kind="quantity",
                item=item.number,
                says=f"the request says {_range_text(wanted)} {word}; "
                f"the rationale, {_range_text(said)}",
                quotes=tuple(quotes),
            )


def _range_text(values: Iterable[int]) -> str:
    v = sorted(values)
    return str(v[0]) if len(v) == 1 else f"{v[0]}-{v[-1]}"


# -- said to be missing ----------------------------------------------------------------------

_MISSING = re.compile(
    r"\bno (?:clear |recent |objective |specific )?(?:documentation|documented|indication"
    r"|mention|records?|reports?)\b"
    r"|\bnot (?:been |clearly |adequately )?(?:provided|documented|submitted|included"
    r"|available|specified|given|noted|identified|indicated|stated)\b"
    r"|\b(?:lack|absence) of (?:any )?(?:documentation|documented)"
    r"|\bdo(?:es)? not (?:document|include|provide|specify)\b"
    r"|\b(?:did not|failed to) (?:document|provide|include|specify|submit)\b"
    r"|\bdocumentation (?:is|was) (?:lacking|absent|missing|insufficient)",
    re.IGNORECASE,
)


def _missing_flags(item: Item) -> Iterator[Flag]:
    quotes = tuple(s for s in sentences(item.rationale) if _MISSING.search(s))
    if quotes:
        yield Flag(
            kind="missing",
            item=item.number,
            says="the rationale says these were not documented or not provided",
            quotes=quotes,
        )


# -- guideline eras ---------------------------------------------------------------------------


def _guideline_flags(letter: Letter, item: Item) -> Iterator[Flag]:
    basis = letter_era(letter)
    request_date = letter.ur_denial_date or letter.decision_date
    if basis is None or request_date is None:
        return
    starts = {e.name: e.start for e in eras()}
    for c in item.imr_citations:
        problem = _out_of_force(c, request_date, starts)
        if problem:
            named = " ".join(str(p) for p in (c.source, c.part, c.edition) if p)
            on = "UR denial" if basis.basis == "ur_denial_date" else "decision (no UR date)"
            yield Flag(
                kind="guideline",
                item=item.number,
                says=f"{named}: {problem} (request date {request_date.isoformat()}, from the {on})",
                quotes=(c.text,) if c.text else (),
            )


def _out_of_force(c: Citation, day: dt.date, starts: dict[str, dt.date | None]) -> str | None:
    if c.edition and c.edition > day.year:
        return f"a {c.edition} edition cited for a request made in {day.year}"
    if c.source != "MTUS":
        return None
    part = (c.part or "").casefold()
    new_cp, acoem = starts.get("mtus-2016"), starts.get("acoem-2017")
    chronic = "chronic pain" in part or "opioid" in part
    if chronic and c.edition == 2009 and new_cp and day >= new_cp:
        return f"replaced by the 2016 guidelines on {new_cp.isoformat()}"
    if chronic and c.edition == 2016 and new_cp and day < new_cp:
        return f"in force only from {new_cp.isoformat()}"
    if c.edition in (2004, 2007, 2008) and not chronic and acoem and day >= acoem:
        return f"the MTUS took in the current ACOEM guidelines on {acoem.isoformat()}"
    return None


# -- the reviewer's specialty -----------------------------------------------------------------


@functools.cache
def _fit_rules() -> tuple[tuple[str, frozenset[str], frozenset[str], frozenset[str]], ...]:
    raw = json.loads(
        resources.files("imr_search").joinpath("data/reviewer-fit.json").read_text("utf-8")
    )
    groups: dict[str, list[str]] = raw["groups"]

    def expand(names: list[str]) -> frozenset[str]:
        out: set[str] = set()
        for n in names:
            out.update(groups[n[1:]] if n.startswith("@") else [n])
        return frozenset(out)

    return tuple(
        (
            r["category"],
            frozenset(r.get("subcategories", ())),
            frozenset(r.get("regions", ())),
            expand(r["specialties"]),
        )
        for r in raw["rules"]
    )


def knowledgeable_specialties(item: Item) -> frozenset[str] | None:
    """The specialties usually knowledgeable in the item's treatment; None when no rule says."""
    for category, subs, regions, specialties in _fit_rules():
        if category != item.category:
            continue
        if subs and item.subcategory not in subs:
            continue
        if regions and not regions & set(item.body_regions):
            continue
        return specialties
    return None


def _specialty_flags(letter: Letter, item: Item) -> Iterator[Flag]:
    have = set(letter.reviewer.specialties)
    usual = knowledgeable_specialties(item)
    if not have or usual is None or have & usual:
        return
    kind = f"{item.category}" + (f" › {item.subcategory}" if item.subcategory else "")
    yield Flag(
        kind="specialty",
        item=item.number,
        says=f"worth a look: the reviewer ({', '.join(sorted(have))}) is not of a specialty "
        f"usually knowledgeable in {kind} (Labor Code 139.5(d)); the letter does not show "
        "the reviewer's training, so this is not a finding",
    )


# -- reasons ----------------------------------------------------------------------------------


def item_reasons(item: Item) -> list[tuple[str, tuple[str, ...]]]:
    """The reason codes of an item (``imr_search.parse.reasons``), each with the sentences it
    was read from; [] for a record indexed before items had reasons."""
    return [(code, tuple(item.reason_sentences.get(code, ()))) for code in item.reasons]


def _reason_flags(item: Item) -> Iterator[Flag]:
    reasons = item_reasons(item)
    if reasons:
        yield Flag(
            kind="reasons",
            item=item.number,
            says="the decision rests on: " + ", ".join(code for code, _ in reasons),
            quotes=tuple(dict.fromkeys(s for _, said in reasons for s in said)),
        )
