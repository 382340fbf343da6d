"""The parser against hand-read golden records of real letters.

Each ``tests/golden/<stem>.json`` was written by reading the letter ``<stem>`` (a seed text in
``tests/fixtures/seeds/`` or a PDF in ``tests/fixtures/letters/``), not by running the parser. It
holds a subset of ``Letter.to_dict()``: every key it gives must match the parser's output, keys
it leaves out are not checked. Two conventions:

- ``{"starts": ..., "ends": ...}`` stands for a long text (summary, rationale): the parser's
  text, whitespace-normalised, must start and end with those words.
- a list of dicts (items, citations) must have the same length; each entry is compared on the
  keys the golden entry gives (so a citation's ``text`` is never compared).

All differences of a letter are reported together, one line per field.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent.parent
GOLDEN = TESTS / "golden"
SEEDS = TESTS / "fixtures" / "seeds"
LETTERS = TESTS / "fixtures" / "letters"
TAXONOMY = TESTS.parent / "imr_search" / "data" / "dwc-taxonomy.json"

GOLDEN_FILES = sorted(GOLDEN.glob("*.json"))
TEXT_KEYS = frozenset({"starts", "ends"})


def fixture_stems() -> set[str]:
    """The stems of every letter fixture: seed texts and PDFs."""
    return {p.stem for p in SEEDS.glob("*.txt")} | {p.stem for p in LETTERS.glob("*.pdf")}


def fixture_for(stem: str) -> Path | None:
    for candidate in (SEEDS / f"{stem}.txt", LETTERS / f"{stem}.pdf"):
        if candidate.is_file():
            return candidate
    return None


def load_golden(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level must be an object"
    return data


def parse_to_dict(path: Path) -> dict[str, Any]:
    # Imported at call time: the parser is developed alongside these tests, and a missing
    # parse_path should fail each golden test with a clear message, not break collection.
    module = importlib.import_module("imr_search.parse")
    parse_path = getattr(module, "parse_path", None)
    if parse_path is None:
        pytest.fail("imr_search.parse.parse_path does not exist yet", pytrace=False)
    result = parse_path(path).to_dict()
    assert isinstance(result, dict)
    return result


def normalise(text: str) -> str:
    return " ".join(text.split())


def clip(value: object, limit: int = 100) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def compare(where: str, expected: Any, actual: Any, out: list[str]) -> None:
    """Append to ``out`` one message per field where ``actual`` does not match ``expected``."""
    if isinstance(expected, dict) and set(expected) == TEXT_KEYS:
        if not isinstance(actual, str):
            out.append(f"{where}: expected text, got {clip(actual)}")
            return
        text = normalise(actual)
        if not text.startswith(expected["starts"]):
            out.append(
                f"{where}: expected to start with {expected['starts']!r}, "
                f"got {clip(text[: len(expected['starts']) + 40])}"
            )
        if not text.endswith(expected["ends"]):
            out.append(
                f"{where}: expected to end with {expected['ends']!r}, "
                f"got {clip(text[-(len(expected['ends']) + 40) :])}"
            )
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append(f"{where}: expected an object, got {clip(actual)}")
            return
        for key, value in expected.items():
            path = f"{where}.{key}" if where else key
            if key not in actual:
                out.append(f"{path}: missing from the parser's output")
            else:
                compare(path, value, actual[key], out)
        return
    if isinstance(expected, list) and any(isinstance(e, dict) for e in expected):
        if not isinstance(actual, list):
            out.append(f"{where}: expected a list, got {clip(actual)}")
            return
        if len(actual) != len(expected):
            out.append(f"{where}: expected {len(expected)} entries, got {len(actual)}")
        for index, (exp, act) in enumerate(zip(expected, actual, strict=False)):
            compare(f"{where}[{index}]", exp, act, out)
        return
    if expected != actual:
        out.append(f"{where}: expected {clip(expected)}, got {clip(actual)}")


@pytest.mark.parametrize("golden_path", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_parser_output_matches_golden_record(golden_path: Path) -> None:
    source = fixture_for(golden_path.stem)
    assert source is not None, f"no fixture for golden file {golden_path.name}"
    expected = load_golden(golden_path)

    actual = parse_to_dict(source)

    differences: list[str] = []
    compare("", expected, actual, differences)
    assert not differences, (
        f"{golden_path.stem}: {len(differences)} difference(s) from the golden record\n  "
        + "\n  ".join(differences)
    )


def test_every_fixture_letter_has_a_golden_record() -> None:
    missing = sorted(fixture_stems() - {p.stem for p in GOLDEN_FILES})
    assert not missing, f"fixtures without a tests/golden/<stem>.json: {missing}"


def test_every_golden_record_has_a_fixture_letter() -> None:
    orphans = sorted(p.name for p in GOLDEN_FILES if fixture_for(p.stem) is None)
    assert not orphans, f"golden files without a fixture letter: {orphans}"


@pytest.mark.parametrize("golden_path", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_golden_record_speaks_the_dwc_vocabulary(golden_path: Path) -> None:
    """Guards the golden files themselves against typos: numbering, decisions, categories."""
    categories: dict[str, list[str]] = json.loads(TAXONOMY.read_text(encoding="utf-8"))[
        "request_categories"
    ]
    record = load_golden(golden_path)
    problems: list[str] = []
    for index, item in enumerate(record["items"]):
        where = f"items[{index}]"
        if item["number"] != index + 1:
            problems.append(f"{where}.number: {item['number']}, expected {index + 1}")
        if item["decision"] not in ("upheld", "overturned"):
            problems.append(f"{where}.decision: {item['decision']!r}")
        category, subcategory = item["category"], item["subcategory"]
        if subcategory not in categories.get(category, []):
            problems.append(f"{where}: {category!r} / {subcategory!r} is not in the taxonomy")
    assert not problems, f"{golden_path.stem}:\n  " + "\n  ".join(problems)
