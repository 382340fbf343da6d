"""What a disputed service is, in the state's vocabulary (docs/vocabulary.md).

``classify`` applies the vocabulary's rules in order, first match wins, to the service text
alone. It also normalises the free-text requests doctors type, so it reads the usual
abbreviations (PT, ESI, MBB, EMG/NCS, UDS, w/o, C-spine ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from imr_search.model import Classification, Drug
from imr_search.parse.drugs import drug_classes, parse_drug, pharma_subcategory

Rule = tuple[str, str, re.Pattern[str]]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.VERBOSE)


def _normalise(service: str) -> str:
    """Lowercase, one space, abbreviations spelt out so one pattern covers every spelling."""
    text = re.sub(r"\s+", " ", service).strip().casefold()
    text = re.sub(r"\bw/o\b", "without", text)
    text = re.sub(r"\bw/", "with ", text)
    # "PT/PTT" and "PT/INR" are clotting tests, not physical therapy.
    text = re.sub(r"\bpt\s*/\s*(ptt|inr)\b", r"prothrombin/\1", text)
    # The specialty name is not a request for rehabilitation therapy.
    text = re.sub(r"physical medicine (?:and|&) rehab\w*", "pm&r", text)
    return text


# --- body region ----------------------------------------------------------------------------

_REGIONS: Final[tuple[tuple[str, str], ...]] = (
    ("cervical spine", r"cervical|c-?spine|\bc[1-7]\s*-\s*c?[1-7]\b|\bcesi\b|\bacdf\b"),
    ("thoracic spine", r"thoracic|t-?spine|dorsal spine|\bt(?:[1-9]|1[0-2])\s*-\s*t?\d{1,2}\b"),
    (
        "lumbar spine",
        r"lumbo-?sacral|lumbar|low(?:er)? back|l-?spine|\bl[1-5]\s*-\s*(?:l?[1-5]|s1)\b|\blesi\b",
    ),
    ("sacroiliac joint", r"sacroiliac|\bsi joints?\b|\bsij\b"),
    ("spine", r"\bspine\b|\bspinal\b|\bback\b"),
    ("brain", r"\bbrain\b"),
    ("head", r"\bhead\b|\bscalp\b|\bcranial\b|\bskull\b"),
    ("face", r"\bface\b|\bfacial\b"),
    ("jaw", r"\bjaws?\b|\btmj\b|temporomandibular"),
    ("neck", r"\bneck\b"),
    ("shoulder", r"shoulder|rotator cuff|acromi|\bslap\b|superior labral"),
    ("elbow", r"\belbows?\b|epicondyl|olecranon|cubital"),
    ("wrist", r"\bwrists?\b|carpal|distal radius"),
    ("forearm", r"forearm|\bradius\b|\bulna"),
    ("hand", r"\bhands?\b|fingers?\b|thumbs?\b|\bdigits?\b|\bpalm"),
    ("upper extremity", r"upper extremit|\barms?\b|\b[rlb]ue\b|\bues\b"),
    ("hip", r"\bhips?\b"),
    ("pelvis", r"\bpelvi[sc]\b"),
    ("thigh", r"\bthighs?\b|femur|femoral"),
    ("knee", r"\bknees?\b|patell|menisc"),
    ("leg", r"\blegs?\b|\bcalf\b|\bcalves\b|tibia|\bshins?\b"),
    ("ankle", r"\bankles?\b|achilles"),
    ("foot", r"\bfoot\b|\bfeet\b|\btoes?\b|\bheels?\b|plantar"),
    ("lower extremity", r"lower extremit|\b[rlb]le\b|\bles\b"),
    ("chest", r"\bchest\b"),
    ("abdomen", r"abdom|\bhernia"),
)
_REGION_PATTERNS = tuple((name, re.compile(p)) for name, p in _REGIONS)
# "Neck" in an imaging or spine request means the cervical spine, not the soft tissue.
_SPINE_CONTEXT = re.compile(
    r"\bmri\b|\bct\b|x-?ray|radiograph|\bspine\b|spinal|fusion|disc|epidural|facet|"
    r"discogra|myelogra|bone scan"
)


def body_region(text: str) -> str | None:
    """The first body region named (laterality dropped), in the vocabulary's terms."""
    t = _normalise(text)
    found: list[tuple[int, int, str]] = []
    for name, pattern in _REGION_PATTERNS:
        m = pattern.search(t)
        if m:
            found.append((m.start(), -len(m.group(0)), name))
    if not found:
        return None
    name = min(found)[2]
    if name == "neck" and _SPINE_CONTEXT.search(t):
        return "cervical spine"
    return name


