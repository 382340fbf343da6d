"""The protocol module against DWC-SEARCH.md: the form, the result page, the vocabulary, and
every departure a loud ProtocolError."""

from __future__ import annotations

import datetime as dt

import pytest
from dwc_standin import Case, Site, Treatment

from imr_search.errors import ProtocolError
from imr_search.fetch import protocol


def _case(number: str, *treatments: tuple[str, str, str], day: int = 3) -> Case:
    return Case(
        number=number,
        pdf=b"%PDF-",
        decided=dt.date(2017, 1, day),
        injured=dt.date(2015, 6, 30),
        received=None,
        specialty="Allergy and  Immunology",
        treatments=[Treatment(*t) for t in treatments],
    )


def test_the_first_page_sends_every_field_and_submit() -> None:
    # DWC-SEARCH.md: every field is sent, empty when unused; Submit=Submit on the first page.
    form = protocol.search_form(
        "Case", decided_from=dt.date(2017, 1, 1), decided_to=dt.date(2017, 1, 31)
    )
    assert form == [
        ("Fname", "Case"),
        ("Caseno", ""),
        ("DoIStart", ""),
        ("DoIEnd", ""),
        ("ReqStart", ""),
        ("ReqEnd", ""),
        ("DecStart", "1/1/2017"),
        ("DecEnd", "1/31/2017"),
        ("SpecialtyV", ""),
        ("CaseOutcomeV", ""),
        ("Submit", "Submit"),
    ]


def test_page_n_resends_the_criteria_with_newpageno_and_next() -> None:
    form = dict(protocol.search_form("Tx", page=3, case_number="CM17-0003591"))
    assert form["Fname"] == "Tx"
    assert form["Caseno"] == "CM17-0003591"
    assert form["newpageno"] == "3"
    assert form["Submit"] == "Next"
    assert "OutcomeV" in form
    assert "SubCategoryV" in form
    assert "CaseOutcomeV" not in form


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("Diagnostic Testing * EMG/NCV/NCS *", ("Diagnostic Testing", "EMG/NCV/NCS")),
        (
            "Rehabilitation * Physical Therapy/Occupational Therapy (PT/OT) *",
            ("Rehabilitation", "Physical Therapy/Occupational Therapy (PT/OT)"),
        ),
        ("Pharmaceuticals *  * Opioids", ("Pharmaceuticals", "Opioids")),
        ("'Pharmaceuticals *  * Misc Analgesics", ("Pharmaceuticals", "Misc Analgesics")),
        (
            "Pharmaceuticals *  * Calcium Cannel Blocker",
            ("Pharmaceuticals", "Calcium Cannel Blocker"),
        ),
        (
            "Evaluation & Management * Medical Specialties *",
            ("Evaluation & Management", "Medical Specialties"),
        ),
        ("Transportation *  *", ("Transportation", None)),
    ],
)
def test_the_sites_category_strings_map_to_the_taxonomy(
    site: str, expected: tuple[str, str | None]
) -> None:
    assert protocol.request_label(site) == expected


@pytest.mark.parametrize("site", ["Acupuncture * Needles *", "Pharmaceuticals *  * Opiates"])
def test_a_category_string_the_taxonomy_lacks_is_a_departure(site: str) -> None:
    with pytest.raises(ProtocolError, match=r"dwc-taxonomy|not listed"):
        protocol.request_label(site)


def test_vocabulary_of_outcomes_and_specialties() -> None:
    assert protocol.case_outcome("Partially Overturn") == "partially overturned"
    assert protocol.case_outcome("Partial Overturn") == "partially overturned"
    assert protocol.decision("Uphold") == "upheld"
    assert protocol.specialty("Allergy and  Immunology") == "Allergy and Immunology"
    assert protocol.specialty("Surgery") == "Surgery"
    with pytest.raises(ProtocolError, match="Astrology"):
        protocol.specialty("Astrology")


