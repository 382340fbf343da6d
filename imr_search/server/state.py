"""What one app instance holds: its settings and its engine (opened once, on first use).

The engine is opened lazily so the app can start before the index exists (a request then
answers 503 with the reason); it refreshes its own searcher per request, so an index rebuilt by
another process is picked up without a restart. A rebuild onto another engine replaces the
index itself (``imr_search.engines.registry.replacing``): each request compares the location's
stamp (``imr_search.engines.registry.stamp``) with the one the engine was opened on and
reopens when it changed; the old engine closes once its requests in flight are done (engines
retire readers in use). A request that was already running on the old engine when its index
was swapped away may fail (its files are gone); ``FollowingEngine`` then runs it again, once,
on the new engine.
Nothing here is module-global: each ``create_app`` call gets its own ``AppState``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec, TypeVar, cast

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from imr_search.config import Settings
from imr_search.engines.registry import stamp
from imr_search.errors import NotFoundError, UsageError
from imr_search.search.backend import ClosesOnExit, Engine, WriterSession
from imr_search.search.request import SearchRequest
from imr_search.search.results import ItemRecord

EngineFactory = Callable[[], Engine]
T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


@dataclass
class AppState:
    settings: Settings
    factory: EngineFactory
    _engine: Engine | None = None
    _stamp: Hashable | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    following: FollowingEngine = field(init=False)

    def __post_init__(self) -> None:
        self.following = FollowingEngine(self)

    def _identity(self) -> Hashable | None:
        return stamp(self.settings.index_dir)

    def engine(self) -> Engine:
        engine = self._engine
        if engine is None or self._moved():
            with self._lock:
                if self._engine is None or self._moved():
                    opened_on = self._identity()
                    stale = self._engine
                    self._engine = self.factory()  # raises IndexError_ if it cannot
                    self._stamp = opened_on
                    if stale is not None:
                        stale.close()
                engine = self._engine
        return engine

    def after_failure(self, engine: Engine, *, wait: float = 2.0) -> Engine:
        """The engine to run a failed call on again: the new folder's when the folder was
        swapped under ``engine``, else ``engine`` itself. A call that failed between the swap's
        two renames (the old files moved, the new folder not yet in place) waits, up to
        ``wait`` seconds, for the new folder rather than fail."""
        deadline = time.monotonic() + wait
        while self._identity() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.engine()

    def current(self) -> Engine | None:
        """The open engine if its folder is still the index folder, else None."""
        engine = self._engine
        return engine if engine is not None and not self._moved() else None

    def _moved(self) -> bool:
        # A missing folder is a swap between its two renames: keep the engine until the new
        # folder is in place.
        now = self._identity()
        return now is not None and now != self._stamp

    def close(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()


def _follows(
    method: Callable[Concatenate[Engine, P], R],
) -> Callable[Concatenate[FollowingEngine, P], R]:
    """``method`` of the app's current engine, run again once on a new engine when it failed
    because the index was replaced under it (``FollowingEngine._call``)."""
    name = method.__name__

    def call(self: FollowingEngine, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._call(lambda engine: cast(R, getattr(engine, name)(*args, **kwargs)))

    call.__name__ = call.__qualname__ = name
    call.__doc__ = method.__doc__
    return call


class FollowingEngine(ClosesOnExit):
    """The app's engine as one Engine that follows the index: each call runs on the current
    engine and, if it fails because the index was replaced under it, once more on the
    engine of the new index. The user's own errors (a bad query, an unknown id) never retry."""

    def __init__(self, state: AppState) -> None:
        self._state = state

    def _call(self, run: Callable[[Engine], T]) -> T:
        engine = self._state.engine()
        try:
            return run(engine)
        except (UsageError, NotFoundError):
            raise
        except Exception:
            fresh = self._state.after_failure(engine)
            if fresh is engine:
                raise
            return run(fresh)

    search = _follows(Engine.search)
    get_letter = _follows(Engine.get_letter)
    letter_source = _follows(Engine.letter_source)
    similar = _follows(Engine.similar)
    suggest = _follows(Engine.suggest)
    stats = _follows(Engine.stats)
    sources = _follows(Engine.sources)
    cache_stats = _follows(Engine.cache_stats)

    def iter_items(
        self, request: SearchRequest, *, limit: int | None = None
    ) -> Iterator[ItemRecord]:
        # Only a failure before the first item can be run again without repeating items.
        engine = self._state.engine()
        items = engine.iter_items(request, limit=limit)
        try:
            first = next(items, None)
        except (UsageError, NotFoundError):
            raise
        except Exception:
            fresh = self._state.after_failure(engine)
            if fresh is engine:
                raise
            items = fresh.iter_items(request, limit=limit)
            first = next(items, None)
        if first is not None:
            yield first
            yield from items

    def writer(self, *, rebuild: bool = False) -> AbstractContextManager[WriterSession]:
        return self._state.engine().writer(rebuild=rebuild)

    def close(self) -> None:
        self._state.close()


def app_state(request: Request) -> AppState:
    state = request.app.state.imr
    assert isinstance(state, AppState)
    return state


async def get_engine(request: Request) -> Engine:
    """The engine; opening it (on first use, and after the folder was replaced) runs in the
    threadpool."""
    state = app_state(request)
    if state.current() is None:
        await run_in_threadpool(state.engine)
    return state.following


async def get_settings(request: Request) -> Settings:
    return app_state(request).settings


def root_path(request: Request) -> str:
    """The path prefix the app is mounted under (behind a proxy), "" otherwise."""
    return str(request.scope.get("root_path", "")).rstrip("/")
