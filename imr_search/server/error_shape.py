"""One error shape for every error the server answers.

JSON routes answer ``{"error": {"status": 400, "message": "...", "detail": ...}}``; HTML routes
answer the error page with the same status and message. ``ImrSearchError`` subclasses map by
their ``http_status`` (``QueryError`` -> 400 with its position and hint), FastAPI's request
validation errors become 400 (not 422), unknown routes 404. Anything else is a bug: 500 with a
generic message (never the exception's text), logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imr_search.errors import ImrSearchError, QueryError
from imr_search.server.request_size import RequestSizeLimit

log = logging.getLogger("imr_search.server")

# Paths under these prefixes answer JSON; everything else is a page.
# Feeds (/alerts/) are read by programs too: their errors are JSON.
JSON_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/alerts/")

ErrorPage = Callable[[Request, int, str], HTMLResponse]


def error_body(status: int, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"status": status, "message": message, "detail": detail}}


def wants_json(request: Request) -> bool:
    path = request.url.path
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path.startswith(JSON_PREFIXES)


def describe_validation(errors: Sequence[Any]) -> tuple[str, list[dict[str, str]]]:
    """A readable message and a per-parameter detail list for pydantic errors."""
    detail: list[dict[str, str]] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        name = ".".join(loc) or "request"
        kind = err.get("type", "")
        message = (
            "unknown parameter" if kind == "extra_forbidden" else str(err.get("msg", "invalid"))
        )
        detail.append({"parameter": name, "message": message})
    text = "; ".join(f"{d['parameter']}: {d['message']}" for d in detail)
    return f"invalid parameter ({text})" if detail else "invalid request", detail


def query_error_detail(exc: QueryError) -> dict[str, Any]:
    return {"position": exc.position, "hint": exc.hint}


class UnexpectedErrors:
    """Turns an exception no handler took into the 500 error shape and logs it.

    Starlette's own last-resort handler re-raises after answering, which makes uvicorn drop
    the keep-alive connection; this one answers and keeps the connection. An exception after
    the response has started (a broken CSV stream) can only be re-raised.
    """

    def __init__(self, app: ASGIApp, respond: Callable[[Request, int, str], Response]) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:
                raise
            log.exception("unexpected error answering %s", scope.get("path"))
            response = self.respond(Request(scope), 500, "internal server error")
            await response(scope, receive, send)


def install(
    app: FastAPI, error_page: ErrorPage, *, max_url: int | None = None, max_body: int = 65536
) -> None:
    """Register the exception handlers; ``error_page`` renders the HTML form. With
    ``max_url``, requests larger than the limits are refused before any work
    (``imr_search.server.request_size``)."""

    def respond(request: Request, status: int, message: str, detail: Any = None) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(status, message, detail), status_code=status)
        return error_page(request, status, message)

    async def on_imr_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ImrSearchError)
        detail = query_error_detail(exc) if isinstance(exc, QueryError) else None
        status = exc.http_status
        if status >= 500:
            log.error("%s: %s", type(exc).__name__, exc)  # the operator's log names the file
        return respond(request, status, exc.public, detail)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        message, detail = describe_validation(exc.errors())
        return respond(request, 400, message, detail)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            message = f"not found: {request.url.path}"
        else:
            message = str(exc.detail) if exc.detail else "error"
        response = respond(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        # Last resort (an error in a middleware): Starlette re-raises after this for uvicorn.
        return respond(request, 500, "internal server error")

    app.add_exception_handler(ImrSearchError, on_imr_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
    app.add_middleware(UnexpectedErrors, respond=respond)
    if max_url is not None:
        app.add_middleware(RequestSizeLimit, respond=respond, max_url=max_url, max_body=max_body)
