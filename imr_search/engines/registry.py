"""The engines: one table (``ENGINES``) names each, and this module opens them.

An engine is its package under ``imr_search/engines/`` plus one ``EngineEntry`` here: the
package's ``open_backend(location, *, create)`` gives its ``Backend``, which
``imr_search.search.service.SearchService`` turns into the ``Engine`` everything else uses.
The CLI's ``--engine`` choices, the tests' engine lists and the benchmarks read this table.

The engine is chosen when an index is created (``--engine``, ``IMR_SEARCH_ENGINE``; Whoosh by
default) and recorded in the folder (``imr-search.json``); after that every command and the
server open whatever the folder holds. A folder made before the record existed is recognised
by its files (each entry's ``holds``).

An index location is a folder, or a URL for an engine that serves its index elsewhere (an
entry with ``schemes``); ``stamp`` tells whether the index at a location is still the one an
engine was opened on (the server follows an index by it).

An engine refuses an index made by an older imr-search that it cannot search correctly
(``OutdatedIndexError``, naming the rebuild), never answering silently wrong; ``--rebuild``
then makes it anew beside the old one (``outdated``, ``replacing``).

Changing a folder's engine (or format) is a rebuild into a fresh sibling folder that replaces
the old one only when the build has committed (``replacing``), so an interrupted switch leaves
the previous index as it was. Each engine package is imported only when used: a Whoosh user
never loads tantivy.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imr_search.config import MAX_QUERY_LENGTH
from imr_search.errors import DamagedIndexError, IndexError_, OutdatedIndexError, UsageError
from imr_search.search.backend import Backend, Engine
from imr_search.search.service import SearchService
from imr_search.search.vocabulary import mined_pairs, mined_path, vocabulary

EngineName = str  # a key of ENGINES
Location = Path | str  # a folder, or "scheme://..." for an engine with schemes
MARKER = "imr-search.json"


@dataclass(frozen=True, slots=True)
class EngineEntry:
    """One engine: its name, its package (which has ``open_backend``), how a folder made
    before the marker existed is recognised, the number of letters past which it slows down
    (None: the whole corpus), a line for users choosing one, and the URL schemes of its
    locations (none: it keeps its index in a folder)."""

    name: str
    package: str
    holds: Callable[[Path], bool] | None
    comfortable_letters: int | None
    note: str
    schemes: tuple[str, ...] = ()

    @property
    def in_folders(self) -> bool:
        """Whether the engine keeps its index in a folder (no URL schemes)."""
        return not self.schemes

    def open_backend(self, location: Location, *, create: bool) -> Backend:
        opener: Callable[..., Backend] = importlib.import_module(self.package).open_backend
        return opener(location, create=create)


def _whoosh_files(folder: Path) -> bool:
    return any(folder.glob("_MAIN_*.toc"))


def _tantivy_files(folder: Path) -> bool:
    return (folder / "meta.json").is_file()


ENGINES: dict[EngineName, EngineEntry] = {
    entry.name: entry
    for entry in (
        EngineEntry(
            "whoosh",
            "imr_search.engines.whoosh",
            _whoosh_files,
            # Past this many letters Whoosh's searches slow past what users wait for
            # (docs/benchmarks.md, query latency by size); tantivy holds the whole corpus.
            comfortable_letters=20_000,
            note="pure Python, the default: comfortable up to about 20,000 letters",
        ),
        EngineEntry(
            "tantivy",
            "imr_search.engines.tantivy",
            _tantivy_files,
            comfortable_letters=None,
            note="compiled (Rust): the whole corpus",
        ),
    )
}
DEFAULT_ENGINE: EngineName = "whoosh"


def folder_engines() -> tuple[EngineName, ...]:
    """The engines that keep their index in a folder (what ``--engine`` chooses from)."""
    return tuple(name for name, entry in ENGINES.items() if entry.in_folders)


def engine_name(value: str) -> EngineName:
    name = value.strip().lower()
    if name not in ENGINES:
        raise UsageError(f"unknown engine {value!r} (engines: {', '.join(ENGINES)})")
    return name


def _scheme(location: Location) -> str | None:
    text = str(location)
    scheme, sep, _ = text.partition("://")
    return scheme.lower() if sep and isinstance(location, str) else None


def _url_entry(location: Location) -> EngineEntry | None:
    scheme = _scheme(location)
    if scheme is None:
        return None
    for entry in ENGINES.values():
        if scheme in entry.schemes:
            return entry
    raise UsageError(f"no engine serves {scheme}:// locations ({location})")


def stamp(location: Location) -> Hashable | None:
    """What identifies the index at ``location`` now: a folder's device and inode (a rebuild
    swaps the folder, which gives the path another), the URL itself for an engine that serves
    its index elsewhere; None while a folder is missing (between a swap's two renames)."""
    if _url_entry(location) is not None:
        return str(location)
    return _identity(Path(location))


def folder_engine(index_dir: Path) -> EngineName | None:
    """The engine of the index in ``index_dir``, or None when it holds no index."""
    if not index_dir.is_dir():
        return None
    marker = index_dir / MARKER
    try:
        return engine_name(str(json.loads(marker.read_text("utf-8"))["engine"]))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError, UsageError) as exc:
        raise IndexError_(f"cannot read {marker}: {exc}") from None
    for entry in ENGINES.values():
        if entry.holds is not None and entry.in_folders and entry.holds(index_dir):
            return entry.name
    return None


