"""A fetch: DWC's rows of a decision-date window (or of named cases) into the state database,
then each letter not yet here onto disk, exactly once.

The order makes a kill at any moment harmless: a result page is stored with its rows in one
transaction (a rerun reads the next page); a window's cases and treatments are put together
and stored in one transaction once every page of both searches is read; a letter is written
under a temporary name, checked, renamed, then recorded, and a rerun that finds the file whole
under its final name records it without downloading it again.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from imr_search.errors import ProtocolError, SiteError
from imr_search.fetch import protocol
from imr_search.fetch.client import Client
from imr_search.fetch.ledger import CaseRecord, State
from imr_search.fetch.listing import (
    case_record,
    case_row,
    group_treatments,
    record_from_treatment,
    row_dict,
    tx_row,
    unique_cases,
)
from imr_search.fetch.protocol import ResultPage, Search
from imr_search.fetch.store import (
    adopt_partial,
    drop_partial,
    held_letter,
    keep_partial,
    letter_path,
    pdf_problem,
    sha256,
    write_letter,
)

LetterOutcome = Literal["new", "held", "unavailable", "failed"]
# Tries of a page that does not read as the protocol says: an error page passes, a redesign
# does not.
PAGE_TRIES = 3
# A run gives up when this many letters in a row fail (the site is down, not one letter).
FAILURES_IN_A_ROW = 10


@dataclass(frozen=True, slots=True)
class LetterProgress:
    """One letter done: ``done`` of ``total`` in this window."""

    done: int
    total: int
    case_number: str
    outcome: LetterOutcome
    reason: str | None = None


@dataclass(slots=True)
class FetchReport:
    """What a run did (or, for a dry run, would do)."""

    pages: int = 0
    windows: int = 0
    splits: int = 0
    listed: int = 0  # cases DWC lists in the run's windows or named cases
    new: int = 0
    held: int = 0
    unavailable: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    cases: int = 0  # rows in the database after the run
    treatments: int = 0
    letters: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    pages_to_read: int = 0  # dry run: result pages of the case search


@dataclass(frozen=True, slots=True)
class Window:
    first: dt.date
    last: dt.date

    def halves(self) -> tuple[Window, Window]:
        middle = self.first + (self.last - self.first) // 2
        return Window(self.first, middle), Window(middle + dt.timedelta(days=1), self.last)


class Fetcher:
    """Runs fetches into the store at ``root`` (letters and ``dwc.sqlite``). ``landed`` is
    called with the case numbers of each batch of new letters (to index them as they land);
    ``window_results`` is the most results one window may hold before it is split."""

    def __init__(
        self,
        client: Client,
        state: State,
        root: Path,
        *,
        window_results: int = 1000,
        dry_run: bool = False,
        progress: Callable[[LetterProgress], None] | None = None,
        landed: Callable[[], None] | None = None,
        batch: int = 25,
    ) -> None:
        self.client = client
        self.state = state
        self.root = root
        self.window_results = window_results
        self.dry_run = dry_run
        self.progress = progress
        self.landed = landed
        self.batch = batch
        self.report = FetchReport(dry_run=dry_run)
        self._since_landed = 0
        self._failing = 0
        self._start = time.monotonic()

    # --- the two kinds of run ---------------------------------------------------------------

    def fetch_window(self, first: dt.date, last: dt.date) -> FetchReport:
        """Every letter decided from ``first`` to ``last``."""
        run = self.state.open_run({"decided": [first, last]})
        for window in self._leaves(run, Window(first, last)):
            cases = self._list_window(run, window)
            self._letters(cases)
        return self._finish(run)

    def fetch_cases(self, numbers: Sequence[str]) -> FetchReport:
        """The named cases' rows and letters."""
        run = self.state.open_run({"cases": sorted(set(numbers))})
        cases: list[CaseRecord] = []
        for number in dict.fromkeys(numbers):
            page = self._page("Case", run=None, case_number=number)
            found = unique_cases(page.cases)
            if not found:
                self.report.failed.append((number, "DWC's case search does not list it"))
                continue
            record = case_record(found[0])
            treatments, _ = group_treatments(self._case_treatments(number))
            self.state.put_cases([record], treatments)
            cases.append(record)
        self.report.listed += len(cases)
        self._letters(cases)
        return self._finish(run)

    def _finish(self, run: int) -> FetchReport:
        if self.landed is not None and self._since_landed:
            self.landed()
        if not self.dry_run and not self.report.failed:
            self.state.finish_run(run)
        r = self.report
        r.cases, r.treatments, r.letters = self.state.counts()
        r.seconds = time.monotonic() - self._start
        return r

    # --- listing --------------------------------------------------------------------------------

    def _leaves(self, run: int, window: Window) -> Iterator[Window]:
        """The window, or its halves (recursively) while it holds more than window_results."""
        total, read, listed = self.state.window(run, "Case", window.first, window.last)
        if listed or read or total is not None:
            yield window
            return
        page = self._page("Case", run=run, window=window)
        if page.total > self.window_results and window.first < window.last:
            self.report.splits += 1
            for half in window.halves():
                yield from self._leaves(run, half)
            return
        if self.dry_run:
            self.report.pages_to_read += protocol.pages_for(page.total)
            self.report.windows += 1
            self.report.listed += page.total
            self.report.held += self.state.held_between(window.first, window.last)
            return
        self._keep("Case", run, window, 1, page)
        yield window

    def _list_window(self, run: int, window: Window) -> list[CaseRecord]:
        """The window's cases, their rows stored; every page of both searches read."""
        self.report.windows += 1
        _, _, listed = self.state.window(run, "Case", window.first, window.last)
        if not listed:
            self._read_pages("Case", run, window)
            self._read_pages("Tx", run, window)
            self._store_window(run, window)
        cases = self.state.cases_between(window.first, window.last)
        self.report.listed += len(cases)
        return cases

    def _read_pages(self, search: Search, run: int, window: Window) -> None:
        _, read, more, _ = self.state.window_progress(run, search, window.first, window.last)
        number = read + 1
        while more:
            page = self._page(search, run=run, window=window, number=number)
            self._keep(search, run, window, number, page)
            more = page.more
            if search == "Tx":
                # What the treatment search's total counts (rows or cases) is not known: its
                # pages end where the site offers no next one.
                number += 1
                continue
            expected = protocol.pages_for(page.total)
            if more and number >= expected + 1:
                raise ProtocolError(
                    f"{search} search: page {number} offers a next page, but the total "
                    f"{page.total} makes {expected} pages"
                )
            if not more and number < expected:
                raise ProtocolError(
                    f"{search} search: the total {page.total} makes {expected} pages, but page "
                    f"{number} offers no next page"
                )
            number += 1

    def _keep(
        self, search: Search, run: int, window: Window, number: int, page: ResultPage
    ) -> None:
        rows = page.cases if search == "Case" else page.treatments
        self.state.save_page(
            run,
            search,
            window.first,
            window.last,
            number,
            page.total,
            [row_dict(r) for r in rows],
            more=page.more,
        )

    def _store_window(self, run: int, window: Window) -> None:
        raw_cases = [
            case_row(d) for d in self.state.page_rows(run, "Case", window.first, window.last)
        ]
        raw_tx = [tx_row(d) for d in self.state.page_rows(run, "Tx", window.first, window.last)]
        cases = unique_cases(raw_cases)
        treatments, firsts = group_treatments(raw_tx)
        records = [case_record(c) for c in cases]
        listed = {c.case_number for c in cases}
        # Cases the treatment search lists that the case search did not (the results moved
        # between the two listings): kept, their outcome unknown.
        records += [record_from_treatment(r) for n, r in firsts.items() if n not in listed]
        for case in cases:
            if case.case_number not in treatments:
                # Listed without treatment rows in this window: the case's own page has them.
                found, _ = group_treatments(self._case_treatments(case.case_number))
                treatments.update(found)
        self.state.store_window(run, "Case", window.first, window.last, records, treatments)

    def _case_treatments(self, number: str) -> tuple[protocol.TxRow, ...]:
        html = self.client.case_page(number)
        page = self._parsed(html, "Tx", lambda: self.client.case_page(number))
        return page.treatments

    def _page(
        self,
        search: Search,
        *,
        run: int | None,
        window: Window | None = None,
        case_number: str = "",
        number: int = 1,
    ) -> ResultPage:
        form = protocol.search_form(
            search,
            page=number,
            case_number=case_number,
            decided_from=window.first if window else None,
            decided_to=window.last if window else None,
        )
        html = self.client.search(form)
        self.report.pages += 1
        return self._parsed(html, search, lambda: self.client.search(form))

    def _parsed(self, html: bytes, search: Search, again: Callable[[], bytes]) -> ResultPage:
        """The page read; a page that does not read is asked for again (a passing error page
        is not a redesign) and, still unreadable, saved and reported."""
        for attempt in range(1, PAGE_TRIES + 1):
            try:
                return protocol.parse_page(html, search)
            except ProtocolError as e:
                if attempt == PAGE_TRIES:
                    saved = self._save_page(html)
                    raise ProtocolError(e.what, str(saved)) from None
                time.sleep(self.client.backoff * attempt)
                html = again()
                self.report.pages += 1
        raise AssertionError("unreachable")

    def _save_page(self, html: bytes) -> Path:
        folder = self.root / "unreadable-pages"
        folder.mkdir(parents=True, exist_ok=True)
        # Not .html: `imr-search index DIR` would take it for a letter.
        path = folder / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}.html.saved"
        path.write_bytes(html)
        return path

    # --- letters ------------------------------------------------------------------------------

    def _letters(self, cases: Sequence[CaseRecord]) -> None:
        for done, case in enumerate(cases, 1):
            outcome, reason = self._letter(case)
            if self.progress is not None:
                self.progress(LetterProgress(done, len(cases), case.case_number, outcome, reason))

    def _letter(self, case: CaseRecord) -> tuple[LetterOutcome, str | None]:
        number = case.case_number
        if self.state.letter(number) is not None:
            self.report.held += 1
            return "held", None
        relative = letter_path(case.decided, number)
        # Written by a run killed before its row: under its final name, or whole under its
        # temporary one (killed between the last byte and the rename).
        whole = held_letter(self.root, relative) or (
            None if self.dry_run else adopt_partial(self.root, relative)
        )
        if whole is not None:
            self.state.put_letter(number, relative, *whole)
            self.report.held += 1
            self._landed()
            return "held", None
        if self.dry_run:
            return "new", None
        try:
            data = self.client.letter(case.pdf_url, functools.partial(self._kept, relative))
        except LookupError as e:
            self.state.put_problem(number, "unavailable", str(e))
            self.report.unavailable.append((number, str(e)))
            return "unavailable", str(e)
        except SiteError as e:
            drop_partial(self.root, relative)  # a bad download kept for checking
            self.state.put_problem(number, "failed", str(e))
            self.report.failed.append((number, str(e)))
            self._failing += 1
            if self._failing >= FAILURES_IN_A_ROW:
                raise SiteError(
                    f"{FAILURES_IN_A_ROW} letters in a row failed, the last: {e}"
                ) from None
            return "failed", str(e)
        self._failing = 0
        write_letter(self.root, relative, data)
        self.state.put_letter(number, relative, sha256(data), len(data))
        self.report.new += 1
        self._landed()
        return "new", None

    def _kept(self, relative: str, data: bytes) -> str | None:
        """What is wrong with a download (``pdf_problem``), once it is kept on disk."""
        keep_partial(self.root, relative, data)
        return pdf_problem(data)

    def _landed(self) -> None:
        self._since_landed += 1
        if self.landed is not None and self._since_landed >= self.batch:
            self.landed()
            self._since_landed = 0
