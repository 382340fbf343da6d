"""What one app instance holds: its settings and its engine (opened once, on first use).

The engine is opened lazily so the app can start before the index exists (a request then
answers 503 with the reason); it refreshes its own searcher per request, so an index rebuilt by
another process is picked up without a restart. A rebuild onto another engine replaces the
index folder itself (``imr_search.engines.replacing``): each request compares the folder's
identity (device and inode) with the one the engine was opened on and reopens when it changed;
the old engine closes once its requests in flight are done (engines retire readers in use).
Nothing here is module-global: each ``create_app`` call gets its own ``AppState``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from imr_search.config import Settings
from imr_search.engine import Engine

EngineFactory = Callable[[], Engine]


@dataclass
class AppState:
    settings: Settings
    factory: EngineFactory
    _engine: Engine | None = None
    _folder: tuple[int, int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.settings.index_dir)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def engine(self) -> Engine:
        engine, folder = self._engine, self._identity()
        if engine is None or folder != self._folder:
            with self._lock:
                if self._engine is None or folder != self._folder:
                    stale = self._engine
                    self._engine = self.factory()  # raises IndexError_ if it cannot
                    self._folder = folder
                    if stale is not None:
                        stale.close()
                engine = self._engine
        return engine

    def current(self) -> Engine | None:
        """The open engine if its folder is still the index folder, else None."""
        engine = self._engine
        return engine if engine is not None and self._identity() == self._folder else None

    def close(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()


def app_state(request: Request) -> AppState:
    state = request.app.state.imr
    assert isinstance(state, AppState)
    return state


async def get_engine(request: Request) -> Engine:
    """The engine; opening it (on first use, and after the folder was replaced) runs in the
    threadpool."""
    state = app_state(request)
    engine = state.current()
    return engine if engine is not None else await run_in_threadpool(state.engine)


async def get_settings(request: Request) -> Settings:
    return app_state(request).settings


def root_path(request: Request) -> str:
    """The path prefix the app is mounted under (behind a proxy), "" otherwise."""
    return str(request.scope.get("root_path", "")).rstrip("/")
