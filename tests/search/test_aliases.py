"""Filter value aliases: the abbreviations of a value come from the glossary
(data/abbreviations.json, which the parser and the query read too), the rest from
data/filter-aliases.json, which repeats none of them."""

from __future__ import annotations

import pytest

from imr_search.search.aliases import aliases, derive, derived_aliases, written_aliases

PT_OT = "Physical Therapy/Occupational Therapy (PT/OT)"


@pytest.mark.parametrize(
    ("name", "alias", "value"),
    [
        ("subcategory", "pt", PT_OT),
        ("subcategory", "ot", PT_OT),
        ("subcategory", "pt/ot", PT_OT),  # the value's own short name
        ("subcategory", "occupational therapy", PT_OT),
        ("subcategory", "emg", "EMG/NCV/NCS"),
        ("subcategory", "nerve conduction study", "EMG/NCV/NCS"),
        ("subcategory", "ppi", "Proton Pump Inhibitors"),
        ("modality", "ncs", "emg/ncv"),
        ("modality", "uds", "urine drug test"),
        ("modality", "psg", "sleep study"),
        ("region", "l-spine", "lumbar spine"),
        ("region", "ue", "upper extremity"),
        ("specialty", "pm&r", "Physical Medicine & Rehabilitation"),
    ],
)
def test_an_abbreviation_of_a_value_is_derived_from_the_glossary(
    name: str, alias: str, value: str
) -> None:
    assert derived_aliases()[name][alias] == value
    assert aliases()[name][alias] == value


def test_the_written_table_repeats_no_derived_alias() -> None:
    derived = derived_aliases()
    repeated = [
        (name, alias)
        for name, table in written_aliases().items()
        for alias, value in table.items()
        if derived.get(name, {}).get(alias) == value
    ]
    assert repeated == []


def test_a_pair_added_to_the_glossary_is_an_alias_of_the_value_it_names() -> None:
    filters = {"subcategory": [PT_OT, "Chiropractic"], "modality": ["emg/ncv", "mri"]}
    got = derive([("kpt", "physical therapy"), ("ncs", "nerve conduction")], filters)
    assert got["subcategory"]["kpt"] == PT_OT
    # A form joined to a part of "emg/ncv" only through another pair is found too.
    got = derive([("ncv", "nerve conduction"), ("ncs", "nerve conduction")], filters)
    assert got["modality"]["ncs"] == "emg/ncv"


def test_an_alias_of_two_values_of_one_filter_is_left_out() -> None:
    got = derive([("xx", "mri"), ("xx", "ct")], {"modality": ["mri", "ct"]})
    assert "xx" not in got["modality"]


def test_a_written_alias_wins_over_a_derived_one() -> None:
    for name, table in written_aliases().items():
        for alias, value in table.items():
            assert aliases()[name][alias] == value
