"""The header table of a complete letter: case number, priority and five dates.

The table has two columns, so extraction gives either ``Label: value`` pairs on one line,
labels and values on separate lines, or all labels first and all values after::

    Case Number: CM16-0213037
    Date Assigned: 12/05/2016 Date of Injury:  10/20/2016
    Priority:  Standard Application
    Received:
    11/28/2016
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from imr_search.parse.dates import NUMERIC_DATE, date_from_match

CASE_NUMBER = re.compile(r"\b(CM\d{2}\s*-\s*\d{4,8})\b", re.IGNORECASE)

# Label patterns in the order the table lists them; "Application Received" may be split by
# its own value ("Application 12/06/2016 Received:") in layout-mode extraction.
_LABELS: list[tuple[str, str]] = [
    ("date_assigned", r"Date\s+Assigned\s*:"),
    ("date_of_injury", r"Date\s+of\s+Injury\s*:"),
    ("decision_date", r"(?:Decision\s+Date|Dated|Date\s+of\s+Determination)\s*:"),
    ("ur_denial_date", r"(?:UR\s+Denial\s+Date|Date\s+of\s+UR\s+(?:Decision|Denial))\s*:"),
    ("application_received", r"Application\s+(?:" + NUMERIC_DATE + r"\s+)?Received\s*:"),
]
_LABEL_RE = {name: re.compile(pat, re.IGNORECASE) for name, pat in _LABELS}
_DATE_RE = re.compile(NUMERIC_DATE)
_PRIORITY_LABEL = re.compile(r"Priority\s*:", re.IGNORECASE)
_PRIORITY_VALUE = re.compile(r"\b(Standard|Expedited|Regular|Urgent)\b", re.IGNORECASE)
_ANY_LABEL = re.compile(
    "|".join(f"(?:{pat})" for _, pat in _LABELS) + r"|Priority\s*:|Case\s+Number\s*:",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Header:
    case_number: str | None = None
    priority: str | None = None
    dates: dict[str, dt.date] = field(default_factory=dict)


def parse_header(block: str, *, pivot: int) -> Header:
    """Fields of the header ``block`` (the text before the first section heading)."""
    header = Header()
    # Case number: written "CM16-0213037"; stray spaces around the dash from extraction.
    m = CASE_NUMBER.search(block)
    if m:
        header.case_number = re.sub(r"\s+", "", m.group(1)).upper()
    # Priority: its value follows the label, or (labels first) comes later in the block.
    pm = _PRIORITY_LABEL.search(block)
    if pm:
        vm = _PRIORITY_VALUE.search(block, pm.end())
        if vm:
            header.priority = vm.group(1).capitalize()

    # Labels and date values in reading order. Each value belongs to the earliest label still
    # waiting for one: that is right for "Label: value" pairs, for labels and values on
    # alternate lines, and for a column of labels followed by its column of values.
    events: list[tuple[int, str, dt.date | None]] = []
    for name, _ in _LABELS:
        for lm in _LABEL_RE[name].finditer(block):
            inner = _DATE_RE.search(lm.group(0)) if name == "application_received" else None
            if inner:
                # "Application 12/06/2016 Received:": the value sits inside the split label.
                events.append((lm.start(), name, date_from_match(inner, pivot)))
            else:
                events.append((lm.start(), name, None))
            break
    # Label spans do not overlap (finditer), so the one that could hold a date is the last one
    # starting at or before it: a bisection, not a scan per date (a block of many labelled
    # dates would cost their square).
    spans = [(m.start(), m.end()) for m in _ANY_LABEL.finditer(block)]
    starts = [a for a, _ in spans]
    for dm in _DATE_RE.finditer(block):
        k = bisect.bisect_right(starts, dm.start()) - 1
        if k >= 0 and dm.start() < spans[k][1]:
            continue  # a date inside a split label was taken above
        events.append((dm.start(), "", date_from_match(dm, pivot)))
    waiting: list[str] = []
    for _, name, value in sorted(events, key=lambda e: e[0]):
        if name and value is not None:
            header.dates[name] = value
        elif name:
            waiting.append(name)
        elif waiting and value is not None:
            header.dates[waiting.pop(0)] = value
    return header
