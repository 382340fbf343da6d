"""Flags to check against the records: each on a crafted letter (where it must fire and where
it must not), and on the real fixture letters with expectations written by reading them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from factories import make_item, make_letter
from hypothesis import given
from hypothesis import strategies as st

from imr_search.analysis.factcheck import FLAG_KINDS, Flag, flags, knowledgeable_specialties
from imr_search.model import Citation, Item, Letter

# isort: split
from linear import Case, assert_linear


def _kinds(letter: Letter, kind: str) -> list[Flag]:
    return [f for f in flags(letter) if f.kind == kind]


def _mri(service: str, rationale: str, **overrides: Any) -> Item:
    return make_item(
        service=service,
        category="Diagnostic Testing",
        subcategory="Imaging / Radiology",
        body_region=None,
        body_regions=[],
        rationale=rationale,
        **overrides,
    )


# -- region, side, level ---------------------------------------------------------------------


def test_a_request_sentence_naming_another_region_is_flagged() -> None:
    wrong = "Therefore, the request for MRI of the cervical spine is not medically necessary."
    item = _mri("MRI of the lumbar spine", f"Guidelines recommend imaging for red flags. {wrong}")
    found = _kinds(make_letter(items=[item]), "region")
    assert len(found) == 1
    assert found[0].quotes == (wrong,)
    assert "lumbar spine" in found[0].says


def test_the_same_region_or_a_wider_one_is_not_flagged() -> None:
    item = _mri(
        "MRI of the lumbar spine",
        "The patient has low back pain radiating to the leg. The request for an MRI of the "
        "spine is not medically necessary. The request for MRI of the lumbar spine is denied.",
    )
    assert _kinds(make_letter(items=[item]), "region") == []


def test_a_sentence_not_about_the_request_is_not_flagged() -> None:
    # The history may name any body part; only the rationale's account of the request counts.
    item = _mri("MRI of the lumbar spine", "The patient also injured the cervical spine in 2010.")
    assert _kinds(make_letter(items=[item]), "region") == []


def test_the_other_side_is_flagged() -> None:
    wrong = "The request for right knee arthroscopy is not medically necessary."
    item = make_item(
        service="Left knee arthroscopy",
        category="Surgery",
        subcategory="Arthroscopic Surgery",
        body_region="knee",
        rationale=f"The left knee MRI showed a tear. {wrong}",
    )
    found = _kinds(make_letter(items=[item]), "region")
    assert [f.quotes for f in found] == [(wrong,)]
    assert "left side" in found[0].says


def test_a_bilateral_request_is_not_flagged_for_one_side() -> None:
    item = make_item(
        service="Bilateral knee brace",
        body_region="knee",
        rationale="The request for a right knee brace is not medically necessary.",
    )
    assert _kinds(make_letter(items=[item]), "region") == []


def test_another_spinal_level_is_flagged() -> None:
    wrong = "The requested L5-S1 transforaminal epidural steroid injection is not supported."
    item = make_item(
        service="Lumbar epidural steroid injection at L3-L4",
        category="Injection",
        subcategory="Injection",
        body_region="lumbar spine",
        rationale=f"The patient has L4 radiculopathy. {wrong}",
    )
    found = _kinds(make_letter(items=[item]), "region")
    assert [f.quotes for f in found] == [(wrong,)]
    assert "L3-L4" in found[0].says


def test_levels_inside_the_requested_range_are_not_flagged() -> None:
    item = make_item(
        service="Lumbar fusion L3-S1",
        category="Surgery",
        subcategory="Spine",
        body_region="lumbar spine",
        rationale="The request for fusion at L4-5 and L5-S1 is not medically necessary.",
    )
    assert _kinds(make_letter(items=[item]), "region") == []


# -- patient facts ---------------------------------------------------------------------------


def test_an_age_stated_differently_is_flagged() -> None:
    letter = make_letter(
        summary="The injured worker is a 48-year-old female who reported an injury on 03/04/2012.",
        age=48,
        items=[make_item(rationale="This 84-year-old female has chronic low back pain.")],
    )
    found = _kinds(letter, "patient")
    assert len(found) == 1
    assert found[0].says == "the summary gives the patient's age as 48; the rationale, 84"
    assert found[0].quotes == ("This 84-year-old female has chronic low back pain.",)


def test_a_sex_stated_differently_is_flagged() -> None:
    letter = make_letter(
        summary="The injured worker is a 48-year-old female.",
        age=48,
        items=[make_item(rationale="This 48 year old male has chronic low back pain.")],
    )
    found = _kinds(letter, "patient")
    assert [f.says for f in found] == [
        "the summary says the patient is female; the rationale, male"
    ]


def test_an_injury_date_stated_differently_is_flagged() -> None:
    letter = make_letter(
        summary="The injured worker is a 48-year-old female with a date of injury of 03/04/2012.",
        items=[make_item(rationale="The patient sustained an industrial injury on 04/03/2012.")],
    )
    found = _kinds(letter, "patient")
    assert len(found) == 1
    assert found[0].says == (
        "the summary gives the date of injury as 2012-03-04; the rationale, 2012-04-03"
    )


def test_a_duration_in_years_is_not_an_age() -> None:
    # Read in CM17-0010885: "the effect lasted for 3 years" is a study, not the patient.
    letter = make_letter(
        summary="The injured worker is a 50-year-old female.",
        age=50,
        items=[make_item(rationale="A study found the effect lasted for 3 years.")],
    )
    assert _kinds(letter, "patient") == []


# -- quantity --------------------------------------------------------------------------------


def test_a_session_count_that_differs_from_the_request_is_flagged() -> None:
    wrong = "The request for 18 sessions of physical therapy exceeds the guidelines."
    letter = make_letter(
        items=[make_item(service="Physical therapy 2x6 for the lumbar spine", rationale=wrong)]
    )
    found = _kinds(letter, "quantity")
    assert [(f.says, f.quotes) for f in found] == [
        ("the request says 12 sessions; the rationale, 18", (wrong,))
    ]


def test_a_drug_quantity_that_differs_is_flagged_and_a_guideline_limit_is_not() -> None:
    item = make_item(
        service="Norco 10/325mg #120",
        category="Pharmaceuticals",
        body_region=None,
        rationale="Guidelines allow up to 120 mg of morphine equivalents a day. "
        "The request for Norco 10/325mg #90 is not medically necessary.",
    )
    found = _kinds(make_letter(items=[item]), "quantity")
    assert [f.says for f in found] == ["the request says 120 quantity; the rationale, 90"]


def test_matching_amounts_are_not_flagged() -> None:
    item = make_item(
        service="Acupuncture 1 to 2 times per week for 4 weeks",
        rationale="The request for acupuncture 2 times per week for 4 weeks is not medically "
        "necessary.",
    )
    assert _kinds(make_letter(items=[item]), "quantity") == []


# -- missing ---------------------------------------------------------------------------------


def test_not_documented_and_not_provided_sentences_are_quoted() -> None:
    one = "There is no documentation of objective functional improvement."
    two = "The prior MRI report was not provided for review."
    item = make_item(rationale=f"Guidelines recommend a trial. {one} {two} It is denied.")
    found = _kinds(make_letter(items=[item]), "missing")
    assert [f.quotes for f in found] == [(one, two)]


def test_guideline_evidence_talk_is_not_missing_documentation() -> None:
    item = make_item(rationale="There is no evidence that this treatment is effective.")
    assert _kinds(make_letter(items=[item]), "missing") == []


# -- guideline eras --------------------------------------------------------------------------


def _cited(citation: Citation, ur: str) -> Letter:
    return make_letter(
        items=[make_item(imr_citations=[citation])],
        ur_denial_date=dt.date.fromisoformat(ur),
        decision_date=dt.date.fromisoformat(ur) + dt.timedelta(days=40),
    )


CP2009 = Citation(source="MTUS", part="Chronic Pain Medical Treatment", edition=2009)
CP2016 = Citation(source="MTUS", part="Chronic Pain Medical Treatment", edition=2016)
ACOEM2004 = Citation(source="MTUS", part="Low Back Complaints", edition=2004, chapter=12)


@pytest.mark.parametrize(
    ("citation", "ur", "fires"),
    [
        (CP2009, "2016-07-27", False),  # the last day of the 2009 guidelines
        (CP2009, "2016-07-28", True),  # the 2016 guidelines in force from this day
        (CP2016, "2016-07-27", True),  # not yet in force
        (CP2016, "2016-07-28", False),
        (ACOEM2004, "2017-11-30", False),
        (ACOEM2004, "2017-12-01", True),  # ACOEM's current guidelines taken into the MTUS
        (Citation(source="ODG", part="Low Back", edition=2018), "2017-06-01", True),
        (Citation(source="ODG", part="Low Back", edition=2017), "2017-06-01", False),
    ],
)
def test_a_guideline_not_in_force_on_the_request_date(
    citation: Citation, ur: str, fires: bool
) -> None:
    found = _kinds(_cited(citation, ur), "guideline")
    assert bool(found) is fires
    if fires:
        assert f"request date {ur}, from the UR denial" in found[0].says


# -- the reviewer's specialty ----------------------------------------------------------------


def test_a_reviewer_outside_the_treatments_specialties_is_worth_a_look() -> None:
    spine = make_item(
        service="Lumbar fusion L4-5",
        category="Surgery",
        subcategory="Spine",
        body_region="lumbar spine",
        body_regions=["lumbar spine"],
    )
    found = _kinds(make_letter(items=[spine], specialties=["Family Practice"]), "specialty")
    assert len(found) == 1
    assert found[0].says.startswith("worth a look")
    assert "not a finding" in found[0].says
    assert (
        _kinds(make_letter(items=[spine], specialties=["Neurological Surgery"]), "specialty") == []
    )


def test_no_specialty_flag_without_a_specialty_or_a_rule() -> None:
    assert _kinds(make_letter(specialties=[]), "specialty") == []
    assert knowledgeable_specialties(make_item(category=None)) is None


# -- reasons ---------------------------------------------------------------------------------


def test_no_reasons_flag_when_the_record_has_none() -> None:
    assert _kinds(make_letter(), "reasons") == []


# -- the fixture letters, read ---------------------------------------------------------------


def _letter(records: list[Letter], case: str) -> Letter:
    return next(r for r in records if r.id == case)


def test_fixture_missing_documentation_sentences(letter_records: list[Letter]) -> None:
    # Read in CM17-0001064: both knee MRI rationales say the documentation "failed to provide
    # evidence of a true attempt at conservative care"; CM17-0010420 item 4 (PT/PTT) says no
    # documentation was submitted that the patient was on anti-coagulant therapy.
    knees = _kinds(_letter(letter_records, "CM17-0001064"), "missing")
    quoted = {f.item: " ".join(f.quotes) for f in knees}
    assert "failed to provide evidence of a true attempt at conservative care" in quoted[1]
    assert "failed to provide evidence of a true attempt at conservative care" in quoted[3]
    acupuncture = _kinds(_letter(letter_records, "CM17-0010885"), "missing")
    assert [(f.item, f.quotes) for f in acupuncture] == [
        (1, ("Medical notes does not document any prior acupuncture sessions.",))
    ]
    labs = _kinds(_letter(letter_records, "CM17-0010420"), "missing")
    assert [f.item for f in labs] == [4]
    assert "anti-coagulant therapy" in " ".join(labs[0].quotes)


def test_fixture_requests_agree_with_their_rationales(letter_records: list[Letter]) -> None:
    # Read: CM17-0015198 asks for therapy 2 times a week for 6 weeks and its rationales speak
    # of "12 more" visits and "an additional 12 sessions"; CM17-0001064 asks for a right and a
    # left knee MRI and each rationale names its own knee; CM17-0010885's rationales restate
    # "1 to 2 times per week for 4 weeks" / "for 3 weeks" as requested, the patient is a
    # 50-year-old in the summary, and "the effect lasted for 3 years" is a study's. Nothing to
    # flag in any of them.
    for case in ("CM17-0015198", "CM17-0001064", "CM17-0010885"):
        letter = _letter(letter_records, case)
        assert [f for f in flags(letter) if f.kind in ("region", "quantity", "patient")] == []


def test_fixture_guidelines_were_in_force(letter_records: list[Letter]) -> None:
    # Read: every fixture request is dated 2016-10 to 2017-01 and cites the 2016 chronic pain or
    # opioid guidelines (in force from 2016-07-28) or the ACOEM chapters of 2004/2007 (in the
    # MTUS until 2017-12-01), or ODG without an edition.
    assert [f for r in letter_records for f in flags(r) if f.kind == "guideline"] == []


def test_fixture_reviewers_fit_their_treatments(letter_records: list[Letter]) -> None:
    # Read: a surgeon on pre-operative tests (CM17-0010420), a chiropractor on chiropractic
    # (CM17-0003192), family practice on imaging (CM17-0007376): nothing worth a look.
    for case in ("CM17-0010420", "CM17-0003192", "CM17-0007376"):
        assert _kinds(_letter(letter_records, case), "specialty") == []


# -- any text ---------------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghilmnoprstuvwxyLRST0123456789 -/#.,x")), max_size=300
)


@given(service=_TEXT, rationale=_TEXT, summary=_TEXT)
def test_any_text_gives_flags_and_never_an_error(
    service: str, rationale: str, summary: str
) -> None:
    letter = make_letter(summary=summary, items=[make_item(service=service, rationale=rationale)])
    for f in flags(letter):
        assert f.kind in FLAG_KINDS
        assert f.says
        assert all(q.strip() for q in f.quotes)


def test_the_reason_codes_of_each_item_are_listed_with_their_sentences() -> None:
    said = "There is no documentation of objective functional improvement from prior therapy."
    item = make_item(
        reasons=["no-functional-improvement", "exceeds-limits"],
        reason_sentences={"no-functional-improvement": [said], "exceeds-limits": []},
    )
    found = _kinds(make_letter(items=[item]), "reasons")
    assert [(f.item, f.says, f.quotes) for f in found] == [
        (1, "the decision rests on: no-functional-improvement, exceeds-limits", (said,))
    ]


# -- linear time on hostile text (slow: timings) ----------------------------------------------


def _flags_of(text: str) -> None:
    flags(make_letter(summary=text, items=[make_item(service=text[:500], rationale=text)]))


@pytest.mark.slow
@pytest.mark.parametrize(
    "repeated",
    [
        " ",  # one long run of spaces after a number: "1 <spaces> x"
        "1 - ",
        "3 year ",
        "L1-",
        "the request for 2x6 #12 sessions ",
        "no documentation of ",
        "left right ",
    ],
)
def test_flags_take_linear_time(repeated: str) -> None:
    assert_linear(f"flags {repeated!r}", Case(_flags_of, repeated, before="1", after="x."))


def test_fixture_reason_flags_are_the_records_codes(letter_records: list[Letter]) -> None:
    # Computed from the records: one flag per item with codes, naming them in the record's
    # order and quoting the sentences they were read from.
    for letter in letter_records:
        shown = {f.item: f for f in flags(letter) if f.kind == "reasons"}
        have = {i.number: i for i in letter.items if i.reasons}
        assert shown.keys() == have.keys(), letter.id
        for number, item in have.items():
            assert shown[number].says == "the decision rests on: " + ", ".join(item.reasons)
            said = {s for code in item.reasons for s in item.reason_sentences.get(code, [])}
            assert set(shown[number].quotes) == said
