"""The letters on disk: ``DIR/YYYY-MM/CASE.pdf`` by decision month, each written under a
temporary name, checked (a complete PDF that opens), flushed to disk and only then renamed, so
a file under its final name is always a whole letter."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pypdfium2

from imr_search.parse.pdfium import PDFIUM_LOCK

# Beside a letter while it is written; a kill leaves at most one, which the next write replaces.
PARTIAL = ".part"


def letter_path(decided: dt.date, case_number: str) -> str:
    """Where a letter goes, relative to the store's folder."""
    return f"{decided:%Y-%m}/{case_number}.pdf"


def pdf_problem(data: bytes) -> str | None:
    """What is wrong with a downloaded letter, or None for a complete PDF that opens (DWC's
    are AES-encrypted with an empty password, which opens them)."""
    if not data.startswith(b"%PDF-"):
        return "not a PDF (no %PDF- header)"
    if b"%%EOF" not in data[-2048:]:
        return f"truncated PDF ({len(data)} bytes, no %%EOF at the end)"
    try:
        with PDFIUM_LOCK:
            pdf = pypdfium2.PdfDocument(data, password="")
            try:
                pages = len(pdf)
            finally:
                pdf.close()
    except pypdfium2.PdfiumError as e:
        return f"PDF does not open ({e})"
    if pages == 0:
        return "PDF has no pages"
    return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_letter(root: Path, relative: str, data: bytes) -> Path:
    """Write a checked letter: a temporary name, fsync, rename (atomic on one file system)."""
    final = root / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + PARTIAL)
    with open(partial, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, final)
    return final


def keep_partial(root: Path, relative: str, data: bytes) -> None:
    """Keep a download beside its final name the moment it arrives, before it is checked: a
    run killed between the last byte and the rename leaves it for the next run to adopt
    (``adopt_partial``) instead of downloading the letter whole a second time."""
    final = root / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    # No fsync: a killed process loses nothing the kernel holds; the rename's fsync is
    # for the letter that is kept.
    final.with_name(final.name + PARTIAL).write_bytes(data)


def drop_partial(root: Path, relative: str) -> None:
    """Remove a download kept under its temporary name (one that failed its check)."""
    final = root / relative
    final.with_name(final.name + PARTIAL).unlink(missing_ok=True)


def adopt_partial(root: Path, relative: str) -> tuple[str, int] | None:
    """(hash, size) of a whole letter a killed run kept under its temporary name, now moved to
    its final name; None when there is none or it is not a whole PDF."""
    final = root / relative
    partial = final.with_name(final.name + PARTIAL)
    try:
        data = partial.read_bytes()
    except OSError:
        return None
    if pdf_problem(data) is not None:
        return None
    write_letter(root, relative, data)
    return sha256(data), len(data)


def held_letter(root: Path, relative: str) -> tuple[str, int] | None:
    """(hash, size) of a letter already under its final name and whole (a run killed after
    the rename, before its row), else None."""
    path = root / relative
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if pdf_problem(data) is not None:
        return None
    return sha256(data), len(data)
