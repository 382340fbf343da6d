"""Free text of the synthetic letters: dates, case summaries, rationales and boilerplate.

Sentences are recombined from paraphrases of the sample letters. Everything that carries ground
truth (age, sex, injury date, UR date) is rendered from the letter's truth, so the summary never
contradicts the record; everything else is filler chosen from the seed's random stream.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from imr_synth.base import cap
from imr_synth.items import Draft, pick

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

DATE_STYLES = ("slash4", "slash2", "dash4", "dash2", "long", "slash_nopad")


def fmt_date(d: dt.date, style: str) -> str:
    """A date as letters write it: 09/23/1998, 03/31/08, 10-20-2016, 10-13-16, August 27, 2007."""
    if style == "slash4":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "slash2":
        return f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}"
    if style == "dash4":
        return f"{d.month:02d}-{d.day:02d}-{d.year}"
    if style == "dash2":
        return f"{d.month:02d}-{d.day:02d}-{d.year % 100:02d}"
    if style == "long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.month}/{d.day}/{d.year}"


def date_style(rng: random.Random, year: int, injury: dt.date) -> str:
    """A summary's date style; two-digit years only where no century pivot can go wrong."""
    if year >= 2016:
        style = rng.choices(DATE_STYLES, (25, 8, 40, 12, 10, 5))[0]
    else:
        style = rng.choices(DATE_STYLES, (50, 15, 5, 3, 20, 7))[0]
    if style in ("slash2", "dash2") and not 1990 <= injury.year <= 2024:
        style = "slash4"
    return style


class Pron:
    """Pronouns for a summary ('the injured worker' when the sex is not stated)."""

    def __init__(self, sex: str | None, person: str) -> None:
        self.he = {"male": "he", "female": "she"}.get(sex or "", person)
        self.his = {"male": "his", "female": "her"}.get(sex or "", f"{person}'s")
        self.He = self.he[:1].upper() + self.he[1:]
        self.His = self.his[:1].upper() + self.his[1:]


COMPLAINTS = {
    "cervical spine": (
        "neck pain radiating to the upper extremities",
        "neck and upper back pain",
        "constant neck pain with numbness in the left arm",
    ),
    "neck": ("neck pain and stiffness", "neck pain with spasm"),
    "thoracic spine": ("mid back pain", "thoracic spine pain"),
    "lumbar spine": (
        "low back pain radiating to the lower extremities",
        "chronic low back pain",
        "low back pain with numbness in the right leg",
    ),
    "shoulder": (
        "shoulder pain with limited range of motion",
        "shoulder pain with overhead activity",
    ),
    "elbow": ("elbow pain", "lateral elbow pain"),
    "wrist": ("wrist pain with numbness and tingling", "wrist pain"),
    "hand": ("hand pain and stiffness", "pain in the fingers"),
    "hip": ("hip pain", "groin and hip pain"),
    "knee": ("knee pain with swelling", "knee pain and instability", "anterior knee pain"),
    "ankle": ("ankle pain and swelling", "ankle pain"),
    "foot": ("foot pain", "heel pain"),
    None: ("chronic pain", "widespread pain", "neck and low back pain"),
}
DIAGNOSES = {
    "cervical spine": (
        "cervical radiculopathy",
        "cervical disc herniation",
        "cervicalgia",
        "cervical spondylosis",
        "cervical sprain/strain",
    ),
    "thoracic spine": ("thoracic sprain/strain", "thoracic spine pain"),
    "lumbar spine": (
        "lumbar radiculopathy",
        "lumbar disc displacement",
        "lumbago",
        "lumbar sprain/strain",
        "lumbar spinal stenosis",
        "failed back syndrome",
    ),
    "shoulder": (
        "rotator cuff tear",
        "shoulder impingement syndrome",
        "adhesive capsulitis",
        "shoulder sprain/strain",
    ),
    "elbow": ("lateral epicondylitis", "ulnar nerve entrapment", "radial head fracture"),
    "wrist": ("carpal tunnel syndrome", "wrist sprain", "de Quervain's tenosynovitis"),
    "hand": ("trigger finger", "hand contusion"),
    "hip": ("hip osteoarthritis", "trochanteric bursitis"),
    "knee": (
        "medial meniscus tear",
        "knee osteoarthritis",
        "chondromalacia patella",
        "knee sprain",
    ),
    "ankle": ("ankle sprain", "ankle fracture"),
    "foot": ("plantar fasciitis", "Lisfranc fracture"),
    None: (
        "chronic pain syndrome",
        "myofascial pain syndrome",
        "depression",
        "insomnia",
        "gastritis",
        "anxiety",
    ),
}
MECHANISMS = (
    "a fall from a ladder",
    "lifting a heavy box",
    "repetitive motion",
    "a motor vehicle accident",
    "cumulative trauma",
    "a slip and fall",
    "pushing a heavy cart",
    "being struck by a falling object",
    "twisting while carrying a load",
)
TREATMENTS = (
    "medications",
    "physical therapy",
    "chiropractic care",
    "acupuncture",
    "injections",
    "a home exercise program",
    "activity modification",
    "a TENS unit",
    "psychotherapy",
    "surgery",
    "rest",
    "bracing",
)
FINDINGS = (
    "tenderness to palpation of the paraspinal musculature with decreased range of motion",
    "decreased sensation in the L5 dermatome and a positive straight leg raise",
    "limited range of motion with pain at the end ranges",
    "positive impingement signs and weakness with resisted abduction",
    "joint line tenderness and a positive McMurray's test",
    "a positive Tinel's sign and a positive Phalen's test",
    "multiple myofascial trigger points and taut bands",
    "an antalgic gait and diminished reflexes",
    "normal strength and sensation with tenderness over the affected area",
)