def outdated(index_dir: Path) -> bool:
    """Whether ``index_dir`` holds an index its engine refuses as made by an older
    imr-search, or cannot read: ``index --rebuild`` builds its replacement beside it."""
    try:
        with open_engine(index_dir) as engine:
            # Made before the citator's citation pairs: it answers, but only a rebuild beside
            # it (in the new schema) gains them. Engines without the notion have nothing to gain.
            backend = getattr(engine, "backend", engine)
            return not getattr(backend, "citation_pairs", True)
    except (OutdatedIndexError, DamagedIndexError):
        return True
    except IndexError_:
        return False


def _open(
    name: EngineName,
    location: Location,
    *,
    create: bool,
    max_query_length: int,
    cache_size: int,
) -> Engine:
    backend = ENGINES[name].open_backend(location, create=create)
    # The abbreviations the index's letters define, beside a folder index.
    extra = mined_pairs(mined_path(Path(location))) if isinstance(location, Path) else []
    return SearchService(
        backend,
        max_query_length=max_query_length,
        cache_size=cache_size,
        vocab=vocabulary(extra),
    )


def _record(index_dir: Path, name: EngineName) -> None:
    tmp = index_dir / f".{MARKER}.tmp"
    tmp.write_text(json.dumps({"engine": name}) + "\n", "utf-8")
    os.replace(tmp, index_dir / MARKER)


def open_engine(
    location: Location,
    *,
    engine: EngineName | None = None,
    create: bool = False,
    max_query_length: int = MAX_QUERY_LENGTH,
    cache_size: int = 0,
) -> Engine:
    """Open the index at ``location`` (a folder, or a URL an engine serves) with the engine
    it holds. ``cache_size``: answers the response cache keeps (0, a command's one search:
    none).

    With ``create``, a folder holding no index gets a new one (``engine``, or Whoosh). Asking
    for an ``engine`` other than the one the folder holds is a UsageError naming the way out.
    """
    served = _url_entry(location)
    if served is not None:
        if engine is not None and engine != served.name:
            raise UsageError(f"{location} is served by the {served.name} engine, not {engine}")
        return _open(
            served.name,
            location,
            create=create,
            max_query_length=max_query_length,
            cache_size=cache_size,
        )
    if engine is not None and not ENGINES[engine_name(engine)].in_folders:
        schemes = ", ".join(f"{s}://" for s in ENGINES[engine].schemes)
        raise UsageError(
            f"the {engine} engine keeps no index in a folder: give a {schemes} location"
        )
    index_dir = Path(location)
    if not create:
        return _open_existing(index_dir, engine, max_query_length, cache_size)
    _recover(index_dir)
    held = folder_engine(index_dir)
    if held is None:
        held = engine or DEFAULT_ENGINE
        opened = _open(
            held, index_dir, create=True, max_query_length=max_query_length, cache_size=cache_size
        )
        _record(index_dir, held)
        return opened
    _check_engine(index_dir, held, engine)
    return _open(
        held, index_dir, create=False, max_query_length=max_query_length, cache_size=cache_size
    )


# A reader can meet a swap (``replacing``) at any moment: the folder renamed away between
# looking and reading, or the previous folder deleted while it is being opened. Either lasts
# as long as two renames and a delete; a reader that sees one looks again, a few times,
# rather than report "no index" for an index that is there.
_SWAP_ATTEMPTS = 10
_SWAP_PAUSE = 0.02  # seconds


