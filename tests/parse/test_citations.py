"""parse_citations(): one Citation per guideline a citation paragraph names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_search.model import Citation
from imr_search.parse.citations import parse_citations

Fields = tuple[str, str | None, int | None, int | None, str | None, str | None]

# Every distinct "Claims Administrator guideline:" / "MAXIMUS guideline:" paragraph of the
# sample letters, with the citations expected:
# (source, part, edition, chapter, section, pages) per guideline, in order.
SAMPLE_PARAGRAPHS: list[tuple[str, list[Fields]]] = [
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines, "
            "2016, Web Version, Criteria for skilled nursing facility."
        ),
        [
            (
                "ODG",
                "Criteria for skilled nursing facility",
                2016,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation "
            "http://www.slideshare.net/julenemcalister/"
            "differences-between-inpatient-rehabilitation-skilled- "
            "nursing-care, "
            "https://medicalinsider.holy-cross.com/acute-inpatient-rehabilitation-versus-skilled- "
            "nursing-facility-rehabilitation."
        ),
        [
            (
                "other",
                None,
                None,
                None,
                None,
                None,
            ),
            (
                "other",
                None,
                None,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Diagnostic "
            "Criteria, Special Studies."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                2004,
                8,
                "Diagnostic Criteria, Special Studies",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special "
            "Studies."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                2004,
                8,
                "Special Studies",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies, "
            "Diagnostic Criteria."
        ),
        [
            (
                "MTUS",
                "Low Back Complaints",
                2004,
                12,
                "Special Studies, Diagnostic Criteria",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies.",
        [
            (
                "MTUS",
                "Low Back Complaints",
                2004,
                12,
                "Special Studies",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004, Section(s): "
            "Diagnostic Criteria, Special Studies."
        ),
        [
            (
                "MTUS",
                "Forearm, Wrist, and Hand Complaints",
                2004,
                11,
                "Diagnostic Criteria, Special Studies",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004, Section(s): Special "
            "Studies."
        ),
        [
            (
                "MTUS",
                "Forearm, Wrist, and Hand Complaints",
                2004,
                11,
                "Special Studies",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Initial Care, "
            "and Shoulder Complaints 2004, Section(s): Initial Care, and Low Back Complaints 2004, "
            "Section(s): Initial Care, Physical Methods."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                2004,
                8,
                "Initial Care",
                None,
            ),
            (
                "MTUS",
                "Shoulder Complaints",
                2004,
                9,
                "Initial Care",
                None,
            ),
            (
                "MTUS",
                "Low Back Complaints",
                2004,
                12,
                "Initial Care, Physical Methods",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs "
            "(non-steroidal anti-inflammatory drugs)."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "NSAIDs (non-steroidal anti-inflammatory drugs)",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): "
            "Cyclobenzaprine (Flexeril)."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Cyclobenzaprine (Flexeril)",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Topical "
            "analgesics."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Topical analgesics",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical "
            "medicine treatment. Decision based on Non-MTUS Citation Official Disability "
            "Guidelines (ODG), Physical Therapy Guidelines."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Physical medicine treatment",
                None,
            ),
            (
                "ODG",
                "Physical Therapy",
                None,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical "
            "medicine treatment."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Physical medicine treatment",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): TENS, chronic "
            "pain (transcutaneous electrical nerve stimulation)."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "TENS, chronic pain (transcutaneous electrical nerve stimulation)",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Thermography "
            "(infrared stress thermography)."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Thermography (infrared stress thermography)",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Manual "
            "therapy & manipulation."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Manual therapy & manipulation",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Biofeedback.",
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Biofeedback",
                None,
            ),
        ],
    ),
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines "
            "(ODG) Knee and Leg Chapter Guidelines."
        ),
        [
            (
                "ODG",
                "Knee and Leg",
                None,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) "
            "Knee & Leg, Durable medical equipment (DME)."
        ),
        [
            (
                "ODG",
                "Knee & Leg",
                None,
                None,
                "Durable medical equipment (DME)",
                None,
            ),
        ],
    ),
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines "
            "(ODG), Knee and Leg Chapter, Durable medical equipment."
        ),
        [
            (
                "ODG",
                "Knee and Leg",
                None,
                None,
                "Durable medical equipment",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Knee Complaints 2004.",
        [
            (
                "MTUS",
                "Knee Complaints",
                2004,
                13,
                None,
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Chronic Pain Medical Treatment 2009, Section(s): Drug testing.",
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2009,
                None,
                "Drug testing",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3.6 Opioids for Chronic "
            "Pain and Chronic Opioid Treatment: Use of Urine Drug Testing (UDT)."
        ),
        [
            (
                "MTUS",
                "Opioid Treatment",
                2016,
                None,
                (
                    "3.3.6 Opioids for Chronic Pain and Chronic Opioid Treatment: Use of Urine "
                    "Drug Testing (UDT)"
                ),
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Knee Complaints 2004, Section(s): Special Studies.",
        [
            (
                "MTUS",
                "Knee Complaints",
                2004,
                13,
                "Special Studies",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Elbow Complaints 2007.",
        [
            (
                "MTUS",
                "Elbow Complaints",
                2007,
                10,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Elbow Complaints 2007, Section(s): Recommendations, Radial "
            "Head Fracture."
        ),
        [
            (
                "MTUS",
                "Elbow Complaints",
                2007,
                10,
                "Recommendations, Radial Head Fracture",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Knee Complaints 2004. Decision based on Non-MTUS Citation "
            "Official Disability Guidelines (ODG), Knee and Leg - MRI (magnetic resonance imaging)."
        ),
        [
            (
                "MTUS",
                "Knee Complaints",
                2004,
                13,
                None,
                None,
            ),
            (
                "ODG",
                "Knee and Leg",
                None,
                None,
                "MRI (magnetic resonance imaging)",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Knee Complaints 2004, Section(s): Special Studies, Summary.",
        [
            (
                "MTUS",
                "Knee Complaints",
                2004,
                13,
                "Special Studies, Summary",
                None,
            ),
        ],
    ),
    (
        "The Claims Administrator did not cite any medical evidence for its decision.",
        [],
    ),
    (
        "Decision based on MTUS Shoulder Complaints 2004, Section(s): Surgical Considerations.",
        [
            (
                "MTUS",
                "Shoulder Complaints",
                2004,
                9,
                "Surgical Considerations",
                None,
            ),
        ],
    ),
    (
        "The Expert Reviewer did not cite any medical evidence for its decision.",
        [],
    ),
    (
        (
            "Decision based on MTUS Low Back Complaints 2004. Decision based on Non-MTUS Citation "
            "Official Disability Guidelines, Low Back Chapter, Magnetic Resonance Imaging (MRI)."
        ),
        [
            (
                "MTUS",
                "Low Back Complaints",
                2004,
                12,
                None,
                None,
            ),
            (
                "ODG",
                "Low Back",
                None,
                None,
                "Magnetic Resonance Imaging (MRI)",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Low Back Complaints 2004. Decision based on Non-MTUS Citation "
            "Official Disability Guidelines (ODG), Low Back Chapter."
        ),
        [
            (
                "MTUS",
                "Low Back Complaints",
                2004,
                12,
                None,
                None,
            ),
            (
                "ODG",
                "Low Back",
                None,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines "
            "(ODG), Low Back & Thoracic chapter (Acute & Chronic), Preoperative testing, general."
        ),
        [
            (
                "ODG",
                "Low Back & Thoracic (Acute & Chronic)",
                None,
                None,
                "Preoperative testing, general",
                None,
            ),
        ],
    ),
    (
        (
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) "
            "Low Back, preoperative testing, general."
        ),
        [
            (
                "ODG",
                "Low Back",
                None,
                None,
                "preoperative testing, general",
                None,
            ),
        ],
    ),
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines "
            "(ODG), Low Back & Thoracic chapter (Acute & Chronic): Preoperative lab testing and "
            "Preoperative testing, general."
        ),
        [
            (
                "ODG",
                "Low Back & Thoracic (Acute & Chronic)",
                None,
                None,
                "Preoperative lab testing and Preoperative testing, general",
                None,
            ),
        ],
    ),
    (
        (
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) "
            "Low Back, Preoperative lab testing."
        ),
        [
            (
                "ODG",
                "Low Back",
                None,
                None,
                "Preoperative lab testing",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Opioid Treatment 2016, Section(s): 1.4 Opioids for Acute Pain: "
            "Opioids for Post-operative Pain. Decision based on Non-MTUS Citation Official "
            "Disability Guidelines (ODG), Pain (online version): Opioids, specific drug list."
        ),
        [
            (
                "MTUS",
                "Opioid Treatment",
                2016,
                None,
                "1.4 Opioids for Acute Pain: Opioids for Post-operative Pain",
                None,
            ),
            (
                "ODG",
                "Pain",
                None,
                None,
                "Opioids, specific drug list",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Opioid Treatment 2016, Section(s): 1.4 Opioids for Acute Pain: "
            "Opioids for Post-operative Pain."
        ),
        [
            (
                "MTUS",
                "Opioid Treatment",
                2016,
                None,
                "1.4 Opioids for Acute Pain: Opioids for Post-operative Pain",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): "
            "Opioid-induced constipation treatment. Decision based on Non-MTUS Citation Official "
            "Disability Guidelines (ODG), Pain chapter (online version): Opioid-induced "
            "constipation treatment (OIC)."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Opioid-induced constipation treatment",
                None,
            ),
            (
                "ODG",
                "Pain",
                None,
                None,
                "Opioid-induced constipation treatment (OIC)",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): "
            "Opioid-induced constipation treatment."
        ),
        [
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Opioid-induced constipation treatment",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Acupuncture Treatment 2007.",
        [
            (
                "MTUS",
                "Acupuncture Treatment",
                2007,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Acupuncture Treatment 2007. Decision based on Non-MTUS "
            "Citation Official Disability Guidelines (ODG) Neck and Upper Back, Acupuncture."
        ),
        [
            (
                "MTUS",
                "Acupuncture Treatment",
                2007,
                None,
                None,
                None,
            ),
            (
                "ODG",
                "Neck and Upper Back",
                None,
                None,
                "Acupuncture",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS General Approaches 2004, and Chronic Pain Medical Treatment "
            "2016, Section(s): Physical medicine treatment."
        ),
        [
            (
                "MTUS",
                "General Approaches",
                2004,
                None,
                None,
                None,
            ),
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Physical medicine treatment",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Initial Care, "
            "and Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment. "
            "Decision based on Non-MTUS Citation Neck and Upper Back, Physical Therapy, ODG "
            "Preface \u2013 Physical Therapy."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                2004,
                8,
                "Initial Care",
                None,
            ),
            (
                "MTUS",
                "Chronic Pain Medical Treatment",
                2016,
                None,
                "Physical medicine treatment",
                None,
            ),
            # An ODG chapter and topic named without the guideline's name.
            ("ODG", "Neck and Upper Back", None, None, "Physical Therapy", None),
            (
                "ODG",
                "Preface",
                None,
                None,
                "Physical Therapy",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special "
            "Studies. Decision based on Non-MTUS Citation Official Disability Guidelines, Neck and "
            "Upper Back, Electromyography (EMG); Nerve Conduction Studies (NCS)."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                2004,
                8,
                "Special Studies",
                None,
            ),
            (
                "ODG",
                "Neck and Upper Back",
                None,
                None,
                "Electromyography (EMG); Nerve Conduction Studies (NCS)",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Shoulder Complaints 2004, Section(s): Summary. Decision based "
            "on Non-MTUS Citation ACOEM Occupational Medicine Practice Guidelines, 3rd ed., "
            "Shoulder Disorders, pg. 64."
        ),
        [
            (
                "MTUS",
                "Shoulder Complaints",
                2004,
                9,
                "Summary",
                None,
            ),
            (
                "ACOEM",
                "Shoulder Disorders",
                None,
                None,
                None,
                "64",
            ),
        ],
    ),
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines "
            "(ODG), Knee and Leg (Acute and Chronic): Platelet-rich plasma (2016)."
        ),
        [
            (
                "ODG",
                "Knee and Leg (Acute and Chronic)",
                None,
                None,
                "Platelet-rich plasma (2016)",
                None,
            ),
        ],
    ),
    (
        (
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) "
            "Knee - Platelet-rich plasma (PRP)."
        ),
        [
            (
                "ODG",
                "Knee",
                None,
                None,
                "Platelet-rich plasma (PRP)",
                None,
            ),
        ],
    ),
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines "
            "(ODG), Shoulder."
        ),
        [
            (
                "ODG",
                "Shoulder",
                None,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Shoulder Complaints 2004, Section(s): Surgical Considerations. "
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Shoulder "
            "Chapter, Surgery for SLAP lesions."
        ),
        [
            (
                "MTUS",
                "Shoulder Complaints",
                2004,
                9,
                "Surgical Considerations",
                None,
            ),
            (
                "ODG",
                "Shoulder",
                None,
                None,
                "Surgery for SLAP lesions",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Shoulder Complaints 2004, Section(s): Initial Care, and Elbow "
            "Complaints 2007, and Forearm, Wrist, and Hand Complaints 2004. Decision based on "
            "Non-MTUS Citation Official Disability Guidelines (ODG), Shoulder (updated 12/12/16), "
            "Physical therapy, ODG physical therapy guidelines, ODG Elbow (updated 11/23/16), "
            "Physical therapy; ODG Forearm, Wrist and Hand (updated 12/20/16), Physical therapy."
        ),
        [
            (
                "MTUS",
                "Shoulder Complaints",
                2004,
                9,
                "Initial Care",
                None,
            ),
            (
                "MTUS",
                "Elbow Complaints",
                2007,
                10,
                None,
                None,
            ),
            (
                "MTUS",
                "Forearm, Wrist, and Hand Complaints",
                2004,
                11,
                None,
                None,
            ),
            (
                "ODG",
                "Shoulder",
                None,
                None,
                "Physical therapy",
                None,
            ),
            (
                "ODG",
                "physical therapy",
                None,
                None,
                None,
                None,
            ),
            (
                "ODG",
                "Elbow",
                None,
                None,
                "Physical therapy",
                None,
            ),
            (
                "ODG",
                "Forearm, Wrist and Hand",
                None,
                None,
                "Physical therapy",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Initial Care. "
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Neck and "
            "Upper Back (updated 12/21/16), Manipulation ODG Chiropractic Guidelines."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                2004,
                8,
                "Initial Care",
                None,
            ),
            (
                "ODG",
                "Neck and Upper Back",
                None,
                None,
                "Manipulation ODG Chiropractic Guidelines",
                None,
            ),
        ],
    ),
    (
        (
            "The Claims Administrator based their decision on recommendation(s) outside of the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines, "
            "Forearm, Wrist & Hand - Open reduction internal fixation."
        ),
        [
            (
                "ODG",
                "Forearm, Wrist & Hand",
                None,
                None,
                "Open reduction internal fixation",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004, Section(s): Surgical "
            "Considerations. Decision based on Non-MTUS Citation Green's Operative Hand Surgery, "
            "6th ed Chapter 17: Distal Radius Fractures, Chapter 30: Compression Neuropathies."
        ),
        [
            (
                "MTUS",
                "Forearm, Wrist, and Hand Complaints",
                2004,
                11,
                "Surgical Considerations",
                None,
            ),
            (
                "other",
                None,
                None,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS Opioid Treatment 2016.",
        [
            (
                "MTUS",
                "Opioid Treatment",
                2016,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3.7.2 Opioids for Chronic "
            "Pain and Chronic Opioid Treatment: Monitoring Effectiveness of Chronic Opioid "
            "Treatment: Clinically Meaningful Improvement of Pain and Function, 3.3.9 Opioids for "
            "Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment, "
            "4.1 Tapering Opioids: Indications for Tapering Opioids, 4.2 Tapering Opioids: Methods "
            "for Tapering Opioids, 3.3.7.1 Opioids for Chronic Pain and Chronic Opioid Treatment: "
            "Monitoring Effectiveness of Chronic Opioid Treatment: Tracking Pain and Function to "
            "Monitor Effectiveness of Chronic Opioid Treatment."
        ),
        [
            (
                "MTUS",
                "Opioid Treatment",
                2016,
                None,
                (
                    "3.3.7.2 Opioids for Chronic Pain and Chronic Opioid Treatment: Monitoring "
                    "Effectiveness of Chronic Opioid Treatment: Clinically Meaningful Improvement "
                    "of Pain and Function, 3.3.9 Opioids for Chronic Pain and Chronic Opioid "
                    "Treatment: Maintenance of Chronic Opioid Treatment, 4.1 Tapering Opioids: "
                    "Indications for Tapering Opioids, 4.2 Tapering Opioids: Methods for Tapering "
                    "Opioids, 3.3.7.1 Opioids for Chronic Pain and Chronic Opioid Treatment: "
                    "Monitoring Effectiveness of Chronic Opioid Treatment: Tracking Pain and "
                    "Function to Monitor Effectiveness of Chronic Opioid Treatment"
                ),
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special "
            "Studies, Summary."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                2004,
                8,
                "Special Studies, Summary",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints.",
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                None,
                8,
                None,
                None,
            ),
        ],
    ),
    (
        ("Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-179."),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                None,
                8,
                None,
                "177-179",
            ),
        ],
    ),
    (
        ("Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-178."),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                None,
                8,
                None,
                "177-178",
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177, "
            "178. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Neck "
            "chapter, MRI"
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                None,
                8,
                None,
                "177, 178",
            ),
            (
                "ODG",
                "Neck",
                None,
                None,
                "MRI",
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 182. "
            "Decision based on Non-MTUS Citation ODG Treatment Integrated Treatment/Disability "
            "Duration Guidelines Neck and Upper Back (Acute & Chronic)"
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                None,
                8,
                None,
                "182",
            ),
            (
                "ODG",
                "Neck and Upper Back (Acute & Chronic)",
                None,
                None,
                None,
                None,
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): Table "
            "8-8,182."
        ),
        [
            (
                "MTUS",
                "Neck and Upper Back Complaints",
                None,
                8,
                None,
                "Table 8-8, 182",
            ),
        ],
    ),
    (
        (
            "The Claims Administrator did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation APG 1 Plus, 2010, Low Back Disorders, Special Studies and "
            "Diagnostic and Treatment Considerations"
        ),
        [
            (
                "ACOEM",
                "Low Back Disorders",
                2010,
                None,
                "Special Studies and Diagnostic and Treatment Considerations",
                None,
            ),
        ],
    ),
    (
        "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): Table 12-8, 309.",
        [
            (
                "MTUS",
                "Low Back Complaints",
                None,
                12,
                None,
                "Table 12-8, 309",
            ),
        ],
    ),
    (
        (
            "Decision based on MTUS ACOEM Page(s): 177-178. Decision based on Non-MTUS Citation "
            "Official Disability Guidelines."
        ),
        [
            (
                "MTUS",
                None,
                None,
                None,
                None,
                "177-178",
            ),
            (
                "ODG",
                None,
                None,
                None,
                None,
                None,
            ),
        ],
    ),
]


def _fields(c: Citation) -> Fields:
    return (c.source, c.part, c.edition, c.chapter, c.section, c.pages)


@pytest.mark.parametrize(("paragraph", "expected"), SAMPLE_PARAGRAPHS, ids=lambda v: str(v)[:60])
def test_parse_citations_sample_paragraph(paragraph: str, expected: list[Fields]) -> None:
    assert [_fields(c) for c in parse_citations(paragraph)] == expected


@pytest.mark.parametrize(
    "paragraph",
    [
        None,
        "",
        "   ",
        "The Claims Administrator did not cite any medical evidence for its decision.",
        "The Expert Reviewer did not cite any medical evidence for its decision.",
        "The Claims Administrator did not base their decision on the MTUS.",
        "The Claims Administrator did not cite any medical evidence\nfor its decision.   ",
    ],
)
def test_no_evidence_forms_give_no_citations(paragraph: str | None) -> None:
    assert parse_citations(paragraph) == []


def test_vocabulary_examples() -> None:
    (acoem,) = parse_citations(
        "MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-179"
    )
    assert acoem == Citation(
        source="MTUS",
        part="Neck and Upper Back Complaints",
        chapter=8,
        pages="177-179",
        text="MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-179",
    )
    (chronic,) = parse_citations(
        "MTUS Chronic Pain Medical Treatment Guidelines 2016, Section(s): Topical analgesics"
    )
    assert _fields(chronic) == (
        "MTUS", "Chronic Pain Medical Treatment", 2016, None, "Topical analgesics", None,
    )  # fmt: skip
    (low_back,) = parse_citations("MTUS Low Back Complaints 2004, Section(s): Special Studies")
    assert (low_back.part, low_back.edition, low_back.chapter) == ("Low Back Complaints", 2004, 12)


def test_line_breaks_and_double_spaces_are_normalised() -> None:
    paragraph = (
        "Decision based on MTUS ACOEM Chapter 8 Neck and \n\nUpper Back Complaints   Page(s): "
        "\n177-179.   \n"
    )
    (c,) = parse_citations(paragraph)
    assert c.part == "Neck and Upper Back Complaints"
    assert c.pages == "177-179"
    assert (
        c.text
        == "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints"[
            len("Decision based on ") :
        ]
        + " Page(s): 177-179"
    )


def test_web_addresses_broken_across_lines_are_rejoined() -> None:
    paragraph = (
        "The Expert Reviewer based their decision on recommendation(s) outside \n"
        "of the MTUS Guidelines. Decision based on Non-MTUS Citation \n"
        "http://www.slideshare.net/julenemcalister/differences-between-inpatient-rehabilitation-skilled-\n"
        "nursing-care, https://medicalinsider.holy-cross.com/acute-inpatient-rehabilitation-versus-skilled-\n"
        "nursing-facility-rehabilitation. \n"
    )
    assert [c.text for c in parse_citations(paragraph)] == [
        "http://www.slideshare.net/julenemcalister/differences-between-inpatient-rehabilitation-"
        "skilled-nursing-care",
        "https://medicalinsider.holy-cross.com/acute-inpatient-rehabilitation-versus-skilled-"
        "nursing-facility-rehabilitation",
    ]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Decision based on MTUS Chronic Pain Medical Treatment Guidelines Topical Analgesics "
            "Page(s): 111-113.",
            [
                (
                    "MTUS",
                    "Chronic Pain Medical Treatment",
                    None,
                    None,
                    "Topical Analgesics",
                    "111-113",
                )
            ],
        ),
        (
            "Decision based on MTUS (Effective July 18, 2009) Page(s): 99.",
            [("MTUS", None, 2009, None, None, "99")],
        ),
        (
            "Decision based on MTUS ACOEM Chapter 12 Page(s): 303-304",
            [("MTUS", "Low Back Complaints", None, 12, None, "303-304")],
        ),
        (
            "Decision based on MTUS Postsurgical Treatment 2009, Section(s): Knee, and Knee "
            "Complaints 2004, Section(s): Summary.",
            [
                ("MTUS", "Postsurgical Treatment", 2009, None, "Knee", None),
                ("MTUS", "Knee Complaints", 2004, 13, "Summary", None),
            ],
        ),
        (
            "Decision based on Non-MTUS Citation UpToDate, Opioid use disorder; "
            "Official Disability Guidelines (ODG) Pain, Opioids",
            [
                ("other", None, None, None, None, None),
                ("ODG", "Pain", None, None, "Opioids", None),
            ],
        ),
        (
            "Decision based on Non-MTUS Citation ACOEM Practice Guidelines, 3rd Edition (2011), "
            "Chapter 12, Low Back Disorders, page 60",
            [("ACOEM", "Low Back Disorders", 2011, 12, None, "60")],
        ),
    ],
)
def test_other_citation_forms(paragraph: str, expected: list[Fields]) -> None:
    assert [_fields(c) for c in parse_citations(paragraph)] == expected


def test_citation_text_holds_its_own_words() -> None:
    cs = parse_citations(
        "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Initial Care, "
        "and Shoulder Complaints 2004, Section(s): Initial Care."
    )
    assert [c.text for c in cs] == [
        "MTUS Neck and Upper Back Complaints 2004, Section(s): Initial Care",
        "Shoulder Complaints 2004, Section(s): Initial Care",
    ]


@given(st.text())
def test_parse_citations_never_raises_and_names_valid_sources(text: str) -> None:
    for c in parse_citations(text):
        assert isinstance(c, Citation)
        assert c.source in ("MTUS", "ODG", "ACOEM", "other")
        assert c.edition is None or 1900 <= c.edition <= 2099
        assert c.text


_PIECES = st.sampled_from(
    [
        "Decision based on ",
        "MTUS ",
        "Non-MTUS Citation ",
        "ACOEM ",
        "Chapter 8 ",
        "Neck and Upper Back Complaints ",
        "Chronic Pain Medical Treatment ",
        "2016",
        ", Section(s): ",
        "Page(s): ",
        "177-179",
        ", and ",
        "Official Disability Guidelines (ODG) ",
        "Knee - ",
        "http://example.com/a-\n",
        ". ",
        "\n",
        "(Effective July 18, 2009)",
    ]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_parse_citations_survives_shuffled_citation_words(text: str) -> None:
    for c in parse_citations(text):
        assert c.source in ("MTUS", "ODG", "ACOEM", "other")


# The same paragraphs as pypdf's layout mode extracts them: words split and glued.
LAYOUT_PARAGRAPHS: list[tuple[str, list[Fields]]] = [
    (
        "The Expert Reviewer based their decision on recommendation( s) outside\n"
        "of the MTUS Guidelines. Decision based on Non -MTUS Citation Official Disability "
        "Guidelines\n(ODG) Knee & Leg, Durable medical equipment (DME).",
        [("ODG", "Knee & Leg", None, None, "Durable medical equipment (DME)", None)],
    ),
    (
        "The Expert Reviewer based their decision on recommendation(s) outs ide\n"
        "of the MTUS Guidelines. Decision based on Non -MTUS Citation Official Disability "
        "Guidelines\n(ODG) Knee - Platelet -rich plasma (PRP).",
        [("ODG", "Knee", None, None, "Platelet-rich plasma (PRP)", None)],
    ),
    (
        "The Claims Administrator did not cite any medical evidence\nforits decision.",
        [],
    ),
    (
        "Decision based on MTUS S houlder Complaints 2004, Section(s):\nSummary. Decision based "
        "on Non-MTUS Citation ACOEM Occupational Medicine Practice\nGuidelines, 3rd ed., "
        "Shoulder Disorders, pg. 64.",
        [
            ("MTUS", "Shoulder Complaints", 2004, 9, "Summary", None),
            ("ACOEM", "Shoulder Disorders", None, None, None, "64"),
        ],
    ),
    (
        "The Claims Administrator based their decision on recommendation (s) outside of the "
        "MTUS Guidelines. Decision based on Non -MTUS Citation\nOfficial Disability Guidelines "
        "(ODG), Low Back & Thoracic chapter (Acute& Chronic):\nPreoperative lab testing and "
        "Preoperative testing, general.",
        [
            (
                "ODG",
                "Low Back & Thoracic (Acute & Chronic)",
                None,
                None,
                "Preoperative lab testing and Preoperative testing, general",
                None,
            )
        ],
    ),
    (
        "Decision based on Non -MTUS Citation\nhttp://www.slideshare.net/julenemcalister/"
        "differences-between-inpatient- rehabilitation-skilled-\nnursing-care, "
        "https://medicalinsider.holy-cross.com/acute-  inpatient-rehabilitation-versus-skilled-"
        "\nnursing-facility-rehabilitation.",
        [("other", None, None, None, None, None), ("other", None, None, None, None, None)],
    ),
]


@pytest.mark.parametrize(("paragraph", "expected"), LAYOUT_PARAGRAPHS, ids=lambda v: str(v)[:60])
def test_parse_citations_layout_mode_paragraph(paragraph: str, expected: list[Fields]) -> None:
    assert [_fields(c) for c in parse_citations(paragraph)] == expected
