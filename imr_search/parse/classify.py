"""What a disputed service is, in the state's vocabulary (docs/vocabulary.md).

``classify`` applies the vocabulary's rules in order, first match wins, to the service text
alone. It also normalises the free-text requests doctors type, and reads each abbreviation of
the field's glossary (``data/abbreviations.json``, the file the filters and the query read too)
as its long form as well: "TKA" is classified as "total knee arthroplasty", "PSG" as
"polysomnography", so an abbreviation added to the file is understood here too. The rules'
own patterns still name the commonest short forms (PT, ESI, MBB, EMG/NCS, UDS ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from imr_search.glossary import long_forms_in
from imr_search.model import Classification, Drug
from imr_search.parse.drugs import drug_classes, parse_drug, pharma_subcategory
from imr_search.parse.regex import quick

Rule = tuple[str, str, re.Pattern[str]]


def _rx(pattern: str) -> re.Pattern[str]:
    return quick(pattern, re.VERBOSE)


_WITHOUT = re.compile(r"\bw/o\b")
_WITH = re.compile(r"\bw/")
# "PT/PTT" and "PT/INR" are clotting tests, not physical therapy.
_CLOTTING = re.compile(r"\bpt\s*/\s*(ptt|inr)\b")
# The specialty name is not a request for rehabilitation therapy.
_PM_R = re.compile(r"physical medicine (?:and|&) rehab\w*")
# "Hep C" is hepatitis, not HEP, the home exercise program.
_HEPATITIS = re.compile(r"\bhep\.?\s*([abc])\b")


def _spelt_out(text: str) -> tuple[str, list[tuple[int, str]]]:
    """``text`` (normalised) with the long form of each short form it uses on lines of their
    own, and those long forms with the place of their short form. A line apart keeps the
    rules' anchors (``^``) and ``.*`` on the service as written; regions read the long forms
    at their short form's place, so "MRI LE and hip" names the lower extremity first."""
    found = [(pos, _normalise(long)) for pos, long in long_forms_in(text)]
    if not found:
        return text, []
    return text + "".join(f"\n{long}" for _, long in found), found


def _normalise(service: str) -> str:
    """Lowercase, one space, abbreviations spelt out so one pattern covers every spelling."""
    # str.split() splits on exactly what ``\s`` matches. Each pattern below runs only when the
    # text holds a word it needs (most services hold none; every service is normalised twice).
    text = " ".join(service.split()).casefold()
    if "w/" in text:
        text = _WITH.sub("with ", _WITHOUT.sub("without", text))
    if "/" in text:
        text = _CLOTTING.sub(r"prothrombin/\1", text)
    if "rehab" in text:
        text = _PM_R.sub("pm&r", text)
    if "hep" in text:
        text = _HEPATITIS.sub(r"hepatitis \1", text)
    return text


# --- body region ----------------------------------------------------------------------------

