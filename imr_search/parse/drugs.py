"""Medications in a service text: generic name, brand, strength, quantity and refills.

The lexicon (``data/drugs.json``) lists generic names under their DWC Pharmaceuticals
subcategory, common brands with their generic, spelling aliases and the combination products
that are sold as one drug. It is read once, lazily. See docs/vocabulary.md, "drug".
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from imr_search.model import Drug

COMPOUND = "compound"  # the name of a compounded product whose ingredients are not named
TOPICAL_COMPOUNDS = "Topical Compounds"


@dataclass(frozen=True, slots=True)
class _Lexicon:
    class_of: Mapping[str, str]  # single generic -> DWC subcategory
    generic_of: Mapping[str, str]  # written name (generic, alias, brand) -> generic
    brand_of: Mapping[str, str]  # casefolded brand -> brand as DWC letters spell it
    combination_of: Mapping[frozenset[str], str]  # ingredients -> "a/b" in the usual order
    kit_of: Mapping[str, tuple[str, ...]]  # casefolded brand -> every active ingredient
    topical_brands: frozenset[str]
    pattern: re.Pattern[str]


@functools.cache
def _lexicon() -> _Lexicon:
    raw = resources.files("imr_search").joinpath("data/drugs.json").read_text("utf-8")
    data = json.loads(raw)
    class_of = {g: cls for cls, names in data["classes"].items() for g in names}
    generic_of = {g: g for g in class_of} | dict(data["aliases"])
    brand_of = {b.casefold(): b for b in data["brands"]}
    generic_of |= {b.casefold(): g for b, g in data["brands"].items()}
    combos = {frozenset(c.split("/")): c for c in data["combinations"]}
    # Longest first, so "ms contin" beats "contin" and "tylenol #3" beats "tylenol".
    keys = sorted(generic_of, key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, keys)) + r")(?![a-z0-9])")
    return _Lexicon(
        class_of=MappingProxyType(class_of),
        generic_of=MappingProxyType(generic_of),
        brand_of=MappingProxyType(brand_of),
        combination_of=MappingProxyType(combos),
        kit_of=MappingProxyType({k.casefold(): tuple(v) for k, v in data["kits"].items()}),
        topical_brands=frozenset(b.casefold() for b in data["topical_brands"]),
        pattern=pattern,
    )


def _normalise(text: str) -> str:
    # str.split() splits on exactly what ``\s`` matches, in a fraction of the time.
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class _Mention:
    written: str  # as matched, casefolded
    generic: str  # may be a combination "a/b"
    start: int
    end: int


def _mentions(text: str) -> list[_Mention]:
    lex = _lexicon()
    return [
        _Mention(m.group(0), lex.generic_of[m.group(0)], m.start(), m.end())
        for m in lex.pattern.finditer(text)
    ]


def _ingredients(mentions: list[_Mention]) -> list[str]:
    """Single generics in the order written, combinations expanded, without repeats."""
    out: list[str] = []
    for mention in mentions:
        for part in mention.generic.split("/"):
            if part not in out:
                out.append(part)
    return out


def _active_ingredients(mentions: list[_Mention]) -> list[str]:
    """Every active ingredient named: combinations expanded, and brand-name products and
    compounding kits of several agents expanded through the lexicon's ``kits``."""
    kits = _lexicon().kit_of
    out: list[str] = []
    for mention in mentions:
        for part in kits.get(mention.written) or mention.generic.split("/"):
            if part not in out:
                out.append(part)
    return out


def _name(mentions: list[_Mention]) -> str:
    """The generic name: a brand's generic, or a combination written out ("hydrocodone/apap")."""
    first = mentions[0].generic
    if "/" in first:
        return first
    ingredients = _ingredients(mentions)
    combos = _lexicon().combination_of
    for n in (3, 2):  # the longest combination product that starts the text
        combo = combos.get(frozenset(ingredients[:n])) if len(ingredients) >= n else None
        if combo and first in combo.split("/"):
            return combo
    return first