def _open_existing(
    index_dir: Path, engine: EngineName | None, max_query_length: int, cache_size: int
) -> Engine:
    failure: Exception = IndexError_(f"no index in {index_dir} (build one with `imr-search index`)")
    for _ in range(_SWAP_ATTEMPTS):
        before = _identity(index_dir)
        folder = index_dir
        if before is None and _old(index_dir).is_dir():
            # Between the swap's two renames (or a crash there): read the previous index
            # where it is; only a writer puts folders back (readers never rename).
            folder = _old(index_dir)
        try:
            held = folder_engine(folder)
            if held is not None:
                _check_engine(index_dir, held, engine)
                return _open(
                    held,
                    folder,
                    create=False,
                    max_query_length=max_query_length,
                    cache_size=cache_size,
                )
        except (OutdatedIndexError, UsageError):
            raise  # about the index itself, not about a swap
        except Exception as exc:  # files gone mid-open: a swap, or a real failure (below)
            failure = exc
        if not (_old(index_dir).exists() or _identity(index_dir) != before):
            break  # no swap in sight: the answer stands
        time.sleep(_SWAP_PAUSE)
    raise failure


def _check_engine(index_dir: Path, held: EngineName, engine: EngineName | None) -> None:
    if engine is not None and engine != held:
        raise UsageError(
            f"{index_dir} holds a {held} index, not {engine}: add --rebuild to replace it "
            f"with a {engine} index, or choose another --index folder"
        )


def _identity(folder: Path) -> tuple[int, int] | None:
    """The folder's device and inode (a swap gives the path another), None when missing."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _old(index_dir: Path) -> Path:
    return index_dir.with_name(f".{index_dir.name}.old")


def _recover(index_dir: Path) -> None:
    """Finish or undo a swap that a crash interrupted between its two renames, and remove the
    new indexes that killed switches left half built beside ``index_dir``."""
    old = _old(index_dir)
    if old.exists() and not index_dir.exists():
        os.rename(old, index_dir)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
    _remove_abandoned(index_dir)


def _build_prefix(index_dir: Path, engine: EngineName) -> str:
    return f".{index_dir.name}.{engine}-"


def _remove_abandoned(index_dir: Path) -> None:
    """Remove the sibling folders of unfinished builds (``replacing``) that no process is
    building any more: a build holds a lock on its folder while it runs, and the lock goes
    with the process, however it ends (a killed switch left its folder, as large as the
    index could be, forever)."""
    prefixes = tuple(_build_prefix(index_dir, name) for name in ENGINES)
    try:
        with os.scandir(index_dir.parent) as entries:
            siblings = [e for e in entries if e.name.startswith(prefixes)]
    except OSError:
        return
    for entry in siblings:
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a build under way
        finally:
            os.close(fd)  # releases the lock taken, if any
        shutil.rmtree(entry.path, ignore_errors=True)


@contextmanager
def replacing(
    index_dir: Path, engine: EngineName, *, max_query_length: int = MAX_QUERY_LENGTH
) -> Iterator[Engine]:
    """A new, empty ``engine`` index that takes the place of ``index_dir`` when the block ends
    normally; on an exception (or a crash) ``index_dir`` is left as it was."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover(index_dir)
    fresh = Path(tempfile.mkdtemp(prefix=_build_prefix(index_dir, engine), dir=index_dir.parent))
    # Held while the build runs, so that ``_remove_abandoned`` leaves this folder alone.
    building = os.open(fresh, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(building, fcntl.LOCK_EX)
    try:
        new = _open(engine, fresh, create=True, max_query_length=max_query_length, cache_size=0)
        try:
            yield new
        finally:
            new.close()
        _record(fresh, engine)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        os.close(building)
        raise
    try:
        if index_dir.exists():
            os.rename(index_dir, _old(index_dir))
        os.rename(fresh, index_dir)
    finally:
        os.close(building)
    shutil.rmtree(_old(index_dir), ignore_errors=True)


def publish_index(index_dir: Path, replica: Path) -> Any:
    """Copy the commit of the index in ``index_dir`` to ``replica`` (servers read it), with
    the engine's ``publish``; UsageError for an engine without replicas."""
    name = folder_engine(index_dir)
    if name is None:
        raise IndexError_(f"no index in {index_dir} (build one with `imr-search index`)")
    publish: Callable[[Path, Path], Any] | None = getattr(
        importlib.import_module(ENGINES[name].package), "publish", None
    )
    if publish is None:
        raise UsageError(f"the {name} engine has no replicas: publish needs a tantivy index")
    return publish(index_dir, replica)