def items_phrase(drafts: Sequence[Draft], rng: random.Random) -> str:
    names = []
    for d in drafts[:4]:
        t = d.text
        names.append(t if t[:2].isupper() or d.drug is not None else t[:1].lower() + t[1:])
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + pick(rng, (", and ", " and ")) + names[-1]


def summary(
    rng: random.Random,
    *,
    age: int | None,
    sex: str | None,
    injury: dt.date,
    ur: dt.date,
    drafts: Sequence[Draft],
    style: str,
    layout: str,
    redacted: bool,
    glue: float,
) -> list[str]:
    """The case summary as sentences (the renderer wraps and may glue them: '2007.In')."""
    person = pick(rng, ("the injured worker", "the patient", "the applicant", "the claimant"))
    if layout != "2014":
        person = pick(rng, ("the patient", "the employee", "the patient"))
    p = Pron(sex, person)
    main_region = next((d.region for d in drafts if d.region), None)
    rkey = (
        main_region
        if main_region in COMPLAINTS
        else (
            "lumbar spine"
            if main_region in ("sacroiliac joint", "spine", "lower extremity")
            else "cervical spine"
            if main_region == "upper extremity"
            else None
        )
    )
    complaint = pick(rng, COMPLAINTS[rkey])
    d_inj = fmt_date(injury, style)
    who = person[0].upper() + person[1:]
    out: list[str] = []
    if redacted:
        out.append(
            f"The applicant is a represented  employee who has filed a claim for "
            f"{complaint} reportedly associated with an industrial injury of {d_inj}."
        )
    elif layout != "2014":
        a = f"{age} year-old" if rng.random() < 0.6 else f"{age}-year-old"
        out.append(
            pick(
                rng,
                (
                    f"The patient is a {a} {sex} with a date of Injury of {d_inj}.",
                    f"The employee is a {a} {sex} who reported an industrial injury on {d_inj}.",
                    f"The patient is a {a} {sex} who was injured on {d_inj}.",
                ),
            )
        )
    else:
        s = f" {sex}" if sex else ""
        dash = rng.random() < 0.5
        a1 = f"{age}-year-old" if dash else f"{age} year old"
        out.append(
            pick(
                rng,
                (
                    f"{who} is a {a1}{s} who reported an injury on {d_inj}.",
                    f"{who} is a {a1}{s} with an injury date of {d_inj}.",
                    f"{who} is a {a1}{s} who has filed a claim for {complaint} "
                    f"reportedly associated with an industrial injury of {d_inj}.",
                    f"This case involves a now {a1}{s} with a history of an occupational "
                    f"claim from {d_inj}.",
                    f"This is a {a1}{s} with a date of injury on {d_inj}.",
                    f"{who} is a {a1}{s}, with a reported date of injury of {d_inj}.",
                    f"{who} is a {a1}{s}, who sustained an industrial injury on {d_inj}.",
                    f"{who} is a {a1}{s} with an industrial injury date of {d_inj}.",
                ),
            )
        )
    if rng.random() < 0.7:
        out.append(
            pick(
                rng,
                (
                    f"The mechanism of injury was {pick(rng, MECHANISMS)}.",
                    "The mechanism of injury was not provided for review.",
                    f"The mechanism of injury is detailed as {pick(rng, MECHANISMS)}.",
                ),
            )
        )
    dx = rng.sample(
        DIAGNOSES.get(rkey, DIAGNOSES[None]), k=min(2, len(DIAGNOSES.get(rkey, DIAGNOSES[None])))
    )
    if rng.random() < 0.5:
        dx.append(pick(rng, DIAGNOSES[None]))
    dx_text = ", ".join(dx[:-1]) + " and " + dx[-1] if len(dx) > 1 else dx[0]
    out.append(
        pick(
            rng,
            (
                f"The diagnoses include {dx_text}.",
                f"{p.His} diagnoses include {dx_text}.",
                f"The current diagnosis is documented as {dx[0]}.",
                f"Diagnoses included {dx_text}.",
            ),
        )
    )
    tx = rng.sample(TREATMENTS, k=3)
    out.append(
        pick(
            rng,
            (
                f"Treatment to date has included {tx[0]}, {tx[1]}, and {tx[2]}.",
                f"Prior treatments included {tx[0]}, {tx[1]} and {tx[2]}.",
                f"{p.His} past treatments included {tx[0]} and {tx[1]}.",
            ),
        )
    )
    first = max(injury + dt.timedelta(days=1), ur - dt.timedelta(days=400))
    span = max((ur - first).days, 2)
    k_visits = rng.choice((1, 2, 2, 3))
    visits = sorted({first + dt.timedelta(days=rng.randrange(0, span)) for _ in range(k_visits)})
    for v in visits:
        dv = fmt_date(v, style)
        out.append(
            pick(
                rng,
                (
                    f"On {dv}, {person} presented with complaints of {complaint}.",
                    f"According to the progress note dated {dv}, {p.he} reported {complaint} rated "
                    f"{rng.randint(4, 9)}/10.",
                    f"In a progress report dated {dv}, {person} complained of {complaint}.",
                    f"The progress report dated {dv} indicates that {person}'s symptoms "
                    "were unchanged.",
                ),
            )
        )
        if rng.random() < 0.7:
            out.append(
                pick(
                    rng,
                    (
                        f"Physical examination revealed {pick(rng, FINDINGS)}.",
                        f"On examination, there was {pick(rng, FINDINGS)}.",
                        f"The physical examination indicated {pick(rng, FINDINGS)}.",
                    ),
                )
            )
    items = items_phrase(drafts, rng)
    out.append(
        pick(
            rng,
            (
                f"The treatment plan included {items}.",
                f"The treating physician requested {items}.",
                f"A request for authorization was submitted for {items}.",
                f"The treater is requesting {items}.",
            ),
        )
    )
    ur_style = style if rng.random() < 0.8 else "long"
    d_ur = fmt_date(ur, ur_style)
    out.append(
        pick(
            rng,
            (
                f"On {d_ur}, Utilization Review non-certified the request for {items}.",
                f"The utilization review determination being challenged is dated {d_ur}.",
                f"In a Utilization Review report dated {d_ur}, the claims administrator "
                f"denied {items}.",
                f"The original Utilization Review ({d_ur}) non-certified the request.",
            ),
        )
    )
    return out


