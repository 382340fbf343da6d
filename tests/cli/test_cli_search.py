"""`imr-search index/search/show/stats` through CliRunner, on an index of the 25 fixture letters.

Expected counts are computed from the parsed records, never copied from search output.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from imr_search.cli import main
from imr_search.ingest.pipeline import warning_kind
from imr_search.model import Item, Letter
from imr_search.search.request import FILTERS

# isort: split
from factories import FIXTURES, xlsx_rows
from factories import LETTER_SOURCES as SOURCES


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def records(letter_records: list[Letter]) -> list[Letter]:
    return letter_records


@pytest.fixture(scope="module")
def index_dir(letters_index: Path) -> Path:
    # The shared read-only index; `imr-search index` itself is tested below on its own.
    return letters_index


def search_json(index_dir: Path, *args: str) -> dict[str, Any]:
    result = run("search", *args, "--format", "json", "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_index_reports_what_it_did(tmp_path: Path, records: list[Letter]) -> None:
    result = run("index", *SOURCES, "--index", str(tmp_path / "ix"))
    assert result.exit_code == 0
    items = sum(len(r.items) for r in records)
    kinds = Counter(warning_kind(w) for r in records for w in r.warnings)
    warnings = ", ".join(
        f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    assert result.stdout == (
        f"indexed 25, unchanged 0, failed 0\nthe index holds 25 letters, {items} items\n"
        f"parser warnings: {warnings}\n"
    )


def test_reindexing_is_idempotent(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    run("index", *SOURCES, "--index", ix)
    result = run("index", *SOURCES, "--index", ix)
    assert result.stdout.splitlines()[0] == "indexed 0, unchanged 25, failed 0"
    assert search_json(Path(ix))["total"] == 67


def test_bad_file_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(FIXTURES / "seeds", src)
    (src / "zz_broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    result = run("index", str(src), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "indexed 5, unchanged 0, failed 1"
    assert lines[-1].startswith(f"failed: {src / 'zz_broken.pdf'}: corrupt PDF")


def test_overturned_items_total(index_dir: Path, records: list[Letter]) -> None:
    expected = sum(i.decision == "overturned" for r in records for i in r.items)
    assert expected == 11
    assert search_json(index_dir, "decision:overturned")["total"] == expected


def test_cervical_mri_with_facets(index_dir: Path, records: list[Letter]) -> None:
    data = search_json(index_dir, "mri", "--region", "cervical spine", "--modality", "mri")
    expected = [
        (r.id, i.number)
        for r in records
        for i in r.items
        if i.body_region == "cervical spine" and i.modality == "mri"
    ]
    assert sorted((h["letter_id"], h["item_number"]) for h in data["results"]) == sorted(expected)
    decisions = Counter(
        i.decision
        for r in records
        for i in r.items
        if i.body_region == "cervical spine" and i.modality == "mri"
    )
    assert {f["value"]: f["count"] for f in data["facets"]["decision"]} == dict(decisions)


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--decision", "overturned", lambda r, i: i.decision == "overturned"),
        ("--state", "TX", lambda r, i: "TX" in r.reviewer.license_states),
        (
            "--specialty",
            "Family Practice",
            lambda r, i: "Family Practice" in r.reviewer.specialties,
        ),
        ("--category", "Diagnostic Testing", lambda r, i: i.category == "Diagnostic Testing"),
        (
            "--subcategory",
            "Imaging / Radiology",
            lambda r, i: i.subcategory == "Imaging / Radiology",
        ),
        ("--region", "lumbar spine", lambda r, i: i.body_region == "lumbar spine"),
        ("--modality", "x-ray", lambda r, i: i.modality == "x-ray"),
        (
            "--drug",
            "cyclobenzaprine",
            lambda r, i: bool(i.drug and i.drug.name == "cyclobenzaprine"),
        ),
        ("--guideline", "ODG", lambda r, i: any(c.source == "ODG" for c in i.imr_citations)),
        ("--sex", "female", lambda r, i: r.patient.sex == "female"),
        ("--year", "2016", lambda r, i: bool(r.decision_date and r.decision_date.year == 2016)),
        ("--age", "40-49", lambda r, i: r.patient.age is not None and 40 <= r.patient.age <= 49),
    ],
)
def test_each_filter_option(
    index_dir: Path,
    records: list[Letter],
    option: str,
    value: str,
    field: Callable[[Letter, Item], bool],
) -> None:
    expected = sum(1 for r in records for i in r.items if field(r, i))
    assert expected > 0
    assert search_json(index_dir, option, value, "--limit", "100")["total"] == expected


@pytest.mark.parametrize("command", ["search", "precedents"])
def test_every_filter_is_an_option(command: str) -> None:
    command_ = main.get_command(click.Context(main), command)
    assert command_ is not None
    options = {opt for param in command_.params for opt in param.opts}
    assert {f"--{name}" for name in FILTERS} <= options


def test_repeated_values_are_ored_and_filters_anded(index_dir: Path, records: list[Letter]) -> None:
    data = search_json(
        index_dir, "--region", "lumbar spine", "--region", "thoracic spine", "--decision", "upheld"
    )
    expected = sum(
        1
        for r in records
        for i in r.items
        if i.body_region in ("lumbar spine", "thoracic spine") and i.decision == "upheld"
    )
    assert data["total"] == expected


def test_date_range_filter(index_dir: Path, records: list[Letter]) -> None:
    data = search_json(index_dir, "--from", "2017-02-10", "--to", "2017-02-20")
    expected = sum(
        len(r.items)
        for r in records
        if r.decision_date and "2017-02-10" <= r.decision_date.isoformat() <= "2017-02-20"
    )
    assert data["total"] == expected


def test_letters_groups_items_by_letter(index_dir: Path, records: list[Letter]) -> None:
    data = search_json(index_dir, "category:Surgery", "--letters", "--limit", "100")
    expected = {r.id for r in records for i in r.items if i.category == "Surgery"}
    assert data["total"] == len(expected)
    assert {g["letter_id"] for g in data["groups"]} == expected


def test_sort_by_decision_date(index_dir: Path) -> None:
    data = search_json(index_dir, "--sort", "-decided", "--limit", "100", "decided:2017")
    dates = [h["decision_date"] for h in data["results"]]
    assert dates == sorted(dates, reverse=True)


def test_csv_export_has_every_match(index_dir: Path, records: list[Letter]) -> None:
    result = run("search", "decision:upheld", "--format", "csv", "--index", str(index_dir))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == sum(i.decision == "upheld" for r in records for i in r.items)
    assert {"Case number", "Decision", "Service", "IMR guideline"} <= set(rows[0])


def test_exports_and_the_table_carry_each_items_reasons(
    index_dir: Path, records: list[Letter]
) -> None:
    result = run(
        "search", "--reason", "exceeds-limits", "--format", "csv", "--index", str(index_dir)
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    items = {r.item_id(i): i for r in records for i in r.items if "exceeds-limits" in i.reasons}
    assert {row["Item ID"] for row in rows} == set(items)
    for row in rows:
        item = items[row["Item ID"]]
        assert row["Reasons"] == "; ".join(item.reasons)
        for code in item.reasons:
            assert all(
                f"{code}: {s}" in row["Reason sentences"] for s in item.reason_sentences[code]
            )
    # CM17-0015198 #1, read from the letter: 12 more visits would exceed the MTUS's number.
    table = run("search", "case:CM17-0015198", "--index", str(index_dir))
    assert "decided because: exceeds-limits" in table.stdout


def test_table_output_shows_rows_and_facets(index_dir: Path) -> None:
    result = run("search", "tramadol", "--facets", "--index", str(index_dir))
    assert result.exit_code == 0
    assert "CM17-0017734 #1  2017-02-24  UPHELD" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when piped
    assert "Facets:" in result.stdout


def test_misspelt_term_gets_a_suggestion(index_dir: Path) -> None:
    # As typed, a word no item has draws a suggestion ...
    result = run("search", "lumbr", "--no-synonyms", "--index", str(index_dir))
    assert result.exit_code == 0
    assert "did you mean: lumbar" in result.stdout
    # ... and by default it is searched as that spelling, which the answer says.
    result = run("search", "lumbr", "--index", str(index_dir))
    assert "no item has 'lumbr': searched 'lumbar'" in result.stdout


# What "norco" also searches: its generic, as the answer says (also searched).
NORCO_OR_ITS_GENERIC = re.compile(r"\bnorco\b|\bhydrocodone\W+acetaminophen\b", re.IGNORECASE)


def _about(records: list[Letter], pred: Callable[[Letter, Item], bool]) -> set[str]:
    return {lt.item_id(it) for lt in records for it in lt.items if pred(lt, it)}


def test_a_plain_query_answers_decisions_about_it(index_dir: Path, records: list[Letter]) -> None:
    # Norco: the one request for it (post-op Norco), not the letters that mention it.
    asked = _about(records, lambda lt, it: it.drug is not None and "hydrocodone" in it.drug.name)
    mention = _about(
        records,
        lambda lt, it: (
            NORCO_OR_ITS_GENERIC.search(it.rationale + " " + lt.summary) is not None
            and lt.item_id(it) not in asked
        ),
    )
    data = search_json(index_dir, "norco", "--limit", "100")
    assert {h["item_id"] for h in data["results"]} == asked
    assert data["scope"] == "services"
    assert data["elsewhere"] == len(mention)
    text = run("search", "norco", "--index", str(index_dir)).stdout
    assert "also searched: hydrocodone/acetaminophen" in text
    more = "more item mentions" if len(mention) == 1 else "more items mention"
    assert f"{len(mention)} {more} it only in a rationale, summary or citation" in text
    wide = search_json(index_dir, "norco", "--everywhere", "--limit", "100")
    assert {h["item_id"] for h in wide["results"]} == asked | mention
    assert wide["scope"] == "everywhere"


def test_no_synonyms_searches_the_words_as_typed(index_dir: Path) -> None:
    data = search_json(index_dir, "TENS", "--no-synonyms", "--limit", "100")
    assert data["also_searched"] == []
    assert search_json(index_dir, "TENS")["also_searched"]


def test_an_export_says_where_its_words_searched(index_dir: Path, records: list[Letter]) -> None:
    result = run("search", "norco", "--format", "jsonl", "--index", str(index_dir))
    assert result.exit_code == 0
    assert "note: searched the disputed services" in result.stderr
    assert len(result.stdout.splitlines()) == search_json(index_dir, "norco")["total"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("colour:red", "unknown field"),
        ("decided:2016-13-45", "date"),
        ("age:[x TO", "range"),
        ('"functional improvement', "quote"),
    ],
)
def test_query_errors_exit_2_with_a_message(index_dir: Path, query: str, message: str) -> None:
    result = run("search", query, "--index", str(index_dir))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("imr-search: ")
    assert message in result.stderr.lower()


def test_bad_from_date_is_a_usage_error(index_dir: Path) -> None:
    result = run("search", "--from", "2016-31-01", "--index", str(index_dir))
    assert result.exit_code == 2
    assert "'2016-31-01' is not a date (use YYYY-MM-DD or MM/DD/YYYY)" in result.stderr


def test_missing_index_is_a_failure(tmp_path: Path) -> None:
    result = run("search", "mri", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert "no index in" in result.stderr


def test_show_prints_every_item(index_dir: Path) -> None:
    result = run("show", "CM17-0010420", "--index", str(index_dir))
    assert result.exit_code == 0
    assert result.stdout.count("\n[") == 7
    data = json.loads(
        run("show", "CM17-0010420", "--format", "json", "--index", str(index_dir)).stdout
    )
    assert data["case_number"] == "CM17-0010420"


def test_show_unknown_id_fails(index_dir: Path) -> None:
    result = run("show", "CM00-0000000", "--index", str(index_dir))
    assert result.exit_code == 1
    assert "CM00-0000000" in result.stderr


def test_stats(index_dir: Path, records: list[Letter]) -> None:
    data = json.loads(run("stats", "--format", "json", "--index", str(index_dir)).stdout)
    items = [i for r in records for i in r.items]
    assert (data["letters"], data["items"]) == (len(records), len(items))
    assert data["overturned"] == sum(i.decision == "overturned" for i in items)
    assert (
        data["first_decision"]
        == min(r.decision_date for r in records if r.decision_date).isoformat()
    )


# -- issue 12: citations, the DWC parity options, XLSX ----------------------------------------

# Written by reading tests/fixtures/letters/CM17-0003591.pdf.
CM17_0003591_ITEM_1 = (
    "IMR Final Determination CM17-0003591 (Maximus Federal Services, decided Feb. 2, 2017), "
    'item 1, "MRI of Left lower extremity without contrast": upheld; reviewer: '
    "Anesthesiology, Pain Management, Hospice & Palliative Medicine (CA, TX, FL); "
    "IMR guideline: MTUS Knee Complaints 2004, Special Studies, Summary.\n"
)


def test_show_citation_of_an_item_and_of_a_letter(index_dir: Path) -> None:
    item = run("show", "CM17-0003591#1", "--format", "citation", "--index", str(index_dir))
    assert item.exit_code == 0, item.output
    assert item.stdout == CM17_0003591_ITEM_1
    letter = run("show", "CM17-0003591", "--format", "citation", "--index", str(index_dir))
    assert letter.stdout == (
        "IMR Final Determination CM17-0003591 (Maximus Federal Services, decided Feb. 2, "
        "2017): upheld; reviewer: Anesthesiology, Pain Management, Hospice & Palliative "
        "Medicine (CA, TX, FL).\n"
    )
    missing = run("show", "CM17-0003591#7", "--format", "citation", "--index", str(index_dir))
    # Not found, as an unknown letter is (issue 25, point 5), naming the items there are.
    assert missing.exit_code == 1
    assert "CM17-0003591 has no item '7': its items are 1" in missing.output


def test_received_and_injured_options_bound_those_dates(
    index_dir: Path, records: list[Letter]
) -> None:
    import datetime as dt

    lo, hi = dt.date(2016, 12, 1), dt.date(2017, 1, 15)
    expected = {
        f"{r.id}#{i.number}"
        for r in records
        if r.application_received
        and lo <= r.application_received <= hi
        and r.date_of_injury
        and r.date_of_injury >= dt.date(2010, 1, 1)
        for i in r.items
    }
    assert expected
    data = search_json(
        index_dir,
        *("--received-from", "2016-12-01", "--received-to", "2017-01-15"),
        *("--injured-from", "2010-01-01", "--limit", "100"),
    )
    assert {h["item_id"] for h in data["results"]} == expected


def test_outcome_option_filters_letters(index_dir: Path, records: list[Letter]) -> None:
    mixed = {r.id for r in records if len({i.decision for i in r.items}) == 2}
    assert mixed
    data = search_json(index_dir, "--outcome", "partially overturned", "--letters")
    assert {g["letter_id"] for g in data["groups"]} == mixed
    assert {g["outcome"] for g in data["groups"]} == {"partially overturned"}


def test_xlsx_export_to_a_file(index_dir: Path, tmp_path: Path, records: list[Letter]) -> None:
    result = CliRunner().invoke(
        main, ["search", "decision:upheld", "--format", "xlsx", "--index", str(index_dir)]
    )
    assert result.exit_code == 0, result.output
    (tmp_path / "out.xlsx").write_bytes(result.stdout_bytes)
    rows = xlsx_rows((tmp_path / "out.xlsx").read_bytes())
    assert rows[0][:3] == ("Item ID", "Letter ID", "Case number")
    assert len(rows) - 1 == sum(i.decision == "upheld" for r in records for i in r.items)
