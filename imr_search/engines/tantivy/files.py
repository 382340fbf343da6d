"""The tantivy index folder's files around a write: what killed commits leave, the message of
a failed write, and ``meta.json``'s permissions."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

WRITER_HEAP = 256_000_000  # engine.WRITER_HEAP: a segment is flushed from a heap this size

# What tantivy's atomic writes name their temporary file (``tempfile``'s default: ".tmp" and
# six characters); a commit killed between writing it and renaming it leaves it behind.
_TEMPORARY = re.compile(r"\.tmp[A-Za-z0-9]{6}")
_SEGMENT_FILE = re.compile(r"[0-9a-f]{32}\.[a-z]+")
# Free space under which a failed write is put down to a full disk: a segment is flushed from
# a heap of WRITER_HEAP bytes.
_NEARLY_FULL = WRITER_HEAP


def _remove_temporary_files(index_dir: Path) -> None:
    """Remove the temporary files killed commits left (only a writer calls this, holding the
    lock, so no commit is writing one now)."""
    with contextlib.suppress(OSError), os.scandir(index_dir) as entries:
        for entry in entries:
            if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def write_failure(index_dir: Path, exc: BaseException) -> str:
    """One line for a failed write. A full disk reaches tantivy's indexing threads first, and
    the writer then says only "An index writer was killed": the free space tells."""
    text = str(exc)
    try:
        free = shutil.disk_usage(index_dir).free
    except OSError:
        free = None
    full = "os error 28" in text or "No space left" in text
    killed = "writer was killed" in text
    if full or (killed and free is not None and free < _NEARLY_FULL):
        left = f" ({free / 1e6:.1f} MB free)" if free is not None else ""
        return (
            f"cannot write the index in {index_dir}: the disk is full{left}; free space and "
            "run again (the index keeps its previous content)"
        )
    if killed:
        return (
            f"cannot write the index in {index_dir}: an indexing thread failed (an I/O error "
            "most likely); check the disk and run again (the index keeps its previous content)"
        )
    return f"cannot write the index in {index_dir}: {text}"


def _readable_like_segments(index_dir: Path) -> None:
    """Give ``meta.json`` the permissions of the segment files: tantivy writes it through a
    temporary file readable by its owner only, so a server running as another user could not
    open an index it can read every segment of."""
    meta = index_dir / "meta.json"
    with contextlib.suppress(OSError, StopIteration), os.scandir(index_dir) as entries:
        segment = next(e for e in entries if _SEGMENT_FILE.fullmatch(e.name))
        os.chmod(meta, segment.stat().st_mode & 0o777)
