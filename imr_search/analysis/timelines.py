"""The clocks an IMR determination starts: the appeal to the WCAB and the other side's duty.

- **The appeal** (Labor Code 4610.6(h)): a verified appeal must be filed with the WCAB within
  30 days of the mailing of the determination. Service by mail adds 5 days for a California
  address, 10 elsewhere in the United States and 20 outside it (8 CCR 10605). Time is counted
  by leaving out the first day and counting the last; a last day that falls on a Saturday,
  Sunday or another day the WCAB's offices are closed moves to the next business day
  (8 CCR 10600). The rolling is applied once, to the extended last day.
- **The claims administrator's duty** when IMR overturns a denial (8 CCR 9792.10.7): authorise
  the treatment within 5 working days of receiving the determination, or pay for treatment
  already given within 20 days of receiving it.

The days the WCAB's offices are closed are California's state holidays as state offices keep
them (Government Code 19853): the ``holidays`` library's California calendar, less the days it
lists that do not close state offices (federal-only days such as Juneteenth, commemorative days
such as Susan B. Anthony Day, and a Saturday holiday's Friday, which state offices observe for
Veterans Day only). docs/appeal.md says what that leaves out. No I/O and no clock here: the
caller says what "today" is.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Literal

import holidays

Address = Literal["ca", "us", "abroad"]
ADDRESSES: tuple[Address, ...] = ("ca", "us", "abroad")
# 8 CCR 10605(a): days added to a period when the document was served by mail.
MAIL_DAYS: dict[Address, int] = {"ca": 5, "us": 10, "abroad": 20}
ADDRESS_TEXT: dict[Address, str] = {
    "ca": "a California address",
    "us": "an address elsewhere in the United States",
    "abroad": "an address outside the United States",
}
APPEAL_DAYS = 30  # Labor Code 4610.6(h)
AUTHORISE_WORKING_DAYS = 5  # 8 CCR 9792.10.7
REIMBURSE_DAYS = 20  # 8 CCR 9792.10.7
MailedBasis = Literal["decision_date", "served"]

# The state holidays that close state offices (Government Code 19853 and CalHR's calendars),
# as the holidays library names them; Lincoln's Birthday and Columbus Day closed them until the
# library drops them from California's calendar (2009 and 2008).
_CLOSING = frozenset(
    {
        "New Year's Day",
        "Martin Luther King Jr. Day",
        "Presidents' Day",
        "Washington's Birthday",
        "Lincoln's Birthday",
        "Cesar Chavez Day",
        "Memorial Day",
        "Independence Day",
        "Labor Day",
        "Columbus Day",
        "Veterans Day",
        "Thanksgiving Day",
        "Day After Thanksgiving",
        "Christmas Day",
    }
)
_OBSERVED = " (observed)"


@functools.cache
def _listed(year: int) -> dict[dt.date, str]:
    """Every day of ``year`` the holidays library lists for California, with its names."""
    listed = holidays.country_holidays("US", subdiv="CA", years=year, language="en_US")
    return dict(listed.items())


@functools.cache
def closures(year: int) -> dict[dt.date, str]:
    """The weekdays of ``year`` the WCAB's offices are closed for a state holiday, with the
    holiday's name (an observed day says so: "Cesar Chavez Day (observed)")."""
    out: dict[dt.date, str] = {}
    for day, names in _listed(year).items():
        for name in names.split("; "):
            base = name.removesuffix(_OBSERVED)
            if base not in _CLOSING or day.weekday() >= 5:
                continue
            # A Saturday holiday is not moved to the Friday, except Veterans Day
            # (Government Code 19853(b)); a Sunday holiday is observed on the Monday.
            if name.endswith(_OBSERVED) and day.weekday() == 4 and base != "Veterans Day":
                continue
            out[day] = name
    return out


def closed_because(day: dt.date) -> str | None:
    """Why the WCAB's offices are closed on ``day`` ("Saturday", a holiday's name), or None."""
    if day.weekday() >= 5:
        return day.strftime("%A")
    return closures(day.year).get(day)


def listed_but_open(day: dt.date) -> str | None:
    """The holiday the library lists on ``day`` when state offices are open on it anyway
    (Juneteenth, a Saturday holiday's Friday ...), or None."""
    if day.weekday() >= 5 or day in closures(day.year):
        return None
    return _listed(day.year).get(day)


def is_business_day(day: dt.date) -> bool:
    return closed_because(day) is None


@dataclass(frozen=True, slots=True)
class ClosedDay:
    day: dt.date
    reason: str  # "Saturday", "Sunday" or the holiday's name


def roll_forward(day: dt.date) -> tuple[dt.date, list[ClosedDay]]:
    """``day``, or the next business day after it, and the closed days passed over."""
    passed: list[ClosedDay] = []
    while (reason := closed_because(day)) is not None:
        passed.append(ClosedDay(day, reason))
        day += dt.timedelta(days=1)
    return day, passed


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th business day after ``start`` (``start`` itself not counted)."""
    day = start
    for _ in range(days):
        day += dt.timedelta(days=1)
        day, _passed = roll_forward(day)
    return day


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealDeadline:
    """The last day to file an appeal of an IMR determination with the WCAB: an estimate from
    the mailing date, to check against the proof of service."""

    deadline: dt.date
    mailed: dt.date
    mailed_basis: MailedBasis  # the letter's decision date, or the date the user gave
    address: Address
    appeal_days: int  # 30
    mail_days: int  # 5, 10 or 20
    last_day: dt.date  # mailed + 30 + mail_days, before rolling
    rolled_past: list[ClosedDay] = field(default_factory=list)
    today: dt.date
    days_left: int  # negative: the deadline has passed

    @property
    def passed(self) -> bool:
        return self.days_left < 0


def appeal_deadline(
    mailed: dt.date,
    *,
    today: dt.date,
    address: Address = "ca",
    basis: MailedBasis = "decision_date",
) -> AppealDeadline:
    """The deadline to appeal a determination mailed on ``mailed`` (Labor Code 4610.6(h),
    8 CCR 10605 and 10600): day 30, plus the mail days for ``address``, rolled to the next
    business day."""
    mail_days = MAIL_DAYS[address]
    last_day = mailed + dt.timedelta(days=APPEAL_DAYS + mail_days)
    deadline, passed = roll_forward(last_day)
    return AppealDeadline(
        deadline=deadline,
        mailed=mailed,
        mailed_basis=basis,
        address=address,
        appeal_days=APPEAL_DAYS,
        mail_days=mail_days,
        last_day=last_day,
        rolled_past=passed,
        today=today,
        days_left=(deadline - today).days,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceClock:
    """When the claims administrator must act on an overturned item (8 CCR 9792.10.7),
    counted from a receipt date the letter cannot show (the caller's assumption)."""

    received: dt.date
    authorise_by: dt.date  # 5 working days
    reimburse_by: dt.date  # 20 days
    today: dt.date


def compliance_clock(received: dt.date, *, today: dt.date) -> ComplianceClock:
    return ComplianceClock(
        received=received,
        authorise_by=add_working_days(received, AUTHORISE_WORKING_DAYS),
        reimburse_by=received + dt.timedelta(days=REIMBURSE_DAYS),
        today=today,
    )


def california_today(now: dt.datetime) -> dt.date:
    """The date in California at ``now`` (the edges pass the clock's time): a deadline is a day
    at the WCAB, so "days left" is counted from California's date, not the server's."""
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo("America/Los_Angeles")).date()