# --- modality -------------------------------------------------------------------------------

# Priority order, not text order: "discogram with CT" is discography, "CT myelogram" is
# myelography, "MRI and x-ray" is an MRI request.
_MODALITIES: Final[tuple[tuple[str, str], ...]] = (
    ("discography", r"discogra"),
    ("myelography", r"myelogra"),
    ("urine drug test", r"urine drug|urine tox|\buds\b|\budt\b|drug (?:screen|test)|toxicology"),
    (
        "emg/ncv",
        r"\bemg|\bncv|\bncs\b|electromyogra|nerve conduction|electrodiagnostic|electroneuro",
    ),
    ("functional capacity evaluation", r"functional capacity|\bfce\b"),
    ("sleep study", r"sleep stud|polysomnogra"),
    ("thermography", r"thermogra"),
    ("dexa", r"\bdexa\b|\bdxa\b|bone densit"),
    ("bone scan", r"bone scan|scintigra"),
    ("pet", r"\bpet\b(?:\s*(?:scan|/ct))?"),
    ("mri", r"\bmri|\bmra\b|magnetic resonance|\bmr arthrogra"),
    ("ct", r"\bct\b|\bcat scan|computed tomograph"),
    ("x-ray", r"x-?rays?\b|\bxr\b|radiograph|plain films?|\bfilms?\b"),
    ("ultrasound", r"ultrasound|sonogra|doppler|\bduplex\b"),
    ("ecg", r"\becg\b|\bekg\b|electrocardiogra"),
    (
        "lab",
        r"\blabs?\b|laborator|blood (?:test|work|draw|panel)|\bcbc\b|\bcmp\b|\bbmp\b|"
        r"chem(?:istry)? panel|metabolic panel|lipid panel|prothrombin|\binr\b|urinalysis|"
        r"\bua\b|hemoglobin|\ba1c\b|liver function|\blft|thyroid|\btsh\b|\besr\b|"
        r"c-reactive|\bcrp\b|culture|patholog|genetic|\bdna\b|serum|"
        r"(?:blood|drug|vitamin \w+|testosterone|hormone) levels?\b",
    ),
    (
        "other",
        r"range of motion (?:test|measure)|computeri[sz]ed (?:rom|range)|videonystagmogra|"
        r"\bvng\b|audiogra|audiometr|stress test|echocardiogra|pulmonary function|"
        r"nerve fiber density|sudomotor|\bqst\b|quantitative sensory|holter|tilt table|"
        r"muscle testing|strength testing|evoked potential",
    ),
)
_MODALITY_PATTERNS = tuple((name, re.compile(p)) for name, p in _MODALITIES)
# Imaging used to guide a procedure, and ultrasound as a physiotherapy modality, are not tests.
_NOT_A_TEST = re.compile(
    r"(?:ultrasound|fluoroscop\w*|ct|x-?ray)[- ](?:guided|guidance)|under (?:ultrasound|"
    r"fluoroscop\w*|ct)(?: guidance)?|therapeutic ultrasound|ultrasound therapy"
)


def modality(text: str) -> str | None:
    """The kind of diagnostic test a text names, or None when it names none."""
    t = _NOT_A_TEST.sub(" ", _normalise(text))
    for name, pattern in _MODALITY_PATTERNS:
        if pattern.search(t):
            return name
    return None


