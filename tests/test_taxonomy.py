"""The DWC vocabulary: taxonomy loading, reviewer specialties and US states."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_search.taxonomy import (
    load_taxonomy,
    normalise_specialty,
    split_specialties,
    split_states,
    state_code,
)


def test_taxonomy_loads_categories_specialties_and_outcomes() -> None:
    tax = load_taxonomy()
    assert "Pharmaceuticals" in tax.categories
    assert "Opioids" in tax.categories["Pharmaceuticals"]
    assert "Physical Medicine & Rehabilitation" in tax.reviewer_specialties
    assert set(tax.outcomes) == {"Overturn", "Partially Overturn", "Uphold"}


def test_taxonomy_is_loaded_once_and_read_only() -> None:
    tax = load_taxonomy()
    assert load_taxonomy() is tax
    with pytest.raises(TypeError):
        tax.categories["New"] = ()  # type: ignore[index]


def test_taxonomy_has_checks_category_subcategory_pairs() -> None:
    tax = load_taxonomy()
    assert tax.has("Diagnostic Testing", "EMG/NCV/NCS")
    assert not tax.has("Diagnostic Testing", "Opioids")
    assert not tax.has("Nope", "Opioids")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Physical Medicine and Rehabilitation", "Physical Medicine & Rehabilitation"),
        ("Physical Medicine & Rehabilitation", "Physical Medicine & Rehabilitation"),
        ("physical medicine and rehabilitation.", "Physical Medicine & Rehabilitation"),
        ("Chiropractor", "Chiropractic"),
        ("Orthopaedic Surgery", "Orthopedic Surgery"),
        ("Orthopedic Surgery", "Orthopedic Surgery"),
        ("Family Medicine", "Family Practice"),
        ("Sports Medicinea", "Sports Medicine"),
        ("INTERNAL MEDICINE", "Internal Medicine"),
        ("  Occupational   Medicine ;", "Occupational Medicine"),
        ("Anesthesiology,", "Anesthesiology"),
        (
            "Public Health and General Preventive Medicine",
            "Public Health & General Preventive Medicine",
        ),
        ("Board Certified in Neurology", "Neurology"),
        ("Pain Medicine", "Pain Management"),
        ("Psychologist", "Psychologist"),
    ],
)
def test_normalise_specialty_maps_written_names_onto_dwc_names(raw: str, expected: str) -> None:
    assert normalise_specialty(raw) == (expected, True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Surgery", "Surgery"),
        ("General Surgery.", "General Surgery"),
        ("Basket Weaving", "Basket Weaving"),
        ("  Underwater\nMedicine ", "Underwater Medicine"),
    ],
)
def test_normalise_specialty_keeps_unknown_names_cleaned(raw: str, expected: str) -> None:
    assert normalise_specialty(raw) == (expected, False)


def test_neurology_is_not_mistaken_for_urology() -> None:
    assert normalise_specialty("Neurology") == ("Neurology", True)
    assert normalise_specialty("Urology") == ("Urology", True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Preventive Medicine, Occupational Medicine, "
            "Public Health & General Preventive Medicine",
            [
                "Preventive Medicine",
                "Occupational Medicine",
                "Public Health & General Preventive Medicine",
            ],
        ),
        (
            "Preventive Medicine, Occupational Medicine, Public Health & General\n"
            "Preventive Medicine",
            [
                "Preventive Medicine",
                "Occupational Medicine",
                "Public Health & General Preventive Medicine",
            ],
        ),
        ("Physical Medicine & Rehabilitation", ["Physical Medicine & Rehabilitation"]),
        (
            "Physical Medicine &\nRehabilitation, Pain Management",
            ["Physical Medicine & Rehabilitation", "Pain Management"],
        ),
        ("Sports Medicinea", ["Sports Medicine"]),
        ("Internal Medicine and Sports Medicine", ["Internal Medicine", "Sports Medicine"]),
        ("Physical Medicine and Rehabilitation", ["Physical Medicine & Rehabilitation"]),
        ("Orthopaedic Surgery; Surgery", ["Orthopedic Surgery", "Surgery"]),
        ("Chiropractor, Chiropractic", ["Chiropractic"]),
        ("", []),
        (" , ", []),
    ],
)
def test_split_specialties_splits_on_commas_not_ampersands(raw: str, expected: list[str]) -> None:
    assert split_specialties(raw) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("California", "CA"),
        ("california", "CA"),
        ("  New   York ", "NY"),
        ("NORTH CAROLINA", "NC"),
        ("District of Columbia", "DC"),
        ("Puerto Rico", "PR"),
        ("West Virginia", "WV"),
        ("Washington", "WA"),
        ("TX", "TX"),
        ("ca", "CA"),
        ("D.C.", "DC"),
    ],
)
def test_state_code_maps_names_and_codes(name: str, code: str) -> None:
    assert state_code(name) == code


@pytest.mark.parametrize("name", ["", "Atlantis", "XX", "New", "Carolina"])
def test_state_code_is_none_for_non_states(name: str) -> None:
    assert state_code(name) is None


def test_state_code_knows_all_fifty_states_dc_and_puerto_rico() -> None:
    one_word = [
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
        "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
        "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
        "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "Ohio",
        "Oklahoma", "Oregon", "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont",
        "Virginia", "Washington", "Wisconsin", "Wyoming",
    ]  # fmt: skip
    codes = {state_code(n) for n in one_word}
    two_word = [
        "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
        "North Dakota", "Rhode Island", "South Carolina", "South Dakota", "West Virginia",
        "District of Columbia", "Puerto Rico",
    ]  # fmt: skip
    codes |= {state_code(n) for n in two_word}
    assert None not in codes
    assert len(codes) == 52


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("California,Missouri,Mississippi", ["CA", "MO", "MS"]),
        ("Texas, New York", ["TX", "NY"]),
        ("North Carolina", ["NC"]),
        ("California, Arizona", ["CA", "AZ"]),
        ("Ohio and Utah", ["OH", "UT"]),
        ("California, California", ["CA"]),
        ("California, Narnia", ["CA"]),
        ("", []),
    ],
)
def test_split_states_returns_usps_codes_in_order(raw: str, expected: list[str]) -> None:
    assert split_states(raw) == expected


@given(st.text())
def test_specialty_and_state_helpers_accept_any_text(raw: str) -> None:
    name, known = normalise_specialty(raw)
    assert isinstance(name, str)
    assert isinstance(known, bool)
    specialties = split_specialties(raw)
    assert all(s for s in specialties)
    assert len(specialties) == len(set(specialties))
    valid = set(load_taxonomy().reviewer_specialties)
    assert not known or name in valid
    codes = split_states(raw)
    assert all(len(c) == 2 and c.isupper() for c in codes)
