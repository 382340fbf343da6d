"""The appeal deadline at every boundary. Each expectation is worked out by hand from the rules
(Labor Code 4610.6(h): 30 days from mailing; 8 CCR 10605: +5 days for a California address,
+10 elsewhere in the US, +20 abroad; 8 CCR 10600: a last day on a weekend or a day the WCAB is
closed moves to the next business day; Government Code 19853 and CalHR's calendars for the
days state offices close) and a calendar (the weekday of each date checked with `date`)."""

from __future__ import annotations

import datetime as dt

import pytest

from imr_search.analysis.timelines import (
    appeal_deadline,
    california_today,
    closures,
    compliance_clock,
    is_business_day,
)

D = dt.date.fromisoformat
TODAY = D("2000-01-01")


@pytest.mark.parametrize(
    ("mailed", "deadline", "why"),
    [
        ("2016-11-01", "2016-12-06", "day 35 is a Tuesday: no rolling"),
        ("2017-01-21", "2017-02-27", "day 35 is Saturday 2017-02-25: the Monday"),
        ("2023-02-24", "2023-04-03", "day 35 is Cesar Chavez Day, Friday 2023-03-31"),
        (
            "2024-02-24",
            "2024-04-02",
            "day 35 is Saturday 2024-03-30; Cesar Chavez Day (Sunday 03-31) is observed on "
            "Monday 04-01: the Tuesday",
        ),
        (
            "2022-11-27",
            "2023-01-03",
            "across the year's end: day 35 is Sunday 2023-01-01, New Year's Day observed on "
            "Monday 01-02: the Tuesday",
        ),
        (
            "2022-11-19",
            "2022-12-27",
            "day 35 is Saturday 2022-12-24; Christmas (Sunday) observed Monday 12-26",
        ),
        (
            "2021-11-26",
            "2021-12-31",
            "Friday 2021-12-31 stays: New Year's Day on a Saturday is not moved to the Friday "
            "for state offices",
        ),
        (
            "2023-10-06",
            "2023-11-13",
            "Veterans Day on a Saturday closes state offices the Friday before (2023-11-10)",
        ),
        ("2025-05-15", "2025-06-19", "Juneteenth is not a California state-office holiday"),
        (
            "2025-10-23",
            "2025-12-01",
            "day 35 is Thanksgiving 2025-11-27; the day after is a state holiday too",
        ),
        ("2024-01-25", "2024-02-29", "a leap day is an ordinary Thursday"),
        ("2023-01-25", "2023-03-01", "no leap day in 2023: day 35 is March 1"),
        ("2024-02-29", "2024-04-04", "mailed on a leap day"),
        ("2008-01-08", "2008-02-13", "Lincoln's Birthday closed state offices in 2008"),
        ("2015-01-08", "2015-02-12", "Lincoln's Birthday no longer did in 2015"),
    ],
)
def test_deadline_from_a_california_mailing(mailed: str, deadline: str, why: str) -> None:
    assert appeal_deadline(D(mailed), today=TODAY).deadline == D(deadline), why


@pytest.mark.parametrize(
    ("address", "deadline"),
    [
        ("ca", "2016-12-06"),  # 30 + 5: Tuesday
        ("us", "2016-12-12"),  # 30 + 10 = Sunday 2016-12-11: the Monday
        ("abroad", "2016-12-21"),  # 30 + 20: Wednesday
    ],
)
def test_the_address_adds_the_days_for_mail(address: str, deadline: str) -> None:
    found = appeal_deadline(D("2016-11-01"), today=TODAY, address=address)  # type: ignore[arg-type]
    assert found.deadline == D(deadline)
    assert found.mail_days == {"ca": 5, "us": 10, "abroad": 20}[address]


def test_the_rolled_days_are_named() -> None:
    found = appeal_deadline(D("2024-02-24"), today=TODAY)
    assert found.last_day == D("2024-03-30")
    assert [(c.day.isoformat(), c.reason) for c in found.rolled_past] == [
        ("2024-03-30", "Saturday"),
        ("2024-03-31", "Sunday"),
        ("2024-04-01", "Cesar Chavez Day (observed)"),
    ]


@pytest.mark.parametrize(
    ("today", "left"),
    [("2016-12-03", 3), ("2016-12-06", 0), ("2016-12-07", -1), ("2016-11-01", 35)],
)
def test_days_left_count_from_today(today: str, left: int) -> None:
    found = appeal_deadline(D("2016-11-01"), today=D(today))
    assert found.days_left == left
    assert found.passed is (left < 0)


def test_california_today_is_the_pacific_date() -> None:
    # 05:00 UTC on 7 December is 21:00 on 6 December in California (PST, UTC-8).
    assert california_today(dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)) == D("2026-12-06")
    assert california_today(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)) == D("2026-12-07")


def test_the_claims_administrators_clock() -> None:
    # Received Friday 2017-02-17; Monday 02-20 is Presidents' Day: working days 21, 22, 23, 24
    # and 27. Reimbursement: 20 calendar days.
    clock = compliance_clock(D("2017-02-17"), today=TODAY)
    assert clock.authorise_by == D("2017-02-27")
    assert clock.reimburse_by == D("2017-03-09")


@pytest.mark.parametrize("year", range(2013, 2031))
def test_every_state_office_holiday_is_found_each_year(year: int) -> None:
    # Government Code 19853: eleven holidays since 2010 (New Year's Day, MLK Day, Presidents'
    # Day, Cesar Chavez Day, Memorial Day, Independence Day, Labor Day, Veterans Day,
    # Thanksgiving, the day after, Christmas); a Saturday one closes nothing (Veterans Day
    # excepted), so the count of closed weekdays is eleven less those on a Saturday.
    fixed = [D(f"{year}-{md}") for md in ("01-01", "03-31", "07-04", "12-25")]
    lost = sum(1 for d in fixed if d.weekday() == 5)
    assert len(closures(year)) == 11 - lost
    names = {n.removesuffix(" (observed)") for n in closures(year).values()}
    assert {"Day After Thanksgiving", "Veterans Day", "Martin Luther King Jr. Day"} <= names
    assert ("Cesar Chavez Day" in names) is (D(f"{year}-03-31").weekday() != 5)


def test_weekends_and_holidays_are_not_business_days() -> None:
    assert not is_business_day(D("2026-12-05"))  # Saturday
    assert not is_business_day(D("2026-12-25"))  # Christmas, Friday
    assert is_business_day(D("2026-06-19"))  # Juneteenth: state offices open
    assert is_business_day(D("2026-02-12"))  # Lincoln's Birthday: open since 2009