# Strength: "10/325mg", "7.5 mg", "5%", "0.025%"; units lowercased, spaces dropped.
# Possessive repeats and no start after "/ " (inside a chain of numbers): otherwise "1 / " x
# 30,000 without a unit is read again from every number in it (over a minute).
_STRENGTH = re.compile(
    r"(?<![\w.#/])(?<!/ )(\d++(?:\.\d++)?+(?:\s*+/\s*+\d++(?:\.\d++)?+)*+)\s*+"
    r"(mg/ml|mcg/hr?|mg|mcg|µg|gm|g|ml|%|iu|units?)(?![a-z])"
)
# "Norco 10/325 #120": a slashed strength written without a unit (never part of a date).
_BARE_STRENGTH = re.compile(r"(?<![\w.#/])(\d+(?:\.\d+)?/\d+(?:\.\d+)?)(?![\d/])")
_QUANTITY = re.compile(r"(?:#|\bqty\b\.?:?|\bquantity\b:?(?:\s*of)?)\s*(\d{1,9})(?!\d)")
_NUMBER_WORDS = {
    "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_NUMBER = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"
_REFILLS_BEFORE = re.compile(r"\b(?:x\s*)?" + _NUMBER + r"\s*(?:x\s*)?refills?\b")
_REFILLS_AFTER = re.compile(r"\brefills?\s*(?:x|:|#|of)?\s*" + _NUMBER + r"\b")


def _strength(text: str) -> str | None:
    # A weight in grams is the amount of a cream ("Lidocaine ointment 5% 106.32gm", "Terocin
    # 120gm"), not its strength.
    for m in _STRENGTH.finditer(text):
        if m.group(2) not in ("g", "gm"):
            return re.sub(r"\s+", "", m.group(1)) + m.group(2)
    if _STRENGTH.search(text):
        return None
    bare = _BARE_STRENGTH.search(text)
    return re.sub(r"\s+", "", bare.group(1)) if bare else None


def _quantity(text: str) -> int | None:
    m = _QUANTITY.search(text)
    return int(m.group(1)) if m else None


def _refills(text: str) -> int | None:
    m = _REFILLS_BEFORE.search(text) or _REFILLS_AFTER.search(text)
    if not m:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _without_brand_numbers(text: str, mentions: list[_Mention]) -> str:
    """Blank out brand names so "Tylenol #3" is not read as a quantity of 3."""
    for mention in mentions:
        if "#" in mention.written:
            text = text[: mention.start] + " " * len(mention.written) + text[mention.end :]
    return text


_COMPOUND = re.compile(r"\bcompound(?:ed)?\b")


def parse_drug(service: str) -> Drug | None:
    """The medication a service text requests, or None when it names no known drug.

    A compounded product whose ingredients are not recognised is ``Drug(name="compound")``.
    """
    text = _normalise(service)
    mentions = _mentions(text)
    if not mentions and not _COMPOUND.search(text):
        return None
    rest = _without_brand_numbers(text, mentions)
    brands = [m.written for m in mentions if m.written in _lexicon().brand_of]
    name = _name(mentions) if mentions else COMPOUND
    strength = _strength(rest)
    ingredients = _active_ingredients(mentions)
    with_apap = _with_acetaminophen(name, strength)
    if with_apap:
        name = with_apap
        ingredients = list(dict.fromkeys([*ingredients, "acetaminophen"]))
    return Drug(
        name=name,
        brand=_lexicon().brand_of[brands[0]] if brands else None,
        strength=strength,
        quantity=_quantity(rest),
        refills=_refills(rest),
        ingredients=ingredients,
    )


# "Hydrocodone 10/325": the second number of the strength is the acetaminophen in it.
_APAP_STRENGTH = re.compile(r"\d+(?:\.\d+)?/(?:300|325|500|650|750)(?:mg)?")


def _with_acetaminophen(name: str, strength: str | None) -> str | None:
    """The acetaminophen combination a single opioid's strength names, or None."""
    if "/" in name or not strength or not _APAP_STRENGTH.fullmatch(strength):
        return None
    combo = f"{name}/acetaminophen"
    return combo if frozenset(combo.split("/")) in _lexicon().combination_of else None


def drug_class(name: str) -> str | None:
    """The DWC Pharmaceuticals subcategory of a generic (or brand) name; None if unknown.

    A combination takes the class of its first ingredient (hydrocodone/acetaminophen is an
    opioid). Oral forms are assumed; see ``pharma_subcategory`` for topical products.
    """
    key = _normalise(name)
    if key == COMPOUND:
        return TOPICAL_COMPOUNDS
    lex = _lexicon()
    generic = lex.generic_of.get(key, key)
    return lex.class_of.get(generic.split("/")[0])


def generic_name(written: str) -> str | None:
    """The generic a name as a user types it stands for ("Norco", "hydrocodone/apap",
    "APAP", "Flexeril"), combinations in the lexicon's order; None when the lexicon does not
    know every part. The query's drug vocabulary (``imr_search.search.vocabulary``)."""
    lex = _lexicon()
    key = _normalise(written)
    # A kit, or a brand that is one form of its generic (Lidoderm is the lidocaine patch, not
    # the ointment), stands for itself: the brand is among the item's drug terms.
    if key in lex.kit_of or key in lex.topical_brands:
        return None
    if key in lex.generic_of:
        return lex.generic_of[key]
    parts = [p.strip() for p in key.split("/")]
    if len(parts) < 2 or not all(p in lex.generic_of for p in parts):
        return None
    ingredients = frozenset(i for p in parts for i in lex.generic_of[p].split("/"))
    return lex.combination_of.get(ingredients, "/".join(lex.generic_of[p] for p in parts))


def lexicon_words() -> frozenset[str]:
    """Every name the lexicon recognises as written (generics, aliases, brands), casefolded:
    what a misspelt drug is corrected towards."""
    return frozenset(_lexicon().generic_of)


def drug_names() -> frozenset[str]:
    """Every generic, combination and brand name the lexicon knows (the drug filter's
    vocabulary: an item's drug terms are its name, each ingredient and its brand)."""
    lex = _lexicon()
    generics = {part for g in lex.generic_of.values() for part in [g, *g.split("/")]}
    kits = {part for parts in lex.kit_of.values() for part in parts}
    return frozenset(generics | kits | set(lex.brand_of) | {COMPOUND})


def drug_classes() -> frozenset[str]:
    """Every Pharmaceuticals subcategory ``pharma_subcategory`` can return."""
    return frozenset(_lexicon().class_of.values()) | {TOPICAL_COMPOUNDS, "Topical Analgesics"}


# Signs of a product applied to the skin. A percentage strength only occurs on topicals.
_TOPICAL = re.compile(
    r"\b(?:cream|gel|ointment|lotion|patch(?:es)?|topical|transdermal|liniment|balm|roll-on"
    r"|(?<!nasal )spray)\b|\d%"
)
_TOPICAL_CLASSES = frozenset({"NSAID", "Topical Analgesics"})


def _slash_joined(text: str, mentions: list[_Mention]) -> bool:
    """Whether two drug names are written joined by a slash or a hyphen ("a/b", "a-b")."""
    return any(
        re.fullmatch(r"\s*[/-]\s*", text[a.end : b.start]) for a, b in itertools.pairwise(mentions)
    )


def pharma_subcategory(service: str, drug: Drug) -> str | None:
    """The DWC subcategory of a parsed drug in its written form (topical or not).

    Compounded creams and topicals of several agents are Topical Compounds; a topical NSAID,
    lidocaine, capsaicin or menthol alone is a Topical Analgesic; an opioid patch stays an
    Opioid; any other drug made into a cream (gabapentin 10% cream) is a compound.
    """
    text = _normalise(service)
    base = drug_class(drug.name)
    if drug.name == COMPOUND or _COMPOUND.search(text):
        return TOPICAL_COMPOUNDS
    mentions = _mentions(text)
    if _slash_joined(text, mentions) and len(_ingredients(mentions)) > len(drug.name.split("/")):
        # "Dextromethorphan/Amitriptyline/Lidocaine/Capsaicin": agents written as one product
        # that is no known combination product is a compound, topical words or not.
        return TOPICAL_COMPOUNDS
    topical = bool(_TOPICAL.search(text)) or any(
        m.written in _lexicon().topical_brands for m in mentions
    )
    if not topical or base == "Opioids":
        return base
    if len(_ingredients(mentions)) > len(drug.name.split("/")):
        return TOPICAL_COMPOUNDS
    kit = [drug_class(i) for i in _active_ingredients(mentions)]
    if any(k not in _TOPICAL_CLASSES for k in kit if k):
        # A branded product of one drug (Androgel) keeps its class; a kit that adds an agent
        # of another class (Fluriflex: flurbiprofen and cyclobenzaprine) is a compound.
        if drug.brand and len(kit) == 1 and base is not None:
            return base
        return TOPICAL_COMPOUNDS
    return "Topical Analgesics" if base in _TOPICAL_CLASSES else TOPICAL_COMPOUNDS
