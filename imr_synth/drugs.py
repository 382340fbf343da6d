"""Medication requests of the synthetic corpus ("Norco 10/325mg #120 with 2 refills").

Names, brands and classes follow ``docs/vocabulary.md``: brands are only those the vocabulary
maps to a generic, classes are its Pharmaceuticals subcategories.
"""

from __future__ import annotations

import random

from imr_search.model import Drug
from imr_synth.base import PHARMA, Draft, cap, limb, pick

# --- pharmaceuticals -------------------------------------------------------------------------

# (as written, generic, brand, subcategory, strengths as written, quantities, forms)
DrugRow = tuple[str, str, str | None, str, tuple[str, ...], tuple[int, ...], tuple[str, ...]]
OPIOIDS: tuple[DrugRow, ...] = (
    (
        "Norco",
        "hydrocodone/acetaminophen",
        "Norco",
        "Opioids",
        ("10/325mg", "7.5/325mg", "5/325mg"),
        (60, 90, 120, 180, 30),
        ("",),
    ),
    (
        "Hydrocodone/APAP",
        "hydrocodone/acetaminophen",
        None,
        "Opioids",
        ("10/325mg", "5/325mg", "7.5/325mg"),
        (60, 90, 120),
        ("",),
    ),
    (
        "Hydrocodone/Acetaminophen",
        "hydrocodone/acetaminophen",
        None,
        "Opioids",
        ("10/325mg", "5/325mg"),
        (60, 90, 120),
        ("",),
    ),
    ("Vicodin", "hydrocodone/acetaminophen", "Vicodin", "Opioids", ("5/300mg",), (60, 90), ("",)),
    (
        "Percocet",
        "oxycodone/acetaminophen",
        "Percocet",
        "Opioids",
        ("10/325mg", "5/325mg"),
        (60, 90, 120),
        ("",),
    ),
    (
        "Oxycodone",
        "oxycodone",
        None,
        "Opioids",
        ("5mg", "10mg", "15mg", "30mg"),
        (60, 90, 120),
        ("",),
    ),
    ("OxyContin", "oxycodone", "Oxycontin", "Opioids", ("10mg", "20mg", "40mg"), (60, 90), ("",)),
    ("Tramadol", "tramadol", None, "Opioids", ("50mg",), (60, 90, 120), ("",)),
    ("Tramadol ER", "tramadol", None, "Opioids", ("100mg", "150mg", "200mg"), (30, 60), ("",)),
    ("Ultram", "tramadol", "Ultram", "Opioids", ("50mg",), (60, 90, 120), ("",)),
    ("Ultram ER", "tramadol", "Ultram", "Opioids", ("100mg", "200mg"), (30, 60), ("",)),
    (
        "Ultracet",
        "tramadol/acetaminophen",
        "Ultracet",
        "Opioids",
        ("37.5/325mg",),
        (60, 90, 120),
        ("",),
    ),
    ("Nucynta", "tapentadol", "Nucynta", "Opioids", ("50mg", "75mg", "100mg"), (60, 90), ("",)),
    ("Nucynta ER", "tapentadol", "Nucynta", "Opioids", ("100mg", "150mg"), (60,), ("",)),
    ("Morphine ER", "morphine", None, "Opioids", ("15mg", "30mg"), (60, 90), ("",)),
    ("Hydromorphone", "hydromorphone", None, "Opioids", ("2mg", "4mg"), (60, 90), ("",)),
    ("Methadone", "methadone", None, "Opioids", ("10mg", "5mg"), (90, 120), ("",)),
)
NSAIDS: tuple[DrugRow, ...] = (
    ("Ibuprofen", "ibuprofen", None, "NSAID", ("800mg", "600mg"), (60, 90), ("",)),
    ("Naproxen", "naproxen", None, "NSAID", ("550mg", "500mg"), (60, 90), ("",)),
    ("Anaprox DS", "naproxen", "Anaprox", "NSAID", ("550mg",), (60, 90), ("",)),
    ("Naprosyn", "naproxen", "Naprosyn", "NSAID", ("500mg",), (60,), ("",)),
    ("Diclofenac ER", "diclofenac", None, "NSAID", ("100mg",), (30, 60), ("",)),
    ("Diclofenac", "diclofenac", None, "NSAID", ("75mg", "50mg"), (60, 90), ("",)),
    ("Voltaren XR", "diclofenac", "Voltaren", "NSAID", ("100mg",), (30, 60), ("",)),
    ("Meloxicam", "meloxicam", None, "NSAID", ("15mg", "7.5mg"), (30, 60), ("",)),
    ("Mobic", "meloxicam", "Mobic", "NSAID", ("15mg", "7.5mg"), (30, 60), ("",)),
    ("Celebrex", "celecoxib", "Celebrex", "NSAID", ("200mg", "100mg"), (30, 60), ("",)),
    ("Celecoxib", "celecoxib", None, "NSAID", ("200mg",), (30, 60), ("",)),
    ("Nabumetone", "nabumetone", None, "NSAID", ("750mg", "500mg"), (60, 90), ("",)),
    ("Etodolac", "etodolac", None, "NSAID", ("400mg", "500mg"), (60,), ("",)),
)
RELAXANTS: tuple[DrugRow, ...] = (
    (
        "Cyclobenzaprine",
        "cyclobenzaprine",
        None,
        "Muscle Relaxant",
        ("7.5mg", "10mg", "5mg"),
        (30, 60, 90),
        ("",),
    ),
    (
        "Flexeril",
        "cyclobenzaprine",
        "Flexeril",
        "Muscle Relaxant",
        ("10mg", "7.5mg"),
        (30, 60, 90),
        ("",),
    ),
    ("Fexmid", "cyclobenzaprine", "Fexmid", "Muscle Relaxant", ("7.5mg",), (60, 90), ("",)),
    ("Tizanidine", "tizanidine", None, "Muscle Relaxant", ("4mg", "2mg"), (60, 90), ("",)),
    ("Zanaflex", "tizanidine", "Zanaflex", "Muscle Relaxant", ("4mg",), (60, 90), ("",)),
    ("Carisoprodol", "carisoprodol", None, "Muscle Relaxant", ("350mg",), (60, 90), ("",)),
    ("Soma", "carisoprodol", "Soma", "Muscle Relaxant", ("350mg", "250mg"), (60, 90), ("",)),
    (
        "Methocarbamol",
        "methocarbamol",
        None,
        "Muscle Relaxant",
        ("750mg", "500mg"),
        (60, 90),
        ("",),
    ),
    ("Baclofen", "baclofen", None, "Muscle Relaxant", ("10mg", "20mg"), (60, 90), ("",)),
    ("Orphenadrine ER", "orphenadrine", None, "Muscle Relaxant", ("100mg",), (60,), ("",)),
)
TOPICALS: tuple[DrugRow, ...] = (
    (
        "Lidoderm",
        "lidocaine",
        "Lidoderm",
        "Topical Analgesics",
        ("5%",),
        (30, 60, 90),
        (" patch", " patches"),
    ),
    (
        "Lidocaine",
        "lidocaine",
        None,
        "Topical Analgesics",
        ("5%",),
        (30, 60),
        (" patches", " patch"),
    ),
    ("Lidocaine ointment", "lidocaine", None, "Topical Analgesics", ("5%",), (), ("",)),
    ("Voltaren gel", "diclofenac", "Voltaren", "Topical Analgesics", ("1%",), (), ("",)),
    ("Diclofenac gel", "diclofenac", None, "Topical Analgesics", ("1%", "3%"), (), ("",)),
    ("Capsaicin cream", "capsaicin", None, "Topical Analgesics", ("0.075%", "0.025%"), (), ("",)),
    (
        "Menthol/Methyl Salicylate cream",
        "menthol/methyl salicylate",
        None,
        "Topical Analgesics",
        (),
        (),
        ("",),
    ),
)
AEDS: tuple[DrugRow, ...] = (
    (
        "Gabapentin",
        "gabapentin",
        None,
        "Anti-epilepsy drugs",
        ("300mg", "600mg", "100mg", "800mg"),
        (60, 90, 120),
        ("",),
    ),
    (
        "Neurontin",
        "gabapentin",
        "Neurontin",
        "Anti-epilepsy drugs",
        ("300mg", "600mg"),
        (90, 120),
        ("",),
    ),
    (
        "Lyrica",
        "pregabalin",
        "Lyrica",
        "Anti-epilepsy drugs",
        ("75mg", "50mg", "150mg"),
        (60, 90),
        ("",),
    ),
    ("Pregabalin", "pregabalin", None, "Anti-epilepsy drugs", ("75mg", "50mg"), (60,), ("",)),
    ("Topiramate", "topiramate", None, "Anti-epilepsy drugs", ("25mg", "50mg"), (60,), ("",)),
)
ANTIDEPRESSANTS: tuple[DrugRow, ...] = (
    ("Amitriptyline", "amitriptyline", None, "Antidepressant", ("25mg", "10mg"), (30, 60), ("",)),
    ("Elavil", "amitriptyline", "Elavil", "Antidepressant", ("10mg", "25mg"), (30,), ("",)),
    ("Duloxetine", "duloxetine", None, "Antidepressant", ("60mg", "30mg"), (30, 60), ("",)),
    ("Cymbalta", "duloxetine", "Cymbalta", "Antidepressant", ("60mg", "30mg"), (30, 60), ("",)),
    ("Nortriptyline", "nortriptyline", None, "Antidepressant", ("25mg", "10mg"), (30, 60), ("",)),
    ("Trazodone", "trazodone", None, "Antidepressant", ("50mg", "100mg"), (30, 60), ("",)),
    ("Sertraline", "sertraline", None, "Antidepressant", ("50mg", "100mg"), (30,), ("",)),
)
PPIS: tuple[DrugRow, ...] = (
    (
        "Omeprazole",
        "omeprazole",
        None,
        "Proton Pump Inhibitors",
        ("20mg", "40mg"),
        (30, 60, 90),
        ("",),
    ),
    ("Omeprazole DR", "omeprazole", None, "Proton Pump Inhibitors", ("20mg",), (30, 60), ("",)),
    ("Prilosec", "omeprazole", "Prilosec", "Proton Pump Inhibitors", ("20mg",), (30, 60), ("",)),
    (
        "Pantoprazole",
        "pantoprazole",
        None,
        "Proton Pump Inhibitors",
        ("40mg", "20mg"),
        (30, 60),
        ("",),
    ),
    (
        "Protonix",
        "pantoprazole",
        "Protonix",
        "Proton Pump Inhibitors",
        ("20mg", "40mg"),
        (60,),
        ("",),
    ),
    ("Esomeprazole", "esomeprazole", None, "Proton Pump Inhibitors", ("40mg",), (30,), ("",)),
    (
        "Nexium",
        "esomeprazole",
        "Nexium",
        "Proton Pump Inhibitors",
        ("40mg", "20mg"),
        (30, 60),
        ("",),
    ),
)
SLEEP: tuple[DrugRow, ...] = (
    ("Zolpidem", "zolpidem", None, "Sedative-hypnotics", ("10mg", "5mg"), (30,), ("",)),
    ("Ambien", "zolpidem", "Ambien", "Sedative-hypnotics", ("10mg", "5mg"), (30,), ("",)),
    ("Ambien CR", "zolpidem", "Ambien", "Sedative-hypnotics", ("12.5mg", "6.25mg"), (30,), ("",)),
    ("Eszopiclone", "eszopiclone", None, "Sedative-hypnotics", ("3mg", "2mg"), (30,), ("",)),
)
BENZOS: tuple[DrugRow, ...] = (
    ("Alprazolam", "alprazolam", None, "Benzodiazepine", ("0.5mg", "1mg"), (30, 60), ("",)),
    ("Xanax", "alprazolam", "Xanax", "Benzodiazepine", ("0.5mg", "1mg"), (30, 60), ("",)),
    ("Diazepam", "diazepam", None, "Benzodiazepine", ("5mg", "10mg"), (30, 60), ("",)),
    ("Valium", "diazepam", "Valium", "Benzodiazepine", ("10mg", "5mg"), (30,), ("",)),
    ("Clonazepam", "clonazepam", None, "Benzodiazepine", ("0.5mg", "1mg"), (30, 60), ("",)),
    ("Lorazepam", "lorazepam", None, "Benzodiazepine", ("1mg", "0.5mg"), (30, 60), ("",)),
)
OTHER_DRUGS: tuple[tuple[DrugRow, int], ...] = (
    (("Ondansetron", "ondansetron", None, "Antiemetic", ("4mg", "8mg"), (10, 20, 30), ("",)), 6),
    (("Ondansetron ODT", "ondansetron", None, "Antiemetic", ("8mg", "4mg"), (10, 30), ("",)), 4),
    (("Zofran", "ondansetron", "Zofran", "Antiemetic", ("8mg", "4mg"), (10, 20), ("",)), 4),
    (("Ranitidine", "ranitidine", None, "H2 Blocker", ("150mg", "300mg"), (60, 30), ("",)), 5),
    (("Famotidine", "famotidine", None, "H2 Blocker", ("20mg", "40mg"), (60, 30), ("",)), 3),
    (
        (
            "Acetaminophen",
            "acetaminophen",
            None,
            "Misc Analgesics",
            ("500mg", "325mg"),
            (60, 100),
            ("",),
        ),
        3,
    ),
    (("Docusate", "docusate", None, "GI Agents", ("100mg", "250mg"), (60, 100), ("",)), 4),
    (("Senna", "senna", None, "GI Agents", ("8.6mg",), (60, 100), ("",)), 3),
    (("Methylnaltrexone", "methylnaltrexone", None, "GI Agents", ("150mg",), (30,), ("",)), 1),
    (("Naloxegol", "naloxegol", None, "GI Agents", ("25mg", "12.5mg"), (30,), ("",)), 1),
    (("Naloxone nasal spray", "naloxone", None, "Opoid Antagonist", ("4mg",), (2,), ("",)), 1),
)

