"""``imr-search fetch`` and ``imr-search agreement`` end to end through --base-url, against
the stand-in of DWC on loopback; expectations from the stand-in's own rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from dwc_standin import Case, Faults, Site, Treatment, fixture_cases, synth_cases

from imr_search.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def fetch(url: str, out: Path, *more: str) -> Result:
    return run(
        "fetch",
        "--decided-from",
        "2013-01-01",
        "--decided-to",
        "2024-12-31",
        "--rate",
        "200",
        "--base-url",
        url,
        "--out",
        str(out),
        *more,
    )


def category_counts(index: Path) -> Counter[str]:
    done = run("stats", "--by", "category", "--index", str(index), "--format", "csv")
    assert done.exit_code == 0, done.output
    return Counter(
        {r["category"]: int(r["items"]) for r in csv.DictReader(io.StringIO(done.stdout))}
    )


def dwc_counts(cases: list[Case]) -> Counter[str]:
    return Counter(t.category for c in cases for t in c.treatments)


@pytest.fixture(scope="module")
def letters() -> list[Case]:
    return fixture_cases() + synth_cases(40)


@pytest.mark.slow
def test_fetch_with_index_gives_dwcs_categories_in_the_facets(
    letters: list[Case], tmp_path: Path
) -> None:
    missing = letters[5]
    site = Site(letters, Faults(first_search_503=True, missing_pdf=missing.number))
    url = site.serve()
    try:
        done = fetch(
            url, tmp_path / "dwc", "--index", str(tmp_path / "ix"), "--window-results", "40"
        )
    finally:
        site.close()
    assert done.exit_code == 0, done.output
    assert f"not on the site: {missing.number}" in done.stdout
    assert f"letters new {len(letters) - 1}," in done.stdout
    served = [c for c in letters if c is not missing]
    assert category_counts(tmp_path / "ix") == dwc_counts(served)
    shown = run("show", letters[0].number, "--index", str(tmp_path / "ix"), "--format", "json")
    assert {i["category_source"] for i in json.loads(shown.stdout)["items"]} == {"dwc"}


@pytest.mark.slow
def test_index_later_finds_dwcs_rows_beside_the_letters(
    letters: list[Case], tmp_path: Path
) -> None:
    # DWC labels a letter differently from the parser: the index must say DWC's.
    relabelled = [
        Case(c.number, c.pdf, c.decided, c.injured, c.received, c.specialty, list(c.treatments))
        for c in letters[:20]
    ]
    one = next(
        c for c in relabelled if len(c.treatments) == 1 and c.treatments[0].category != "Surgery"
    )
    one.treatments = [Treatment("Surgery", "Spine", one.treatments[0].decision)]
    site = Site(relabelled)
    url = site.serve()
    try:
        assert fetch(url, tmp_path / "dwc").exit_code == 0
    finally:
        site.close()
    done = run("index", str(tmp_path / "dwc"), "--index", str(tmp_path / "ix"))
    assert done.exit_code == 0, done.output
    assert category_counts(tmp_path / "ix") == dwc_counts(relabelled)


@pytest.mark.slow
def test_agreement_counts_the_parser_against_dwcs_rows(tmp_path: Path) -> None:
    # The stand-in's rows are the hand reading of the fixture letters (tests/golden), which
    # the parser matches (tests/parse/test_golden.py), with three changes made here: those
    # are the disagreements.
    cases = fixture_cases()
    singles = [c for c in cases if len(c.treatments) == 1 and c.treatments[0].category != "Surgery"]
    for case in singles[:2]:
        case.treatments = [Treatment("Surgery", "Spine", case.treatments[0].decision)]
    later = cases[-1]
    later.decided += dt.timedelta(days=1)
    site = Site(cases)
    url = site.serve()
    try:
        assert fetch(url, tmp_path / "dwc", "--index", str(tmp_path / "ix")).exit_code == 0
    finally:
        site.close()
    done = run("agreement", "--index", str(tmp_path / "ix"), "--format", "json")
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    fields = {f["field"]: (f["compared"], f["agreed"]) for f in answer["fields"]}
    treatments = sum(len(c.treatments) for c in cases)
    assert answer["letters"] == len(cases)
    assert fields["category"] == (treatments, treatments - 2)
    assert fields["subcategory"] == (treatments, treatments - 2)
    assert fields["decision"] == (treatments, treatments)
    assert fields["decision date"] == (len(cases), len(cases) - 1)
    assert fields["case outcome"] == (len(cases), len(cases))
    wrong = {(d["case_number"], d["field"], d["dwc"]) for d in answer["disagreements"]}
    assert wrong == {
        *((c.number, "category", "Surgery") for c in singles[:2]),
        *((c.number, "subcategory", "Spine") for c in singles[:2]),
        (later.number, "decision date", later.decided.isoformat()),
    }
    as_csv = run("agreement", "--index", str(tmp_path / "ix"), "--format", "csv")
    assert len(as_csv.stdout.strip().splitlines()) == 1 + 5
    table = run("agreement", "--index", str(tmp_path / "ix"))
    rows = [line.split()[:3] for line in table.stdout.splitlines()]
    assert ["category", str(treatments), str(treatments - 2)] in rows


@pytest.mark.slow
def test_a_redesigned_site_exits_1_with_one_short_line(letters: list[Case], tmp_path: Path) -> None:
    site = Site(letters[:3], Faults(redesigned=True))
    url = site.serve()
    try:
        done = CliRunner().invoke(
            main,
            [
                "fetch",
                "--decided-from",
                "2013-01-01",
                "--base-url",
                url,
                "--rate",
                "200",
                "--out",
                str(tmp_path),
            ],
        )
    finally:
        site.close()
    assert done.exit_code == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in done.output
    assert lines[0].startswith("imr-search: DWC's site differs from the protocol: no results table")
    saved = lines[0].split("page saved to ")[1].split(";")[0]
    assert Path(saved).is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x"], "give one of"),
        (["--out", "x", "--case", "17-1"], "not a case number"),
        (["--out", "x", "--decided-from", "2017-02-01", "--decided-to", "2017-01-01"], "before"),
        (["--out", "x", "--since-last"], "nothing fetched yet"),
        (["--out", "x", "--case", "CM17-0003591", "--base-url", "ftp://x"], "--base-url"),
    ],
)
def test_bad_usage_exits_2(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = run("fetch", *args)
    assert done.exit_code == 2, done.output
    assert message in done.output


def test_agreement_over_an_index_without_dwcs_rows_says_so(tmp_path: Path) -> None:
    from factories import LETTER_SOURCES

    assert run("index", LETTER_SOURCES[0], "--index", str(tmp_path / "ix")).exit_code == 0
    done = run("agreement", "--index", str(tmp_path / "ix"))
    assert done.exit_code == 2
    assert "has DWC's rows beside it" in done.output


def test_since_last_fetches_what_is_new_and_nothing_again(
    letters: list[Case], tmp_path: Path
) -> None:
    ordered = sorted(letters[:30], key=lambda c: (c.decided, c.number))
    held = ordered[:12]
    cut = held[-1].decided
    site = Site(ordered)
    url = site.serve()
    try:
        first = run(
            "fetch",
            "--decided-from",
            "2013-01-01",
            "--decided-to",
            cut.isoformat(),
            "--rate",
            "500",
            "--base-url",
            url,
            "--out",
            str(tmp_path),
        )
        assert first.exit_code == 0, first.output
        before = sum(site.counts.pdf_requests.values())
        done = run(
            "fetch", "--since-last", "--rate", "500", "--base-url", url, "--out", str(tmp_path)
        )
    finally:
        site.close()
    assert done.exit_code == 0, done.output
    new = [c for c in ordered if c.decided > cut]
    assert f"letters new {len(new)}," in done.stdout
    assert sum(site.counts.pdf_requests.values()) - before == len(new)
    assert len(list(tmp_path.glob("*/*.pdf"))) == len(ordered)


def test_a_dry_run_says_how_many_letters_and_pages(letters: list[Case], tmp_path: Path) -> None:
    site = Site(letters[:30])
    url = site.serve()
    try:
        done = run(
            "fetch",
            "--decided-from",
            "2013-01-01",
            "--dry-run",
            "--rate",
            "500",
            "--base-url",
            url,
            "--out",
            str(tmp_path),
        )
    finally:
        site.close()
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("DWC lists 30 letters in 1 window (2 result pages")
    assert "0 already here, 30 to fetch" in done.stdout
    assert sum(site.counts.pdf_requests.values()) == 0
