"""The record does not depend on which extractor produced the text.

pypdfium2 (the default) and pypdf's plain mode must give the very same record for every
fixture letter: pypdfium2 is the fast path, pypdf the one the golden files were first made
with. pypdf's layout mode is the second, deliberately different path: it and pypdfium2 give
visibly different text for the same PDF (column padding, spaces inside words: "guidel ine",
"x -rays", "10- 15- 2016", glued state names); every structured field must come out the
same, and the free-text fields must hold the same characters (compared with whitespace
removed, as layout mode splits words). A citation's ``section`` is the letter's own words
too: layout mode can glue them ("Opioid-inducedconstipation treatment"), which no rule can
split without a dictionary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from imr_search.parse import PDF_EXTRACTORS, parse_path

LETTERS = sorted((Path(__file__).parent.parent / "fixtures" / "letters").glob("*.pdf"))
FREE_TEXT = {
    "summary",
    "rationale",
    "claims_guideline",
    "imr_guideline",
    "text",
    "source",
    "section",
}
# Lists of the letter's own sentences (each code's supporting sentences): compared like free text.
FREE_TEXT_LISTS = {"reason_sentences"}


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
            if key in FREE_TEXT_LISTS:
                squeezed = _squeezed(a.get(key)), _squeezed(b.get(key))
                out.extend(differences(*squeezed, f"{path}.{key}"))
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


def _squeezed(value: Any) -> Any:
    """``value`` with the whitespace taken out of every string in it."""
    if isinstance(value, str):
        return "".join(value.split())
    if isinstance(value, dict):
        return {k: _squeezed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_squeezed(v) for v in value]
    return value


@pytest.mark.slow
@pytest.mark.parametrize("pdf", LETTERS, ids=[p.stem for p in LETTERS])
def test_pdfium_and_pypdf_give_the_very_same_record(pdf: Path) -> None:
    assert parse_path(pdf, extractor="pdfium") == parse_path(pdf, extractor="pypdf")


@pytest.mark.slow
@pytest.mark.parametrize("pdf", LETTERS, ids=[p.stem for p in LETTERS])
def test_pdfium_and_layout_extraction_give_the_same_record(pdf: Path) -> None:
    fast = parse_path(pdf, extractor="pdfium").to_dict()
    layout = parse_path(pdf, extractor="pypdf-layout").to_dict()
    assert differences(fast, layout) == []


def test_the_extractors_really_differ() -> None:
    # Guard against tests that cannot fail: each path must produce different raw text.
    from imr_search.parse.sources import source_text

    texts = {name: source_text(str(LETTERS[0]), extractor=name)[0] for name in PDF_EXTRACTORS}
    assert len(set(texts.values())) == len(PDF_EXTRACTORS)


def test_pdfium_soft_hyphens_come_out_as_hyphens() -> None:
    # PDFium reports a hyphen that breaks a word at a line end as U+FFFE.
    from imr_search.parse.sources import source_text

    texts = [source_text(str(p), extractor="pdfium")[0] for p in LETTERS]
    assert not any("\ufffe" in t for t in texts)
    broken = next(p for p in LETTERS if p.stem == "CM17-0015198")
    assert "documen-tation" in parse_path(broken).items[0].rationale


def test_pdfium_text_is_pypdfium2s_text_range() -> None:
    # The extractor calls PDFium's C API itself (faster than pypdfium2's page objects); the
    # text must stay what pypdfium2's get_text_range() gives, page by page, soft hyphens aside.
    import pypdfium2

    from imr_search.parse.sources import source_text

    for pdf in LETTERS:
        doc = pypdfium2.PdfDocument(pdf.read_bytes())
        try:
            pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        finally:
            doc.close()
        expected = "\n".join(pages).replace("\ufffe", "-")
        assert source_text(str(pdf), extractor="pdfium")[0] == expected, pdf.name
