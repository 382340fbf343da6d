"""Letters on disk: checked before they get their final name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from factories import FIXTURES

from imr_search.fetch.store import held_letter, letter_path, pdf_problem, write_letter

REAL = FIXTURES / "letters" / "CM17-0003591.pdf"  # AES-encrypted with an empty password


def test_a_real_encrypted_letter_is_whole() -> None:
    assert pdf_problem(REAL.read_bytes()) is None


def test_truncated_corrupt_and_other_files_are_named() -> None:
    data = REAL.read_bytes()
    assert "truncated" in (pdf_problem(data[: len(data) // 2]) or "")
    assert "not a PDF" in (pdf_problem(b"<html>Service busy</html>") or "")
    broken = b"%PDF-1.4\n" + b"x" * 3000 + b"\n%%EOF\n"
    assert "does not open" in (pdf_problem(broken) or "")


def test_the_layout_is_by_decision_month() -> None:
    assert letter_path(dt.date(2017, 1, 31), "CM17-0003591") == "2017-01/CM17-0003591.pdf"


def test_a_written_letter_has_its_final_name_and_no_partial_left(tmp_path: Path) -> None:
    data = REAL.read_bytes()
    path = write_letter(tmp_path, "2017-01/CM17-0003591.pdf", data)
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == ["CM17-0003591.pdf"]
    assert held_letter(tmp_path, "2017-01/CM17-0003591.pdf") is not None
    (tmp_path / "2017-01" / "CM17-0000000.pdf").write_bytes(data[:1000])
    assert held_letter(tmp_path, "2017-01/CM17-0000000.pdf") is None
    assert held_letter(tmp_path, "2017-02/none.pdf") is None
