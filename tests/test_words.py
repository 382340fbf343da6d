"""Counts beside nouns agree with their number, and the CLI's lines that printed "1 items"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.model import Letter
from imr_search.words import count, plural


@pytest.mark.parametrize(
    ("n", "noun", "said"),
    [
        (0, "item", "0 items"),
        (1, "item", "1 item"),
        (2, "item", "2 items"),
        (1204, "letter", "1,204 letters"),
        (1, "matching item", "1 matching item"),
        (3, "matching item", "3 matching items"),
        (2, "match", "2 matches"),
        (1, "category", "1 category"),
        (5, "category", "5 categories"),
    ],
)
def test_count_agrees_with_its_number(n: int, noun: str, said: str) -> None:
    assert count(n, noun) == said


def test_plural_is_the_noun_alone() -> None:
    assert (plural("such item", 1), plural("such item", 0)) == ("such item", "such items")


def test_a_one_item_search_says_one_item(letters_index: Path, letter_records: list[Letter]) -> None:
    # A case number names one letter; pick one with a single disputed item.
    letter = next(le for le in letter_records if le.case_number and len(le.items) == 1)
    assert letter.case_number
    out = CliRunner().invoke(main, ["search", letter.case_number, "--index", str(letters_index)])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("1 item; showing 1-1 (page 1 of 1)\n")
    assert "1 items" not in out.stdout
    grouped = CliRunner().invoke(
        main, ["search", letter.case_number, "--letters", "--index", str(letters_index)]
    )
    assert grouped.stdout.startswith("1 letter; showing 1-1")
    assert "1 matching item\n" in grouped.stdout
