"""A fetch against the stand-in on loopback, with every fault DWC-SEARCH.md gives reason to
expect: the letters byte for byte, DWC's rows whole, nothing downloaded whole twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dwc_standin import Case, Faults, Site, fixture_cases, synth_cases

from imr_search.errors import ProtocolError
from imr_search.fetch.client import Client
from imr_search.fetch.fetcher import Fetcher, FetchReport
from imr_search.fetch.ledger import STATE_FILE, State
from imr_search.fetch.protocol import request_label

FIRST, LAST = dt.date(2013, 1, 1), dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def letters() -> list[Case]:
    """The 20 real letters and 60 generated ones (80 letters, several pages a search)."""
    return fixture_cases() + synth_cases(60)


def _fetch(
    site: Site, out: Path, *, window_results: int = 30, dry_run: bool = False
) -> FetchReport:
    url = site.serve()
    try:
        with (
            Client(url, rate=1000, backoff=0.01, timeout=0.5) as client,
            State(out / STATE_FILE) as state,
        ):
            fetcher = Fetcher(client, state, out, window_results=window_results, dry_run=dry_run)
            return fetcher.fetch_window(FIRST, LAST)
    finally:
        site.close()


def _dwc_rows(case: Case) -> list[tuple[str, str | None, str]]:
    """The stand-in's treatments as DWC's names map them (category, subcategory, decision)."""
    decisions = {"Uphold": "upheld", "Overturn": "overturned"}
    return [
        (*request_label(f"{t.category} * {t.subcategory} *"), decisions[t.decision])
        for t in case.treatments
    ]


@pytest.mark.slow
def test_a_window_with_every_fault_ends_with_every_letter_whole(
    letters: list[Case], tmp_path: Path
) -> None:
    missing, truncated, hanging, twice = (letters[i].number for i in (2, 7, 30, 45))
    faults = Faults(
        first_search_503=True,
        search_429_at=4,
        hang_pdf=hanging,
        hang=1.5,
        truncated_pdf=truncated,
        missing_pdf=missing,
        duplicate_case=twice,
        missing_cell_once=True,
        no_table_once=True,
    )
    site = Site(letters, faults)
    report = _fetch(site, tmp_path)

    assert {"503", "hang", "truncated", "cell", "table"} <= site.fired()
    assert report.failed == []
    assert [case for case, _ in report.unavailable] == [missing]
    assert report.splits > 0  # 80 letters, at most 30 a window
    assert site.counts.split_cases, "no case's treatments straddled two pages"
    with State(tmp_path / STATE_FILE) as state:
        for case in letters:
            assert [
                (t.category, t.subcategory, t.decision) for t in state.treatments(case.number)
            ] == _dwc_rows(case), case.number
            held = state.letter(case.number)
            if case.number == missing:
                assert held is None
                continue
            assert held is not None
            assert (tmp_path / held.path).read_bytes() == case.pdf
            assert held.path == f"{case.decided:%Y-%m}/{case.number}.pdf"
        assert state.counts() == (
            len(letters),
            sum(len(c.treatments) for c in letters),
            len(letters) - 1,
        )
    assert max(site.counts.pdf_whole.values()) == 1
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.slow
def test_a_rerun_downloads_no_letter_again(letters: list[Case], tmp_path: Path) -> None:
    first = _fetch(Site(letters[:30]), tmp_path, window_results=1000)
    assert first.new == 30
    site = Site(letters[:30])
    again = _fetch(site, tmp_path, window_results=1000)
    assert (again.new, again.held) == (0, 30)
    assert sum(site.counts.pdf_requests.values()) == 0


def test_a_letter_written_before_a_kill_is_recorded_without_a_download(
    letters: list[Case], tmp_path: Path
) -> None:
    case = letters[0]
    path = tmp_path / f"{case.decided:%Y-%m}" / f"{case.number}.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(case.pdf)  # renamed into place, then killed before its row
    site = Site(letters[:5])
    report = _fetch(site, tmp_path)
    assert (report.new, report.held) == (4, 1)
    assert site.counts.pdf_requests[case.number] == 0


def test_a_letter_received_whole_before_a_kill_is_not_downloaded_again(
    letters: list[Case], tmp_path: Path
) -> None:
    # Killed after the last byte arrived, before the letter was checked and renamed: the
    # bytes wait under the temporary name, and the next run adopts them.
    whole, cut = letters[0], letters[1]
    for case, data in ((whole, whole.pdf), (cut, cut.pdf[: len(cut.pdf) // 2])):
        path = tmp_path / f"{case.decided:%Y-%m}" / f"{case.number}.pdf.part"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    site = Site(letters[:5])
    report = _fetch(site, tmp_path)
    assert (report.new, report.held) == (4, 1)
    assert site.counts.pdf_requests[whole.number] == 0
    assert site.counts.pdf_whole[cut.number] == 1  # half a letter is downloaded again
    with State(tmp_path / STATE_FILE) as state:
        for case in (whole, cut):
            held = state.letter(case.number)
            assert held is not None
            assert (tmp_path / held.path).read_bytes() == case.pdf
    assert not list(tmp_path.rglob("*.part"))


def test_a_redesigned_page_stops_the_run_and_is_saved(letters: list[Case], tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="no results table") as caught:
        _fetch(Site(letters[:5], Faults(redesigned=True)), tmp_path)
    saved = caught.value.saved
    assert saved is not None
    assert "<div class='results'>" in Path(saved).read_text()
    with State(tmp_path / STATE_FILE) as state:
        assert state.counts() == (0, 0, 0)


def test_a_window_the_site_says_is_empty_is_fine(tmp_path: Path) -> None:
    report = _fetch(Site([]), tmp_path)
    assert (report.listed, report.new, report.failed) == (0, 0, [])


def test_a_dry_run_counts_and_downloads_nothing(letters: list[Case], tmp_path: Path) -> None:
    _fetch(Site(letters[:10]), tmp_path, window_results=1000)
    site = Site(letters)
    report = _fetch(site, tmp_path, dry_run=True)
    assert report.listed == len(letters)
    assert report.held == 10
    assert sum(site.counts.pdf_requests.values()) == 0
    assert not (set(tmp_path.rglob("*.pdf")) - set(tmp_path.glob("*/*.pdf")))
    assert len(list(tmp_path.glob("*/*.pdf"))) == 10


def test_named_cases_are_fetched_with_their_own_treatment_pages(
    letters: list[Case], tmp_path: Path
) -> None:
    wanted = [letters[3].number, letters[50].number, letters[3].number]
    site = Site(letters)
    url = site.serve()
    try:
        with Client(url, rate=1000, backoff=0.01) as client, State(tmp_path / STATE_FILE) as state:
            report = Fetcher(client, state, tmp_path).fetch_cases(wanted)
            assert report.new == 2
            for number in set(wanted):
                case = site.by_number[number]
                got = [(t.category, t.subcategory, t.decision) for t in state.treatments(number)]
                assert got == _dwc_rows(case)
    finally:
        site.close()