# --- rationales ------------------------------------------------------------------------------

GUIDE = {
    "opioid": (
        "The California MTUS Chronic Pain Medical Treatment Guidelines state that ongoing opioid "
        "management requires documentation of pain relief, functional status, appropriate "
        "medication use, and side effects.",
        "According to the MTUS, the 4 A's (analgesia, activities of daily living, adverse side "
        "effects, and aberrant drug-taking behaviors) should be monitored in patients on opioids.",
    ),
    "nsaid": (
        "The California MTUS guidelines state that NSAIDs are recommended as an option for short "
        "term symptomatic relief at the lowest dose for the shortest period.",
    ),
    "relaxant": (
        "The California MTUS guidelines recommend non-sedating muscle relaxants with caution as a "
        "second-line option for short-term treatment of acute exacerbations of chronic pain.",
        "Cyclobenzaprine is recommended as an option, using a short course of therapy; the "
        "effect is greatest in the first 4 days of treatment.",
    ),
    "topical": (
        "The California MTUS states that topical analgesics are largely experimental in use with "
        "few randomized controlled trials to determine efficacy or safety.",
        "Any compounded product that contains at least one drug (or drug class) that is not "
        "recommended is not recommended.",
    ),
    "aed": (
        "Antiepilepsy drugs are recommended for neuropathic pain; a good response is defined as "
        "a 50% reduction in pain and a moderate response as a 30% reduction.",
    ),
    "antidepressant": (
        "Antidepressants are recommended as a first-line option for neuropathic pain and as a "
        "possibility for non-neuropathic pain.",
    ),
    "ppi": (
        "The MTUS states that proton pump inhibitors are recommended for patients at "
        "intermediate or high risk for gastrointestinal events while taking NSAIDs.",
    ),
    "sleep": (
        "The Official Disability Guidelines state that sedative-hypnotics are recommended for "
        "short-term treatment of insomnia, generally 2 to 6 weeks.",
        "Benzodiazepines are not recommended for long-term use because long-term efficacy is "
        "unproven and there is a risk of dependence.",
    ),
    "imaging": (
        "ACOEM guidelines state that unequivocal objective findings that identify specific nerve "
        "compromise on the neurologic examination are sufficient evidence to warrant imaging.",
        "Special studies are not needed unless a 3 to 4 week period of conservative care and "
        "observation fails to improve symptoms.",
        "Repeat imaging is reserved for a significant change in symptoms and/or findings "
        "suggestive of significant pathology.",
    ),
    "emg": (
        "Electromyography, including H-reflex tests, may be useful to identify subtle, focal "
        "neurologic dysfunction in patients with symptoms lasting more than three or four weeks.",
    ),
    "uds": (
        "The guidelines recommend urine drug testing as an option to assess for the use or the "
        "presence of illegal drugs and to monitor compliance in patients on opioids.",
    ),
    "therapy": (
        "The MTUS recommends physical medicine with a fading of treatment frequency from up to 3 "
        "visits per week to 1 or less, plus active self-directed home physical medicine.",
        "Guidelines allow 9 to 10 visits over 8 weeks for myalgia and myositis, and 8 to 10 "
        "visits over 4 weeks for neuralgia, neuritis, and radiculitis.",
    ),
    "acu": (
        "The Acupuncture Medical Treatment Guidelines state that acupuncture is used as an option "
        "when pain medication is reduced or not tolerated; the time to produce functional "
        "improvement is 3 to 6 treatments.",
    ),
    "estim": (
        "A TENS unit is not recommended as a primary treatment modality, but a one-month "
        "home-based trial may be considered as a noninvasive option if used as an adjunct to a "
        "program of evidence-based functional restoration.",
    ),
    "dme": (
        "The Official Disability Guidelines recommend durable medical equipment generally if "
        "there is a medical need and if the device or system meets Medicare's definition of "
        "durable medical equipment.",
    ),
    "injection": (
        "Epidural steroid injections are recommended as an option for the treatment of "
        "radicular pain, defined as pain in a dermatomal distribution with corroborative findings "
        "of radiculopathy.",
        "Invasive techniques such as injections are of questionable merit; however, they may be "
        "considered in patients who have failed conservative care.",
    ),
    "facet": (
        "Facet joint injections are limited to patients with low-back pain that is non-radicular "
        "and at no more than two levels bilaterally.",
    ),
    "surgery": (
        "Referral for surgical consultation is indicated for patients who have activity "
        "limitation for more than four months plus existence of a surgical lesion and failure "
        "to increase range of motion after exercise programs.",
        "Surgery is recommended when there is clear clinical and imaging evidence of a lesion "
        "that has been shown to benefit in both the short and long term from surgical repair.",
    ),
    "psych": (
        "The guidelines recommend an initial trial of 3 to 4 psychotherapy visits over 2 weeks "
        "and, with evidence of objective functional improvement, a total of up to 6 to 10 visits.",
    ),
    "program": (
        "Functional restoration programs are recommended where there is access to programs with "
        "proven successful outcomes for patients with conditions that put them at risk of "
        "delayed recovery.",
    ),
    "homehealth": (
        "Home health services are recommended only for otherwise recommended medical treatment "
        "for patients who are homebound, on a part-time or intermittent basis.",
    ),
    "consult": (
        "The ACOEM guidelines state that the occupational health practitioner may refer to other "
        "specialists if a diagnosis is uncertain or extremely complex, or when the plan or course "
        "of care may benefit from additional expertise.",
    ),
    "generic": (
        "The California MTUS and ODG guidelines address this request.",
        "The guidelines support this treatment only when specific criteria are met.",
    ),
}
GROUP = {
    "opioid": "opioid",
    "nsaid": "nsaid",
    "relaxant": "relaxant",
    "topical": "topical",
    "compound": "topical",
    "aed": "aed",
    "antidepressant": "antidepressant",
    "ppi": "ppi",
    "sleep": "sleep",
    "benzo": "sleep",
    "imaging": "imaging",
    "emg": "emg",
    "uds": "uds",
    "pt": "therapy",
    "chiro": "therapy",
    "othertx": "therapy",
    "acu": "acu",
    "estim": "estim",
    "supplies": "estim",
    "dme": "dme",
    "ortho": "dme",
    "esi": "injection",
    "tpi": "injection",
    "jointinj": "injection",
    "shot": "injection",
    "facet": "facet",
    "surgery": "surgery",
    "spinesurgery": "surgery",
    "surgconsult": "consult",
    "em": "consult",
    "psycheval": "consult",
    "psychtx": "psych",
    "program": "program",
    "homehealth": "homehealth",
}
UPHELD_FACTS = (
    "The documentation submitted for review did not provide a clear rationale for the request.",
    "There was no documentation of objective functional improvement with prior treatment.",
    "The medical records did not document objective deficits that would support the request.",
    "There was no evidence of failure of an adequate course of conservative treatment.",
    "There was no documentation of a significant change in symptoms or findings suggestive of "
    "significant pathology.",
    "The request as submitted also failed to specify a body part for treatment.",
    "The clinical documentation lacked a current pain assessment with quantified pain levels.",
    "The number of sessions requested exceeds the guideline recommendations.",
    "The patient has been using this medication for an extended period without documented benefit.",
)
OVERTURNED_FACTS = (
    "The clinical documentation supports the medical necessity of the request.",
    "The treating physician documented objective findings consistent with the guideline criteria.",
    "The injured worker has failed an adequate course of conservative care, including "
    "medications and physical therapy.",
    "The records document a decrease in pain from 8/10 to 4/10 with improved ability to perform "
    "activities of daily living.",
    "There was documentation of a recent urine drug screen consistent with the prescribed "
    "medications and no aberrant behavior.",
    "The treating physician has provided medical documentation to explain why a home exercise "
    "program is not sufficient.",
)


