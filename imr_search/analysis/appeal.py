"""The appeal workbench: what can be done about one IMR determination, and by when.

One answer for the CLI (``imr-search appeal``), the API and the letter page: the deadline to
appeal to the WCAB (``timelines``), the claims administrator's clock on overturned items, the
five grounds of Labor Code 4610.6(h) with what the letter shows that bears on each, the flags
for a reader to check against the records (``factcheck``), a caption skeleton for the petition
(8 CCR 10575) and the statement that none of it is legal advice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from imr_search.analysis.factcheck import Flag, flags, item_reasons
from imr_search.analysis.timelines import (
    Address,
    AppealDeadline,
    ComplianceClock,
    appeal_deadline,
    compliance_clock,
    listed_but_open,
)
from imr_search.errors import UsageError
from imr_search.model import Decision, Letter
from imr_search.search.backend import Engine
from imr_search.search.lookup import find_letter
from imr_search.words import count

# The days a date given to the workbench may be: IMR began in 2013; the far end keeps every sum
# of days inside the calendar (a date near 9999 overflows).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
NOT_LEGAL_ADVICE = (
    "This is not legal advice. It is an estimate made from the letter alone, to help you read "
    "it: check every date against the proof of service and the rules in force, and every flag "
    "against the medical records submitted for review. Consult a lawyer about your case."
)
DEADLINE_CAVEAT = (
    "Estimate: the decision date stands for the mailing date, which the letter does not show. "
    "Check it against the proof of service; a later mailing moves the deadline later."
)
SERVED_CAVEAT = (
    "Estimate: counted from the service date given. Check it against the proof of service "
    "and the days the WCAB was in fact closed."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ground:
    """One ground of Labor Code 4610.6(h) and what this letter shows that bears on it."""

    number: int
    key: str  # "powers", "fraud", "conflict", "bias", "fact"
    text: str
    from_letter: bool  # False: cannot be judged from a letter
    shows: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemClock:
    """The claims administrator's clock on one overturned item."""

    number: int
    service: str
    retrospective: bool
    clock: ComplianceClock


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealItem:
    number: int
    service: str
    decision: Decision
    partial: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Appeal:
    letter_id: str
    case_number: str | None
    decision_date: dt.date | None
    outcome: str | None
    deadline: AppealDeadline | None  # None: no decision date and no service date given
    deadline_missing: str | None  # why there is no deadline
    items: tuple[AppealItem, ...]
    other_side: tuple[ItemClock, ...]
    grounds: tuple[Ground, ...]
    flags: tuple[Flag, ...]
    caption: str
    caveat: str = DEADLINE_CAVEAT
    not_legal_advice: str = NOT_LEGAL_ADVICE
    notes: tuple[str, ...] = field(default_factory=tuple)