_IMAGING = frozenset(
    {"mri", "ct", "x-ray", "ultrasound", "bone scan", "discography", "myelography", "pet", "dexa"}
)


def _test_subcategory(found: str) -> str:
    if found in _IMAGING:
        return "Imaging / Radiology"
    if found == "emg/ncv":
        return "EMG/NCV/NCS"
    if found in ("lab", "urine drug test"):
        return "Lab & Pathology"
    return "Other Diagnostic Tests"


# --- the rules ------------------------------------------------------------------------------

_ADJUNCT = _rx(
    r"""^associated\ surgical\ services?\b | \bpre-?\ ?op(?:erative(?:ly)?)?\b
    | \bpost-?\ ?op(?:erative(?:ly)?)?\b | \bperi-?operative | assistant\ surgeon
    | surgical\ assistant | \bco-?surgeon | (?:inpatient|hospital)\ (?:stay|admission)
    | length\ of\ stay | (?<!\d)\d++\ (?:-\ )?days?\ (?:inpatient|hospital\ stay)
    | after\ (?:the\ )?surgery"""
)
_INJECTION_WORDS = re.compile(r"inject|\bshots?\b|\binfusion|\bim\b|intramuscular|intra-articular")
_DMEPOS: Final[tuple[Rule, ...]] = (
    (
        "DMEPOS",
        "Supplies",
        # Supplies for a unit; "TENS unit with supplies" is the unit itself.
        _rx(r"""^(?!.*\bunit\b).*(?: electrodes? | batter(?:y|ies) | lead\ wires? | \bsupplies\b
            | dressings? | compression\ (?:stocking|garment|sleeve|hose)
            | (?:tens|stim\w*)\ (?:pads|patch))"""),
    ),
    (
        "DMEPOS",
        "Electrical Stimulation",
        _rx(r"""\btens\b | interferential | h-?wave | \bnmes\b | muscle\ stim | \bems\b
            | \be-?stim\w*\ unit | electrical\ (?:muscle\ )?stimulat\w*\ (?:unit|device)
            | electrical\ stimulator | sequential\ stimulator | \bif\ unit"""),
    ),
    (
        "DMEPOS",
        "Prosthetics/Orthotics",
        _rx(r"""\bbraces?\b | splints? | orthotic | orthos[ie]s | \bsupports?\b | \bcollar\b
            | insoles? | \bsling\b | ultrasling | (?:walking|cam|fracture)\ boot | corset
            | \bbinder\b | heel\ cups? | \bshoes?\b | prosthe"""),
    ),
    (
        "DMEPOS",
        "DME",
        _rx(r"""wheel\ ?chair | walker | \bcanes?\b | crutch | commode
            | (?:shower|bath)\w*\ (?:chair|bench)
            | hot/cold | cold\ therapy | cryotherapy\ unit | vascutherm | game\ ready | polar\ care
            | (?:ice|heat|thermal|cold|compression)\ (?:unit|machine|device|wrap)
            | exercise\ (?:kit|equipment|bike|ball) | mattress | hospital\ bed
            | traction\ (?:unit|device)
            | home\ traction | \bcpm\b | continuous\ passive | scooter | lift\ chair | toilet
            | grab\ bars? | reacher | pillow | durable\ medical | \bdme\b"""),
    ),
)
_INJECTIONS: Final[tuple[Rule, ...]] = (
    (
        "Injection",
        "Facet Injection",
        _rx(r"""facet | medial\ branch | \bmbb?s?\b | radiofrequency | \brfa\b | \brf\b
            | neurotomy | rhizotomy"""),
    ),
    (
        "Injection",
        "Injection",
        _rx(r"""inject | epidural | \b[lct]?esi\b | trigger\ point | \btpis?\b | \bblocks?\b
            | platelet | \bprp\b | \bshots?\b | prolotherapy | botox | botulinum | cortisone
            | transforaminal | aspiration"""),
    ),
)
_SURGERIES: Final[tuple[Rule, ...]] = (
    (
        "Surgery",
        "Surgical Consult",
        _rx(r"""surg\w*\ (?:consult|evaluation|referral|opinion)
            | (?:consult|referral)\w*\ (?:with|to)\ (?:an?\ )?(?:\w+\ )?surgeon
            | ortho\w*\ (?:consult|referral|evaluation)
            | neurosurg\w*\ (?:consult|referral|evaluation)"""),
    ),
    (
        "Surgery",
        "Spine",
        _rx(r"""fusion | discectomy | laminectomy | laminotomy | foraminotomy | spinal\ cord\ stim
            | \bscs\b | kyphoplasty | vertebroplasty | disc\ replacement | arthrodesis | \bacdf\b
            | corpectomy | [tpax]lif\b | (?:spine|spinal)\ surgery"""),
    ),
    ("Surgery", "Arthroscopic Surgery", _rx(r"arthroscop")),
    (
        "Surgery",
        "Non-arthroscopic Surgery",
        _rx(r"""surgery | surgical | \brepair | \brelease\b | replacement | arthroplasty | \borif\b
            | open\ reduction | osteotomy | excision | resection | hardware\ removal | removal\ of
            | reconstruction | tenodesis | debridement | amputation | fixation | fasciotomy
            | transposition | neurolysis | ectomy\b | plasty\b | under\ anesthesia | \bmua\b
            | decompression"""),
    ),
)
_THERAPIES: Final[tuple[Rule, ...]] = (
    (
        "Rehabilitation",
        "Chiropractic",
        _rx(r"chiro | manipulation | spinal\ adjust | \bcmt\b | osteopathic"),
    ),
    ("Rehabilitation", "Acupuncture", _rx(r"acupunct")),
    (
        "Rehabilitation",
        "Physical Therapy/Occupational Therapy (PT/OT)",
        _rx(r"""physical\ therap | \bpt\b | occupational\ therap | \bot\b | aqua | pool\ therapy
            | hydrotherapy | work\ (?:hardening|conditioning) | rehab | therapeutic\ exercise
            | physiotherap | home\ exercise"""),
    ),
    (
        "Rehabilitation",
        "Other Therapies",
        _rx(r"""massage | biofeedback | infrared | manual\ therap | electrical\ stim | e-?stim
            | shock\ ?wave | \beswt\b | hot\ packs? | cold\ packs? | \bheat\b | \bice\b | laser
            | iontophoresis | paraffin | traction | myofascial\ release | mobili[sz]ation
            | kinesio | diathermy | whirlpool | cryotherapy | ultrasound\ therapy
            | therapeutic\ ultrasound"""),
    ),
)
_LATER: Final[tuple[Rule, ...]] = (
    (
        "Psych Services",
        "Therapies",
        _rx(r"""psychotherap | \bcbt\b | cognitive\ behavio | counsel+ing | hypnotherap
            | relaxation\ training | psych\w*\ (?:session|therap|treatment|visits?\b)
            | group\ therap"""),
    ),
    (
        "Psych Services",
        "Evaluation & Management",
        _rx(r"psych | neuropsych"),
    ),
    (
        "Programs",
        "Programs",
        _rx(r"""functional\ restoration | \bfrp\b | multi-?disciplinary | inter-?disciplinary
            | pain\ program | \bhelp\b | detox | weight\ (?:loss|reduction) | \bgym\b
            | (?:pool|health\ club|fitness)\ membership | \bymca\b | program"""),
    ),
    (
        "Home Health",
        "Home Health",
        _rx(r"""home\ health | home\ care | nurs(?:e|ing) | caregiver | \baides?\b | \bsnf\b
            | home\ assistance | housekeeping | attendant\ care | in-?home"""),
    ),
    (
        "Transportation",
        "Transportation",
        _rx(r"transport | \btaxi | \buber\b | \brides?\b | mileage | ambulance | travel"),
    ),
    (
        "Evaluation & Management",
        "Dental Services",
        _rx(r"dental | dentist | \bteeth\b | \btooth\b | denture"),
    ),
    (
        "Evaluation & Management",
        "Medical Specialties",
        _rx(r"""visit | follow[-\ ]?up | \boffice\b | consult | referral | evaluation | \beval\b
            | appointment | specialist | management | clearance | \bpm&r\b | neurolog
            | internal\ medicine | podiatr | dermatolog | cardiolog | ophthalm | urolog
            | gastroenterolog | rheumatolog | pulmonolog | \bdoctor\b | physician"""),
    ),
)