def test_a_case_page_reads_into_rows() -> None:
    site = Site(
        [
            _case("CM17-0000001", ("Evaluation & Management", "Medical Specialties", "Uphold")),
            _case(
                "CM17-0000002",
                ("Pharmaceuticals", "Opioids", "Overturn"),
                ("DMEPOS", "DME", "Uphold"),
                day=4,
            ),
        ]
    )
    page = protocol.parse_page(site.result_page({"Fname": "Case"}).encode(), "Case")
    assert page.total == 2
    assert not page.more
    first, second = page.cases
    assert first.case_number == "CM17-0000001"
    assert first.pdf_url == "/dwc/imr/decisions/CM17-0000001.pdf"
    assert first.decided == dt.date(2017, 1, 3)
    assert first.received is None
    assert first.specialty == "Allergy and Immunology"
    assert (first.outcome, second.outcome) == ("upheld", "partially overturned")


def test_a_treatment_page_reads_further_rows_and_unescapes_cells() -> None:
    site = Site(
        [
            _case(
                "CM17-0000002",
                ("Evaluation & Management", "Medical Specialties", "Overturn"),
                ("Diagnostic Testing", "Lab & Pathology", "Uphold"),
            )
        ]
    )
    page = protocol.parse_page(site.result_page({"Fname": "Tx"}).encode(), "Tx")
    first, more = page.treatments
    assert (first.case_number, first.category, first.subcategory, first.decision) == (
        "CM17-0000002",
        "Evaluation & Management",
        "Medical Specialties",
        "overturned",
    )
    assert (more.case_number, more.category, more.subcategory) == (
        None,
        "Diagnostic Testing",
        "Lab & Pathology",
    )


def _page(rows: str, after: str = "\n<p>Total: <strong>1</strong></p>") -> bytes:
    head = "<tr><th>a</th></tr>"
    return (
        f'<html><body><table class="tabborder">{head}{rows}</table>{after}</body></html>'.encode()
    )


ROW = (
    '<tr><td><a href="/x/CM17-0000001.pdf">CM17-0000001</a></td><td>Uphold</td>'
    "<td>1/3/2017</td><td>6/30/2015</td><td></td><td>Psychiatry</td></tr>"
)


@pytest.mark.parametrize(
    ("html", "what"),
    [
        (b"<html><body><h1>Welcome to the new DWC</h1></body></html>", "no results table"),
        (_page(ROW, "\n<p>Total: <strong>many</strong></p>"), "not a number"),
        (_page(ROW, "\n<p>Total: 1</p>"), "no <strong> total"),
        (_page(ROW.replace("<td>Uphold</td>", "")), "5 cells, not 6"),
        (_page(ROW.replace("1/3/2017", "Jan 3, 2017")), "not a date"),
        (_page(ROW.replace(">CM17-0000001<", ">17-1<")), "case number"),
        (_page(""), "no rows"),
        (_page(ROW * 26, "\n<p><strong>26</strong></p>"), "more than 25"),
    ],
)
def test_every_departure_says_what_differed(html: bytes, what: str) -> None:
    with pytest.raises(ProtocolError, match="differs from the protocol") as caught:
        protocol.parse_page(html, "Case")
    assert what in str(caught.value)


def test_a_window_the_site_says_is_empty_is_fine() -> None:
    empty = Site([]).result_page({"Fname": "Case"}).encode()
    assert protocol.parse_page(empty, "Case") == protocol.ResultPage(0, False)
    message = b"<html><body><p>No records found.</p></body></html>"
    assert protocol.parse_page(message, "Tx").total == 0


def test_an_empty_specialty_cell_and_an_iso_date_read() -> None:
    row = ROW.replace("<td>Psychiatry</td>", "<td> </td>").replace("6/30/2015", "2015-06-30")
    (case,) = protocol.parse_page(_page(row), "Case").cases
    assert case.specialty is None
    assert case.injured == dt.date(2015, 6, 30)


def test_a_table_with_only_its_header_and_a_no_records_message_is_empty() -> None:
    html = _page("", "\n<p>No records found</p>")
    assert protocol.parse_page(html, "Case") == protocol.ResultPage(0, False)
