"""The workbench's JSON and text forms agree with each other and with the answer."""

from __future__ import annotations

import datetime as dt

from factories import make_item, make_letter

from imr_search.analysis.appeal import Appeal, appeal
from imr_search.present.appeal_forms import appeal_dict, appeal_text

D = dt.date.fromisoformat


def _answer() -> Appeal:
    item = make_item(rationale="There is no documentation of functional improvement.")
    return appeal(make_letter(items=[item], decision_date=D("2024-02-24")), today=D("2024-03-28"))


def test_json_has_the_deadline_as_an_iso_date_first() -> None:
    body = appeal_dict(_answer())
    assert next(iter(body)) == "deadline"
    # Day 35 is Saturday 2024-03-30; Sunday; Cesar Chavez Day observed Monday 04-01.
    assert body["deadline"] == "2024-04-02"
    assert body["days_left"] == 5
    assert [c["closed"] for c in body["rolled_past"]] == [
        "Saturday",
        "Sunday",
        "Cesar Chavez Day (observed)",
    ]
    assert body["flags"][0]["quotes"] == ["There is no documentation of functional improvement."]


def test_text_names_the_rolled_days_and_quotes_the_flags() -> None:
    text = appeal_text(_answer())
    assert "Tuesday, April 2, 2024 (2024-04-02); 5 days left as of 2024-03-28." in text
    assert "2024-04-01 Cesar Chavez Day (observed)" in text
    assert '"There is no documentation of functional improvement."' in text
    assert text.rstrip().endswith("Consult a lawyer about your case.")


def test_json_without_a_deadline_keeps_the_same_keys() -> None:
    answer = appeal(make_letter(decision_date=None), today=D("2016-11-02"))
    with_deadline = appeal_dict(_answer())
    body = appeal_dict(answer)
    assert body.keys() == with_deadline.keys()
    assert body["deadline"] is None
    assert body["rolled_past"] == []
    assert "Deadline to appeal to the WCAB: unknown" in appeal_text(answer)
