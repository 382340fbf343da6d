"""How often the parser agrees with DWC's own rows, field by field, over the letters of an
index that came from ``imr-search fetch``: the way a maintainer finds what the parser gets
wrong on the real corpus.

The parser's record of each letter is the record cache's (by the file's content hash) or, when
the cache does not hold it, the file parsed again; the index's own record carries DWC's labels
and cannot be compared. Per item: category, subcategory, decision (items matched to DWC's
treatments as ``labels.match`` does; a letter whose item count differs is counted under
``treatment count`` and its items are not compared). Per letter: reviewer specialty (DWC's is
one of the letter's), case outcome, decision date, date of injury, application received.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from imr_search.fetch.labels import Labeller, match
from imr_search.fetch.ledger import CaseRecord, Treatment
from imr_search.model import Letter

FIELDS = (
    "category",
    "subcategory",
    "decision",
    "treatment count",
    "specialty",
    "case outcome",
    "decision date",
    "date of injury",
    "application received",
)


@dataclass(frozen=True, slots=True)
class Disagreement:
    case_number: str
    item: int | None  # the parsed item's number; None for a letter's field
    field: str
    parser: str
    dwc: str


@dataclass(slots=True)
class Agreement:
    """Per field: how many were compared and how many agreed; and every disagreement."""

    compared: Counter[str] = field(default_factory=Counter)
    agreed: Counter[str] = field(default_factory=Counter)
    disagreements: list[Disagreement] = field(default_factory=list)
    letters: int = 0
    without_rows: int = 0  # letters of the index DWC's rows do not cover

    def rate(self, name: str) -> float | None:
        n = self.compared[name]
        return self.agreed[name] / n if n else None

    def rows(self) -> list[tuple[str, int, int, float | None]]:
        """(field, compared, agreed, rate) for each field."""
        return [(f, self.compared[f], self.agreed[f], self.rate(f)) for f in FIELDS]

    def note(self, case: str, item: int | None, name: str, parser: object, dwc: object) -> None:
        self.compared[name] += 1
        if parser == dwc:
            self.agreed[name] += 1
        else:
            self.disagreements.append(Disagreement(case, item, name, _text(parser), _text(dwc)))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def compare_letter(
    report: Agreement, letter: Letter, case: CaseRecord | None, treatments: list[Treatment]
) -> None:
    """Add one parsed letter's comparison with DWC's rows to ``report``."""
    number = letter.case_number or letter.id
    if case is None and not treatments:
        report.without_rows += 1
        return
    report.letters += 1
    if treatments:
        pairs = match(letter.items, treatments)
        report.note(number, None, "treatment count", len(letter.items), len(treatments))
        for treatment, i in zip(treatments, pairs or [], strict=False):
            item = letter.items[i]
            report.note(number, item.number, "category", item.category, treatment.category)
            report.note(number, item.number, "subcategory", item.subcategory, treatment.subcategory)
            report.note(number, item.number, "decision", item.decision, treatment.decision)
    if case is None:
        return
    if case.specialty is not None:
        specialties = letter.reviewer.specialties
        held = case.specialty if case.specialty in specialties else "; ".join(specialties)
        report.note(number, None, "specialty", held, case.specialty)
    if case.outcome is not None:
        report.note(number, None, "case outcome", letter.outcome, case.outcome)
    report.note(number, None, "decision date", letter.decision_date, case.decided)
    if case.injured is not None:
        report.note(number, None, "date of injury", letter.date_of_injury, case.injured)
    if case.received is not None:
        report.note(
            number, None, "application received", letter.application_received, case.received
        )


def agreement(letters: Iterable[Letter], labeller: Labeller) -> Agreement:
    """The agreement over parsed ``letters``, DWC's rows found beside each letter's source."""
    report = Agreement()
    for letter in letters:
        case, treatments = labeller.rows(letter)
        compare_letter(report, letter, case, treatments)
    return report


def parsed_letters(
    sources: dict[str, str], parsed: Callable[[str, str], Letter | None]
) -> Iterable[Letter]:
    """The parser's record of each source (``sources``: source key -> content hash), in
    source order; ``parsed`` gives the record of a source and its hash, None if it fails."""
    for source in sorted(sources):
        letter = parsed(source, sources[source])
        if letter is not None:
            yield letter