DRUG_CLASSES: tuple[tuple[str, tuple[DrugRow, ...], int], ...] = (
    ("opioid", OPIOIDS, 30),
    ("nsaid", NSAIDS, 13),
    ("relaxant", RELAXANTS, 15),
    ("topical", TOPICALS, 9),
    ("aed", AEDS, 9),
    ("antidepressant", ANTIDEPRESSANTS, 5),
    ("ppi", PPIS, 10),
    ("sleep", SLEEP, 4),
    ("benzo", BENZOS, 3),
    ("otherdrug", tuple(r for r, _ in OTHER_DRUGS), 4),
)
OTHER_DRUG_WEIGHTS = tuple(w for _, w in OTHER_DRUGS)

DOSING = (
    " 1 tablet every 6 hours as needed",
    " twice daily",
    " 1 tab PO BID",
    " one by mouth daily",
    " every 8 hours as needed",
    " TID",
)

SHORT_DATE_FORMATS = ("{m:02d}/{d:02d}/{y}", "{m}/{d}/{yy:02d}", "{m:02d}/{d:02d}/{yy:02d}")


def strength_forms(rng: random.Random, s: str) -> tuple[str, str]:
    """(as written, truth): '10/325mg' may be written '10/325 mg' or '10/325MG'."""
    truth = s.lower()
    for unit in ("mg", "mcg"):
        if s.endswith(unit):
            num = s[: -len(unit)]
            r = rng.random()
            if r < 0.18:
                return f"{num} {unit}", truth
            if r < 0.26:
                return f"{num}{unit.upper()}", truth
            if r < 0.30:
                return f"{num} {unit.upper()}", truth
    return s, truth


