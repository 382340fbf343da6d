"""DWC's own labels on a parsed letter: each of DWC's treatment rows matched to a parsed item,
and the item's ``category`` and ``subcategory`` made DWC's (``category_source = "dwc"``).

Matching is by case, then DWC's order and the category: a treatment takes the first item not
yet taken whose parsed category is the treatment's, and the treatments left take the items
left in order. A letter whose item count differs from DWC's treatment count keeps the parser's
labels and says so in a warning: a count that differs is reported, never guessed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from imr_search.fetch.ledger import CaseRecord, State, Treatment, find_state
from imr_search.model import Item, Letter
from imr_search.words import count

COUNT_WARNING = "DWC's treatment count differs"


def match(items: Sequence[Item], treatments: Sequence[Treatment]) -> list[int] | None:
    """For each treatment (in DWC's order), the index of its item; None when the counts
    differ."""
    if len(items) != len(treatments) or not items:
        return None
    taken: list[int | None] = [None] * len(treatments)
    free = list(range(len(items)))
    for t, treatment in enumerate(treatments):
        same = next((i for i in free if items[i].category == treatment.category), None)
        if same is not None:
            taken[t] = same
            free.remove(same)
    for t in range(len(treatments)):
        if taken[t] is None:
            taken[t] = free.pop(0)
    return [i for i in taken if i is not None]


def apply(letter: Letter, treatments: Sequence[Treatment]) -> Letter:
    """The letter with DWC's labels on its items (a copy; the parser's record is untouched)."""
    if not treatments:
        return letter
    pairs = match(letter.items, treatments)
    if pairs is None:
        warning = (
            f"{COUNT_WARNING}: DWC lists {len(treatments)}, the letter has "
            f"{count(len(letter.items), 'item')}; the parser's categories are kept"
        )
        return dataclasses.replace(letter, warnings=[*letter.warnings, warning])
    items = list(letter.items)
    for treatment, i in zip(treatments, pairs, strict=True):
        items[i] = dataclasses.replace(
            items[i],
            category=treatment.category,
            subcategory=treatment.subcategory,
            category_source="dwc",
        )
    return dataclasses.replace(letter, items=items)


class Labeller:
    """``relabel`` for the indexer: DWC's rows from the state databases beside the letters
    (one per store; found from each letter's source)."""

    def __init__(self, states: Sequence[State] = ()) -> None:
        self._states: dict[Path, State] = {s.path.resolve(): s for s in states}
        self._owned: list[State] = []
        self.relabelled = 0
        self.mismatched: list[tuple[str, int, int]] = []

    def state_for(self, source: str) -> State | None:
        if source == "-":
            return None
        path = find_state(Path(source))
        if path is None:
            return None
        found = self._states.get(path.resolve())
        if found is None:
            found = State(path, create=False)
            self._states[path.resolve()] = found
            self._owned.append(found)
        return found

    def rows(self, letter: Letter) -> tuple[CaseRecord | None, list[Treatment]]:
        """DWC's case row and treatments of a parsed letter (by its case number)."""
        state = self.state_for(letter.source)
        number = letter.case_number or letter.id
        if state is None or not number:
            return None, []
        return state.case(number), state.treatments(number)

    def __call__(self, letter: Letter) -> Letter:
        _, treatments = self.rows(letter)
        out = apply(letter, treatments)
        if treatments and out is not letter:
            if any(i.category_source == "dwc" for i in out.items):
                self.relabelled += 1
            else:
                self.mismatched.append((letter.id, len(treatments), len(letter.items)))
        return out

    def close(self) -> None:
        for state in self._owned:
            state.close()
