"""Precedents say plainly when nothing of the request's own kind was decided and the answer is
about a broader group (library on both engines, CLI, API, page), and a strength shared by two
different drugs does not make one the other's closest precedent.

Expectations are computed from the records (which drugs and categories the items have)."""

from __future__ import annotations

from pathlib import Path

import httpx
from click.testing import CliRunner
from server_fixtures import ServerIndex

from imr_search.analysis.precedents import precedents, service_closeness
from imr_search.analysis.terms import content_words
from imr_search.cli import main
from imr_search.model import Letter
from imr_search.present.jsonforms import precedents_dict
from imr_search.search.backend import Engine

# isort: split
from factories import drug_item, index_letters, make_letter

pytest_plugins = ["server_fixtures"]

REQUEST = "Ambien 10mg #30"  # zolpidem: the fixture letters decided none
FALLBACK = "No decided request of this kind (zolpidem); these are all Pharmaceuticals"


def _assert_no_zolpidem_but_pharmaceuticals(records: list[Letter]) -> None:
    items = [it for le in records for it in le.items]
    assert not any(it.drug and "zolpidem" in it.drug.ingredients for it in items)
    assert not any(it.subcategory == "Sedative-hypnotics" for it in items)
    assert any(it.category == "Pharmaceuticals" for it in items)


def test_library_says_it_fell_back(new_engine: Engine) -> None:
    letters = [
        make_letter(
            "CM16-9300001",
            items=[drug_item(1, "cyclobenzaprine", "Muscle Relaxant", service="Flexeril 10mg #30")],
        ),
        make_letter(
            "CM16-9300002",
            items=[drug_item(1, "ibuprofen", "NSAID", service="Ibuprofen 800mg #90")],
        ),
    ]
    index_letters(new_engine, letters)
    answer = precedents(new_engine, REQUEST)
    assert answer.fallback == FALLBACK
    assert precedents_dict(answer)["fallback"] == FALLBACK
    # "10mg" alone does not make Flexeril close to Ambien.
    flexeril = next(p for p in answer.closest if p.service.startswith("Flexeril"))
    assert flexeril.closeness == 0


def test_library_says_nothing_when_the_own_kind_matched(new_engine: Engine) -> None:
    letters = [
        make_letter(
            "CM16-9300003",
            items=[drug_item(1, "zolpidem", "Sedative-hypnotics", service="Zolpidem 10mg #30")],
        )
    ]
    index_letters(new_engine, letters)
    assert precedents(new_engine, REQUEST).fallback is None


def test_a_shared_strength_alone_is_not_closeness() -> None:
    ambien = content_words("Ambien 10mg #30")
    assert service_closeness(ambien, content_words("Flexeril 10mg #30")) == 0
    tramadol = content_words("Tramadol 50mg #60")
    same = service_closeness(tramadol, content_words("Tramadol 50mg #60"))
    other = service_closeness(tramadol, content_words("Tramadol 100mg #60"))
    assert same > other > 0


def test_cli_says_it_fell_back(letters_index: Path, letter_records: list[Letter]) -> None:
    _assert_no_zolpidem_but_pharmaceuticals(letter_records)
    result = CliRunner().invoke(main, ["precedents", REQUEST, "--index", str(letters_index)])
    assert result.exit_code == 0, result.output
    assert FALLBACK in result.stdout


def test_api_and_page_say_it_fell_back(api: httpx.Client, server_index: ServerIndex) -> None:
    _assert_no_zolpidem_but_pharmaceuticals(list(server_index.records.values()))
    assert api.get("/api/precedents", params={"request": REQUEST}).json()["fallback"] == FALLBACK
    page = api.get("/precedents", params={"request": REQUEST}).text
    assert "No decided request of this kind (zolpidem); these are all Pharmaceuticals" in page