_REGIONS: Final[tuple[tuple[str, str], ...]] = (
    (
        "cervical spine",
        r"cervical|c-?spine|\bc[1-7]\s*[-/]\s*c?[1-7]\b|\bc[1-7]\b|\bcesi\b|\bacdf\b",
    ),
    (
        "thoracic spine",
        r"thoracic|t-?spine|dorsal spine|\bt(?:[1-9]|1[0-2])\s*[-/]\s*t?\d{1,2}\b"
        r"|\bt1[0-2]\b|thoracolumb(?:ar|osacral)",
    ),
    (
        "lumbar spine",
        r"lumbo-?sacral|lumbar|low(?:er)? back|l-?spine|\bl[1-5]\s*[-/]\s*(?:l?[1-5]|s1)\b"
        r"|\bl[1-5]\b|\bs1\b|\blesi\b|\blso\b|\bback (?:support|brace|belt|orthos[ie]s)"
        r"|\b(?:ls|l/s) (?:spine|brace|support|orthosis)|thoracolumbar",
    ),
    ("sacroiliac joint", r"sacroiliac|\bsi joints?\b|\bsij\b"),
    ("spine", r"\bspine\b|\bspinal\b|\bback\b|\bparaspinal"),
    ("brain", r"\bbrain\b"),
    ("head", r"\bhead\b|\bscalp\b|\bcranial\b|\bskull\b|\boccipital\b"),
    ("face", r"\bface\b|\bfacial\b"),
    ("jaw", r"\bjaws?\b|\btmj\b|temporomandibular"),
    ("neck", r"\bneck\b"),
    ("shoulder", r"shoulder|rotator cuff|acromi|\bslap\b|superior labral"),
    ("elbow", r"\belbows?\b|epicondyl|olecranon|cubital"),
    ("wrist", r"\bwrists?\b|(?<!meta)carpal|distal radius|triangular fibrocartilage"),
    ("forearm", r"forearm|\bradius\b|\bulna\b"),
    ("hand", r"\bhands?\b|fingers?\b|thumbs?\b|\bdigits?\b|\bpalm|metacarpal"),
    ("upper extremity", r"upper extremit|\barms?\b|\b[rlb]ue\b|\bues\b"),
    ("hip", r"\bhips?\b"),
    ("pelvis", r"\bpelvi[sc]\b"),
    ("thigh", r"\bthighs?\b|femur|femoral"),
    ("knee", r"\bknees?\b|patell|menisc|cruciate"),
    ("leg", r"\blegs?\b|\bcalf\b|\bcalves\b|tibia|\bshins?\b"),
    ("ankle", r"\bankles?\b|achilles"),
    ("foot", r"\bfoot\b|\bfeet\b|\btoes?\b|\bheels?\b|plantar"),
    ("lower extremity", r"lower extremit|\b[rlb]le\b|\bles\b"),
    ("chest", r"\bchest\b"),
    ("abdomen", r"abdom|\bhernia"),
)
# ``quick``: each region's pattern is searched in every service (27 of them), most find
# nothing; a lookahead for their first characters skips the positions they cannot match.
_REGION_PATTERNS = tuple((name, quick(p)) for name, p in _REGIONS)
# Every value ``body_region`` can give (the region filter's vocabulary).
REGION_NAMES: Final[tuple[str, ...]] = tuple(name for name, _ in _REGIONS)
# "Neck" in an imaging or spine request means the cervical spine, not the soft tissue.
_SPINE_CONTEXT = re.compile(
    r"\bmri\b|\bct\b|x-?ray|radiograph|\bspine\b|spinal|fusion|disc|epidural|facet|"
    r"discogra|myelogra|bone scan"
)


_SPINAL = frozenset({"cervical spine", "thoracic spine", "lumbar spine"})


def body_regions(text: str) -> list[str]:
    """Every body region named, in the order written (laterality dropped), in the
    vocabulary's terms. ``spine`` (unspecified) only when no part of the spine is named."""
    t = _normalise(text)
    return _regions(t, _spelt_out(t)[1])


def _regions(t: str, long_forms: list[tuple[int, str]]) -> list[str]:
    found: list[tuple[int, int, str]] = []
    for name, pattern in _REGION_PATTERNS:
        for m in pattern.finditer(t):
            found.append((m.start(), -len(m.group(0)), name))
        for pos, long in long_forms:
            for m in pattern.finditer(long):
                found.append((pos, -len(m.group(0)), name))
    names = list(dict.fromkeys(name for _, _, name in sorted(found)))
    if long_forms:
        t = "\n".join([t, *(long for _, long in long_forms)])
    if "neck" in names and (_SPINE_CONTEXT.search(t) or _SPINAL & set(names)):
        names = list(dict.fromkeys("cervical spine" if n == "neck" else n for n in names))
    if _SPINAL & set(names):
        names = [n for n in names if n != "spine"]
    return names


def body_region(text: str) -> str | None:
    """The first body region named (see ``body_regions``)."""
    regions = body_regions(text)
    return regions[0] if regions else None


# --- modality -------------------------------------------------------------------------------

