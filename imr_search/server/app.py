"""The web application: ``create_app`` (a factory, no global state) and ``serve``.

The server is read-only and holds no search logic: routes translate query parameters into a
``SearchRequest``, call the ``Engine`` and present the result as JSON (``api``) or HTML
(``pages``). Errors of every kind leave as one JSON shape or the HTML error page (``error_shape``).

A client that disconnects does not stop its request: the handlers are plain ``def`` functions
in the threadpool, and a thread cannot be interrupted. What frees the worker is the query time
limit, which bounds everything an answer does (``imr_search.search.deadline``). The exports are
bounded by their row limit instead (``api.EXPORT_LIMIT``): the CSV streams and stops at the
next chunk once its client has gone; the XLSX workbook is built whole first.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.supervisors import Multiprocess

import imr_search
from imr_search.config import Settings
from imr_search.engines.registry import open_engine
from imr_search.search.backend import Engine
from imr_search.server import analysis, api, appeal_page, error_shape, feeds, pages
from imr_search.server.schemas import ErrorResponse
from imr_search.server.state import AppState, EngineFactory

# A strict policy: the pages load only their own CSS and script, so even a letter text that
# slipped past escaping could not run anything.
_SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI, so streaming is untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ImrSearchApp(FastAPI):
    """FastAPI with an OpenAPI document that tells the truth about errors: every operation
    answers 400 with the error shape where FastAPI would claim 422."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema:
            return self.openapi_schema
        schema = get_openapi(
            title=self.title,
            version=self.version,
            description=self.description,
            routes=self.routes,
        )
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses: MutableMapping[str, Any] = operation.get("responses", {})
                if responses.pop("422", None) is not None:
                    responses.setdefault(
                        "400",
                        {
                            "description": "A bad parameter or query.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorResponse"}
                                }
                            },
                        },
                    )
        components = schema.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        self.openapi_schema = schema
        return schema


def _default_factory(settings: Settings) -> EngineFactory:
    def open_default() -> Engine:
        return open_engine(settings.index_dir, max_query_length=settings.max_query_length)

    return open_default


def create_app(
    settings: Settings | None = None,
    *,
    engine_factory: Callable[[], Engine] | None = None,
) -> FastAPI:
    """A new, read-only application.

    ``settings`` gives the limits (query length, time limit) and, unless ``engine_factory`` is
    given, the index directory. ``engine_factory`` is called once, on first use, and the
    engine is closed when the application shuts down.
    """
    settings = settings or Settings()
    state = AppState(settings=settings, factory=engine_factory or _default_factory(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(state.close)

    app = ImrSearchApp(
        title="imr-search",
        version=imr_search.__version__,
        description="Full-text and faceted search over California workers' compensation "
        "Independent Medical Review (IMR) final determinations. Every error answers "
        '`{"error": {"status", "message", "detail"}}`.',
        lifespan=lifespan,
        # Every operation can meet the request-size limits (server/limits.py) before routing.
        responses={
            413: {"model": ErrorResponse, "description": "The request body is too large."},
            414: {"model": ErrorResponse, "description": "The request URL is too long."},
        },
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; /openapi.json stays
        redoc_url=None,
    )
    app.state.imr = state
    app.state.templates = pages.make_environment()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(appeal_page.router)  # the appeal workbench's printable page
    app.include_router(analysis.router)  # the citator and cross-tabs
    app.include_router(analysis.pages)
    app.include_router(feeds.router)  # saved searches as Atom feeds
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    error_shape.install(
        app, pages.error_page, max_url=settings.max_url_length, max_body=settings.max_body_bytes
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeaders)
    return app


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket for ``host:port`` (port 0: a free one).

    The protocol must be IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets
    that say so, and without it every keep-alive response waits ~40 ms for a delayed ACK.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _display_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# How ``serve`` hands its settings to worker processes (they start afresh, by spawn, and build
# their app with ``app_from_parent``). Not a setting for users.
_WORKER_SETTINGS = "_IMR_SEARCH_WORKER_SETTINGS"


def app_from_parent() -> FastAPI:
    """The app of one worker process, with the settings ``serve`` was given."""
    raw = json.loads(os.environ[_WORKER_SETTINGS])
    raw["index_dir"] = Path(raw["index_dir"])
    return create_app(Settings(**raw))


def worker_count(settings: Settings) -> int:
    if settings.workers is not None:
        return max(1, settings.workers)
    return max(1, min(2, len(os.sched_getaffinity(0))))


def serve(settings: Settings) -> None:
    """Open the index, bind ``settings.host:settings.port`` (0 picks a free port), print
    "Serving imr-search on http://HOST:PORT" and serve until interrupted.

    With more than one worker (``worker_count``), uvicorn's supervisor runs that many
    processes on the one socket, each with its own engine over the same index (Python search
    code holds the GIL, so processes, not threads, use the cores), and replaces a worker that
    dies. Raises the engine's ``ImrSearchError`` (before binding) if the index cannot be
    opened, and ``OSError`` if the address is taken.
    """
    app = create_app(settings)
    state: AppState = app.state.imr
    state.engine()  # fail now, with the engine's message, rather than on the first request
    workers = worker_count(settings)
    if workers > 1:
        state.close()  # the workers open their own
        fields = settings.model_dump() | {"index_dir": str(settings.index_dir)}
        os.environ[_WORKER_SETTINGS] = json.dumps(fields)
    sock = bind_socket(settings.host, settings.port)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        "imr_search.server.app:app_from_parent" if workers > 1 else app,
        factory=workers > 1,
        workers=workers,
        log_level="info",
        access_log=True,
        server_header=False,
        proxy_headers=True,  # trusts X-Forwarded-* from 127.0.0.1 only (uvicorn's default)
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        limit_concurrency=256,  # beyond this, 503 rather than an ever-growing queue
    )
    print(f"Serving imr-search on {_display_url(settings.host, port)}", flush=True)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        sys.stdout.flush()
