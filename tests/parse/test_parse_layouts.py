"""The field extractors on the layouts and variants of FORMATS.md, on small generated texts."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from imr_search.parse import parse_text
from imr_search.parse.dates import parse_date
from imr_search.parse.header import parse_header
from imr_search.parse.items import split_partial
from imr_search.parse.text import clean_text

BODY = textwrap.dedent(
    """\
    HOW THE IMR FINAL DETERMINATION WAS MADE
    MAXIMUS Federal Services sent the complete case file to an expert reviewer.
    The Expert Reviewer has the following credentials:
    State(s) of Licensure: Texas,New York
    Certification(s)/Specialty: Physical Medicine & Rehabilitation, Sports
    Medicinea

    CLINICAL CASE SUMMARY
    The expert reviewer developed the following clinical case summary based on a review of the
    case file, including all medical records:
    The claimant is a 52-year-old female with a date of injury of 10-   13-  16. She has low
    back pain.

    IMR ISSUES, DECISIONS AND RATIONALES
    The Final Determination was based on decisions for the disputed items/services set forth below:
    Norco 10/325mg #120 was the original request. Norco 10/325mg #60 was authorized by the
    Claims Administrator. The remaining IMR eligible portion of the original request, Norco
    10/325mg #60 is: Upheld
    Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016.
    MAXIMUS guideline: Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3.9.
    Decision rationale: There is no documented functional improvement. The request is not
    medically necessary.
    Lumbar epidural steroid injection at L4-5
    and L5-S1:
    Overturned
    Claims Administrator guideline: The Claims Administrator did not cite any medical evidence
    for its decision.
    MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s):
    Epidural steroid injections (ESIs).
    Decision rationale: Radiculopathy is documented by examination and imaging. The request is
    medically necessary.
    """
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09/23/1998", dt.date(1998, 9, 23)),
        ("03/31/08", dt.date(2008, 3, 31)),
        ("10-13-16", dt.date(2016, 10, 13)),
        ("10-   13-  16", dt.date(2016, 10, 13)),
        ("August 27, 2007", dt.date(2007, 8, 27)),
        ("Aug. 27 2007", dt.date(2007, 8, 27)),
        ("27 August 2007", dt.date(2007, 8, 27)),
        ("on 02/30/2014 and 03/01/2014", dt.date(2014, 3, 1)),  # impossible dates skipped
        ("no date here", None),
    ],
)
def test_every_date_form_becomes_iso(text: str, expected: dt.date | None) -> None:
    assert parse_date(text, pivot=2017) == expected


def test_two_digit_years_are_read_against_the_letters_year() -> None:
    assert parse_date("01/02/98", pivot=2015) == dt.date(1998, 1, 2)
    assert parse_date("01/02/15", pivot=2015) == dt.date(2015, 1, 2)


HEADER_FORMS = {
    "pairs": """Case Number: CM16-0213037
Date Assigned: 12/05/2016 Date of Injury: 10/20/2016
Decision Date: 12/30/2016 UR Denial Date: 10/28/2016
Priority: Standard Application
Received:
11/28/2016""",
    "layout": """Case Number: CM16-0213037
Date Assigned: 12/05/2016 Date of Injury: 10/20/2016
Decision Date: 12/30/2016 UR Denial Date: 10/28/2016
Priority: Standard Application 11/28/2016
Received:""",
    "labels first": """Case Number:
Date Assigned:
Decision Date:
Priority:
CM16-0213037
12/05/2016
12/30/2016
Standard
Date of Injury:
UR Denial Date:
Application Received:
10/20/2016
10/28/2016
11/28/2016""",
    "separate lines": """Case Number:
