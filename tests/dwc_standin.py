"""A stand-in for DWC's IMR decision search, written from ``DWC-SEARCH.md`` (not from
imr-search's protocol module): a real HTTP server on 127.0.0.1 serving real letters, the two
searches with 25-row pages, a case's own page, the PDFs, and the faults a test asks for.

It counts what it served: every request, and for each letter how many times its PDF was sent
whole, so a test can say no letter was downloaded whole twice.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import itertools
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SEARCH = "/dwc/imr/IMRDecisionSearch.asp"
PDF_PREFIX = "/dwc/imr/decisions/"
ROWS = 25
TESTS = Path(__file__).resolve().parent


@dataclass
class Treatment:
    category: str  # DWC's category, e.g. "Evaluation & Management"
    subcategory: str  # DWC's subcategory or drug class ("" when none)
    decision: str  # "Uphold" or "Overturn"


@dataclass
class Case:
    number: str
    pdf: bytes
    decided: dt.date
    injured: dt.date | None
    received: dt.date | None
    specialty: str  # as the site writes it
    treatments: list[Treatment]

    @property
    def outcome(self) -> str:
        decisions = {t.decision for t in self.treatments}
        if len(decisions) > 1:
            return "Partially Overturn"
        return "Uphold" if decisions == {"Uphold"} else "Overturn"


@dataclass
class Faults:
    """What goes wrong, and when. Each ``once`` fault happens the first time only."""

    first_search_503: bool = False  # the first search answers 503, then works
    search_429_at: int | None = None  # the Nth search answers 429 with Retry-After: 1
    hang_pdf: str | None = None  # this case's first PDF request hangs ``hang`` seconds
    hang: float = 5.0
    truncated_pdf: str | None = None  # this case's first PDF is cut in half
    missing_pdf: str | None = None  # this case's PDF is always 404
    duplicate_case: str | None = None  # this case is listed twice by both searches
    missing_cell_once: bool = False  # the first case-search page 2 has a row without a cell
    no_table_once: bool = False  # the first treatment-search page 1 is an error page
    redesigned: bool = False  # every result page has a new layout: no results table
    pause_on_pdf: int | None = None  # the Nth PDF: half its bytes, then wait for release
    pause_on_search: int | None = None  # the Nth search waits for release before answering


@dataclass
class Counts:
    requests: int = 0
    searches: int = 0
    pdf_requests: Counter[str] = field(default_factory=Counter)
    pdf_whole: Counter[str] = field(default_factory=Counter)
    user_agents: set[str] = field(default_factory=set)
    retry_after_sent: list[float] = field(default_factory=list)
    split_cases: set[str] = field(default_factory=set)


def _date(d: dt.date | None) -> str:
    return "" if d is None else f"{d.month}/{d.day}/{d.year}"


def _parse_date(text: str) -> dt.date | None:
    if not text:
        return None
    month, day, year = (int(p) for p in text.split("/"))
    return dt.date(year, month, day)


def _cell(text: str) -> str:
    return f"<td>{html.escape(text, quote=False)}</td>"


class Site:
    """The stand-in's data, faults and counts; ``serve()`` runs it on a free port."""

    def __init__(self, cases: list[Case], faults: Faults | None = None) -> None:
        self.cases = sorted(cases, key=lambda c: (c.decided, c.number))
        self.by_number = {c.number: c for c in self.cases}
        self.days = [c.decided for c in self.cases]
        self.faults = faults or Faults()
        self.counts = Counts()
        self.lock = threading.Lock()
        self.paused = threading.Event()  # set when the pause_on_pdf letter is half sent
        self.release = threading.Event()
        self._done_once: set[str] = set()
        self.server: ThreadingHTTPServer | None = None

    def fired(self) -> set[str]:
        """The one-time faults that happened."""
        with self.lock:
            return set(self._done_once)

    def once(self, key: str) -> bool:
        with self.lock:
            if key in self._done_once:
                return False
            self._done_once.add(key)
            return True

    # --- the searches ---------------------------------------------------------------------

    def matching(self, form: dict[str, str]) -> list[Case]:
        first, last = _parse_date(form.get("DecStart", "")), _parse_date(form.get("DecEnd", ""))
        number = form.get("Caseno", "")
        if number:
            out = [self.by_number[number]] if number in self.by_number else []
        else:
            # the cases are sorted by decision date: a window is a slice (20,000 letters fast)
            low = 0 if first is None else bisect.bisect_left(self.days, first)
            high = len(self.cases) if last is None else bisect.bisect_right(self.days, last)
            out = self.cases[low:high]
        dup = self.faults.duplicate_case
        if dup is not None and dup in {c.number for c in out} and not number:
            at = next(i for i, c in enumerate(out) if c.number == dup)
            out.insert(at + 1, out[at])
        return out

    def case_rows(self, cases: list[Case]) -> list[str]:
        rows = []
        for c in cases:
            plus = " <strong>+</strong>" if len(c.treatments) > 1 else ""
            rows.append(
                f'<tr><td><a href="{PDF_PREFIX}{c.number}.pdf">{c.number}</a>{plus}</td>'
                + _cell(c.outcome)
                + _cell(_date(c.decided))
                + _cell(_date(c.injured))
                + _cell(_date(c.received))
                + _cell(c.specialty)
                + "</tr>"
            )
        return rows

    def tx_rows(self, cases: list[Case]) -> list[tuple[str, str]]:
        """(case number, row) of each treatment row."""
        rows = []
        for c in cases:
            for i, t in enumerate(c.treatments):
                labels = _cell(t.category) + _cell(t.subcategory) + _cell(t.decision)
                if i == 0:
                    row = (
                        f'<tr><td><a href="{PDF_PREFIX}{c.number}.pdf">{c.number}</a></td>'
                        + _cell(_date(c.decided))
                        + _cell(_date(c.injured))
                        + _cell(_date(c.received))
                        + _cell(c.specialty)
                        + labels
                        + "</tr>"
                    )
                else:
                    row = f'<tr><td colspan="5">&nbsp;</td>{labels}</tr>'
                rows.append((c.number, row))
        return rows

    def result_page(self, form: dict[str, str]) -> str:
        search = form.get("Fname", "")
        page = int(form.get("newpageno") or 1)
        cases = self.matching(form)
        if search == "Case":
            all_rows = self.case_rows(cases)
        elif search == "Tx":
            tx = self.tx_rows(cases)
            all_rows = [r for _, r in tx]
            for k in range(ROWS, len(tx), ROWS):  # a case whose rows straddle two pages
                if tx[k][1].startswith('<tr><td colspan="5"'):
                    self.counts.split_cases.add(tx[k][0])
        else:
            return "<html><body><p>Please choose a search.</p></body></html>"
        total = len(all_rows)
        rows = all_rows[(page - 1) * ROWS : page * ROWS]
        if search == "Case" and page == 2 and self.faults.missing_cell_once and self.once("cell"):
            rows = [rows[0].replace("</td><td>", "</td><!-- --><td>", 1).replace("<td>", "", 1)]
            rows += all_rows[(page - 1) * ROWS + 1 : page * ROWS]
        if search == "Tx" and page == 1 and self.faults.no_table_once and self.once("table"):
            return "<html><body><h1>Service busy</h1><p>Try again later.</p></body></html>"
        if self.faults.redesigned:
            items = "".join(f"<li>{r}</li>" for r in rows)
            return f"<html><body><div class='results'><ul>{items}</ul></div></body></html>"
        more = page < math.ceil(total / ROWS)
        header = (
            "<tr><th>Case Number</th><th>Case Outcome</th><th>Decision Date</th>"
            "<th>Date of Injury</th><th>Received</th><th>Specialty</th></tr>"
            if search == "Case"
            else "<tr><th>Case Number</th><th>Decision Date</th><th>Date of Injury</th>"
            "<th>Received</th><th>Specialty</th><th>Category</th><th>Subcategory</th>"
            "<th>Decision</th></tr>"
        )
        nextpage = (
            '<form name="Nextpage" method="post" action="IMRDecisionSearch.asp">'
            f'<input type="hidden" name="newpageno" value="{page + 1}"></form>'
            if more
            else ""
        )
        return (
            "<html><head><title>IMR Decision Search</title></head><body>"
            '<form name="search" method="post" action="IMRDecisionSearch.asp"></form>'
            f'<table class="tabborder" width="100%">{header}{"".join(rows)}</table>'
            f"\nResults: <p>Total records: <strong>{total:,}</strong></p>{nextpage}"
            "</body></html>"
        )

    # --- serving ----------------------------------------------------------------------------

    def serve(self) -> str:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.request(self, "GET", b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                site.request(self, "POST", self.rfile.read(length))

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client killed mid-answer (the kill tests) is expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def request(self, h: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        with self.lock:
            self.counts.requests += 1
            self.counts.user_agents.add(h.headers.get("User-Agent", ""))
        url = urlsplit(h.path)
        if url.path == SEARCH:
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if method == "GET" and "caseno" in query:
                case = self.by_number.get(query["caseno"])
                rows = [r for _, r in self.tx_rows([case])] if case else []
                self.send(h, 200, self.table_page("Tx", rows), "text/html")
                return
            form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
            with self.lock:
                self.counts.searches += 1
                n = self.counts.searches
            if self.faults.pause_on_search == n:
                self.paused.set()
                self.release.wait(60)
                return
            if self.faults.first_search_503 and self.once("503"):
                self.send(h, 503, "busy", "text/plain")
                return
            if self.faults.search_429_at == n:
                self.counts.retry_after_sent.append(time.monotonic())
                self.send(h, 429, "slow down", "text/plain", {"Retry-After": "1"})
                return
            self.send(h, 200, self.result_page(form), "text/html; charset=utf-8")
            return
        if url.path.startswith(PDF_PREFIX) and url.path.endswith(".pdf"):
            self.pdf(h, url.path[len(PDF_PREFIX) : -len(".pdf")])
            return
        self.send(h, 404, "not found", "text/plain")

    def table_page(self, search: str, rows: list[str]) -> str:
        return (
            f'<html><body><table class="tabborder"><tr><th>{search}</th></tr>{"".join(rows)}'
            f"</table>\n<p><strong>{len(rows)}</strong></p></body></html>"
        )

    def pdf(self, h: BaseHTTPRequestHandler, number: str) -> None:
        case = self.by_number.get(number)
        if case is None or number == self.faults.missing_pdf:
            self.send(h, 404, "no such letter", "text/plain")
            return
        with self.lock:
            self.counts.pdf_requests[number] += 1
            nth = sum(self.counts.pdf_requests.values())
        data = case.pdf
        if number == self.faults.hang_pdf and self.once("hang"):
            # The client gives up before the answer: what is sent after is no download.
            time.sleep(self.faults.hang)
            self.send(h, 200, data, "application/pdf")
            return
        if number == self.faults.truncated_pdf and self.once("truncated"):
            data = data[: len(data) // 2]
        if self.faults.pause_on_pdf == nth:
            h.send_response(200)
            h.send_header("Content-Type", "application/pdf")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[: len(data) // 2])
            h.wfile.flush()
            self.paused.set()
            self.release.wait(60)
            return
        self.send(h, 200, data, "application/pdf")
        if data is case.pdf:
            with self.lock:
                self.counts.pdf_whole[number] += 1

    def send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: str | bytes,
        kind: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        try:
            h.send_response(status)
            h.send_header("Content-Type", kind)
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


# --- the letters it serves ----------------------------------------------------------------------

_SITE_DECISION = {"upheld": "Uphold", "overturned": "Overturn"}


def _treatments(items: list[dict[str, Any]]) -> list[Treatment]:
    out = []
    for item in items:
        category = item.get("category") or "Evaluation & Management"
        sub = item.get("subcategory") or ""
        if not item.get("category"):
            sub = "Medical Specialties"
        out.append(Treatment(category, sub, _SITE_DECISION[item["decision"]]))
    return out


def _site_specialty(name: str) -> str:
    return "Allergy and  Immunology" if name == "Allergy and Immunology" else name


def fixture_cases() -> list[Case]:
    """The 20 real letters of tests/fixtures/letters, with the rows a hand reading gives
    (tests/golden): dates, the first specialty, each item's category and decision."""
    cases = []
    for pdf in sorted((TESTS / "fixtures" / "letters").glob("*.pdf")):
        golden = json.loads((TESTS / "golden" / f"{pdf.stem}.json").read_text())
        specialties = golden.get("reviewer", {}).get("specialties") or ["Internal Medicine"]
        cases.append(
            Case(
                number=golden["case_number"],
                pdf=pdf.read_bytes(),
                decided=dt.date.fromisoformat(golden["decision_date"]),
                injured=_day(golden.get("date_of_injury")),
                received=_day(golden.get("application_received")),
                specialty=_site_specialty(specialties[0]),
                treatments=_treatments(golden["items"]),
            )
        )
    return cases


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def synth_cases(count: int, *, seed: int = 7) -> list[Case]:
    """``count`` generated PDF letters (imr_synth), their rows from the generator's truth."""
    from imr_synth.corpus import PDF_EVERY, make_letter

    cases: list[Case] = []
    for index in _pdf_indices(PDF_EVERY):
        if len(cases) == count:
            break
        made = make_letter(seed, index, pdf=True)
        assert made.pdf is not None
        truth = made.truth
        if not truth.case_number or not truth.decision_date or not truth.items:
            continue  # DWC lists every letter by its case number and decision date
        specialties = truth.reviewer.specialties or ["Internal Medicine"]
        items = [i.to_dict() for i in truth.items]
        cases.append(
            Case(
                number=truth.case_number,
                pdf=made.pdf,
                decided=truth.decision_date,
                injured=truth.date_of_injury,
                received=truth.application_received,
                specialty=_site_specialty(specialties[0]),
                treatments=_treatments(items),
            )
        )
    return cases


def _pdf_indices(every: int) -> Iterator[int]:
    return itertools.count(3, every)