def drug_draft(rng: random.Random, cls: str | None = None, *, dos: str | None = None) -> Draft:
    """A medication request ("Norco 10/325mg #120 with 2 refills") and its truth."""
    if cls is None:
        cls = rng.choices(DRUG_CLASSES, [w for *_, w in DRUG_CLASSES])[0][0]
    rows = next(r for c, r, _ in DRUG_CLASSES if c == cls)
    if cls == "otherdrug":
        row = rng.choices(rows, OTHER_DRUG_WEIGHTS)[0]
    else:
        row = rows[rng.randrange(len(rows))]
    written, generic, brand, sub, strengths, quantities, forms = row
    name = written
    family = cls
    if cls == "topical" and rng.random() < 0.3:
        # compounded creams: name is the first ingredient
        combo = pick(
            rng,
            (
                ("Flurbiprofen/Cyclobenzaprine/Lidocaine", "flurbiprofen"),
                ("Ketoprofen/Gabapentin/Lidocaine", "ketoprofen"),
                ("Flurbiprofen/Baclofen/Lidocaine", "flurbiprofen"),
                ("Gabapentin/Amitriptyline/Capsaicin", "gabapentin"),
                ("Tramadol/Flurbiprofen", "tramadol"),
            ),
        )
        text_core, gen = combo
        fmt = pick(
            rng,
            (
                f"Compound cream: {text_core} 240gm",
                f"Compounded {text_core} cream 120gm",
                f"Topical compound {text_core} cream",
                f"Compounded topical cream ({text_core}), 180 grams",
            ),
        )
        return Draft(
            family="compound",
            text=fmt,
            category=PHARMA,
            subcategory="Topical Compounds",
            drug=Drug(name=gen, brand=None),
        )
    strength_w, strength_t = ("", None)
    if strengths and rng.random() < 0.95:
        strength_w, strength_t = strength_forms(rng, pick(rng, strengths))
    form = pick(rng, forms)
    qty: int | None = None
    refills: int | None = None
    qty_text = ""
    template_qty = ""
    if quantities and rng.random() < 0.9:
        qty = quantities[rng.randrange(len(quantities))]
        style = rng.random()
        if style < 0.72:
            qty_text, template_qty = f" #{qty}", " #{n}"
        elif style < 0.8:
            qty_text, template_qty = f", #{qty}", ", #{n}"
        elif style < 0.88:
            qty_text, template_qty = f" quantity {qty}", " quantity {n}"
        elif style < 0.94:
            qty_text, template_qty = f" Qty: {qty}", " Qty: {n}"
        else:
            qty_text, template_qty = f" # {qty}", " # {n}"
        if rng.random() < 0.12:
            refills = rng.choice((1, 2, 3, 5))
            word = "refill" if refills == 1 else "refills"
            tail = pick(
                rng, (f" with {refills} {word}", f" x{refills} {word}", f" + {refills} {word}")
            )
            qty_text += tail
            template_qty += tail
    elif cls == "topical" and not forms[0]:
        qty_text = pick(rng, (" 120gm", " 100gm", " 106.32gm", " 2 tubes", ""))
        template_qty = qty_text
    dosing = pick(rng, DOSING) if qty is not None and rng.random() < 0.1 else ""
    core = name + (f" {strength_w}" if strength_w else "") + form + dosing
    if cls == "topical" and name.endswith((" gel", " cream", " ointment")) and strength_w:
        # "Voltaren gel 1%" / "Lidocaine ointment 5%"
        core = name + f" {strength_w}" + dosing
    prefix, retro, suffix = request_frame(rng, dos)
    text = prefix + core + qty_text + suffix
    template = prefix + core + template_qty + suffix if qty is not None else None
    return Draft(
        family=family,
        text=cap(text),
        category=PHARMA,
        subcategory=sub,
        drug=Drug(name=generic, brand=brand, strength=strength_t, quantity=qty, refills=refills),
        retrospective=retro,
        template=cap(template) if template else None,
        count=qty,
        count_is_quantity=qty is not None,
    )


