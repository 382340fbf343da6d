"""The record does not depend on which extractor produced the text.

pypdf's plain and layout modes give visibly different text for the same PDF (column padding,
spaces inside words: "guidel ine", "x -rays", "10- 15- 2016", glued state names); every
structured field must come out the same, and the free-text fields must hold the same
characters (compared with whitespace removed, as layout mode splits words). A citation's
``section`` is the letter's own words too: layout mode can glue them ("Opioid-inducedconstipation
treatment"), which no rule can split without a dictionary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from imr_search.parse import parse_path

LETTERS = sorted((Path(__file__).parent / "fixtures" / "letters").glob("*.pdf"))
FREE_TEXT = {
    "summary",
    "rationale",
    "claims_guideline",
    "imr_guideline",
    "text",
    "source",
    "section",
}


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in a.keys() | b.keys():
            if key == "warnings":
                continue
            if key in FREE_TEXT and isinstance(a.get(key), str) and isinstance(b.get(key), str):
                if "".join(a[key].split()) != "".join(b[key].split()):
                    out.append(f"{path}.{key}: text differs")
                continue
            out.extend(differences(a.get(key), b.get(key), f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} vs {len(b)} entries"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} vs {b!r}"]


@pytest.mark.parametrize("pdf", LETTERS, ids=[p.stem for p in LETTERS])
def test_plain_and_layout_extraction_give_the_same_record(pdf: Path) -> None:
    plain = parse_path(pdf, pdf_mode="plain").to_dict()
    layout = parse_path(pdf, pdf_mode="layout").to_dict()
    assert differences(plain, layout) == []


def test_the_two_extractors_really_differ() -> None:
    # Guard against a test that cannot fail: the two paths must produce different raw text.
    from imr_search.parse.sources import source_text

    plain, _ = source_text(str(LETTERS[0]), pdf_mode="plain")
    layout, _ = source_text(str(LETTERS[0]), pdf_mode="layout")
    assert plain != layout