# Priority order, not text order: "discogram with CT" is discography, "CT myelogram" is
# myelography, "MRI and x-ray" is an MRI request.
_MODALITIES: Final[tuple[tuple[str, str], ...]] = (
    ("discography", r"discogra"),
    ("myelography", r"myelogra"),
    (
        "urine drug test",
        r"urine drug|urine tox|\buds\b|\budt\b|drug (?:screen|test)|toxicology"
        # In a workers' compensation request a bare "urine test" is a drug test.
        r"|\burine\b(?! ?(?:culture|analysis|alysis))|\burine$",
    ),
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
        r"\blabs?\b|laborator|blood (?:test|work|draw|panel|count)|\bcbc\b|\bcmp\b|\bbmp\b|"
        r"chem(?:istry)? panel|metabolic panel|lipid panel|prothrombin|\binr\b|urinalysis|"
        r"\bua\b|hemoglobin|\ba1c\b|liver function|\blft|thyroid|\btsh\b|\besr\b|"
        r"c-reactive|\bcrp\b|culture|patholog|genetic|\bdna\b|serum|"
        r"antibod\w* (?:test|panel|screen)|hepatitis (?:[abc] )?(?:panel|screen|test)|"
        r"(?:blood|drug|vitamin \w+|testosterone|hormone) levels?\b|function panel|"
        r"(?:hepatic|renal|kidney) function",
    ),
    (
        "other",
        r"range of motion (?:test|measure)|computeri[sz]ed (?:rom|range)|videonystagmogra|"
        r"\bvng\b|audiogra|audiometr|stress test|echocardiogra|pulmonary function|"
        r"nerve fiber density|sudomotor|\bqst\b|quantitative sensory|holter|tilt table|"
        r"muscle testing|strength testing|evoked potential|\beeg\b|electroencephalogra|"
        r"hearing test|vestibular test|\bqfce\b|impairment rating",
    ),
)
_MODALITY_PATTERNS = tuple((name, quick(p)) for name, p in _MODALITIES)
# Every value ``modality`` can give (the modality filter's vocabulary).
MODALITY_NAMES: Final[tuple[str, ...]] = tuple(name for name, _ in _MODALITIES)
# Imaging used to guide a procedure, and ultrasound as a physiotherapy modality, are not tests.
_NOT_A_TEST = re.compile(
    r"(?:ultrasound|fluoroscop\w*|ct|x-?ray)[- ](?:guided|guidance)|under (?:ultrasound|"
    r"fluoroscop\w*|ct)(?: guidance)?|therapeutic ultrasound|ultrasound therap\w*"
    # Ultrasound given in sessions is a physiotherapy modality: "pulsed ultrasound 2 times a
    # week", "ultrasound 1 times 8", "ultrasound treatments".
    r"|pulsed ultrasound|ultrasound (?:treatments?|sessions?|visits?)"
    r"|ultrasound,? (?:\d+|one|two|three|four|five|six) ?(?:x|times)\b"
    r"|ultrasound,? (?:\d+|one|two|three) (?:to \d+ )?(?:sessions|visits|treatments)"
)


def modality(text: str) -> str | None:
    """The kind of diagnostic test a text names, or None when it names none."""
    return _modality(_spelt_out(_normalise(text))[0])


