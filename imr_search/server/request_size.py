"""Request size, bounded before any work starts (docs/limits.md).

Every facet link of the page repeats every selected value, so a URL that repeats one filter
thousands of times makes an answer of hundreds of megabytes and minutes of work
(docs/benchmarks.md, "Hostile input"). The request target and the body are measured
here, as the request arrives; the number of values of one filter is checked by the parameter
model (``imr_search.server.params.MAX_FILTER_VALUES``).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send


class RequestSizeLimit:
    """Answers 414 for a request target (path and query) longer than ``max_url`` bytes and 413
    for a body declared larger than ``max_body`` bytes, in the usual error shape."""

    def __init__(
        self,
        app: ASGIApp,
        respond: Callable[[Request, int, str], Response],
        max_url: int,
        max_body: int,
    ) -> None:
        self.app = app
        self.respond = respond
        self.max_url = max_url
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if target > self.max_url:
            message = (
                f"the request URL is too long ({target} bytes; the limit is {self.max_url}): "
                "select fewer filter values or shorten the query"
            )
            await self._refuse(scope, receive, send, 414, message)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            message = (
                f"the request body is too large ({declared} bytes; the limit is {self.max_body})"
            )
            await self._refuse(scope, receive, send, 413, message)
            return
        # No route reads a body beyond small forms, so an undeclared (chunked) one is never
        # read at all; the declared length is what must be checked.
        await self.app(scope, receive, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str
    ) -> None:
        scope = {**scope, "query_string": b""}  # the error page must not read the huge query
        await self.respond(Request(scope), status, message)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