def appeal(
    letter: Letter,
    *,
    today: dt.date,
    served: dt.date | None = None,
    address: Address = "ca",
) -> Appeal:
    """The workbench for ``letter``: ``today`` is California's date (the caller's clock);
    ``served`` the date the determination was mailed, when the proof of service says.
    UsageError for a date outside the years the rules and the holiday calendar cover."""
    for name, day in (("service date", served), ("today's date", today)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise UsageError(
                f"the {name} {day} is outside {FIRST_DAY} to {LAST_DAY}, the days the "
                "workbench counts (IMR began in 2013)"
            )
    mailed = served or letter.decision_date
    deadline = None
    missing = None
    if mailed is None:
        missing = "the letter has no decision date: give the date of the proof of service (served)"
    else:
        deadline = appeal_deadline(
            mailed, today=today, address=address, basis="served" if served else "decision_date"
        )
    received = served or letter.decision_date
    clocks = tuple(
        ItemClock(
            number=i.number,
            service=i.service,
            retrospective=i.retrospective,
            clock=compliance_clock(received, today=today),
        )
        for i in letter.items
        if i.decision == "overturned" and received is not None
    )
    items = tuple(
        AppealItem(
            number=i.number,
            service=i.service,
            decision=i.decision,
            partial=i.partial,
            reasons=tuple(code for code, _ in item_reasons(i)),
        )
        for i in letter.items
    )
    found = tuple(flags(letter))
    notes = []
    if served and letter.decision_date and served < letter.decision_date:
        notes.append(
            f"The service date given ({served}) is before the decision date "
            f"({letter.decision_date}): check it."
        )
    if deadline and (holiday := listed_but_open(deadline.deadline)):
        notes.append(
            f"{deadline.deadline} is {holiday} in the holidays calendar, but California's "
            "state offices do not close for it, so it is counted as a business day; if the "
            "WCAB was closed that day, the deadline is the next business day."
        )
    return Appeal(
        letter_id=letter.id,
        case_number=letter.case_number,
        decision_date=letter.decision_date,
        outcome=letter.outcome,
        deadline=deadline,
        deadline_missing=missing,
        items=items,
        other_side=clocks,
        grounds=grounds(letter, found),
        flags=found,
        caption=caption(letter),
        caveat=SERVED_CAVEAT if served else DEADLINE_CAVEAT,
        notes=tuple(notes),
    )


def appeal_of(
    engine: Engine,
    given: str,
    *,
    today: dt.date,
    served: dt.date | None = None,
    address: Address = "ca",
) -> Appeal:
    """The workbench of the letter ``given`` names (its id or case number), as the CLI, the
    API and the page ask for it; NotFoundError when the index has no such letter."""
    return appeal(find_letter(engine, given), today=today, served=served, address=address)


def grounds(letter: Letter, found: tuple[Flag, ...] = ()) -> tuple[Ground, ...]:
    """The five grounds of Labor Code 4610.6(h), in the statute's order."""
    return (
        Ground(
            number=1,
            key="powers",
            text="The administrative director acted without or in excess of the "
            "administrative director's powers.",
            from_letter=False,
            shows=_timing(letter),
        ),
        Ground(
            number=2,
            key="fraud",
            text="The determination was procured by fraud.",
            from_letter=False,
            shows=("Nothing in a letter shows fraud; it would have to be shown from outside it.",),
        ),
        Ground(
            number=3,
            key="conflict",
            text="The independent medical reviewer was subject to a material conflict of "
            "interest in violation of Labor Code 139.5.",
            from_letter=False,
            shows=_reviewer(letter),
        ),
        Ground(
            number=4,
            key="bias",
            text="The determination was the result of bias on the basis of race, national "
            "origin, ethnic group identification, religion, age, sex, sexual orientation, "
            "color, or disability.",
            from_letter=False,
            shows=_patient(letter),
        ),
        Ground(
            number=5,
            key="fact",
            text="The determination was the result of a plainly erroneous express or implied "
            "finding of fact, provided that the mistake of fact is a matter of ordinary "
            "knowledge based on the information submitted for review and not a matter that "
            "is subject to expert opinion.",
            from_letter=True,
            shows=_fact(found),
        ),
    )


def _days(start: dt.date | None, end: dt.date | None) -> int | None:
    return (end - start).days if start and end else None


def _timing(letter: Letter) -> tuple[str, ...]:
    shows = []
    if letter.priority:
        shows.append(f"Priority: {letter.priority}.")
    received = _days(letter.application_received, letter.decision_date)
    if received is not None:
        shows.append(
            f"Decided {count(received, 'day')} after the application was received "
            f"({letter.application_received} to {letter.decision_date})."
        )
    assigned = _days(letter.date_assigned, letter.decision_date)
    if assigned is not None:
        shows.append(
            f"Decided {count(assigned, 'day')} after the case was assigned "
            f"({letter.date_assigned} to {letter.decision_date})."
        )
    shows.append(
        "Whether a time limit or another act exceeded the administrative director's powers "
        "is a question of law the letter cannot answer."
    )
    return tuple(shows)


def _reviewer(letter: Letter) -> tuple[str, ...]:
    r = letter.reviewer
    shows = []
    if r.specialties:
        shows.append("Reviewer's specialty: " + ", ".join(r.specialties) + ".")
    if r.board_certified is not None:
        shows.append("Board certified: " + ("yes." if r.board_certified else "no."))
    if r.license_states:
        shows.append("Licensed in: " + ", ".join(r.license_states) + ".")
    shows.append(
        "The letter does not name the reviewer, so a conflict of interest cannot be judged from it."
    )
    return tuple(shows)


def _patient(letter: Letter) -> tuple[str, ...]:
    p = letter.patient
    said = [f"age {p.age}"] if p.age is not None else []
    said += [f"sex {p.sex}"] if p.sex else []
    shows = ["The letter states the patient's " + " and ".join(said) + "."] if said else []
    shows.append("Bias cannot be judged from one letter.")
    return tuple(shows)


def _fact(found: tuple[Flag, ...]) -> tuple[str, ...]:
    checks = [f for f in found if f.kind != "reasons"]
    if not checks:
        return ("No flag below: nothing in the letter disagrees with itself or the request.",)
    by_kind: dict[str, int] = {}
    for f in checks:
        by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
    listed = ", ".join(f"{n} {k}" for k, n in by_kind.items())
    return (
        f"{len(checks)} flag{'s' if len(checks) != 1 else ''} to check against the records "
        f"({listed}); each is something to check, not a finding.",
    )


def caption(letter: Letter) -> str:
    """A caption skeleton for a petition to the WCAB (8 CCR 10575): the IMR case number filled
    in, the rest (names, the ADJ case number) left for the filer."""
    number = letter.case_number or letter.id
    decided = letter.decision_date.isoformat() if letter.decision_date else "[DATE]"
    return "\n".join(
        (
            "[NAME, ADDRESS, TELEPHONE AND EMAIL OF THE FILER]",
            "",
            "WORKERS' COMPENSATION APPEALS BOARD",
            "STATE OF CALIFORNIA",
            "",
            "[APPLICANT'S NAME],",
            "        Applicant,",
            "    vs.",
            "[EMPLOYER'S NAME]; [INSURANCE CARRIER OR CLAIMS ADMINISTRATOR],",
            "        Defendants.",
            "",
            "Case No. ADJ__________",
            f"IMR Case No. {number}",
            "",
            "PETITION APPEALING INDEPENDENT MEDICAL REVIEW DETERMINATION",
            "(Labor Code section 4610.6(h))",
            f"Final Determination dated {decided}",
        )
    )
