"""The agreement of a parsed letter with DWC's rows, field by field, on letters made here."""

from __future__ import annotations

import datetime as dt

from factories import make_item, make_letter

from imr_search.fetch.agreement import FIELDS, Agreement, compare_letter
from imr_search.fetch.ledger import CaseRecord, Treatment

DAY = dt.date(2016, 12, 1)


def _case(number: str, **changes: object) -> CaseRecord:
    values: dict[str, object] = {
        "case_number": number,
        "pdf_url": "/x.pdf",
        "outcome": "upheld",
        "decided": DAY,
        "injured": None,
        "received": None,
        "specialty": "Internal Medicine",
    }
    values.update(changes)
    return CaseRecord(**values)  # type: ignore[arg-type]


def test_each_field_is_counted_and_each_difference_listed() -> None:
    letter = make_letter(
        "CM16-0000001",
        items=[
            make_item(1, category="Pharmaceuticals", subcategory="NSAID", decision="upheld"),
            make_item(2, category="Rehabilitation", subcategory="Chiropractic"),
        ],
        specialties=["Internal Medicine", "Pain Management"],
    )
    treatments = [
        Treatment("Pharmaceuticals", "Opioids", "upheld", ""),
        Treatment("Rehabilitation", "Chiropractic", "overturned", ""),
    ]
    report = Agreement()
    compare_letter(
        report, letter, _case("CM16-0000001", outcome="partially overturned"), treatments
    )
    counts = {name: (report.compared[name], report.agreed[name]) for name in FIELDS}
    assert counts["category"] == (2, 2)
    assert counts["subcategory"] == (2, 1)
    assert counts["decision"] == (2, 1)
    assert counts["treatment count"] == (1, 1)
    assert counts["specialty"] == (1, 1)  # DWC's specialty is one of the letter's
    assert counts["case outcome"] == (1, 0)
    assert counts["decision date"] == (1, 1)
    assert counts["date of injury"] == (0, 0)  # DWC gave none
    assert {(d.item, d.field, d.parser, d.dwc) for d in report.disagreements} == {
        (1, "subcategory", "NSAID", "Opioids"),
        (2, "decision", "upheld", "overturned"),
        (None, "case outcome", "upheld", "partially overturned"),
    }
    assert report.rate("subcategory") == 0.5


def test_a_count_that_differs_compares_no_item() -> None:
    letter = make_letter("CM16-0000002", items=[make_item(1), make_item(2)])
    report = Agreement()
    compare_letter(
        report, letter, _case("CM16-0000002"), [Treatment("DMEPOS", "DME", "upheld", "")]
    )
    assert (report.compared["treatment count"], report.agreed["treatment count"]) == (1, 0)
    assert report.compared["category"] == 0


def test_a_letter_without_dwcs_rows_is_counted_apart() -> None:
    report = Agreement()
    compare_letter(report, make_letter(), None, [])
    assert (report.letters, report.without_rows) == (0, 1)
