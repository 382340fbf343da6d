"""The workbench put together: the deadline's basis, the other side's clock, the grounds and
the caption, on crafted letters."""

from __future__ import annotations

import datetime as dt

from factories import make_item, make_letter

from imr_search.analysis.appeal import appeal

D = dt.date.fromisoformat


def test_the_decision_date_stands_for_the_mailing_unless_served_is_given() -> None:
    letter = make_letter(decision_date=D("2016-11-01"))
    assert appeal(letter, today=D("2016-11-02")).deadline.deadline == D("2016-12-06")  # type: ignore[union-attr]
    served = appeal(letter, today=D("2016-11-02"), served=D("2016-11-04"))
    assert served.deadline is not None
    assert served.deadline.mailed_basis == "served"
    assert served.deadline.deadline == D("2016-12-09")  # Friday: 11-04 + 35
    assert "service date given" in served.caveat


def test_a_letter_without_a_decision_date_asks_for_the_service_date() -> None:
    answer = appeal(make_letter(decision_date=None), today=D("2016-11-02"))
    assert answer.deadline is None
    assert answer.deadline_missing is not None
    assert "proof of service" in answer.deadline_missing


def test_only_overturned_items_start_the_other_sides_clock() -> None:
    letter = make_letter(
        items=[make_item(1), make_item(2, decision="overturned", retrospective=True)],
        decision_date=D("2017-02-17"),
    )
    clocks = appeal(letter, today=D("2017-02-18")).other_side
    assert [(c.number, c.retrospective) for c in clocks] == [(2, True)]
    assert clocks[0].clock.authorise_by == D("2017-02-27")  # past Presidents' Day 02-20


def test_the_grounds_say_what_the_letter_shows() -> None:
    letter = make_letter(
        specialties=["Orthopedic Surgery"], states=["CA"], age=45, sex="female",
        application_received=D("2016-11-01"), decision_date=D("2016-12-01"),
    )  # fmt: skip
    grounds = {g.key: g for g in appeal(letter, today=D("2016-12-02")).grounds}
    assert "Decided 30 days after the application was received" in grounds["powers"].shows[1]
    assert "Reviewer's specialty: Orthopedic Surgery." in grounds["conflict"].shows
    assert grounds["bias"].shows[0] == "The letter states the patient's age 45 and sex female."
    assert grounds["fact"].from_letter


def test_the_caption_fills_in_the_case_number_and_leaves_the_adj_blank() -> None:
    answer = appeal(make_letter("CM16-0000042"), today=D("2016-12-02"))
    lines = answer.caption.splitlines()
    assert "IMR Case No. CM16-0000042" in lines
    assert "Case No. ADJ__________" in lines
    assert "WORKERS' COMPENSATION APPEALS BOARD" in lines


def test_a_deadline_on_a_day_the_library_lists_but_offices_keep_open_says_so() -> None:
    # Day 35 after 2025-05-15 is Thursday 2025-06-19, Juneteenth: a federal holiday, not a
    # California state-office one; the answer counts it open and says what follows if not.
    answer = appeal(make_letter(decision_date=D("2025-05-15")), today=D("2025-05-16"))
    assert answer.deadline is not None
    assert answer.deadline.deadline == D("2025-06-19")
    assert len(answer.notes) == 1
    assert "Juneteenth" in answer.notes[0]
    assert "the deadline is the next business day" in answer.notes[0]


def test_a_service_date_before_the_decision_is_questioned() -> None:
    answer = appeal(
        make_letter(decision_date=D("2016-11-10")), today=D("2016-11-20"), served=D("2016-11-01")
    )
    assert answer.notes == (
        "The service date given (2016-11-01) is before the decision date (2016-11-10): check it.",
    )


def test_an_ordinary_deadline_has_no_notes() -> None:
    assert appeal(make_letter(decision_date=D("2016-11-01")), today=D("2016-11-02")).notes == ()
