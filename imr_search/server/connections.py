"""What uvicorn leaves open: HEAD requests and clients that never finish their headers.

``HeadAsGet`` answers ``HEAD`` wherever ``GET`` answers (monitors and link checkers use it):
the request runs as ``GET`` and the body is dropped, so the status and headers are the GET's.
FastAPI routes declare GET alone, and uvicorn would answer 405.

``HeaderTimeoutH11`` is uvicorn's h11 protocol with a limit on the time a request's headers may
take to arrive, counted from the connection (or the first byte of a keep-alive connection's
next request) to the end of the headers. uvicorn's ``timeout_keep_alive`` only covers an idle
connection between requests: a client that sends part of its headers and then nothing (a
slow-loris) would hold the connection, and a slot of ``limit_concurrency``, forever. This
works without a proxy in front.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol


class HeadAsGet:
    """Runs a HEAD request as GET and sends the response without its body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.body":
                if finished:
                    return
                finished = True  # the headers' Content-Length stays the GET's
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


HEADER_TIMEOUT = "header_timeout"  # the attribute of uvicorn's Config that carries the limit


def with_header_timeout(config: uvicorn.Config, seconds: float) -> uvicorn.Config:
    """``config`` serving with ``HeaderTimeoutH11`` and this limit. The limit rides on the
    config, which uvicorn hands to each worker process; the class goes by name, imported when
    the worker loads its app: a class object would be imported while the config is unpickled,
    before the worker answers its supervisor's health check, and on a busy machine that import
    takes longer than the check waits."""
    config.http = f"{__name__}:{HeaderTimeoutH11.__name__}"
    setattr(config, HEADER_TIMEOUT, seconds)
    return config


class HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers take longer than the
    config's ``header_timeout`` seconds."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.header_timeout: float = getattr(config, HEADER_TIMEOUT, 10.0)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._start_header_timer()  # the first bytes of a keep-alive connection's next request
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._stop_header_timer()  # the headers are in

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _start_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
