"""Bad input is reported with its path and reason; good input in every format parses."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from imr_search.errors import ParseError
from imr_search.parse import (
    PDF_EXTRACTORS,
    PdfExtractor,
    iter_sources,
    parse_many,
    parse_path,
    parse_source,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEED = FIXTURES / "seeds" / "003_75cbd5c04990b62f.txt"
PDF = FIXTURES / "letters" / "CM17-0017734.pdf"


RAISE_FILE_BYTES = "(raise it with --max-file-bytes or IMR_SEARCH_MAX_FILE_BYTES)"


def reason_for(path: Path, extractor: PdfExtractor = "pdfium") -> str:
    with pytest.raises(ParseError) as info:
        parse_path(path, extractor=extractor)
    assert info.value.path == str(path)
    assert str(info.value) == f"{path}: {info.value.reason}"
    assert "\n" not in str(info.value)
    return info.value.reason


every_extractor = pytest.mark.parametrize("extractor", PDF_EXTRACTORS)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_text("")
    assert reason_for(p) == "empty file"


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    p = tmp_path / "blank.txt"
    p.write_text("  \n\n \t\n")
    assert reason_for(p) == "empty file"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert reason_for(p) == "binary file, not text or PDF"


def test_undecodable_text_names_the_byte(tmp_path: Path) -> None:
    p = tmp_path / "latin1.txt"
    p.write_bytes("IMR ISSUES, DECISIONS AND RATIONALES caf\xe9".encode("latin-1"))
    assert reason_for(p) == "text is not UTF-8 (undecodable byte 0xe9 at offset 40)"


def test_text_that_is_not_a_letter_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "recipe.txt"
    p.write_text("Preheat the oven to 200 degrees.\nMix flour and water.\n")
    assert reason_for(p) == "not an IMR letter (no IMR decision section found)"


def test_letter_without_any_decision_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "truncated.txt"
    text = SEED.read_text()
    p.write_text(text[: text.index("CT scan for cervical")])
    assert reason_for(p) == "no disputed item with a decision found (2014 layout)"


@every_extractor
def test_corrupt_pdf_is_refused(tmp_path: Path, extractor: PdfExtractor) -> None:
    p = tmp_path / "broken.pdf"
    data = PDF.read_bytes()
    p.write_bytes(data[:2000])
    assert reason_for(p, extractor).startswith("corrupt PDF")


@every_extractor
def test_garbage_after_a_pdf_header_is_corrupt(tmp_path: Path, extractor: PdfExtractor) -> None:
    p = tmp_path / "garbage.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert reason_for(p, extractor).startswith("corrupt PDF")


@every_extractor
def test_pdf_with_a_password_is_refused(tmp_path: Path, extractor: PdfExtractor) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt(user_password="secret", algorithm="AES-128")
    p = tmp_path / "locked.pdf"
    with p.open("wb") as fh:
        writer.write(fh)
    assert reason_for(p, extractor) == "encrypted PDF needs a password"


@every_extractor
def test_pdf_without_text_is_refused(tmp_path: Path, extractor: PdfExtractor) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    p = tmp_path / "scan.pdf"
    with p.open("wb") as fh:
        writer.write(fh)
    assert reason_for(p, extractor) == "PDF has no text layer (a scanned image?)"


def test_oversized_pdf_is_refused_before_extraction(tmp_path: Path) -> None:
    p = tmp_path / "huge.pdf"
    p.write_bytes(PDF.read_bytes() + b"%" * (3 * 1024 * 1024))
    with pytest.raises(ParseError) as info:
        parse_path(p, max_bytes=2 * 1024 * 1024)
    assert str(info.value) == f"{p}: file is larger than 2 MB {RAISE_FILE_BYTES}"


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text(SEED.read_text() * 3)
    with pytest.raises(ParseError) as info:
        parse_path(p, max_bytes=1024 * 1024 // 512)  # 2 KiB limit
    assert info.value.reason == f"file is larger than 2 KB {RAISE_FILE_BYTES}"


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert reason_for(tmp_path / "nope.pdf") == "no such file"


def test_dwc_pdf_with_empty_password_parses() -> None:
    letter = parse_path(PDF)
    assert letter.case_number == "CM17-0017734"
    assert [i.service for i in letter.items] == ["Tramadol 50mg #60"]


def test_html_letter_parses_like_its_text(tmp_path: Path) -> None:
    text = SEED.read_text()
    body = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    p = tmp_path / "letter.html"
    p.write_text(
        "<!doctype html><html><head><title>IMR</title><style>p{}</style></head>"
        f"<body><script>var x = 'Upheld';</script>{body}</body></html>"
    )
    from_html = parse_path(p).to_dict()
    from_text = parse_path(SEED).to_dict()
    for key in ("layout", "reviewer", "patient", "date_of_injury", "summary"):
        assert from_html[key] == from_text[key], key
    assert [i["service"] for i in from_html["items"]] == [i["service"] for i in from_text["items"]]
    assert from_html["items"][0]["rationale"] == from_text["items"][0]["rationale"]


def test_pdf_content_is_recognised_whatever_the_suffix(tmp_path: Path) -> None:
    p = tmp_path / "letter.txt"
    p.write_bytes(PDF.read_bytes())
    assert parse_path(p).case_number == "CM17-0017734"


def test_standard_input_is_a_source() -> None:
    parsed = parse_source("-", stdin=io.BytesIO(SEED.read_bytes()))
    assert parsed.letter.source == "-"
    assert parsed.letter.id == "stdin"
    assert parsed.letter.items[0].decision == "overturned"


def test_folders_are_walked_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    for name in ("b/c/2.pdf", "b/1.txt", "a.htm", "b/ignored.docx", "b/.hidden.txt"):
        (tmp_path / name).write_text("x")
    found = list(iter_sources([str(tmp_path)]))
    assert found == [
        str(tmp_path / "a.htm"),
        str(tmp_path / "b/1.txt"),
        str(tmp_path / "b/c/2.pdf"),
    ]


def test_one_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "0_bad.txt").write_text("not a letter at all")
    (tmp_path / "1_good.txt").write_bytes(SEED.read_bytes())
    outcomes = list(parse_many([str(tmp_path)]))
    assert isinstance(outcomes[0], ParseError)
    assert not isinstance(outcomes[1], ParseError)
    assert outcomes[1].letter.patient.age == 48
