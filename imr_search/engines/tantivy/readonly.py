"""Reading a tantivy index from a folder this process cannot write (a read-only mount, a
replica, a folder owned by the indexing user).

tantivy takes a lock file in the index folder before it reads ``meta.json`` (to load the
commit a reader sees), and cannot open a reader where it cannot create that file: "Failed to
acquire Lockfile ... ReadOnlyFilesystem". Nothing else a reader does writes. So a reader of
such a folder opens the index through a private folder of links: a temporary folder holding a
symbolic link to each of the index's files, where tantivy takes its lock. The searcher maps
the files it needs when it is made, through the links, and keeps them mapped, so the links
are removed at once; each new commit (a new ``meta.json``) gets new links.

The links leave out the lock files and ``.managed.json`` (the writer's list of the files it
made, which only garbage collection reads and tantivy writes readable by its owner alone).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tantivy

from imr_search.errors import IndexError_

META_LOCK = ".tantivy-meta.lock"
# Files a reader never needs: the locks, the writer's file list, a commit's temporary file.
_LEFT_OUT = (".tantivy-", ".managed.json", ".tmp")
# A commit in another process can replace files between listing the folder and opening the
# index through the links; opening again sees the new commit's files.
_ATTEMPTS = 5
_PAUSE = 0.05  # seconds


def writable(index_dir: Path) -> bool:
    """Whether tantivy can take its reader's lock in ``index_dir`` (what it opens to do so)."""
    try:
        fd = os.open(index_dir / META_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return False
    os.close(fd)
    return True


def open_index(index_dir: Path) -> Any:
    """The index in ``index_dir`` for its schema and a first searcher (``searcher()`` works
    once only: its links are gone). Raises IndexError_."""
    return _through_links(index_dir, lambda index: index)


def open_searcher(index_dir: Path) -> Any:
    """A searcher of the latest commit in ``index_dir``. Raises IndexError_."""
    return _through_links(index_dir, lambda index: index.searcher())


def _through_links(index_dir: Path, use: Callable[[Any], Any]) -> Any:
    """``use(index)`` of the index opened through a private folder of links, removed after
    (see the module docstring)."""
    failure: Exception | None = None
    for _ in range(_ATTEMPTS):
        try:
            links = Path(tempfile.mkdtemp(prefix="imr-search-tantivy-"))
        except OSError as exc:
            raise IndexError_(
                f"cannot read the index in {index_dir}: it is read-only and no temporary "
                f"folder is writable to read it through ({exc}); set TMPDIR to one"
            ) from None
        try:
            with os.scandir(index_dir) as entries:
                for entry in entries:
                    if not entry.name.startswith(_LEFT_OUT):
                        os.symlink(os.path.abspath(entry.path), links / entry.name)
            index = tantivy.Index.open(str(links))
            index.config_reader(reload_policy="manual")
            return use(index)
        except (OSError, ValueError) as exc:
            failure = exc
        finally:
            shutil.rmtree(links, ignore_errors=True)
        time.sleep(_PAUSE)
    raise IndexError_(f"cannot read the index in {index_dir}: {failure}")
