"""What one app instance holds: its settings and its engine (opened once, on first use).

The engine is opened lazily so the app can start before the index exists (a request then
answers 503 with the reason); it refreshes its own searcher per request, so an index rebuilt by
another process is picked up without a restart. Nothing here is module-global: each
``create_app`` call gets its own ``AppState``.
"""

from __future__ import annotations

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
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def engine(self) -> Engine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self.factory()  # raises IndexError_ if it cannot
                engine = self._engine
        return engine

    def opened(self) -> Engine | None:
        return self._engine

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
    """The engine; opening it (once) runs in the threadpool, later calls cost nothing."""
    state = app_state(request)
    engine = state.opened()
    return engine if engine is not None else await run_in_threadpool(state.engine)


async def get_settings(request: Request) -> Settings:
    return app_state(request).settings


def root_path(request: Request) -> str:
    """The path prefix the app is mounted under (behind a proxy), "" otherwise."""
    return str(request.scope.get("root_path", "")).rstrip("/")