def _modality(normalised: str) -> str | None:
    t = _NOT_A_TEST.sub(" ", normalised)
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
        # "TENS unit batteries", "electrodes for the IF unit" are supplies; "TENS unit with
        # supplies" and a unit's purchase, rental or trial are the unit.
        _rx(r"""^(?!.*\bunits?\ (?:with|and|plus|\+|&)\ (?:supplies|electrodes))
            (?!.*\b(?:purchase|rental|rent|trial)\b)
            .*(?: electrodes? | batter(?:y|ies) | lead\ wires? | \bsupplies\b
            | dressings? | compression\ (?:stocking|garment|sleeve|hose)
            | (?:tens|stim\w*)\ (?:pads|patch))"""),
    ),
    (
        "DMEPOS",
        "Electrical Stimulation",
        _rx(r"""\btens\b | transcutaneous\ electrical | interferential | h-?wave | \bnmes\b
            | muscle\ stim | \bems\b | multi-?stim | neuromuscular\ (?:electrical\ )?stimulat
            | \bstim\ unit
            | \be-?stim\w*\ unit | electrical\ (?:muscle\ )?stimulat\w*\ (?:unit|device)
            | electrical\ stimulator | sequential\ stimulator | \bif\ unit"""),
    ),
    (
        "DMEPOS",
        "Prosthetics/Orthotics",
        _rx(r"""\bbraces?\b | splints? | orthotic | orthos[ie]s | \bsupports?\b | \bcollar\b
            | insoles? | \bsling\b | ultrasling | (?:walking|cam|fracture)\ boot | corset
            | \bbinder\b | heel\ cups? | \bshoes?\b | prosthe | \bsleeves?\b | \bstraps?\b"""),
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
            | grab\ bars? | reacher | pillow | durable\ medical | \bdme\b
            | ergonomic | work\ ?station | sit[-\ /]?(?:to[-\ ])?stand | standing\ desk
            | \bdesk\b | office\ chair | \bchair\b | keyboard | headset | hearing\ aids?
            | \bbed\b | \bramp\b | stair\ ?lift | \bbidet | \bvehicle\ modification
            | home\ modification | hot\ tub | jacuzzi | paraffin\ (?:bath\ )?unit
            | inversion\ table | bone\ (?:growth\ )?stimulat
            | (?<![0-9]\ )\bunit\b
            | infrared\ (?:unit|device|lamp) | \bheating\ pad | \bice\ pack"""),
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
        _rx(r"""inject | epidural | \b(?:[lct]|tf|il)?esis?\b | \btfe\b | trigger\ point
            | \btpis?\b | \bblocks?\b | \bim\b | intramuscular
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
            | (?:consult\w*|referral|evaluation|visit)\ (?:to|with|by)\ (?:an?\ |the\ )?
              (?:orthopedist|orthopaedist|neurosurgeon)
            | neurosurg\w*\ (?:consult|referral|evaluation)
            | (?:transfer\ of\ care|referral|consult\w*|evaluation|visit|follow[-\ ]?up)
              \ (?:to|with|by)
              \ (?:an?\ |the\ )?(?:\w+\ ){0,2}surgeon
            | ^(?:an?\ )?(?:\w+\ )?surgeon\b"""),
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
            | physiotherap | home\ exercise | hand\ therap | speech\ therap"""),
    ),
    (
        "Rehabilitation",
        "Other Therapies",
        _rx(r"""massage | biofeedback | infrared | manual\ therap | electrical\ stim | e-?stim
            | shock\ ?wave | \beswt\b | hot\ packs? | cold\ packs? | \bheat\b | \bice\b | laser
            | iontophoresis | paraffin | traction | myofascial\ release | mobili[sz]ation
            | kinesio | diathermy | whirlpool | cryotherapy | ultrasound | \bstretching
            | soft\ tissue\ mobili | active\ release | dry\ needling | cupping | yoga
            | pilates | tai\ chi | \bmodalities\b | \blint\b | neurostimulation\ therap"""),
    ),
)
# Checked before equipment and therapies: "taxi to physical therapy" is the ride.
_TRANSPORT: Final[tuple[Rule, ...]] = (
    (
        "Transportation",
        "Transportation",
        _rx(r"transport | \btaxi | \buber\b | \brides?\b | mileage | ambulance | travel"),
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
            | home\ assistance | housekeeping | attendant\ care | in-?home | \brn\b | \blvn\b
            | \bhha\b | wound\ care | home\ visits?"""),
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
            | evaluat | physiatrist
            | internal\ medicine | podiatr | dermatolog | cardiolog | ophthalm | urolog
            | gastroenterolog | rheumatolog | pulmonolog | \bdoctor\b | physician
            | \bexam(?:ination)?s?\b | re-?exam | re-?evaluat | \bassessment | transfer\ of\ care
            | nurse\ practitioner | \bpa\b | \bnp\b | \bmd\b | orthopedist | \bortho\b
            | spec\w*\ care | primary\ (?:care|treating) | \bptp\b | \bime\b | \bqme\b
            | medication\ management | \bmed\ management | \bpain\ management"""),
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
    rules = (*_TRANSPORT, *_DMEPOS, *_INJECTIONS, *_SURGERIES, *_THERAPIES, *_LATER)
    pairs = {(category, sub) for category, sub, _ in rules}
    pairs |= {("Diagnostic Testing", _test_subcategory(name)) for name, _ in _MODALITIES}
    pairs |= {("Pharmaceuticals", sub) for sub in drug_classes()}
    pairs.add(("Surgery", "Adjunct Surgical Services"))
    return frozenset(pairs)


_RETROSPECTIVE = re.compile(r"\bretro(?:spective(?:ly)?)?\b|\bdos\b|date of service")


_XRAY_WORDS = re.compile(r"x\s*-?\s*rays?|radiograph|plain\s+films?", re.I)


# Electrical stimulation given in sessions is a therapy, not a unit to rent or buy.
_SESSIONS = re.compile(
    r"\d+\s*x\s*/?\s*(?:a\s+|per\s+)?(?:week|wk)|\d+\s*(?:x|times)\s*\d+|times\s+(?:a|per)\s+"
    r"week|\bsessions?\b|\bvisits?\b|\btreatments?\b|\bweekly\b|\bdaily\b|per\s+week"
)
_EQUIPMENT = re.compile(
    r"\bunit\b|device|rental|\brent\b|purchase|supplies|\bhome\b|electrodes?|\btens\b"
)
# Soft-tissue therapies whose names sound like surgery ("myofascial release").
_NOT_SURGERY = re.compile(
    r"myofascial release|active release|soft tissue release|release technique"
)


def _stimulation_sessions(text: str, found: tuple[str, str] | None) -> bool:
    return (
        found == ("DMEPOS", "Electrical Stimulation")
        and bool(_SESSIONS.search(text))
        and not _EQUIPMENT.search(text)
    )


def classify(service: str) -> Classification:
    """Category, subcategory, regions, modality, retrospective flag and drug of a service."""
    written = _normalise(service)
    # Regions and modality read the text normalised once more, as ``body_regions(text)`` and
    # ``modality(text)`` would (not a no-op: "w/ x" -> "with  x" -> "with x").
    again = _normalise(written)
    spelt, long_forms = _spelt_out(again)
    regions = _regions(again, long_forms)
    region = regions[0] if regions else None
    test = _modality(spelt)
    # The drug, its class and the strength read the service as written; the rules read the
    # long forms too.
    drug = parse_drug(written)
    text, _ = _spelt_out(written)
    if drug is not None and test == "x-ray" and not _XRAY_WORDS.search(written):
        test = None  # "Voltaren XR": extended release, not an x-ray
    retro = bool(_RETROSPECTIVE.search(written))

    def made(
        category: str | None, sub: str | None, test: str | None, drug: Drug | None
    ) -> Classification:
        return Classification(category, sub, region, test, retro, drug, list(regions))

    if _ADJUNCT.search(text):
        return made("Surgery", "Adjunct Surgical Services", test, drug)
    pharma = _pharmaceutical(written, drug, test)
    if pharma:
        return made(pharma[0], pharma[1], None, drug)
    if test is not None:
        return made("Diagnostic Testing", _test_subcategory(test), test, None)
    surgical_text = _NOT_SURGERY.sub(" ", text)
    steps: tuple[Callable[[], tuple[str, str] | None], ...] = (
        lambda: _first(_TRANSPORT, text),
        lambda: _first(_DMEPOS, text),
        lambda: _first(_INJECTIONS, text),
        lambda: _surgery(surgical_text, region),
        lambda: _first(_THERAPIES, text),
        lambda: _first(_LATER, text),
    )
    for step in steps:
        found = step()
        if _stimulation_sessions(text, found):
            found = ("Rehabilitation", "Other Therapies")
        if found:
            return made(found[0], found[1], None, None)
    return made(None, None, None, None)
