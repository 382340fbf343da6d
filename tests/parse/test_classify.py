"""classify(): what a disputed service is, in the DWC vocabulary (docs/vocabulary.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_search.glossary import glossary
from imr_search.model import Classification, Drug
from imr_search.parse.classify import body_region, classify, modality, possible_categories
from imr_search.parse.drugs import drug_class
from imr_search.taxonomy import load_taxonomy

# isort: split
from factories import rx

# Terocin lotion: methyl salicylate 25%, capsaicin 0.025%, menthol 10%, lidocaine 2.5%.
TEROCIN = ["methyl salicylate", "capsaicin", "menthol", "lidocaine"]


Row = tuple[str, str | None, str | None, str | None, str | None, bool]

# Every disputed service of the sample letters (tests/fixtures/seeds and the 20 complete
# letters), as the disputed portion and, for partly authorised requests, the original request:
# (service, category, subcategory, body_region, modality, retrospective).
SAMPLE_SERVICES: list[Row] = [
    (
        "Acute inpatient rehabilitation physical therapy and occupational therapy 7-10 days "
        "for left foot fracture",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        "foot",
        None,
        False,
    ),
    (
        "Single positional MRI of the cervical spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "cervical spine",
        "mri",
        False,
    ),
    (
        "Single positional MRI of the lumbar spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "lumbar spine",
        "mri",
        False,
    ),
    (
        "Single positional MRI of the right hand",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "hand",
        "mri",
        False,
    ),
    ("Diclofenac ER 100mg #60", "Pharmaceuticals", "NSAID", None, None, False),
    ("Cyclobenzaprine 7.5mg #27", "Pharmaceuticals", "Muscle Relaxant", None, None, False),
    ("Lidocaine ointment 5% 106.32gm", "Pharmaceuticals", "Topical Analgesics", None, None, False),
    (
        "Four sessions of physical therapy two times a week times 2 weeks",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        None,
        None,
        False,
    ),
    (
        "Four sessions of electrical stimulation two times a week times 2 weeks",
        "Rehabilitation",
        "Other Therapies",
        None,
        None,
        False,
    ),
    (
        "Four sessions of infrared therapy two times a week times 2 weeks",
        "Rehabilitation",
        "Other Therapies",
        None,
        None,
        False,
    ),
    (
        "Four sessions of manual therapy two times a week times 2 weeks",
        "Rehabilitation",
        "Other Therapies",
        None,
        None,
        False,
    ),
    (
        "Four sessions of therapeutic exercise two times a week times 2 weeks",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        None,
        None,
        False,
    ),
    (
        "Four sessions of biofeedback two times a week times 2 weeks",
        "Rehabilitation",
        "Other Therapies",
        None,
        None,
        False,
    ),
    ("standard wheelchair for a 2 month rental", "DMEPOS", "DME", None, None, False),
    ("purchase of a bedside 3 in 1 commode", "DMEPOS", "DME", None, None, False),
    ("purchase of a bath/shower chair", "DMEPOS", "DME", None, None, False),
    ("MRI right knee", "Diagnostic Testing", "Imaging / Radiology", "knee", "mri", False),
    ("Urine drug testing", "Diagnostic Testing", "Lab & Pathology", None, "urine drug test", False),
    ("MRI left knee", "Diagnostic Testing", "Imaging / Radiology", "knee", "mri", False),
    (
        "5 sessions of chiropractic physiotherapy for the left elbow",
        "Rehabilitation",
        "Chiropractic",
        "elbow",
        None,
        False,
    ),
    (
        "MRI of Left lower extremity without contrast",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "lower extremity",
        "mri",
        False,
    ),
    (
        "Right Shoulder Arthroscopy with rotator cuff repair vs debridement, subacromial "
        "decompression/acromioplasty and possible proximal biceps tenodynovitis",
        "Surgery",
        "Arthroscopic Surgery",
        "shoulder",
        None,
        False,
    ),
    ("Preoperative Medical Clearance", "Surgery", "Adjunct Surgical Services", None, None, False),
    (
        "Associated surgical service: Shoulder Brace",
        "Surgery",
        "Adjunct Surgical Services",
        "shoulder",
        None,
        False,
    ),
    (
        "Associated surgical service: Cryotherapy unit, seven day use",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "Associated surgical service: Physical Therapy sessions, 12",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "MRI of the thoracic spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "thoracic spine",
        "mri",
        False,
    ),
    (
        "Open MRI of the lumbar spine without contrast",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "lumbar spine",
        "mri",
        False,
    ),
    (
        "MRI without dye to lumbar spine times 1",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "lumbar spine",
        "mri",
        False,
    ),
    ("Pre-op chest x-ray", "Surgery", "Adjunct Surgical Services", "chest", "x-ray", False),
    ("Pre-op labs: CBC", "Surgery", "Adjunct Surgical Services", None, "lab", False),
    ("Pre-op labs: CMP", "Surgery", "Adjunct Surgical Services", None, "lab", False),
    ("Pre-op labs: PT/PTT", "Surgery", "Adjunct Surgical Services", None, "lab", False),
    ("Pre-op urinalysis", "Surgery", "Adjunct Surgical Services", None, "lab", False),
    (
        "Post-op Norco 5/325mg #60, 1-2 tabs orally every 4-6 hrs as needed",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "Post-op Colace 100mg #60, 1 tablet by mouth as needed",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "Initial acupuncture, 1 to 2 times per week for 4 weeks, for the neck",
        "Rehabilitation",
        "Acupuncture",
        "neck",
        None,
        False,
    ),
    (
        "Additional physical therapy, 1 to 2 times per week for 3 weeks, for the neck",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        "neck",
        None,
        False,
    ),
    ("NCS/EMG RUE", "Diagnostic Testing", "EMG/NCV/NCS", "upper extremity", "emg/ncv", False),
    (
        "One platelet-rich plasma injection to the right knee",
        "Injection",
        "Injection",
        "knee",
        None,
        False,
    ),
    (
        "Operative arthroscopy, superior labral anterior posterior repair, right shoulder",
        "Surgery",
        "Arthroscopic Surgery",
        "shoulder",
        None,
        False,
    ),
    (
        "Associated surgical service:  Ultrasling",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "Associated surgical service:  Vascutherm unit, 14 days rental",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "Associated surgical service:  Hip pad",
        "Surgery",
        "Adjunct Surgical Services",
        "hip",
        None,
        False,
    ),
    (
        "Associated surgical service:  2 leg wraps",
        "Surgery",
        "Adjunct Surgical Services",
        "leg",
        None,
        False,
    ),
    (
        "Associated surgical service:  EMS/TENS unit",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "Associated surgical service:  Medical clearance",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    (
        "Associated surgical service:  EKG",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        "ecg",
        False,
    ),
    (
        "Associated surgical service:  Chest x-ray",
        "Surgery",
        "Adjunct Surgical Services",
        "chest",
        "x-ray",
        False,
    ),
    (
        "Associated surgical service:  Labs - CBC",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        "lab",
        False,
    ),
    (
        "Associated surgical service:  Labs - PT/PTT",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        "lab",
        False,
    ),
    (
        "Associated surgical service:  UA",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        "lab",
        False,
    ),
    (
        "Associated surgical service:  Labs - Chem panel",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        "lab",
        False,
    ),
    (
        "Post-op physical therapy 12-18 sessions",
        "Surgery",
        "Adjunct Surgical Services",
        None,
        None,
        False,
    ),
    ("Assistant surgeon", "Surgery", "Adjunct Surgical Services", None, None, False),
    (
        "Physical therapy 2 times a week for 6 weeks bilateral shoulder, elbow and wrist",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        "shoulder",
        None,
        False,
    ),
    (
        "Chiro with modalities 2 times a week for 6 weeks for neck, back",
        "Rehabilitation",
        "Chiropractic",
        "neck",
        None,
        False,
    ),
    (
        "with open carpal tunnel release",
        "Surgery",
        "Non-arthroscopic Surgery",
        "wrist",
        None,
        False,
    ),
    (
        "Retrospective: Open reduction internal fixation on left distal radius fracture with "
        "open carpal tunnel release DOS 12/13/2016",
        "Surgery",
        "Non-arthroscopic Surgery",
        "wrist",
        None,
        True,
    ),
    ("Tramadol 50mg #60", "Pharmaceuticals", "Opioids", None, None, False),
    (
        "One (1) x-ray of the thoracic spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "thoracic spine",
        "x-ray",
        False,
    ),
    (
        "One (1) x-ray of the lumbar spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "lumbar spine",
        "x-ray",
        False,
    ),
    (
        "X-ray of the cervical spine (5 views)",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "cervical spine",
        "x-ray",
        False,
    ),
    (
        "MRI cervical spine w/o contrast",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "cervical spine",
        "mri",
        False,
    ),
    (
        "Retrospective X-Ray thoracic spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "thoracic spine",
        "x-ray",
        True,
    ),
    (
        "Retrospective X-Ray lumbar spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "lumbar spine",
        "x-ray",
        True,
    ),
    (
        "CT scan for cervical spine without contrast",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "cervical spine",
        "ct",
        False,
    ),
    (
        "Discogram with CT Scan of the Cervical Spine",
        "Diagnostic Testing",
        "Imaging / Radiology",
        "cervical spine",
        "discography",
        False,
    ),
    ("Cyclobenzaprine 7.5mg #90", "Pharmaceuticals", "Muscle Relaxant", None, None, False),
    ("Standard wheelchair for a 3 month rental", "DMEPOS", "DME", None, None, False),
    (
        "Chiropractic physiotherapy 2 times a week for 4 weeks (8 sessions) to the left elbow",
        "Rehabilitation",
        "Chiropractic",
        "elbow",
        None,
        False,
    ),
]

# Requests as a doctor types them into the search box.
FREE_TEXT: list[Row] = [
    ("Norco 10/325 #120", "Pharmaceuticals", "Opioids", None, None, False),
    (
        "physical therapy 2x6 lumbar",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        "lumbar spine",
        None,
        False,
    ),
    ("TENS unit", "DMEPOS", "Electrical Stimulation", None, None, False),
    ("L4-5 ESI", "Injection", "Injection", "lumbar spine", None, False),
    ("Ultram ER 100mg #60 with 2 refills", "Pharmaceuticals", "Opioids", None, None, False),
    ("L5-S1 LESI", "Injection", "Injection", "lumbar spine", None, False),
    ("bilateral L4-5 RFA", "Injection", "Facet Injection", "lumbar spine", None, False),
    ("cervical MBB C5-6", "Injection", "Facet Injection", "cervical spine", None, False),
    ("TPI x 4 trapezius", "Injection", "Injection", None, None, False),
    (
        "EMG/NCS bilateral lower extremities",
        "Diagnostic Testing",
        "EMG/NCV/NCS",
        "lower extremity",
        "emg/ncv",
        False,
    ),
    ("UDS", "Diagnostic Testing", "Lab & Pathology", None, "urine drug test", False),
    (
        "FCE",
        "Diagnostic Testing",
        "Other Diagnostic Tests",
        None,
        "functional capacity evaluation",
        False,
    ),
    ("FRP 10 days", "Programs", "Programs", None, None, False),
    # SCS is read as its long form, "spinal cord stimulator": a spine request, as the service
    # table labels "Spinal cord stimulator trial".
    ("SCS trial", "Surgery", "Spine", "spine", None, False),
    ("xray left wrist", "Diagnostic Testing", "Imaging / Radiology", "wrist", "x-ray", False),
    ("C-spine MRI", "Diagnostic Testing", "Imaging / Radiology", "cervical spine", "mri", False),
    (
        "PT 2x4 right shoulder",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        "shoulder",
        None,
        False,
    ),
    (
        "OT 6 visits right hand",
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        "hand",
        None,
        False,
    ),
    ("Psychotherapy 6 sessions", "Psych Services", "Therapies", None, None, False),
    ("Home health aide 4 hours a day", "Home Health", "Home Health", None, None, False),
    (
        "Transportation to medical appointments",
        "Transportation",
        "Transportation",
        None,
        None,
        False,
    ),
    (
        "Follow-up visit with pain management",
        "Evaluation & Management",
        "Medical Specialties",
        None,
        None,
        False,
    ),
    (
        "Synvisc injection right knee",
        "Pharmaceuticals",
        "Viscosupplementation",
        "knee",
        None,
        False,
    ),
    ("Toradol 60mg IM injection", "Injection", "Injection", None, None, False),
    (
        "Flurbiprofen 20%/lidocaine 5% cream 180gm",
        "Pharmaceuticals",
        "Topical Compounds",
        None,
        None,
        False,
    ),
    ("Voltaren gel 1% #3", "Pharmaceuticals", "Topical Analgesics", None, None, False),
    (
        "Gabapentin 600mg #90 with 3 refills",
        "Pharmaceuticals",
        "Anti-epilepsy drugs",
        None,
        None,
        False,
    ),
    ("Omeprazole 20mg #60", "Pharmaceuticals", "Proton Pump Inhibitors", None, None, False),
    ("Dental evaluation", "Evaluation & Management", "Dental Services", None, None, False),
    ("Orthopedic surgeon consultation", "Surgery", "Surgical Consult", None, None, False),
    ("Lumbar fusion L4-5", "Surgery", "Spine", "lumbar spine", None, False),
    ("Right knee total arthroplasty", "Surgery", "Non-arthroscopic Surgery", "knee", None, False),
    ("Psychological evaluation", "Psych Services", "Evaluation & Management", None, None, False),
    ("Sleep study", "Diagnostic Testing", "Other Diagnostic Tests", None, "sleep study", False),
    (
        "Genetic testing for opioid metabolism",
        "Diagnostic Testing",
        "Lab & Pathology",
        None,
        "lab",
        False,
    ),
    ("TENS patches x 2 pairs", "DMEPOS", "Supplies", None, None, False),
    ("Lumbar brace", "DMEPOS", "Prosthetics/Orthotics", "lumbar spine", None, False),
    ("Gym membership 6 months", "Programs", "Programs", None, None, False),
    ("Massage therapy x 6", "Rehabilitation", "Other Therapies", None, None, False),
]


@pytest.mark.parametrize("row", SAMPLE_SERVICES + FREE_TEXT, ids=lambda r: r[0][:50])
def test_classify_service(row: Row) -> None:
    service, category, subcategory, region, test, retro = row
    c = classify(service)
    assert (c.category, c.subcategory, c.body_region, c.modality, c.retrospective) == (
        category,
        subcategory,
        region,
        test,
        retro,
    )


@pytest.mark.parametrize(
    ("service", "drug"),
    [
        ("Diclofenac ER 100mg #60", rx("diclofenac", None, "100mg", 60)),
        ("Lidocaine ointment 5% 106.32gm", rx("lidocaine", None, "5%")),
        ("Tramadol 50mg #60", rx("tramadol", None, "50mg", 60)),
        # Adjunct surgical services keep their drug.
        (
            "Post-op Norco 5/325mg #60, 1-2 tabs orally every 4-6 hrs as needed",
            rx("hydrocodone/acetaminophen", "Norco", "5/325mg", 60),
        ),
        (
            "Post-op Colace 100mg #60, 1 tablet by mouth as needed",
            rx("docusate", "Colace", "100mg", 60),
        ),
        ("Ultram ER 100mg #60 with 2 refills", rx("tramadol", "Ultram", "100mg", 60, 2)),
    ],
)
def test_classify_fills_the_drug_of_medication_requests(service: str, drug: Drug) -> None:
    assert classify(service).drug == drug


@pytest.mark.parametrize(
    "service",
    ["Toradol 60mg IM injection", "MRI cervical spine w/o contrast", "L4-5 ESI", "TENS unit"],
)
def test_classify_leaves_drug_empty_outside_pharmaceuticals(service: str) -> None:
    assert classify(service).drug is None


def test_classify_returns_nulls_and_no_category_for_unrecognised_text() -> None:
    assert classify("Request for authorization") == Classification()
    assert classify("") == Classification()


def test_classify_reads_text_split_over_lines_and_spaces() -> None:
    assert classify("MRI of the\ncervical   spine:") == classify("MRI of the cervical spine")


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("right knee", "knee"),
        ("Left Lower Extremity", "lower extremity"),
        ("bilateral upper extremities", "upper extremity"),
        ("low back", "lumbar spine"),
        ("lumbosacral spine", "lumbar spine"),
        ("L-spine", "lumbar spine"),
        ("C5-6", "cervical spine"),
        ("MRI of the neck", "cervical spine"),
        ("massage to the neck", "neck"),
        ("SI joint injection", "sacroiliac joint"),
        ("fingers of the left hand", "hand"),
        ("right heel", "foot"),
        ("TMJ", "jaw"),
        ("shoulder, elbow and wrist", "shoulder"),
        ("the wrist and the shoulder", "wrist"),
        ("lower leg", "leg"),
        ("thoracic spine", "thoracic spine"),
        ("abdominal hernia", "abdomen"),
        ("brain MRI", "brain"),
        ("therapy two times a week", None),
    ],
)
def test_body_region_names_the_first_region_without_laterality(
    text: str, region: str | None
) -> None:
    assert body_region(text) == region


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Discogram with CT Scan of the Cervical Spine", "discography"),
        ("CT myelogram lumbar", "myelography"),
        ("MRI and x-ray of the knee", "mri"),
        ("xray", "x-ray"),
        ("radiographs of the hand", "x-ray"),
        ("EMG/NCS", "emg/ncv"),
        ("NCV of the upper extremities", "emg/ncv"),
        ("UDS", "urine drug test"),
        ("urine toxicology screen", "urine drug test"),
        ("Labs - CBC", "lab"),
        ("PT/PTT", "lab"),
        ("polysomnography", "sleep study"),
        ("functional capacity evaluation", "functional capacity evaluation"),
        ("DEXA scan", "dexa"),
        ("EKG", "ecg"),
        ("videonystagmography", "other"),
        ("computerized range of motion testing", "other"),
        ("ultrasound-guided injection", None),
        ("therapeutic ultrasound", None),
        ("physical therapy", None),
        ("two-level fusion", None),
    ],
)
def test_modality_names_the_kind_of_test(text: str, found: str | None) -> None:
    assert modality(text) == found


def test_every_category_and_subcategory_classify_can_return_is_in_the_taxonomy() -> None:
    tax = load_taxonomy()
    for category, subcategory in possible_categories():
        assert tax.has(category, subcategory), (category, subcategory)


def test_possible_categories_cover_every_rule_and_drug_class() -> None:
    pairs = possible_categories()
    assert ("Pharmaceuticals", "Opioids") in pairs
    assert ("Pharmaceuticals", drug_class("sumatriptan")) in pairs
    assert ("Diagnostic Testing", "Other Diagnostic Tests") in pairs
    assert ("Evaluation & Management", "Dental Services") in pairs
    assert len({category for category, _ in pairs}) == 11


@given(st.text())
def test_classify_result_is_among_the_possible_categories(text: str) -> None:
    c = classify(text)
    if c.category is not None:
        assert (c.category, c.subcategory) in possible_categories()


@given(st.text())
def test_classify_accepts_any_text_and_speaks_only_the_taxonomy(text: str) -> None:
    c = classify(text)
    if c.category is None:
        assert c.subcategory is None
    else:
        assert c.subcategory is not None
        assert load_taxonomy().has(c.category, c.subcategory)
    if c.category != "Pharmaceuticals" and c.subcategory != "Adjunct Surgical Services":
        assert c.drug is None
    if c.category != "Diagnostic Testing" and c.subcategory != "Adjunct Surgical Services":
        assert c.modality is None


_WORDS = st.sampled_from(
    [
        *("MRI", "CT", "x-ray", "EMG", "PT", "OT", "ESI", "RFA", "TENS", "Norco", "10/325"),
        *("#120", "lumbar", "cervical", "knee", "right", "injection", "arthroscopy", "fusion"),
        *("brace", "psychotherapy", "post-op", "pre-op", "labs", "UDS", "FCE", "gel", "cream"),
        *("acupuncture", "chiro", "home health", "transportation", "visit", "retro", "DOS"),
        *("12/13/2016", "w/o"),
    ]
)


@given(st.lists(_WORDS, max_size=8).map(" ".join))
def test_classify_keeps_to_the_taxonomy_on_mixed_requests(text: str) -> None:
    c = classify(text)
    assert c.category is None or load_taxonomy().has(c.category, c.subcategory or "")


@pytest.mark.parametrize(
    ("layout", "plain"),
    [
        (
            "Post-op Norco 5/325mg #60, 1-          2 tabs orally every 4-     6 hrs as needed",
            "Post-op Norco 5/325mg #60, 1-2 tabs orally every 4-6 hrs as needed",
        ),
        ("Associated surgical service:  EKG", "Associated surgical service: EKG"),
        (
            "MRI of Left lower extremity without contrast ",
            "MRI of Left lower extremity without contrast",
        ),
        ("Retrospective X-Ray\n\nthoracic spine", "Retrospective X-Ray thoracic spine"),
    ],
)
def test_classify_is_unmoved_by_extraction_spacing(layout: str, plain: str) -> None:
    assert classify(layout) == classify(plain)


def test_each_short_form_of_the_glossary_is_classified_as_its_usual_long_form() -> None:
    # One vocabulary: a short form added to data/abbreviations.json is classified as the long
    # form it stands for, so the parser, the filters and the query read it alike.
    first: dict[str, str] = {}
    for short, long in glossary().service_pairs:
        first.setdefault(short, long)
    unlike = []
    for short, long in first.items():
        a, b = classify(short), classify(long)
        if (a.category, a.subcategory, a.modality, a.body_regions) != (
            b.category,
            b.subcategory,
            b.modality,
            b.body_regions,
        ):
            unlike.append(f"{short}: {a} / {long}: {b}")
    assert unlike == []
