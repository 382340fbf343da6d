"""Medication requests of the synthetic corpus ("Norco 10/325mg #120 with 2 refills").

Names, brands and classes follow ``docs/vocabulary.md``: brands are only those the vocabulary
maps to a generic, classes are its Pharmaceuticals subcategories.
"""

from __future__ import annotations

import random

from imr_search.model import Drug
from imr_synth.base import PHARMA, Draft, cap, limb, pick
from imr_synth.data import tables

_DATA = tables("drugs")  # this module's tables: imr_synth/data/drugs.json

# --- pharmaceuticals -------------------------------------------------------------------------

# (as written, generic, brand, subcategory, strengths as written, quantities, forms)
DrugRow = tuple[str, str, str | None, str, tuple[str, ...], tuple[int, ...], tuple[str, ...]]
OPIOIDS: tuple[DrugRow, ...] = _DATA["OPIOIDS"]
NSAIDS: tuple[DrugRow, ...] = _DATA["NSAIDS"]
RELAXANTS: tuple[DrugRow, ...] = _DATA["RELAXANTS"]
TOPICALS: tuple[DrugRow, ...] = _DATA["TOPICALS"]
AEDS: tuple[DrugRow, ...] = _DATA["AEDS"]
ANTIDEPRESSANTS: tuple[DrugRow, ...] = _DATA["ANTIDEPRESSANTS"]
PPIS: tuple[DrugRow, ...] = _DATA["PPIS"]
SLEEP: tuple[DrugRow, ...] = _DATA["SLEEP"]
BENZOS: tuple[DrugRow, ...] = _DATA["BENZOS"]
OTHER_DRUGS: tuple[tuple[DrugRow, int], ...] = _DATA["OTHER_DRUGS"]

DRUG_CLASSES: tuple[tuple[str, tuple[DrugRow, ...], int], ...] = (
    ("opioid", OPIOIDS, 30),
    ("nsaid", NSAIDS, 13),
    ("relaxant", RELAXANTS, 15),
    ("topical", TOPICALS, 9),
    ("aed", AEDS, 9),
    ("antidepressant", ANTIDEPRESSANTS, 5),
    ("ppi", PPIS, 10),
    ("sleep", SLEEP, 4),
    ("benzo", BENZOS, 3),
    ("otherdrug", tuple(r for r, _ in OTHER_DRUGS), 4),
)
OTHER_DRUG_WEIGHTS = tuple(w for _, w in OTHER_DRUGS)

DOSING: tuple[str, ...] = _DATA["DOSING"]

SHORT_DATE_FORMATS = ("{m:02d}/{d:02d}/{y}", "{m}/{d}/{yy:02d}", "{m:02d}/{d:02d}/{yy:02d}")


def strength_forms(rng: random.Random, s: str) -> tuple[str, str]:
    """(as written, truth): '10/325mg' may be written '10/325 mg' or '10/325MG'."""
    truth = s.lower()
    for unit in ("mg", "mcg"):
        if s.endswith(unit):
            num = s[: -len(unit)]
            r = rng.random()
            if r < 0.18:
                return f"{num} {unit}", truth
            if r < 0.26:
                return f"{num}{unit.upper()}", truth
            if r < 0.30:
                return f"{num} {unit.upper()}", truth
    return s, truth


