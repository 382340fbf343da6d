"""A polite HTTP client for DWC's site: one connection, a request rate, retries with
exponential back-off on 429, 5xx and timeouts (``Retry-After`` honoured), a bounded number of
tries, and a ``User-Agent`` naming imr-search, its version and a contact.

httpx does HTTP (a connection pool of one, cookies kept as the site's own crawler did);
tenacity does the retrying. Every failure that survives the tries is a ``SiteError``.
"""

from __future__ import annotations

import email.utils
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType

import httpx
import tenacity

from imr_search import __version__
from imr_search.errors import SiteError
from imr_search.fetch.protocol import RETRY_STATUSES, SEARCH_PATH

# Seconds of back-off: the first wait, doubled each try, at most the last; a Retry-After
# beyond MAX_RETRY_AFTER is refused (the site asks for more than a run can wait).
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
MAX_RETRY_AFTER = 600.0
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


def user_agent(contact: str | None) -> str:
    about = f"+{contact}" if contact else "+https://github.com/imr-search"
    return f"imr-search/{__version__} ({about})"


class RetryableError(Exception):
    """An answer worth another try: ``retry_after`` is the site's Retry-After in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(slots=True)
class RateLimit:
    """At most ``rate`` requests a second: each request starts no sooner than 1/rate seconds
    after the one before."""

    rate: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _next: float = 0.0

    def wait(self) -> None:
        now = self.clock()
        if now < self._next:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + 1.0 / self.rate


class _Wait(tenacity.wait.wait_base):
    """Exponential back-off, or the site's Retry-After when it gave one."""

    def __init__(self, first: float, most: float) -> None:
        self.exponential = tenacity.wait_exponential(multiplier=first, max=most)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, RetryableError) and error.retry_after is not None:
            return error.retry_after
        return float(self.exponential(retry_state))


class Client:
    """Requests to one site (``base_url``: scheme and host; the protocol's paths are
    appended). ``tries`` bounds the attempts of each request."""

    def __init__(
        self,
        base_url: str,
        *,
        rate: float = 1.0,
        contact: str | None = None,
        tries: int = 5,
        timeout: float = 30.0,
        backoff: float = BACKOFF_FIRST,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.search_url = self.base_url + SEARCH_PATH
        self.limit = RateLimit(rate)
        self.tries = tries
        self.backoff = backoff
        self.on_retry = on_retry
        self.requests = 0
        self.http = httpx.Client(
            headers={"User-Agent": user_agent(contact), "Origin": self.base_url},
            timeout=timeout,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=True,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def search(self, form: Sequence[tuple[str, str]]) -> bytes:
        """A result page: the form POSTed to the search page."""
        # Encoded here, in the form's own field order (httpx takes a dict, which merges
        # repeated names and says nothing of order).
        body = urllib.parse.urlencode(list(form)).encode("utf-8")
        return self._retrying(lambda: self._once("POST", self.search_url, body=body))

    def case_page(self, case_number: str) -> bytes:
        """One case's treatment rows (``GET ...?caseno=``)."""
        url = self.search_url
        return self._retrying(lambda: self._once("GET", url, params={"caseno": case_number}))

    def letter(self, href: str, check: Callable[[bytes], str | None]) -> bytes:
        """A letter's bytes (``href``: its link as the result page gives it). ``check`` says
        what is wrong with a download (None: nothing); a bad download is tried again like a
        5xx. A 404 raises ``LookupError`` at once."""

        url = urllib.parse.urljoin(self.search_url, href)

        def once() -> bytes:
            data = self._once("GET", url, missing_ok=True)
            problem = check(data)
            if problem is not None:
                raise RetryableError(problem)
            return data

        return self._retrying(once)

    def _retrying(self, call: Callable[[], bytes]) -> bytes:
        def before_sleep(state: tenacity.RetryCallState) -> None:
            if self.on_retry is not None and state.outcome is not None:
                wait = state.next_action.sleep if state.next_action else 0.0
                self.on_retry(
                    f"{state.outcome.exception()}; try {state.attempt_number + 1} in {wait:.0f} s"
                )

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RetryableError),
            stop=tenacity.stop_after_attempt(self.tries),
            wait=_Wait(self.backoff, BACKOFF_MAX),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            result: bytes = retrying(call)
        except RetryableError as e:
            raise SiteError(f"{e} (gave up after {self.tries} tries)") from None
        return result

    def _once(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        params: dict[str, str] | None = None,
        missing_ok: bool = False,
    ) -> bytes:
        self.limit.wait()
        self.requests += 1
        try:
            headers = {"Content-Type": FORM_TYPE} if body is not None else None
            response = self.http.request(method, url, content=body, params=params, headers=headers)
        except httpx.TimeoutException:
            raise RetryableError(f"{url}: no answer in time") from None
        except httpx.TransportError as e:
            raise RetryableError(f"{url}: {type(e).__name__}: {e}") from None
        status = response.status_code
        if status in RETRY_STATUSES:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None and wait > MAX_RETRY_AFTER:
                raise SiteError(f"{url}: the site asks to wait {wait:.0f} s (HTTP {status})")
            raise RetryableError(f"{url}: HTTP {status}", retry_after=wait)
        if status == 404 and missing_ok:
            raise LookupError(f"{url}: HTTP 404 (not on the site)")
        if status >= 400:
            raise SiteError(f"{url}: HTTP {status}")
        return response.content