def rationale(
    rng: random.Random,
    draft: Draft,
    service: str,
    upheld: bool,
    *,
    ancillary_of_denied: bool = False,
    partial_echo: str | None = None,
    glue: float = 0.0,
) -> list[str]:
    """The decision rationale as sentences, ending with the conclusion about ``service``."""
    if ancillary_of_denied:
        return [
            "As the requested surgical intervention is not medically necessary per the "
            "documentation, the requested ancillary service is not medically necessary."
        ]
    group = GROUP.get(draft.family, "generic")
    guide = GUIDE.get(group, GUIDE["generic"])
    out = []
    if rng.random() < 0.15:
        verdict = (
            "is not medically necessary or appropriate"
            if upheld
            else "is medically necessary and appropriate"
        )
        out.append(f"The requested {lower_first(service)} {verdict}.")
    out.extend(rng.sample(guide, k=2 if len(guide) > 1 and rng.random() < 0.4 else 1))
    facts = UPHELD_FACTS if upheld else OVERTURNED_FACTS
    out.extend(rng.sample(facts, k=rng.choice((1, 2, 2, 3))))
    if partial_echo:
        out.append(partial_echo)
    s = the_request_for(service)
    if upheld:
        out.append(
            pick(
                rng,
                (
                    f"As such, {s} is not medically necessary.",
                    f'Therefore, the request for "{service}" is not medically necessary.',
                    "Given the above, this request is not medically necessary.",
                    "Based on the above, the request is not medically necessary.",
                    f"As such, {s} is not medically necessary or appropriate.",
                ),
            )
        )
    else:
        out.append(
            pick(
                rng,
                (
                    f"As such, {s} is medically necessary.",
                    f"Therefore, {s} is medically necessary and appropriate.",
                    "Based on the above, the request is considered medically necessary and "
                    "appropriate.",
                    f"{cap(s)} is medically necessary.",
                ),
            )
        )
    return out


