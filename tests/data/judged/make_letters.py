"""Writes the judged set's generated letters (``letters/J*.txt``) in the layout of the DWC text
letters (the seeds): a summary and rationales that mention other services, drugs and
abbreviations than the items request, so that a search which answers "mentions Q" instead of
"decisions about Q" is caught. Run once; the letters are committed and judged by reading.

    .venv/bin/python tests/data/judged/make_letters.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent / "letters"

HEAD = """ HOW THE IMR FINAL DETERMINATION WAS MADE

MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no
affiliation with the employer, employee, providers or the claims administrator.

The Expert Reviewer has the following credentials:
State(s) of Licensure: California
Certification(s)/Specialty: {specialty}

CLINICAL CASE SUMMARY

The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:

{summary}

IMR ISSUES, DECISIONS AND RATIONALES

The Final Determination was based on decisions for the disputed items/services set forth below:

"""

ITEM = """{service}:  {decision}

Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment
Guidelines.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines.

Decision rationale: {rationale} Therefore, the request is {verdict}.

"""

# Summaries name what the letters' items do not request (the distractors).
PAIN = (
    "The patient is a 52 year old male with an injury date of 03/14/2012. He has chronic low "
    "back pain radiating to the left leg. Medications include Norco, Flexeril and Prilosec. "
    "Prior physical therapy, acupuncture, a TENS unit and a lumbar ESI gave no lasting "
    "functional improvement. MRI of the lumbar spine showed a disc protrusion at L4-5. A urine "
    "drug screen was consistent."
)
NECK = (
    "The patient is a 45 year old female with an injury date of 06/02/2013. She has neck and "
    "right shoulder pain. She completed PT and chiropractic care and uses tramadol and "
    "gabapentin. An EMG/NCV was normal. The treating physician recommends a functional "
    "restoration program and an FCE."
)
KNEE = (
    "The patient is a 38 year old male with an injury date of 09/20/2014. He has right knee "
    "and elbow pain after a fall. He takes Celebrex and oxycodone, and had a PRP injection and "
    "an MRI of the knee. Cognitive behavioral therapy was suggested for pain coping."
)

LETTERS: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    # id: (specialty, summary, [(service, decision, rationale)])
    "J01": ("Pain Management", PAIN, [
        ("Hydrocodone/APAP 10/325mg #120", "Upheld",
         "Opioids require documented functional improvement; none is shown despite ongoing "
         "use with Flexeril and physical therapy."),
        ("Cyclobenzaprine 7.5mg #60", "Upheld",
         "Muscle relaxants are for short-term use; the patient also takes Norco."),
        ("Omeprazole 20mg #60", "Overturned",
         "A proton pump inhibitor is supported for a patient on NSAIDs with dyspepsia."),
    ]),
    "J02": ("Physical Medicine & Rehabilitation", NECK, [
        ("Ultram 50mg #90", "Upheld",
         "There is no urine drug screen on file and no functional improvement from opioids."),
        ("Prilosec 20mg #30", "Upheld",
         "No gastrointestinal risk factors are documented; the patient takes no NSAID."),
        ("Lidoderm 5% patch #30", "Upheld",
         "Topical lidocaine is for neuropathic pain after a trial of gabapentin."),
    ]),
    "J03": ("Anesthesiology", PAIN, [
        ("Lumbar epidural steroid injection L4-L5", "Overturned",
         "Radiculopathy is corroborated by MRI and EMG; prior physical therapy failed."),
        ("Cervical ESI at C5-6", "Upheld",
         "No cervical radiculopathy is documented on examination or imaging."),
        ("TFESI bilateral L5-S1", "Upheld",
         "A second level is not supported without functional improvement from the first "
         "injection; the patient also takes Norco."),
    ]),
    "J04": ("Family Practice", PAIN, [
        ("Urine drug screen", "Overturned",
         "Random testing is recommended for patients on opioids such as hydrocodone."),
        ("UDT quarterly", "Upheld",
         "Quarterly testing is not supported for a low-risk patient."),
        ("Norco 10/325 #90", "Upheld",
         "Weaning is recommended; the patient also had an ESI and PT without benefit."),
    ]),
    "J05": ("Physical Medicine & Rehabilitation", NECK, [
        ("TENS unit purchase", "Upheld",
         "A one-month trial with documented functional improvement must precede a purchase."),
        ("H-wave device 30 day trial", "Upheld",
         "An H-wave trial follows a failed TENS trial, physical therapy and medications."),
        ("Transcutaneous electrical nerve stimulation unit rental", "Overturned",
         "A one-month home trial is supported as an adjunct to a functional restoration "
         "program."),
    ]),
    "J06": ("Occupational Medicine", NECK, [
        ("Functional capacity evaluation", "Upheld",
         "An FCE is not supported when the patient is not close to maximal improvement."),
        ("Functional restoration program 160 hours", "Overturned",
         "The criteria are met: failed physical therapy, an adequate evaluation and "
         "motivation to change."),
        ("EMG/NCV of bilateral lower extremities", "Upheld",
         "There are no neurological findings in the legs; an MRI was normal."),
    ]),
    "J07": ("Physical Medicine & Rehabilitation", NECK, [
        ("PT 2x6 lumbar spine", "Upheld",
         "The patient had 24 sessions of physical therapy and should continue a home "
         "exercise program."),
        ("Occupational therapy 8 sessions right hand", "Overturned",
         "Hand therapy is supported after the carpal tunnel release."),
        ("Home exercise program instruction", "Upheld",
         "Instruction was given during prior PT sessions."),
    ]),
    "J08": ("Orthopedic Surgery", PAIN, [
        ("MRI lumbar spine without contrast", "Overturned",
         "Red flags and progressive neurologic deficit support imaging; the patient also had "
         "an epidural steroid injection."),
        ("MRI of the right shoulder", "Upheld",
         "Plain x-rays have not been done and there are no red flags."),
        ("CT scan of the lumbar spine", "Upheld",
         "A CT is not needed when an MRI is being done."),
    ]),
    "J09": ("Pain Management", KNEE, [
        ("Cognitive behavioral therapy 6 sessions", "Overturned",
         "CBT is recommended for chronic pain with fear avoidance."),
        ("PRP injection right elbow", "Upheld",
         "Platelet rich plasma is under study for lateral epicondylitis."),
        ("Spinal cord stimulator trial", "Upheld",
         "A psychological evaluation must precede an SCS trial; the patient takes oxycodone."),
    ]),
    "J10": ("Anesthesiology", PAIN, [
        ("Medial branch block L3-L5 bilateral", "Overturned",
         "Facet-mediated pain is suspected; a diagnostic block precedes a radiofrequency "
         "ablation."),
        ("Radiofrequency ablation L4-5 bilateral", "Upheld",
         "No diagnostic medial branch block has been done."),
        ("Lumbar facet injection", "Upheld",
         "Intra-articular facet injections are not recommended; the patient had an ESI."),
    ]),
    "J11": ("Internal Medicine", PAIN, [
        ("Hydrocodone bitartrate/acetaminophen 7.5/325 #60", "Upheld",
         "There is no documented functional improvement or urine drug testing."),
        ("Tramadol ER 150mg #30", "Upheld",
         "A second opioid is not supported beside Norco."),
        ("Gabapentin 600mg #90", "Overturned",
         "Neuropathic pain improved with gabapentin; Lyrica was not tolerated."),
    ]),
    "J12": ("Family Practice", NECK, [
        ("Flexeril 10mg #30", "Upheld",
         "Cyclobenzaprine is for short courses; the patient has taken it for months."),
        ("Soma 350mg #60", "Upheld",
         "Carisoprodol is not recommended; the patient also takes tramadol and Norco."),
        ("Naproxen sodium 550mg #60", "Overturned",
         "An NSAID is first line for chronic back pain."),
    ]),
    "J13": ("Orthopedic Surgery", KNEE, [
        ("Front wheeled walker", "Overturned",
         "The patient has an unsteady gait after the knee surgery."),
        ("Cold therapy unit", "Upheld",
         "Seven days of use after surgery is supported; a longer rental is not."),
        ("Lumbar brace (LSO)", "Upheld",
         "Lumbar supports have no lasting benefit beyond the acute phase; PT is preferred."),
    ]),
    "J14": ("Neurology", NECK, [
        ("EMG/NCS of the upper extremities", "Overturned",
         "Numbness in the hands persists despite physical therapy."),
        ("Nerve conduction studies bilateral lower extremities", "Upheld",
         "There is no evidence of peripheral neuropathy; the MRI explains the symptoms."),
        ("Chiropractic treatment 6 visits", "Upheld",
         "The patient has had 18 chiropractic visits without functional improvement."),
    ]),
    "J15": ("Pain Management", KNEE, [
        ("Percocet 5/325mg #60", "Upheld",
         "Short-acting opioids are not supported without functional improvement; the patient "
         "also takes tramadol."),
        ("Oxycodone 10mg #60", "Upheld",
         "A higher dose is not supported; urine drug screens were inconsistent."),
        ("Celebrex 200mg #30", "Overturned",
         "A COX-2 NSAID is appropriate given the history of gastritis on naproxen."),
    ]),
    "J16": ("Physical Medicine & Rehabilitation", PAIN, [
        ("Acupuncture 6 sessions lumbar", "Overturned",
         "Acupuncture is supported as an adjunct to physical therapy."),
        ("Physical therapy 12 visits cervical spine", "Upheld",
         "The guidelines allow 10 visits; the patient should continue a home exercise "
         "program."),
        ("Lumbar MRI", "Upheld",
         "No red flags; prior lumbar MRI and x-rays were recent."),
    ]),
}  # fmt: skip


def letter_text(specialty: str, summary: str, items: list[tuple[str, str, str]]) -> str:
    out = [HEAD.format(specialty=specialty, summary=summary)]
    for service, decision, rationale in items:
        verdict = "medically necessary" if decision == "Overturned" else "not medically necessary"
        out.append(
            ITEM.format(service=service, decision=decision, rationale=rationale, verdict=verdict)
        )
    return "".join(out)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, (specialty, summary, items) in LETTERS.items():
        (HERE / f"{name}.txt").write_text(letter_text(specialty, summary, items), "utf-8")


if __name__ == "__main__":
    main()