def _first(rules: tuple[Rule, ...], text: str) -> tuple[str, str] | None:
    for category, subcategory, pattern in rules:
        if pattern.search(text):
            return category, subcategory
    return None


def _pharmaceutical(text: str, drug: Drug | None, test: str | None) -> tuple[str, str] | None:
    """Rule 2. A drug given by injection is an Injection, except viscosupplements."""
    if drug is None or test is not None:
        return None
    sub = pharma_subcategory(text, drug)
    if sub is None:
        return None
    if _INJECTION_WORDS.search(text) and sub != "Viscosupplementation":
        return None
    return "Pharmaceuticals", sub


def _surgery(text: str, region: str | None) -> tuple[str, str] | None:
    """Rule 6, with open surgery on the spine counted as Spine."""
    found = _first(_SURGERIES, text)
    spinal = region in ("cervical spine", "thoracic spine", "lumbar spine", "spine")
    if found and found[1] == "Non-arthroscopic Surgery" and spinal:
        return "Surgery", "Spine"
    return found


def possible_categories() -> frozenset[tuple[str, str]]:
    """Every (category, subcategory) pair ``classify`` can return."""
    rules = (*_DMEPOS, *_INJECTIONS, *_SURGERIES, *_THERAPIES, *_LATER)
    pairs = {(category, sub) for category, sub, _ in rules}
    pairs |= {("Diagnostic Testing", _test_subcategory(name)) for name, _ in _MODALITIES}
    pairs |= {("Pharmaceuticals", sub) for sub in drug_classes()}
    pairs.add(("Surgery", "Adjunct Surgical Services"))
    return frozenset(pairs)