FRAMES = ("retrospective request for ", "prospective request for ", "request for ")


def the_request_for(service: str) -> str:
    """'the request for X', or 'the retrospective request for X' when X names its own frame."""
    low = service.lower()
    if low.startswith(FRAMES):
        return "the " + service[:1].lower() + service[1:]
    return "the request for " + lower_first(service)


def lower_first(s: str) -> str:
    if len(s) > 1 and s[1].isupper():
        return s  # "MRI", "EMG/NCV", "TENS"
    return s[:1].lower() + s[1:]


def join_sentences(rng: random.Random, sentences: Sequence[str], glue: float) -> str:
    """Join sentences; with probability ``glue`` a boundary loses its space ('2007.In')."""
    if not sentences:
        return ""
    parts = [sentences[0]]
    for s in sentences[1:]:
        sep = "" if glue and rng.random() < glue else pick(rng, (" ", " ", "  "))
        parts.append(sep + s)
    return "".join(parts)


# --- boilerplate -----------------------------------------------------------------------------

HOW_2014 = (
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no "
    "affiliation with the employer, employee, providers or the claims administrator.{cred} "
    "He/she has been in active clinical practice for more than five years and is currently "
    "working at least 24 hours a week in active practice. The expert reviewer was selected "
    "based on his/her clinical experience, education, background, and expertise in the same or "
    "similar specialties that evaluate and/or treat the medical condition and disputed "
    "{items}. He/she is familiar with governing laws and regulations, including the strength of "
    "evidence hierarchy that applies to Independent Medical Review determinations."
)
SUMMARY_INTRO = (
    "The expert reviewer developed the following clinical case summary based on a "
    "review of the case file, including all medical records:"
)
FINAL_DETERMINATION_INTRO = (
    "The Final Determination was based on decisions for the disputed "
    "items/services set forth below:"
)
NOTICE_INTRO = (
    "MAXIMUS Federal Services, Inc. has completed the Independent Medical Review (IMR) of the "
    "above workers' compensation case. This letter provides you with the IMR Final "
    "Determination and explains how the determination was made."
)
NOTICE_FINAL = {
    "UPHOLD": "This means we decided that none of the disputed items/services are medically "
    "necessary and appropriate.",
    "OVERTURN": "This means we decided that all of the disputed items/services are medically "
    "necessary and appropriate.",
    "PARTIALLY OVERTURN": "This means we decided that some of the disputed items/services are "
    "medically necessary and appropriate.",
}
NOTICE_BINDING = (
    "A detailed explanation of the decision for each of the disputed items/services is provided "
    "later in this letter. This determination is final and binding. If you disagree with this "
    "IMR Final Determination, you may file an appeal with the Workers' Compensation Appeals "
    "Board (WCAB) within 30 days of the date of this letter."
)
NOTICE_QUALS = (
    "The independent Medical Doctor who made the decision has no affiliation with the employer, "
    "employee, providers or the claims administrator. {cred} He/she has been in active clinical "
    "practice for more than five years and is currently working at least 24 hours a week in "
    "active practice. The Expert Reviewer was selected based on his/her clinical experience, "
    "education, background, and expertise in the same or similar specialties that evaluate "
    "and/or treat the medical condition and treatments and/or services at issue in the case."
)
DOCUMENTS = (
    "Application of Independent Medical Review",
    "Utilization Review Determination dated {ur}",
    "Medical records from the primary treating physician",
    "Employee medical records from the claims administrator",
    "Medical Treatment Utilization Schedule (MTUS)",
    "Progress reports and request for authorization",
)