def request_frame(rng: random.Random, dos: str | None) -> tuple[str, bool, str]:
    """A prefix/suffix around a request, and whether it makes the request retrospective."""
    r = rng.random()
    if dos is not None and r < 0.07:
        return pick(rng, ("Retrospective request for ", "Retrospective ", "Retro: ")), True, ""
    if dos is not None and r < 0.10:
        return "", True, pick(rng, (f" (DOS: {dos})", f" DOS {dos}", f" (date of service {dos})"))
    if r < 0.16:
        return (
            pick(rng, ("Prospective request for 1 prescription of ", "1 prescription of ")),
            False,
            "",
        )
    if r < 0.2:
        return pick(rng, ("Request for ", "Prescription of ", "Prospective ")), False, ""
    return "", False, ""


def viscosupplement(rng: random.Random) -> Draft:
    side, _ = limb(rng, ("knee",))
    text = pick(
        rng,
        (
            f"Hyaluronic acid injection, {side}",
            f"Series of 3 hyaluronic acid injections for the {side}",
            f"Hyaluronic acid injections x3 to the {side}",
        ),
    )
    return Draft(
        family="visco",
        text=cap(text),
        category=PHARMA,
        subcategory="Viscosupplementation",
        region="knee",
        drug=Drug(name="hyaluronic acid"),
    )
