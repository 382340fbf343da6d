"""Medications in service text: generic name, brand, strength, quantity, refills, class."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_search.model import Drug
from imr_search.parse.drugs import drug_class, parse_drug, pharma_subcategory
from imr_search.taxonomy import load_taxonomy

# isort: split
from factories import rx

# Terocin lotion: methyl salicylate 25%, capsaicin 0.025%, menthol 10%, lidocaine 2.5%.
TEROCIN = ["methyl salicylate", "capsaicin", "menthol", "lidocaine"]


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        # From the sample letters.
        ("Diclofenac ER 100mg #60", rx("diclofenac", None, "100mg", 60)),
        ("Cyclobenzaprine 7.5mg #90", rx("cyclobenzaprine", None, "7.5mg", 90)),
        ("Cyclobenzaprine 7.5mg #27", rx("cyclobenzaprine", None, "7.5mg", 27)),
        ("Lidocaine ointment 5% 106.32gm", rx("lidocaine", None, "5%")),
        ("Tramadol 50mg #60", rx("tramadol", None, "50mg", 60)),
        (
            "Post-op Norco 5/325mg #60, 1-2 tabs orally every 4-6 hrs as needed",
            rx("hydrocodone/acetaminophen", "Norco", "5/325mg", 60),
        ),
        (
            "Post-op Colace 100mg #60, 1 tablet by mouth as needed",
            rx("docusate", "Colace", "100mg", 60),
        ),
        # Doctor-style and documented forms.
        ("Norco 10/325mg #120", rx("hydrocodone/acetaminophen", "Norco", "10/325mg", 120)),
        ("Norco 10/325 #120", rx("hydrocodone/acetaminophen", "Norco", "10/325", 120)),
        ("Ultram ER 100mg #60 with 2 refills", rx("tramadol", "Ultram", "100mg", 60, 2)),
        (
            "Ultracet 37.5/325 mg qty 60",
            rx("tramadol/acetaminophen", "Ultracet", "37.5/325mg", 60),
        ),
        (
            "Hydrocodone/APAP 10/325 mg quantity: 90 x2 refills",
            rx("hydrocodone/acetaminophen", None, "10/325mg", 90, 2),
        ),
        (
            "Hydrocodone bitartrate and acetaminophen 7.5/325mg #60",
            rx("hydrocodone/acetaminophen", None, "7.5/325mg", 60),
        ),
        ("Percocet 10/325 #90", rx("oxycodone/acetaminophen", "Percocet", "10/325", 90)),
        ("OxyContin 20 MG #60", rx("oxycodone", "Oxycontin", "20mg", 60)),
        ("Fexmid 7.5mg #60", rx("cyclobenzaprine", "Fexmid", "7.5mg", 60)),
        ("Soma 350mg #30", rx("carisoprodol", "Soma", "350mg", 30)),
        ("Lyrica 75 mg #60 with three refills", rx("pregabalin", "Lyrica", "75mg", 60, 3)),
        ("Lidoderm 5% patch #30", rx("lidocaine", "Lidoderm", "5%", 30)),
        ("Tylenol #3 #60", rx("codeine/acetaminophen", "Tylenol #3", None, 60)),
        ("Prilosec 20mg, refills: 1", rx("omeprazole", "Prilosec", "20mg", None, 1)),
        ("Ambien 10mg #30 no refills", rx("zolpidem", "Ambien", "10mg", 30, 0)),
        ("Terocin lotion", rx("methyl salicylate", "Terocin", ingredients=TEROCIN)),
        (
            "Flurbiprofen 20%/Lidocaine 5% cream 180gm",
            rx("flurbiprofen", None, "20%", ingredients=["flurbiprofen", "lidocaine"]),
        ),
        # A weight in grams is the amount of a cream, not its strength.
        ("Compounded cream 240gm", rx("compound", None, None, ingredients=[])),
        ("Butrans patch 10mcg/hr #4", rx("buprenorphine", "Butrans", "10mcg/hr", 4)),
    ],
)
def test_parse_drug_reads_name_brand_strength_quantity_refills(
    service: str, expected: Drug
) -> None:
    assert parse_drug(service) == expected


@pytest.mark.parametrize(
    "service",
    [
        "Urine drug testing",
        "MRI of the cervical spine",
        "Four sessions of physical therapy two times a week times 2 weeks",
        "Somatic therapy",  # "Soma" only as a whole word
        "Standard wheelchair for a 2 month rental",
        "",
    ],
)
def test_parse_drug_returns_none_without_a_known_drug(service: str) -> None:
    assert parse_drug(service) is None


def test_dates_are_not_read_as_strengths() -> None:
    drug = parse_drug("Retrospective Tramadol DOS 12/13/2016")
    assert drug is not None
    assert drug.strength is None


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("hydrocodone/acetaminophen", "Opioids"),
        ("tramadol", "Opioids"),
        ("tapentadol", "Opioids"),
        ("ibuprofen", "NSAID"),
        ("diclofenac", "NSAID"),
        ("celecoxib", "NSAID"),
        ("cyclobenzaprine", "Muscle Relaxant"),
        ("baclofen", "Muscle Relaxant"),
        ("lidocaine", "Topical Analgesics"),
        ("capsaicin", "Topical Analgesics"),
        ("gabapentin", "Anti-epilepsy drugs"),
        ("duloxetine", "Antidepressant"),
        ("trazodone", "Antidepressant"),
        ("omeprazole", "Proton Pump Inhibitors"),
        ("zolpidem", "Sedative-hypnotics"),
        ("alprazolam", "Benzodiazepine"),
        ("ondansetron", "Antiemetic"),
        ("ranitidine", "H2 Blocker"),
        ("acetaminophen", "Misc Analgesics"),
        ("docusate", "GI Agents"),
        ("senna", "GI Agents"),
        ("naloxegol", "GI Agents"),
        ("naloxone", "Opoid Antagonist"),
        ("hyaluronic acid", "Viscosupplementation"),
        ("theramine", "Nutritional Products"),
        ("Norco", "Opioids"),
        ("compound", "Topical Compounds"),
        ("unobtainium", None),
    ],
)
def test_drug_class_gives_the_dwc_pharmaceuticals_subcategory(name: str, cls: str | None) -> None:
    assert drug_class(name) == cls


@pytest.mark.parametrize(
    ("service", "subcategory"),
    [
        ("Diclofenac ER 100mg #60", "NSAID"),
        ("Voltaren gel 1%", "Topical Analgesics"),
        ("Diclofenac sodium 1% gel", "Topical Analgesics"),
        ("Lidocaine ointment 5% 106.32gm", "Topical Analgesics"),
        ("Flurbiprofen 20%/Lidocaine 5% cream 180gm", "Topical Compounds"),
        ("Gabapentin 10% cream", "Topical Compounds"),
        ("Compounded cream: ketoprofen", "Topical Compounds"),
        ("Fentanyl patch 25mcg/hr #10", "Opioids"),
        ("Norco 10/325 #120", "Opioids"),
    ],
)
def test_pharma_subcategory_tells_topicals_from_oral_drugs(service: str, subcategory: str) -> None:
    drug = parse_drug(service)
    assert drug is not None
    assert pharma_subcategory(service, drug) == subcategory


def test_every_lexicon_class_is_a_dwc_pharmaceuticals_subcategory() -> None:
    raw = resources.files("imr_search").joinpath("data/drugs.json").read_text("utf-8")
    lexicon = json.loads(raw)
    allowed = set(load_taxonomy().categories["Pharmaceuticals"])
    assert set(lexicon["classes"]) <= allowed
    generics = {g for names in lexicon["classes"].values() for g in names}
    for generic in [*lexicon["brands"].values(), *lexicon["aliases"].values()]:
        assert set(generic.split("/")) <= generics, generic


@given(st.text())
def test_parse_drug_accepts_any_text(text: str) -> None:
    drug = parse_drug(text)
    if drug is not None:
        assert drug.name
        assert drug.quantity is None or drug.quantity >= 0
        sub = pharma_subcategory(text, drug)
        assert sub is None or sub in load_taxonomy().categories["Pharmaceuticals"]