_RETROSPECTIVE = re.compile(r"\bretro(?:spective(?:ly)?)?\b|\bdos\b|date of service")


_XRAY_WORDS = re.compile(r"x\s*-?\s*rays?|radiograph|plain\s+films?", re.I)


def classify(service: str) -> Classification:
    """Category, subcategory, region, modality, retrospective flag and drug of a service."""
    text = _normalise(service)
    region = body_region(text)
    test = modality(text)
    drug = parse_drug(text)
    if drug is not None and test == "x-ray" and not _XRAY_WORDS.search(text):
        test = None  # "Voltaren XR": extended release, not an x-ray
    retro = bool(_RETROSPECTIVE.search(text))
    if _ADJUNCT.search(text):
        return Classification("Surgery", "Adjunct Surgical Services", region, test, retro, drug)
    pharma = _pharmaceutical(text, drug, test)
    if pharma:
        return Classification(pharma[0], pharma[1], region, None, retro, drug)
    if test is not None:
        return Classification(
            "Diagnostic Testing", _test_subcategory(test), region, test, retro, None
        )
    steps: tuple[Callable[[], tuple[str, str] | None], ...] = (
        lambda: _first(_DMEPOS, text),
        lambda: _first(_INJECTIONS, text),
        lambda: _surgery(text, region),
        lambda: _first(_THERAPIES, text),
        lambda: _first(_LATER, text),
    )
    for step in steps:
        found = step()
        if found:
            return Classification(found[0], found[1], region, None, retro, None)
    return Classification(None, None, region, None, retro, None)