CM16-0213037
Date Assigned:
12/05/2016
Date of Injury:
10/20/2016
Decision Date:
12/30/2016
UR Denial Date:
10/28/2016
Priority:
Standard
Application Received:
11/28/2016""",
}


@pytest.mark.parametrize("form", list(HEADER_FORMS))
def test_header_table_in_every_extraction_order(form: str) -> None:
    header = parse_header(HEADER_FORMS[form], pivot=2017)
    assert header.case_number == "CM16-0213037"
    assert header.dates == {
        "date_assigned": dt.date(2016, 12, 5),
        "date_of_injury": dt.date(2016, 10, 20),
        "decision_date": dt.date(2016, 12, 30),
        "ur_denial_date": dt.date(2016, 10, 28),
        "application_received": dt.date(2016, 11, 28),
    }
    if form != "labels first":
        assert header.priority == "Standard"


def test_partial_authorisation_keeps_the_remaining_portion() -> None:
    s = split_partial(
        "Cyclobenzaprine 7.5mg #90 was the original request. Cyclobenzaprine 7.5mg #63 was "
        "authorized by the Claims Administrator. The remaining IMR eligible portion of the "
        "original request, Cyclobenzaprine 7.5mg #27 is"
    )
    assert (s.service, s.original_request, s.partial) == (
        "Cyclobenzaprine 7.5mg #27",
        "Cyclobenzaprine 7.5mg #90",
        True,
    )


def test_modified_request_keeps_the_original() -> None:
    s = split_partial(
        "Purchase of a bath/shower chair was the original request. The Claims Administrator "
        "authorized a bath/shower chair for 1 month, leaving the original request IMR "
        "eligible. The original request, purchase of a bath/shower chair is"
    )
    assert (s.service, s.original_request, s.partial) == (
        "purchase of a bath/shower chair",
        "Purchase of a bath/shower chair",
        True,
    )


def test_2014_body_without_header() -> None:
    letter = parse_text(BODY, source="x/body.txt")
    assert letter.id == "body"
    assert letter.layout == "2014"
    assert letter.case_number is None
    assert letter.reviewer.license_states == ["TX", "NY"]
    assert letter.reviewer.specialties == ["Physical Medicine & Rehabilitation", "Sports Medicine"]
    assert letter.reviewer.board_certified is None
    assert (letter.patient.age, letter.patient.sex) == (52, "female")
    assert letter.date_of_injury == dt.date(2016, 10, 13)
    assert [(i.service, i.decision, i.partial) for i in letter.items] == [
        ("Norco 10/325mg #60", "upheld", True),
        ("Lumbar epidural steroid injection at L4-5 and L5-S1", "overturned", False),
    ]
    assert letter.items[0].original_request == "Norco 10/325mg #120"
    assert letter.items[1].rationale.endswith("The request is medically necessary.")
    assert letter.items[1].claims_citations == []
    assert "no header table: case number and header dates not stated" in letter.warnings


def test_double_spaced_text_reads_like_single_spaced() -> None:
    doubled = "\n\n".join(BODY.splitlines())
    assert parse_text(doubled, source="d.txt").to_dict() | {"source": ""} == parse_text(
        BODY, source="d.txt"
    ).to_dict() | {"source": ""}


def test_missing_blank_lines_between_items_still_split() -> None:
    letter = parse_text(BODY.replace("\n\n", "\n"), source="tight.txt")
    assert [i.service for i in letter.items][1] == (
        "Lumbar epidural steroid injection at L4-5 and L5-S1"
    )
    assert letter.items[0].rationale.endswith("not medically necessary.")


def test_clean_text_strips_artefacts() -> None:
    assert clean_text("a\u00a0b  \r\nc\ufb01d\x0c e ") == "a b\ncfid\ne"


NOTICE = textwrap.dedent(
    """\
    MAXIMUS FEDERAL SERVICES, INC.
    Notice of Independent Medical Review Determination
    Dated: 11/04/2013
    IMR Case Number: CM13-0001234 Date of Injury: 06/15/2011
    Date of UR Decision: 07/02/2013 Application Received: 07/20/2013
    1) MAXIMUS Federal Services, Inc. has determined the request for Tramadol ER 150mg #60 is
    notmedically necessary and appropriate.
    2) MAXIMUS Federal Services, Inc. has determined the request for physical therapy 2x6 for
    the lumbar spine is medically necessary and appropriate.
    DOCUMENTS REVIEWED
    Medical records from the provider.
    CLINICAL CASE SUMMARY
    The patient is a 44 year old male who reported an injury on 06/15/2011.
    IMR DECISION(S) AND RATIONALE(S)
    1) Regarding the request for Tramadol ER 150mg #60:
    Medical Treatment Guideline(s) Relied Upon by the Claims Administrator: MTUS Chronic Pain
    Medical Treatment Guidelines, page 80.
    Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer: MTUS Chronic Pain
    Medical Treatment Guidelines, pages 78-80.
    Rationale for the Decision: No functional improvement is documented.
    2) Regarding the request for physical therapy 2x6 for the lumbar spine:
    Medical Treatment Guideline(s) Relied Upon by the Claims Administrator: MTUS.
    Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer: MTUS Chronic Pain
    Medical Treatment Guidelines, page 99.
    Rationale for the Decision: Therapy is indicated after the recent flare.
    Medical Qualifications of the Expert Reviewer:
    The physician reviewer is Board Certified in Anesthesiology and Pain Medicine and is
    licensed to practice in California and Oregon.
    """
)


def test_2013_notice_layout() -> None:
    letter = parse_text(NOTICE, source="notice.txt")
    assert letter.layout == "2013-notice"
    assert letter.id == letter.case_number == "CM13-0001234"
    assert letter.decision_date == dt.date(2013, 11, 4)
    assert letter.date_of_injury == dt.date(2011, 6, 15)
    assert letter.ur_denial_date == dt.date(2013, 7, 2)
    assert letter.application_received == dt.date(2013, 7, 20)
    assert [(i.service, i.decision) for i in letter.items] == [
        ("Tramadol ER 150mg #60", "upheld"),
        ("physical therapy 2x6 for the lumbar spine", "overturned"),
    ]
    assert letter.items[1].rationale == "Therapy is indicated after the recent flare."
    assert letter.items[0].imr_guideline == (
        "MTUS Chronic Pain Medical Treatment Guidelines, pages 78-80."
    )
    assert letter.reviewer.license_states == ["CA", "OR"]
    assert letter.reviewer.board_certified is True
    assert (letter.patient.age, letter.patient.sex) == (44, "male")


PROFESSIONAL = textwrap.dedent(
    """\
    MEDICAL PROFESSIONAL REVIEW
    Case Number: CM13-0004321 Date of Injury: 01/10/2012 Decision Date: 10/01/2013
    ISSUE AT DISPUTE:
    MRI of the right shoulder
    CASE SUMMARY:
    This is a 61-year-old female with right shoulder pain after a fall.
    DOCUMENTS REVIEWED FOR DETERMINATION:
    Progress notes.
    MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:
    MTUS ACOEM Chapter 9 Shoulder Complaints, pages 207-209.
    RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:
    There are no red flags and no failed conservative care. The request is not medically
    necessary.
    MEDICAL REVIEWER QUALIFICATIONS:
    The reviewer is Board Certified in Orthopaedic Surgery and is licensed to practice in
    California.
    """
)


def test_professional_review_layout() -> None:
    letter = parse_text(PROFESSIONAL, source="pr.txt")
    assert letter.layout == "professional-review"
    assert letter.case_number == "CM13-0004321"
    assert letter.decision_date == dt.date(2013, 10, 1)
    assert [(i.service, i.decision) for i in letter.items] == [
        ("MRI of the right shoulder", "upheld")
    ]
    assert (
        letter.items[0].imr_guideline == "MTUS ACOEM Chapter 9 Shoulder Complaints, pages 207-209."
    )
    assert letter.reviewer.specialties == ["Orthopedic Surgery"]
    assert letter.reviewer.license_states == ["CA"]
    assert (letter.patient.age, letter.patient.sex) == (61, "female")


# An item's service is the service alone, never the end of the previous item's rationale
# (issue 25, point 7). The rationale's last paragraph ("Therefore the request for ... is not
# medically necessary.") sat right above the next service with no blank line between, and the
# paragraph break above it was taken for the start of the heading.
_RATIONALE_1 = (
    "Decision rationale: There is no documented functional improvement. The request is not\n"
    "medically necessary.\n"
)


@pytest.mark.parametrize(
    ("name", "last_paragraph"),
    [
        (
            "a paragraph break, then the decision sentence",
            "Decision rationale: There is no documented functional improvement.\n\n"
            "Therefore the request for Norco 10/325mg #60 is not medically necessary.\n",
        ),
        (
            "two paragraph breaks",
            "Decision rationale: The guidelines require functional improvement.\n\n"
            "None is documented.\n\n"
            "Therefore the request for Norco 10/325mg #60 is not\nmedically necessary.\n",
        ),
        (
            "the next line glued to the period",
            "Decision rationale: There is no documented functional improvement. The request is"
            " not\nmedically necessary.",
        ),
        (
            "a page break inside the decision sentence",
            "Decision rationale: There is no documented functional improvement.\n\n"
            "Therefore the request for Norco 10/325mg\n\nis not medically necessary.\n",
        ),
    ],
)
def test_the_next_service_does_not_carry_the_previous_decision_sentence(
    name: str, last_paragraph: str
) -> None:
    text = BODY.replace(_RATIONALE_1, last_paragraph)
    assert text != BODY, name
    letter = parse_text(text, source="x.txt")
    assert [i.service for i in letter.items] == [
        "Norco 10/325mg #60",
        "Lumbar epidural steroid injection at L4-5 and L5-S1",
    ]
    # The decision sentence stays with the item it decides.
    assert "necessary" in letter.items[0].rationale
    assert letter.items[0].rationale.rstrip().endswith(("necessary.", "necessary"))
    assert letter.items[1].category == "Injection"


def test_a_title_inside_a_service_is_no_sentence_end() -> None:
    text = BODY.replace(
        "Lumbar epidural steroid injection at L4-5\nand L5-S1:",
        "Consultation with Dr. Smith for pain management:",
    )
    letter = parse_text(text, source="x.txt")
    assert [i.service for i in letter.items][1] == "Consultation with Dr. Smith for pain management"


def test_a_multi_paragraph_rationale_then_a_drug_in_the_2016_wording() -> None:
    # Crafted as the 2016 letters lay out three items: the second's rationale ends in a
    # paragraph that restates the request, the third service follows on the next line.
    text = BODY.replace(
        "Decision rationale: Radiculopathy is documented by examination and imaging. The "
        "request is\nmedically necessary.\n",
        "Decision rationale: Radiculopathy is documented by examination and imaging.\n\n"
        "As such, the request for Lumbar epidural steroid injection at L4-5 and L5-S1 is "
        "medically necessary.\n"
        "Ultram (tramadol) 50mg #90: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS Opioid Treatment 2016.\n"
        "MAXIMUS guideline: Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3.9.\n"
        "Decision rationale: No urine drug screen is documented. The request is not medically "
        "necessary.\n",
    )
    letter = parse_text(text, source="x.txt")
    assert [(i.service, i.decision) for i in letter.items] == [
        ("Norco 10/325mg #60", "upheld"),
        ("Lumbar epidural steroid injection at L4-5 and L5-S1", "overturned"),
        ("Ultram (tramadol) 50mg #90", "upheld"),
    ]
    assert letter.items[2].drug is not None
    assert letter.items[2].drug.name == "tramadol"
    assert letter.items[1].rationale.endswith("is medically necessary.")


def test_2013_notice_without_and_appropriate_keeps_each_service_apart() -> None:
    text = NOTICE.replace(
        "is\nnotmedically necessary and appropriate.", "is\nnot medically necessary."
    )
    letter = parse_text(text, source="notice.txt")
    assert [(i.service, i.decision) for i in letter.items] == [
        ("Tramadol ER 150mg #60", "upheld"),
        ("physical therapy 2x6 for the lumbar spine", "overturned"),
    ]


def test_professional_review_lists_each_numbered_service_alone() -> None:
    text = PROFESSIONAL.replace(
        "MRI of the right shoulder\n", "1) MRI of the right shoulder\n2) Norco 10/325mg #90\n"
    )
    letter = parse_text(text, source="pr.txt")
    assert [i.service for i in letter.items] == ["MRI of the right shoulder", "Norco 10/325mg #90"]
