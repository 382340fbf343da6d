"""The disputed services of the synthetic corpus, each drawn with its ground truth.

See :mod:`imr_synth.base` for the conventions; medications are in
:mod:`imr_synth.drugs`. ``Draft.template`` is the text with ``{n}`` where a count stands, so
a partly authorised request can be re-rendered with the authorised and the remaining counts.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from imr_search.model import Drug
from imr_synth.base import (
    ADJUNCT,
    DIAG,
    DMEPOS,
    INJ,
    PHARMA,
    REHAB,
    SURG,
    Draft,
    body_part,
    cap,
    for_the,
    freq,
    limb,
    pick,
    spine,
    therapy_region,
    title_words,
)
from imr_synth.data import tables
from imr_synth.drugs import drug_draft, viscosupplement

_DATA = tables("items")  # this module's tables: imr_synth/data/items.json

__all__ = ["ADJUNCT", "PHARMA", "SURG", "Draft", "drug_draft", "pick"]

# --- diagnostic testing ----------------------------------------------------------------------


def imaging(rng: random.Random) -> Draft:
    kind = rng.choices(
        ("mri", "ct", "xray", "us", "bone", "disco", "myelo", "pet", "dexa"),
        (58, 9, 20, 4, 2, 2, 1.5, 1, 1),
    )[0]
    if kind == "mri":
        if rng.random() < 0.03:
            phrase, region = "brain", "brain"
        else:
            phrase, region = body_part(rng)
            if region == "cervical spine" and rng.random() < 0.15:
                phrase = "neck"
        text = pick(rng, _DATA["imaging_1"])
        return _dx(rng, text, phrase, region, "mri", "imaging")
    if kind == "ct":
        phrase, region = body_part(rng, spine_share=0.6)
        text = pick(rng, _DATA["imaging_2"])
        return _dx(rng, text, phrase, region, "ct", "imaging")
    if kind == "xray":
        if rng.random() < 0.06:
            return _dx(
                rng,
                pick(rng, ("Chest x-ray", "Chest X-ray, 2 views")),
                "",
                "chest",
                "x-ray",
                "imaging",
            )
        phrase, region = body_part(rng, spine_share=0.5)
        views = rng.choice((2, 3, 4, 5))
        text = pick(
            rng,
            (
                "X-ray of the {r}",
                "X-rays of the {r}",
                f"X-ray of the {{r}} ({views} views)",
                f"{{R}} x-rays, {views} views",
                "Radiographs of the {r}",
                "Plain film x-rays of the {r}",
                "X-Ray {r}",
            ),
        )
        return _dx(rng, text, phrase, region, "x-ray", "imaging")
    if kind == "us":
        phrase, region = limb(rng, ("shoulder", "knee", "wrist", "elbow", "ankle"))
        text = pick(rng, ("Diagnostic ultrasound of the {r}", "Ultrasound of the {r}"))
        return _dx(rng, text, phrase, region, "ultrasound", "imaging")
    if kind == "bone":
        if rng.random() < 0.5:
            return _dx(rng, "Whole body bone scan", "", None, "bone scan", "imaging")
        phrase, region = body_part(rng)
        return _dx(rng, "Bone scan of the {r}", phrase, region, "bone scan", "imaging")
    if kind == "disco":
        which = rng.choice((("cervical spine", "Cervical"), ("lumbar spine", "Lumbar")))
        text = pick(
            rng,
            (
                f"Discogram with CT scan of the {which[0]}",
                f"{which[1]} discography at three levels",
                f"{which[1]} discogram",
            ),
        )
        return _dx(rng, text, "", which[0], "discography", "imaging")
    if kind == "myelo":
        return _dx(
            rng, "CT myelogram of the lumbar spine", "", "lumbar spine", "myelography", "imaging"
        )
    if kind == "pet":
        return _dx(
            rng, pick(rng, ("PET scan", "PET scan of the brain")), "", None, "pet", "imaging"
        )
    text = pick(rng, ("DEXA scan", "Bone density (DEXA) scan"))
    return _dx(rng, text, "", None, "dexa", "imaging")


def _dx(
    rng: random.Random,
    text: str,
    phrase: str,
    region: str | None,
    modality: str,
    family: str,
    sub: str = "Imaging / Radiology",
) -> Draft:
    if text == "PET scan of the brain":
        region = "brain"
    text = text.replace("{r}", phrase).replace("{R}", cap(phrase))
    if rng.random() < 0.15:
        text = title_words(text)
    return Draft(
        family=family,
        text=cap(text),
        category=DIAG,
        subcategory=sub,
        region=region,
        modality=modality,
    )


def emg(rng: random.Random) -> Draft:
    upper = rng.random() < 0.55
    ext = "upper" if upper else "lower"
    side = rng.choices(("bilateral ", "right ", "left ", ""), (60, 15, 15, 10))[0]
    plural = side in ("bilateral ", "")
    phrase = f"{side}{ext} extremit{'ies' if plural else 'y'}"
    test = pick(rng, _DATA["emg"])
    text = pick(rng, (f"{test} of the {phrase}", f"{test} {phrase}", f"{test} of {phrase}"))
    return _dx(rng, text, "", f"{ext} extremity", "emg/ncv", "emg", "EMG/NCV/NCS")


def lab(rng: random.Random) -> Draft:
    if rng.random() < 0.62:
        text = pick(rng, _DATA["lab_1"])
        return _dx(rng, text, "", None, "urine drug test", "uds", "Lab & Pathology")
    text = pick(rng, _DATA["lab_2"])
    return _dx(rng, text, "", None, "lab", "lab", "Lab & Pathology")


def other_dx(rng: random.Random) -> Draft:
    text, modality, family = rng.choice(
        (
            ("Functional capacity evaluation", "functional capacity evaluation", "fce"),
            ("Functional capacity evaluation (FCE)", "functional capacity evaluation", "fce"),
            ("Sleep study", "sleep study", "sleepdx"),
            ("Polysomnography (sleep study)", "sleep study", "sleepdx"),
            ("EKG", "ecg", "ecg"),
            ("Electrocardiogram (ECG)", "ecg", "ecg"),
            ("Computerized range of motion testing", "other", "otherdx"),
            ("Videonystagmography (VNG)", "other", "otherdx"),
            ("Thermography", "thermography", "otherdx"),
        )
    )
    return _dx(rng, text, "", None, modality, family, "Other Diagnostic Tests")


# --- rehabilitation --------------------------------------------------------------------------


def therapy(rng: random.Random, kind: str | None = None) -> Draft:
    if kind is None:
        kind = rng.choices(("pt", "chiro", "acu", "othertx"), (50, 20, 20, 10))[0]
    phrase, region = therapy_region(rng)
    where = for_the(phrase, rng)
    if kind == "pt":
        sub = "Physical Therapy/Occupational Therapy (PT/OT)"
        name = pick(rng, _DATA["therapy_1"])
        if rng.random() < 0.05:
            name, where, region = pick(rng, ("Work hardening", "Work conditioning")), "", None
    elif kind == "chiro":
        sub = "Chiropractic"
        name = pick(rng, _DATA["therapy_2"])
    elif kind == "acu":
        sub = "Acupuncture"
        name = pick(rng, _DATA["therapy_3"])
    else:
        sub = "Other Therapies"
        name = pick(rng, _DATA["therapy_4"])
        if name == "Extracorporeal shockwave therapy":
            phrase, region = limb(rng, ("shoulder", "elbow", "foot"))
            where = for_the(phrase, rng)
    fam = kind
    style = rng.random()
    if style < 0.45:
        f, n = freq(rng)
        text = pick(rng, (f"{name} {f}{where}", f"{name}, {f},{where.lstrip(',')}"))
        text = text.replace(",,", ",").rstrip(", ")
        return Draft(family=fam, text=cap(text), category=REHAB, subcategory=sub, region=region)
    n = rng.choice((6, 8, 12, 6, 10, 18, 24, 4))
    forms = (
        f"{name}, {{n}} sessions{where}",
        f"{name} x{{n}}{where}",
        f"{name} #{{n}}{where}",
        f"{{n}} sessions of {name.lower()}{where}",
        f"{name} {{n}} visits{where}",
    )
    template = pick(rng, forms)
    if template.startswith("{n}") and name.startswith(("Initial", "Additional", "Outpatient")):
        template = f"{name}, {{n}} sessions{where}"
    return Draft(
        family=fam,
        text=cap(template.replace("{n}", str(n))),
        category=REHAB,
        subcategory=sub,
        region=region,
        template=cap(template),
        count=n,
    )


BUNDLE_THERAPIES: tuple[tuple[str, ...], ...] = _DATA["BUNDLE_THERAPIES"]


def therapy_bundle(rng: random.Random, k: int) -> list[Draft]:
    """The real "Four sessions of X two times a week times 2 weeks" letters, one item per X."""
    count, words = rng.choice(((4, "Four"), (6, "Six"), (8, "Eight"), (12, "Twelve")))
    per_week = 2 if count in (4, 8, 12) else 3
    weeks = count // per_week
    phrase, region = ("", None) if rng.random() < 0.6 else spine(rng)
    where = for_the(phrase, rng)
    chosen = rng.sample(BUNDLE_THERAPIES, min(k, len(BUNDLE_THERAPIES)))
    out = []
    for name, sub, fam in chosen:
        text = f"{words} sessions of {name} two times a week times {weeks} weeks{where}"
        if per_week == 3:
            text = f"{words} sessions of {name} three times a week times {weeks} weeks{where}"
        out.append(Draft(family=fam, text=text, category=REHAB, subcategory=sub, region=region))
    return out


# --- DMEPOS ----------------------------------------------------------------------------------


def dmepos(rng: random.Random) -> Draft:
    kind = rng.choices(("estim", "ortho", "supplies", "dme"), (38, 26, 8, 28))[0]
    if kind == "estim":
        text = pick(rng, _DATA["dmepos_1"])
        region: str | None = None
        if rng.random() < 0.25:
            phrase, region = body_part(rng, spine_share=0.7)
            text += for_the(phrase, rng)
        return _equip(rng, text, "Electrical Stimulation", region, "estim")
    if kind == "supplies":
        text = pick(rng, _DATA["dmepos_2"])
        return _equip(rng, text, "Supplies", None, "supplies")
    if kind == "ortho":
        choice = rng.random()
        if choice < 0.3:
            text, region = (
                pick(rng, _DATA["dmepos_3"]),
                "lumbar spine",
            )
        elif choice < 0.38:
            text, region = pick(rng, ("Cervical collar", "Soft cervical collar")), "cervical spine"
        elif choice < 0.85:
            phrase, region = limb(rng, ("knee", "wrist", "ankle", "shoulder", "elbow"))
            noun = {
                "knee": "brace",
                "wrist": "splint",
                "ankle": "brace",
                "shoulder": "brace",
                "elbow": "brace",
            }[region]
            text = pick(
                rng,
                (
                    f"{cap(phrase)} {noun}",
                    f"Hinged {noun} for the {phrase}",
                    f"{cap(noun)} for the {phrase}",
                ),
            )
        else:
            text, region = (
                pick(rng, _DATA["dmepos_4"]),
                "foot",
            )
        return _equip(rng, text, "Prosthetics/Orthotics", region, "ortho")
    choice = rng.random()
    region = None
    if choice < 0.12:
        text = "Standard wheelchair for a {n} month rental"
    elif choice < 0.2:
        text = "Purchase of a bedside 3 in 1 commode"
    elif choice < 0.28:
        text = "Purchase of a bath/shower chair"
    elif choice < 0.4:
        text = pick(rng, ("Front-wheeled walker", "Four-wheeled walker with seat"))
    elif choice < 0.46:
        text = "Single point cane"
    elif choice < 0.62:
        text = pick(rng, ("Hot/cold therapy unit", "Hot and cold therapy unit for home use"))
    elif choice < 0.72:
        phrase, region = body_part(rng, spine_share=0.6)
        text = f"Home exercise kit for the {phrase}"
    elif choice < 0.8:
        text, region = (
            pick(rng, ("Cervical traction unit for home use", "Home cervical traction unit")),
            "cervical spine",
        )
    elif choice < 0.86:
        text, region = "Home lumbar traction unit", "lumbar spine"
    elif choice < 0.92:
        phrase, region = limb(rng, ("knee",))
        text = f"CPM machine rental for {{n}} days for the {phrase}"
    else:
        text = pick(rng, ("Orthopedic mattress", "Adjustable bed", "Motorized scooter"))
    return _equip(rng, text, "DME", region, "dme")


def _equip(rng: random.Random, text: str, sub: str, region: str | None, family: str) -> Draft:
    template = None
    n = None
    if "{n}" in text:
        if "month rental" in text:
            n = rng.choice((3, 2, 6))
        elif "days" in text:
            n = rng.choice((21, 14, 30))
        else:
            n = rng.choice((2, 4, 8, 12))
        template = cap(text)
        text = text.replace("{n}", str(n))
    rental = text.startswith("Purchase of a ")
    return Draft(
        family=family,
        text=cap(text),
        category=DMEPOS,
        subcategory=sub,
        region=region,
        template=template,
        count=n,
        rental=rental,
    )


# --- injections ------------------------------------------------------------------------------


def injection(rng: random.Random) -> Draft:
    region: str | None
    if rng.random() < 0.26:
        which = rng.choices(("Lumbar", "Cervical"), (75, 25))[0]
        region = "lumbar spine" if which == "Lumbar" else "cervical spine"
        lv = (
            pick(rng, ("L3-4, L4-5", "L4-L5 and L5-S1", "L4-5, L5-S1"))
            if which == "Lumbar"
            else pick(rng, ("C4-5, C5-6", "C5-C6 and C6-C7"))
        )
        side = pick(rng, ("Bilateral ", "Right ", "Left ", ""))
        text = pick(
            rng,
            (
                f"{side}{which.lower()} facet joint injections at {lv}",
                f"{which} facet joint injections, {lv}",
                f"{side}{which.lower()} medial branch block at {lv}",
                f"{which} medial branch blocks, {side.strip().lower() or 'bilateral'} {lv}",
                f"Radiofrequency ablation of the {which.lower()} facets at {lv}",
                f"{which} radiofrequency neurotomy, {lv}",
                f"{which} rhizotomy at {lv}",
            ),
        )
        return Draft(
            family="facet",
            text=cap(text.strip()),
            category=INJ,
            subcategory="Facet Injection",
            region=region,
        )
    r = rng.random()
    if r < 0.45:
        which = rng.choices(("Lumbar", "Cervical", "Thoracic"), (70, 25, 5))[0]
        region = f"{which.lower()} spine"
        lv = {
            "Lumbar": pick(rng, ("L4-L5", "L5-S1", "L4-5 and L5-S1")),
            "Cervical": pick(rng, ("C5-C6", "C6-7", "C5-6 and C6-7")),
            "Thoracic": "T10-T11",
        }[which]
        text = pick(
            rng,
            (
                f"{which} epidural steroid injection at {lv}",
                f"{which} epidural steroid injection (ESI) at {lv}",
                f"{pick(rng, ('Right', 'Left', 'Bilateral'))} {lv} transforaminal epidural "
                f"steroid injection to the {which.lower()} spine",
                f"{which} ESI, {lv}",
                f"Interlaminar {which.lower()} epidural steroid injection",
            ),
        )
        fam = "esi"
    elif r < 0.6:
        which = rng.choices(("lumbar", "cervical"), (60, 40))[0]
        region = f"{which} spine"
        text = pick(
            rng,
            (
                f"Trigger point injections to the {which} paraspinal muscles",
                f"Trigger point injections x{rng.choice((2, 3, 4))} to the {which} "
                "paraspinal muscles",
            ),
        )
        fam = "tpi"
    elif r < 0.85:
        phrase, region = limb(rng, ("knee", "shoulder", "hip", "wrist", "elbow", "ankle"))
        text = pick(
            rng,
            (
                f"{cap(phrase)} corticosteroid injection",
                f"Cortisone injection to the {phrase}",
                f"Steroid injection, {phrase}",
                f"Platelet-rich plasma (PRP) injection, {phrase}",
                f"Ultrasound guided injection to the {phrase}",
            ),
        )
        fam = "jointinj"
        if rng.random() < 0.15:
            side = pick(rng, ("Right", "Left"))
            text, region = f"{side} sacroiliac joint injection", "sacroiliac joint"
    else:
        text, region = (
            pick(rng, _DATA["injection"]),
            None,
        )
        fam = "shot"
    return Draft(family=fam, text=cap(text), category=INJ, subcategory="Injection", region=region)


# --- surgery ---------------------------------------------------------------------------------


def surgery(rng: random.Random) -> Draft:
    kind = rng.choices(("arthro", "open", "spine", "consult"), (34, 26, 22, 18))[0]
    if kind == "arthro":
        phrase, region = limb(rng, ("shoulder", "knee", "wrist", "hip", "ankle"))
        phrase = phrase.replace("bilateral ", "right ")
        if phrase.endswith("s") and region != "shoulder":
            phrase = phrase[:-1]
        procs = {
            "shoulder": _DATA["surgery_1"],
            "knee": _DATA["surgery_2"],
            "wrist": ("with TFCC debridement",),
            "hip": ("with labral repair",),
            "ankle": ("with debridement",),
        }[region]
        text = pick(
            rng,
            (
                f"{cap(phrase)} arthroscopy {pick(rng, procs)}",
                f"Arthroscopic surgery of the {phrase}",
                f"{cap(phrase)} arthroscopic surgery",
            ),
        )
        if phrase.endswith("shoulders"):
            text = text.replace("shoulders", "shoulder")
        return Draft(
            family="surgery",
            text=cap(text),
            category=SURG,
            subcategory="Arthroscopic Surgery",
            region=region,
        )
    if kind == "open":
        side = pick(rng, ("right", "left"))
        text, region = pick(
            rng,
            (
                (f"Open carpal tunnel release, {side} wrist", "wrist"),
                (f"{cap(side)} total knee arthroplasty", "knee"),
                (f"{cap(side)} total knee replacement", "knee"),
                (f"{cap(side)} total hip replacement", "hip"),
                (f"ORIF of the {side} ankle", "ankle"),
                (f"{cap(side)} trigger finger release", "hand"),
                (f"{cap(side)} elbow lateral epicondyle release", "elbow"),
                (f"Excision of ganglion cyst, {side} wrist", "wrist"),
                (f"{cap(side)} shoulder open rotator cuff repair", "shoulder"),
            ),
        )
        return Draft(
            family="surgery",
            text=text,
            category=SURG,
            subcategory="Non-arthroscopic Surgery",
            region=region,
        )
    if kind == "spine":
        text, region = pick(
            rng,
            (
                ("Lumbar fusion at L4-L5", "lumbar spine"),
                ("L5-S1 posterior lumbar interbody fusion", "lumbar spine"),
                ("Anterior cervical discectomy and fusion at C5-C6", "cervical spine"),
                ("Lumbar laminectomy and discectomy at L5-S1", "lumbar spine"),
                ("Lumbar microdiscectomy at L4-5", "lumbar spine"),
                ("Cervical disc replacement at C5-6", "cervical spine"),
                ("Spinal cord stimulator implantation", "spine"),
                ("Anterior and posterior lumbar fusion at L4-S1", "lumbar spine"),
            ),
        )
        return Draft(
            family="spinesurgery", text=text, category=SURG, subcategory="Spine", region=region
        )
    phrase, region = body_part(rng, spine_share=0.45)
    text = pick(
        rng,
        (
            f"Orthopedic surgical consultation for the {phrase}",
            f"Referral to an orthopedic surgeon for the {phrase}",
            f"Neurosurgical consultation for the {phrase}",
            f"Consultation with an orthopedic surgeon for the {phrase}",
        ),
    )
    return Draft(
        family="surgconsult",
        text=text,
        category=SURG,
        subcategory="Surgical Consult",
        region=region,
    )


def adjuncts(rng: random.Random, main: Draft, k: int) -> list[Draft]:
    """Associated surgical services for a surgery (pre-op, post-op, brace, stay, ...)."""
    region = main.region
    options: list[Callable[[], Draft]] = []

    def adj(
        text: str,
        region_: str | None = None,
        modality: str | None = None,
        drug: Drug | None = None,
        template: str | None = None,
        count: int | None = None,
        fam: str = "adjunct",
        qty: bool = False,
    ) -> Draft:
        return Draft(
            family=fam,
            text=text,
            category=SURG,
            subcategory=ADJUNCT,
            region=region_,
            modality=modality,
            drug=drug,
            template=template,
            count=count,
            count_is_quantity=qty,
        )

    n = rng.choice((12, 8, 16, 24))
    pt_form = pick(rng, _DATA["adjuncts_1"])
    options.append(lambda: adj(pt_form.replace("{n}", str(n)), template=pt_form, count=n))
    if region in ("shoulder", "knee", "wrist", "elbow", "ankle", "lumbar spine", "cervical spine"):
        noun = {"lumbar spine": "Lumbar", "cervical spine": "Cervical"}.get(region, cap(region))
        options.append(lambda: adj(f"Associated surgical service: {noun} brace", region))
    options.append(lambda: adj(pick(rng, _DATA["adjuncts_2"])))
    options.append(lambda: adj("Associated surgical service: Assistant surgeon"))
    options.append(
        lambda: adj(
            pick(
                rng,
                (
                    "Associated surgical service: 2 day inpatient stay",
                    "Associated surgical service: Inpatient stay x 3 days",
                ),
            )
        )
    )
    options.append(lambda: adj(pick(rng, _DATA["adjuncts_3"])))
    options.append(
        lambda: adj(
            pick(
                rng,
                ("Pre-op labs: CBC, BMP, PT/PTT", "Pre-operative labs", "Preoperative lab work"),
            ),
            modality="lab",
        )
    )
    options.append(
        lambda: adj(
            pick(rng, ("Pre-op chest x-ray", "Pre-operative chest x-ray")), "chest", "x-ray"
        )
    )
    options.append(lambda: adj(pick(rng, ("Pre-operative EKG", "Pre-op EKG")), modality="ecg"))
    options.append(
        lambda: adj(
            pick(
                rng,
                (
                    "Post-op front-wheeled walker",
                    "Associated surgical service: Front wheeled walker",
                ),
            )
        )
    )
    if region == "knee":
        options.append(lambda: adj("Post-operative CPM machine for 21 days"))
    q = rng.choice((30, 60))
    options.append(
        lambda: adj(
            f"Associated surgical service: Post-operative Norco 10/325mg #{q}",
            drug=Drug(
                name="hydrocodone/acetaminophen", brand="Norco", strength="10/325mg", quantity=q
            ),
        )
    )
    rng.shuffle(options)
    return [f() for f in options[:k]]


# --- everything else -------------------------------------------------------------------------


def psych(rng: random.Random) -> Draft:
    if rng.random() < 0.6:
        n = rng.choice((6, 8, 10, 12, 4))
        template = pick(rng, _DATA["psych_1"])
        return Draft(
            family="psychtx",
            text=template.replace("{n}", str(n)),
            category="Psych Services",
            subcategory="Therapies",
            template=template,
            count=n,
        )
    text = pick(rng, _DATA["psych_2"])
    return Draft(
        family="psycheval",
        text=text,
        category="Psych Services",
        subcategory="Evaluation & Management",
    )


def program(rng: random.Random) -> Draft:
    text = pick(rng, _DATA["program"])
    return Draft(family="program", text=text, category="Programs", subcategory="Programs")


def home_health(rng: random.Random) -> Draft:
    n = rng.choice((4, 6, 8))
    template = pick(rng, _DATA["home_health"])
    return Draft(
        family="homehealth",
        text=template.replace("{n}", str(n)),
        category="Home Health",
        subcategory="Home Health",
        template=template,
        count=n,
    )


def transport(rng: random.Random) -> Draft:
    text = pick(rng, _DATA["transport"])
    return Draft(
        family="transport", text=text, category="Transportation", subcategory="Transportation"
    )


def office(rng: random.Random) -> Draft:
    if rng.random() < 0.06:
        text = pick(rng, _DATA["office_1"])
        return Draft(
            family="dental",
            text=text,
            category="Evaluation & Management",
            subcategory="Dental Services",
        )
    region = None
    text = pick(rng, _DATA["office_2"])
    if "{r}" in text:
        phrase, region = spine(rng)
        text = text.replace("{r}", phrase)
    template = None
    n = None
    if "{n}" in text:
        n = rng.choice((3, 4, 6))
        template = text
        text = text.replace("{n}", str(n))
    return Draft(
        family="em",
        text=text,
        category="Evaluation & Management",
        subcategory="Medical Specialties",
        region=region,
        template=template,
        count=n,
    )


# --- the mix ---------------------------------------------------------------------------------

# (generator key, weight); pharmaceuticals are ~45% of all items once letter themes are mixed in
SINGLE_MIX: tuple[tuple[str, float], ...] = _DATA["SINGLE_MIX"]

MAKERS: dict[str, Callable[[random.Random], Draft]] = {
    "drug": drug_draft,
    "visco": viscosupplement,
    "imaging": imaging,
    "emg": emg,
    "lab": lab,
    "otherdx": other_dx,
    "therapy": therapy,
    "dmepos": dmepos,
    "injection": injection,
    "surgery": surgery,
    "psych": psych,
    "program": program,
    "homehealth": home_health,
    "transport": transport,
    "office": office,
}


def one_service(rng: random.Random, dos: str | None = None) -> Draft:
    key = rng.choices(SINGLE_MIX, [w for _, w in SINGLE_MIX])[0][0]
    if key == "drug":
        return drug_draft(rng, dos=dos)
    d = MAKERS[key](rng)
    if dos is not None and d.category in (DIAG, DMEPOS, INJ) and rng.random() < 0.06:
        form = rng.random()
        if form < 0.5:
            d.text = "Retrospective " + d.text[:1].lower() + d.text[1:]
            if d.template:
                d.template = "Retrospective " + d.template[:1].lower() + d.template[1:]
        elif form < 0.75:
            d.text = "Retrospective request for " + d.text[:1].lower() + d.text[1:]
            d.template = None
        else:
            d.text = f"{d.text} (DOS: {dos})"
            d.template = None
        d.retrospective = True
    return d
