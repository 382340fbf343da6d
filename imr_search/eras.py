"""Guideline eras: which MTUS rules were in force when a request was made.

The table is data (``data/eras.json``, sources in ``docs/eras.md``): each era starts on its
effective date and runs to the day before the next. An item's era is read from the date of the
request, which the letter gives as the UR denial date; when a letter has none the decision
date stands in (IMR decides within weeks of the denial, so only items near a boundary can
land in the next era), and the item says so (``basis``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from imr_search.model import Letter

EraBasis = Literal["ur_denial_date", "decision_date"]


@dataclass(frozen=True, slots=True)
class Era:
    name: str  # the facet and filter value ("mtus-2016")
    start: dt.date | None  # None: from the beginning
    label: str


@dataclass(frozen=True, slots=True)
class ItemEra:
    era: Era
    basis: EraBasis  # which date of the letter decided it


@functools.cache
def eras() -> tuple[Era, ...]:
    """The table, oldest first."""
    raw = json.loads(resources.files("imr_search").joinpath("data/eras.json").read_text("utf-8"))
    table = tuple(
        Era(e["name"], dt.date.fromisoformat(e["start"]) if e["start"] else None, e["label"])
        for e in raw["eras"]
    )
    starts = [e.start for e in table[1:] if e.start is not None]
    # A table out of order would put letters in the wrong era without any error.
    if table[0].start is not None or len(starts) != len(table) - 1 or starts != sorted(starts):
        raise ValueError("data/eras.json: the first era must be open, the rest in date order")
    return table


def current_era() -> Era:
    """The era in force today (the last of the table): "decided under today's rules"."""
    return eras()[-1]


def era_names() -> tuple[str, ...]:
    return tuple(e.name for e in eras())


def era_on(day: dt.date) -> Era:
    table = eras()
    starts = [e.start for e in table[1:] if e.start is not None]
    return table[bisect.bisect_right(starts, day)]


def letter_era(letter: Letter) -> ItemEra | None:
    """The era of a letter's requests, or None when it has neither date."""
    if letter.ur_denial_date is not None:
        return ItemEra(era_on(letter.ur_denial_date), "ur_denial_date")
    if letter.decision_date is not None:
        return ItemEra(era_on(letter.decision_date), "decision_date")
    return None