def drug_draft(rng: random.Random, cls: str | None = None, *, dos: str | None = None) -> Draft:
    """A medication request ("Norco 10/325mg #120 with 2 refills") and its truth."""
    if cls is None:
        cls = rng.choices(DRUG_CLASSES, [w for *_, w in DRUG_CLASSES])[0][0]
    rows = next(r for c, r, _ in DRUG_CLASSES if c == cls)
    if cls == "otherdrug":
        row = rng.choices(rows, OTHER_DRUG_WEIGHTS)[0]
    else:
        row = rows[rng.randrange(len(rows))]
    written, generic, brand, sub, strengths, quantities, forms = row
    name = written
    family = cls
    if cls == "topical" and rng.random() < 0.3:
        # compounded creams: name is the first ingredient
        combo = pick(
            rng,
            (
                ("Flurbiprofen/Cyclobenzaprine/Lidocaine", "flurbiprofen"),
                ("Ketoprofen/Gabapentin/Lidocaine", "ketoprofen"),
                ("Flurbiprofen/Baclofen/Lidocaine", "flurbiprofen"),
                ("Gabapentin/Amitriptyline/Capsaicin", "gabapentin"),
                ("Tramadol/Flurbiprofen", "tramadol"),
            ),
        )
        text_core, gen = combo
        fmt = pick(
            rng,
            (
                f"Compound cream: {text_core} 240gm",
                f"Compounded {text_core} cream 120gm",
                f"Topical compound {text_core} cream",
                f"Compounded topical cream ({text_core}), 180 grams",
            ),
        )
        return Draft(
            family="compound",
            text=fmt,
            category=PHARMA,
            subcategory="Topical Compounds",
            drug=Drug(name=gen, brand=None),
        )
    strength_w, strength_t = ("", None)
    if strengths and rng.random() < 0.95:
        strength_w, strength_t = strength_forms(rng, pick(rng, strengths))
    form = pick(rng, forms)
    qty: int | None = None
    refills: int | None = None
    qty_text = ""
    template_qty = ""
    if quantities and rng.random() < 0.9:
        qty = quantities[rng.randrange(len(quantities))]
        style = rng.random()
        if style < 0.72:
            qty_text, template_qty = f" #{qty}", " #{n}"
        elif style < 0.8:
            qty_text, template_qty = f", #{qty}", ", #{n}"
        elif style < 0.88:
            qty_text, template_qty = f" quantity {qty}", " quantity {n}"
        elif style < 0.94:
            qty_text, template_qty = f" Qty: {qty}", " Qty: {n}"
        else:
            qty_text, template_qty = f" # {qty}", " # {n}"
        if rng.random() < 0.12:
            refills = rng.choice((1, 2, 3, 5))
            word = "refill" if refills == 1 else "refills"
            tail = pick(
                rng, (f" with {refills} {word}", f" x{refills} {word}", f" + {refills} {word}")
            )
            qty_text += tail
            template_qty += tail
    elif cls == "topical" and not forms[0]:
        qty_text = pick(rng, (" 120gm", " 100gm", " 106.32gm", " 2 tubes", ""))
        template_qty = qty_text
    dosing = pick(rng, DOSING) if qty is not None and rng.random() < 0.1 else ""
    core = name + (f" {strength_w}" if strength_w else "") + form + dosing
    if cls == "topical" and name.endswith((" gel", " cream", " ointment")) and strength_w:
        # "Voltaren gel 1%" / "Lidocaine ointment 5%"
        core = name + f" {strength_w}" + dosing
    prefix, retro, suffix = request_frame(rng, dos)
    text = prefix + core + qty_text + suffix
    template = prefix + core + template_qty + suffix if qty is not None else None
    return Draft(
        family=family,
        text=cap(text),
        category=PHARMA,
        subcategory=sub,
        drug=Drug(name=generic, brand=brand, strength=strength_t, quantity=qty, refills=refills),
        retrospective=retro,
        template=cap(template) if template else None,
        count=qty,
        count_is_quantity=qty is not None,
    )


def request_frame(rng: random.Random, dos: str | None) -> tuple[str, bool, str]:
    """A prefix/suffix around a request, and whether it makes the request retrospective."""
    r = rng.random()
    if dos is not None and r < 0.07:
        return pick(rng, ("Retrospective request for ", "Retrospective ", "Retro: ")), True, ""
    if dos is not None and r < 0.10:
        return "", True, pick(rng, (f" (DOS: {dos})", f" DOS {dos}", f" (date of service {dos})"))
    if r < 0.16:
        return (
            pick(rng, ("Prospective request for 1 prescription of ", "1 prescription of ")),
            False,
            "",
        )
    if r < 0.2:
        return pick(rng, ("Request for ", "Prescription of ", "Prospective ")), False, ""
    return "", False, ""


def viscosupplement(rng: random.Random) -> Draft:
    side, _ = limb(rng, ("knee",))
    text = pick(
        rng,
        (
            f"Hyaluronic acid injection, {side}",
            f"Series of 3 hyaluronic acid injections for the {side}",
            f"Hyaluronic acid injections x3 to the {side}",
        ),
    )
    return Draft(
        family="visco",
        text=cap(text),
        category=PHARMA,
        subcategory="Viscosupplementation",
        region="knee",
        drug=Drug(name="hyaluronic acid"),
    )
