"""The appeal workbench as JSON and as text: ``imr-search appeal``, the API and the page's
"copy as text" all print these, so they never disagree. No I/O, no logic beyond wording."""

from __future__ import annotations

import textwrap
from typing import Any

from imr_search.analysis.appeal import Appeal
from imr_search.analysis.factcheck import FLAG_KINDS, FLAG_TITLES, Flag
from imr_search.analysis.timelines import (
    ADDRESS_TEXT,
    AUTHORISE_WORKING_DAYS,
    REIMBURSE_DAYS,
    AppealDeadline,
)
from imr_search.words import count

_DEADLINE_KEYS = (
    "deadline", "deadline_is_estimate", "days_left", "today", "mailed", "mailed_basis",
    "address", "appeal_days", "mail_days", "last_day_before_rolling", "rolled_past",
)  # fmt: skip


def _deadline_fields(d: AppealDeadline | None) -> dict[str, Any]:
    if d is None:  # the same keys, so that a client reads one shape
        return {k: [] if k == "rolled_past" else None for k in _DEADLINE_KEYS}
    return {
        "deadline": d.deadline.isoformat(),
        "deadline_is_estimate": True,
        "days_left": d.days_left,
        "today": d.today.isoformat(),
        "mailed": d.mailed.isoformat(),
        "mailed_basis": d.mailed_basis,
        "address": d.address,
        "appeal_days": d.appeal_days,
        "mail_days": d.mail_days,
        "last_day_before_rolling": d.last_day.isoformat(),
        "rolled_past": [{"date": c.day.isoformat(), "closed": c.reason} for c in d.rolled_past],
    }


def flag_dict(f: Flag) -> dict[str, Any]:
    return {"kind": f.kind, "item": f.item, "says": f.says, "quotes": list(f.quotes)}


def appeal_dict(a: Appeal) -> dict[str, Any]:
    """The JSON form: ``{"deadline": "YYYY-MM-DD", ...}``."""
    return {
        **_deadline_fields(a.deadline),
        "deadline_missing": a.deadline_missing,
        "caveat": a.caveat,
        "notes": list(a.notes),
        "letter_id": a.letter_id,
        "case_number": a.case_number,
        "decision_date": a.decision_date.isoformat() if a.decision_date else None,
        "outcome": a.outcome,
        "items": [
            {
                "number": i.number,
                "service": i.service,
                "decision": i.decision,
                "partial": i.partial,
                "reasons": list(i.reasons),
            }
            for i in a.items
        ],
        "other_side": [
            {
                "item": c.number,
                "service": c.service,
                "retrospective": c.retrospective,
                "received_assumed": c.clock.received.isoformat(),
                "authorise_by": c.clock.authorise_by.isoformat(),
                "reimburse_by": c.clock.reimburse_by.isoformat(),
            }
            for c in a.other_side
        ],
        "grounds": [
            {
                "number": g.number,
                "key": g.key,
                "text": g.text,
                "judged_from_letter": g.from_letter,
                "letter_shows": list(g.shows),
            }
            for g in a.grounds
        ],
        "flags": [flag_dict(f) for f in a.flags],
        "caption": a.caption,
        "not_legal_advice": a.not_legal_advice,
    }


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text, 92, initial_indent=indent if first is None else first, subsequent_indent=indent
    )


def deadline_lines(d: AppealDeadline | None, missing: str | None) -> list[str]:
    if d is None:
        return [f"Deadline to appeal to the WCAB: unknown ({missing})"]
    when = d.deadline.strftime("%A, %B %-d, %Y")
    if d.days_left > 0:
        left = f"{count(d.days_left, 'day')} left as of {d.today}"
    elif d.days_left == 0:
        left = f"today ({d.today}) is the last day"
    else:
        left = f"passed {count(-d.days_left, 'day')} before {d.today}"
    basis = "the decision date" if d.mailed_basis == "decision_date" else "the service date given"
    lines = [f"Deadline to appeal to the WCAB (estimate): {when} ({d.deadline}); {left}."]
    lines += _wrap(
        f"Mailed {d.mailed} ({basis}); {d.appeal_days} days (Labor Code 4610.6(h)) plus "
        f"{d.mail_days} for service by mail to {ADDRESS_TEXT[d.address]} (8 CCR 10605): "
        f"{d.last_day.strftime('%a')} {d.last_day}."
    )
    if d.rolled_past:
        passed = "; ".join(f"{c.day} {c.reason}" for c in d.rolled_past)
        lines += _wrap(f"Moved to the next business day (8 CCR 10600) past: {passed}.")
    return lines


def appeal_text(a: Appeal) -> str:
    """The workbench as plain text (the CLI's output and the page's "copy as text")."""
    lines = [f"Appeal workbench: case {a.case_number or a.letter_id}"]
    if a.decision_date:
        lines[0] += f", decided {a.decision_date}"
    if a.outcome:
        lines[0] += f" ({a.outcome})"
    lines += ["", *deadline_lines(a.deadline, a.deadline_missing)]
    lines += _wrap(a.caveat)
    for note in a.notes:
        lines += _wrap(f"Note: {note}")
    lines += ["", "Items:"]
    for i in a.items:
        decided = f"{'partly ' if i.partial else ''}{i.decision}"
        reasons = f" [{', '.join(i.reasons)}]" if i.reasons else ""
        lines += _wrap(f"#{i.number} {i.service}: {decided}{reasons}", first="  ", indent="    ")
    if a.other_side:
        # Every overturned item shares the receipt, so the dates once and the items after.
        c = a.other_side[0].clock
        lines += ["", "The claims administrator's clock on overturned items (8 CCR 9792.10.7):"]
        lines += _wrap(
            f"If received {c.received}: authorise within {AUTHORISE_WORKING_DAYS} working days "
            f"(by {c.authorise_by}); pay for treatment already given within {REIMBURSE_DAYS} "
            f"days (by {c.reimburse_by}). A later receipt moves both."
        )
        for item in a.other_side:
            retro = " (retrospective)" if item.retrospective else ""
            lines += _wrap(f"#{item.number} {item.service}{retro}", first="    ", indent="      ")
    lines += ["", "Grounds for appeal (Labor Code 4610.6(h)):"]
    for g in a.grounds:
        judged = "" if g.from_letter else " [cannot be judged from a letter]"
        lines += _wrap(f"({g.number}) {g.text}{judged}", first="  ", indent="      ")
        for s in g.shows:
            lines += _wrap(s, first="      - ", indent="        ")
    lines += ["", "To check against the records (flags, not findings):"]
    if not a.flags:
        lines.append("  none")
    for kind in FLAG_KINDS:
        these = [f for f in a.flags if f.kind == kind]
        if not these:
            continue
        lines.append(f"  {FLAG_TITLES[kind]}:")
        for f in these:
            where = f"#{f.item} " if f.item is not None else ""
            lines += _wrap(f"{where}{f.says}", first="    ", indent="      ")
            for q in f.quotes:
                lines += _wrap(f'"{q}"', first="      > ", indent="        ")
    lines += ["", "Caption skeleton (8 CCR 10575):", ""]
    lines += ["  " + line if line else "" for line in a.caption.splitlines()]
    lines += ["", *_wrap(a.not_legal_advice, indent="")]
    return "\n".join(lines) + "\n"
