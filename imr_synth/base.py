"""Shared pieces of the synthetic item tables: the :class:`Draft` record and region phrases.

Every service generator returns a :class:`Draft`: the service text as a letter would print it and
what ``docs/vocabulary.md`` says it is (category, subcategory, body region, modality, drug,
retrospective). Texts are built only from phrases whose truth is unambiguous under that
vocabulary: a region word is always spelled out ("Lumbar facet joint injections", never just
"L4-5"), brands are the ones the vocabulary maps, and so on.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from imr_search.model import Drug
from imr_synth.data import tables

_DATA = tables("base")  # this module's tables: imr_synth/data/base.json

PHARMA = "Pharmaceuticals"
DIAG = "Diagnostic Testing"
REHAB = "Rehabilitation"
DMEPOS = "DMEPOS"
INJ = "Injection"
SURG = "Surgery"
ADJUNCT = "Adjunct Surgical Services"


@dataclass(slots=True)
class Draft:
    """One disputed service and its truth. ``family`` picks rationale and guideline texts."""

    family: str
    text: str
    category: str
    subcategory: str
    region: str | None = None
    modality: str | None = None
    drug: Drug | None = None
    retrospective: bool = False
    template: str | None = None  # text with "{n}" for the count (partial authorisations)
    count: int | None = None  # the count in ``text``; drug quantity when the drug has one
    count_is_quantity: bool = False  # the count is the drug quantity (#n)
    rental: bool = False  # a purchase/rental the Claims Administrator may authorise for a month

    def with_count(self, n: int) -> Draft:
        """The same service with another count (a partial authorisation's portions)."""
        assert self.template is not None
        drug = self.drug
        if drug is not None and self.count_is_quantity:
            drug = replace(drug, quantity=n)
        return replace(self, text=self.template.replace("{n}", str(n)), count=n, drug=drug)


T = TypeVar("T")


def pick(rng: random.Random, options: Sequence[T]) -> T:
    return options[rng.randrange(len(options))]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def title_words(s: str) -> str:
    """Title-case purely alphabetic words ("MRI cervical spine w/o contrast" keeps 'w/o')."""
    small = {"of", "the", "to", "for", "and", "with", "a", "in", "at", "times"}
    out = []
    for w in s.split(" "):
        out.append(w[:1].upper() + w[1:] if w.isalpha() and w.islower() and w not in small else w)
    return " ".join(out)


# --- regions ---------------------------------------------------------------------------------

# (singular, plural, truth)
LIMBS: tuple[tuple[str, str, str], ...] = _DATA["LIMBS"]
LIMB_WEIGHTS: tuple[int, ...] = _DATA["LIMB_WEIGHTS"]


def limb(rng: random.Random, only: Sequence[str] | None = None) -> tuple[str, str]:
    """("right knee", "knee"), ("bilateral shoulders", "shoulder"), ..."""
    choices = [x for x in LIMBS if only is None or x[2] in only]
    weights = [LIMB_WEIGHTS[LIMBS.index(x)] for x in choices]
    sing, plur, truth = rng.choices(choices, weights)[0]
    side = rng.choices(("right", "left", "bilateral", ""), (40, 38, 14, 8))[0]
    if side == "bilateral":
        return (f"bilateral {plur}" if rng.random() < 0.5 else f"bilateral {sing}"), truth
    return (f"{side} {sing}" if side else sing), truth


SPINES: tuple[tuple[tuple[str, ...], str, int], ...] = _DATA["SPINES"]


def spine(rng: random.Random, *, neck_ok: bool = False) -> tuple[str, str]:
    phrases, truth, _ = rng.choices(SPINES, [w for _, _, w in SPINES])[0]
    phrase = pick(rng, phrases)
    if neck_ok and truth == "cervical spine" and rng.random() < 0.25:
        phrase = "neck"  # "MRI of the neck" is the cervical spine (imaging context)
    return phrase, truth


def body_part(rng: random.Random, *, spine_share: float = 0.55) -> tuple[str, str]:
    return spine(rng) if rng.random() < spine_share else limb(rng)


def therapy_region(rng: random.Random) -> tuple[str, str | None]:
    """A region for a therapy, or none (" for the neck" means the neck outside imaging)."""
    r = rng.random()
    if r < 0.25:
        return "", None
    if r < 0.33:
        return "neck", "neck"
    if r < 0.75:
        return spine(rng)
    return limb(rng)


def for_the(phrase: str, rng: random.Random) -> str:
    if not phrase:
        return ""
    return pick(rng, (" for the ", " for the ", " to the ", ", ")) + phrase


def freq(rng: random.Random) -> tuple[str, int]:
    """A frequency phrase and the number of sessions it implies."""
    per_week, weeks = rng.choice(((2, 6), (2, 4), (3, 4), (2, 3), (1, 6), (3, 6), (2, 2)))
    n = per_week * weeks
    words = {1: "one", 2: "two", 3: "three"}
    forms = (
        f"{per_week} times a week for {weeks} weeks",
        f"{per_week} times per week for {weeks} weeks",
        f"{per_week}x{weeks}",
        f"{per_week} x {weeks}",
        f"{words[per_week]} times a week for {weeks} weeks",
        f"{per_week} times a week for {weeks} weeks ({n} sessions)",
    )
    return pick(rng, forms), n
