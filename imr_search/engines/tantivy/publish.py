"""Publishing a tantivy index to a replica folder that servers read (``imr-search publish``).

tantivy's segment files are never changed once written (a commit adds segments, merges write
new ones, deletes go to new ``.del`` files), and readers find the segments of the current
commit in ``meta.json``. So a copy of one commit is: the files of the segments the source's
``meta.json`` names that the replica lacks, then ``meta.json`` itself, written beside and
renamed over the replica's in one step (how Solr and OpenSearch replicate segments). A server
on the replica sees the new ``meta.json`` at its next request (the engine compares it before
each one) and opens the new segments; requests already running keep the segments they opened.

Files of segments neither the new commit nor the one before it names are removed afterwards:
a server still finishing a request on the previous commit keeps its files; on Linux a file
opened before its removal stays readable anyway.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from imr_search.engines.tantivy.counts import FILE as COUNTS_FILE
from imr_search.engines.tantivy.pairs import FILE as PAIRS_FILE
from imr_search.errors import IndexError_

META = "meta.json"
# Files that are neither segments nor the commit: the list of words, the engine marker, and
# the blank query's counts (used only with the commit they name: a copy of a newer commit's
# is ignored).
EXTRA = (PAIRS_FILE, "imr-search.json", COUNTS_FILE)


@dataclass(frozen=True, slots=True)
class Published:
    copied: int  # files copied
    bytes: int
    kept: int  # segment files the replica had already
    removed: int  # files of commits older than the previous one


def _segment_prefixes(meta: dict[str, object]) -> set[str]:
    segments = meta.get("segments", [])
    assert isinstance(segments, list)
    return {str(s["segment_id"]).replace("-", "") + "." for s in segments}


def _files(folder: Path, prefixes: set[str]) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.split(".", 1)[0] + "." in prefixes)


def _read_meta(folder: Path) -> dict[str, object]:
    try:
        meta: dict[str, object] = json.loads((folder / META).read_text("utf-8"))
    except FileNotFoundError:
        raise IndexError_(f"no tantivy index in {folder} (no {META})") from None
    except (OSError, ValueError) as exc:
        raise IndexError_(f"cannot read {folder / META}: {exc}") from exc
    return meta


def publish(source: Path, replica: Path) -> Published:
    """Make ``replica`` hold the commit ``source`` holds now (see the module docstring)."""
    if source.resolve() == replica.resolve():
        raise IndexError_(f"the replica must be another folder than the index ({source})")
    meta_text = (source / META).read_text("utf-8") if (source / META).is_file() else ""
    if not meta_text:
        raise IndexError_(f"no tantivy index in {source} (no {META})")
    meta = json.loads(meta_text)
    replica.mkdir(parents=True, exist_ok=True)
    copied = kept = size = 0
    try:
        for path in _files(source, _segment_prefixes(meta)):
            target = replica / path.name
            if target.exists() and target.stat().st_size == path.stat().st_size:
                kept += 1
                continue
            tmp = replica / f".{path.name}.tmp"
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
            copied += 1
            size += path.stat().st_size
        for name in EXTRA:
            if (source / name).is_file():
                tmp = replica / f".{name}.tmp"
                shutil.copyfile(source / name, tmp)
                os.replace(tmp, replica / name)
        previous = _read_meta(replica) if (replica / META).is_file() else None
        tmp = replica / f".{META}.tmp"
        tmp.write_text(meta_text, "utf-8")
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, replica / META)  # the switch
    except FileNotFoundError as exc:
        # tantivy removed a segment of that commit meanwhile (a merge and its garbage
        # collection): the replica still holds its previous commit whole.
        raise IndexError_(
            f"the index in {source} changed while it was copied ({exc.filename}); publish again"
        ) from None
    except OSError as exc:
        raise IndexError_(f"cannot publish to {replica}: {exc}") from exc
    removed = 0
    live = _segment_prefixes(meta) | (_segment_prefixes(previous) if previous else set())
    for path in replica.iterdir():
        if path.name.startswith(".") or path.name in (META, *EXTRA):
            continue
        if path.name.split(".", 1)[0] + "." not in live:
            path.unlink(missing_ok=True)
            removed += 1
    return Published(copied, size, kept, removed)
