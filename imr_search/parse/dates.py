"""Dates as the letters write them -> ``datetime.date``.

Forms seen (FORMATS.md): 09/23/1998, 03/31/08, 10-13-16, "10-   13-  16" (stray spaces from
extraction), "August 27, 2007", "Aug. 27, 2007", "27 August 2007".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from imr_search.model import Letter

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

# 09/23/1998, 3/31/08, 10-13-16, "10-   13-  16"; the separator may be surrounded by spaces.
NUMERIC_DATE = r"(?<![\d/])(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{4}|\d{2})(?![\d/])"
# August 27, 2007 / Aug. 27 2007
MONTH_DATE = rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
# 27 August 2007
DAY_MONTH_DATE = rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b"

ANY_DATE = re.compile(f"{NUMERIC_DATE}|{MONTH_DATE}|{DAY_MONTH_DATE}", re.IGNORECASE)


def _year(text: str, pivot: int) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years: the most recent year not after the pivot (an injury in "08" of a
        # 2015 letter is 2008; "98" is 1998).
        year += 2000
        if year > pivot:
            year -= 100
    return year


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_from_match(m: re.Match[str], pivot: int) -> dt.date | None:
    """The date a match of ``ANY_DATE`` stands for, or None for an impossible date."""
    g = m.groups()
    if g[0] is not None:
        return _make(_year(g[2], pivot), int(g[0]), int(g[1]))
    if g[3] is not None:
        return _make(int(g[5]), _MONTHS[g[3].lower().rstrip(".")], int(g[4]))
    return _make(int(g[8]), _MONTHS[g[7].lower().rstrip(".")], int(g[6]))


def parse_date(text: str, *, pivot: int | None = None) -> dt.date | None:
    """The first valid date in ``text``. ``pivot`` is the latest plausible year (for two-digit
    years); it defaults to the current year."""
    pivot = pivot or dt.date.today().year
    for m in ANY_DATE.finditer(text):
        d = date_from_match(m, pivot)
        if d:
            return d
    return None


# -- dates a letter can hold ---------------------------------------------------------------------

# Independent Medical Review began on 1 January 2013 (SB 863): no IMR letter was assigned,
# applied for, or decided before it, nor was the utilization review denial it reviews.
IMR_BEGAN = dt.date(2013, 1, 1)
# An injury can be decades older than its review, but not older than this.
EARLIEST_INJURY = dt.date(1900, 1, 1)
_PROCESS_DATES = ("date_assigned", "decision_date", "ur_denial_date", "application_received")


def plausible_dates(letter: Letter, *, today: dt.date | None = None) -> Letter:
    """``letter`` without the dates it cannot hold (an IMR date before the program began, any
    date after ``today``: "12/31/9999", "01/01/0001" and OCR slips), each named in a warning;
    the same letter when every date is possible. Counts by month, the index's date range and
    the Trends page enumerate the span of these dates, so none may reach the index."""
    latest = (today or dt.date.today()) + dt.timedelta(days=1)  # a day for time zones
    dropped: dict[str, None] = {}
    warnings: list[str] = []
    for name in (*_PROCESS_DATES, "date_of_injury"):
        value: dt.date | None = getattr(letter, name)
        earliest = EARLIEST_INJURY if name == "date_of_injury" else IMR_BEGAN
        if value is not None and not earliest <= value <= latest:
            dropped[name] = None
            when = "in the future" if value > latest else f"before {earliest.isoformat()}"
            warnings.append(f"impossible {name}: {value.isoformat()} is {when}; left out")
    if not dropped:
        return letter
    return replace(letter, **dropped, warnings=[*letter.warnings, *warnings])  # type: ignore[arg-type]
