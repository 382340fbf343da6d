"""`imr-search parse`: output formats, failures and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from imr_search.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEEDS = FIXTURES / "seeds"
LETTERS = FIXTURES / "letters"


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


def test_seeds_give_five_letters_and_six_items() -> None:
    result = run("parse", str(SEEDS), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    assert sum(len(r["items"]) for r in records) == 6
    seed3 = next(r for r in records if r["id"] == "003_75cbd5c04990b62f")
    assert seed3["reviewer"]["license_states"] == ["CA", "AZ"]
    assert seed3["patient"] == {"age": 48, "sex": "female"}
    item = seed3["items"][0]
    assert (item["modality"], item["body_region"], item["decision"]) == (
        "ct",
        "cervical spine",
        "overturned",
    )
    cite = item["imr_citations"][0]
    assert (cite["source"], cite["chapter"], cite["pages"]) == ("MTUS", 8, "177-179")


def test_the_twenty_letters_give_61_items_10_overturned() -> None:
    result = run("parse", str(LETTERS))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    items = [i for r in records for i in r["items"]]
    assert (len(records), len(items)) == (20, 61)
    assert sum(i["decision"] == "overturned" for i in items) == 10
    assert all(r["case_number"] and r["decision_date"] and r["date_assigned"] for r in records)


def test_json_format_is_one_array() -> None:
    result = run("parse", str(SEEDS / "003_75cbd5c04990b62f.txt"), "--format", "json")
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["003_75cbd5c04990b62f"]


def test_text_format_shows_items_and_rationale() -> None:
    result = run("parse", str(SEEDS / "003_75cbd5c04990b62f.txt"), "--format", "text")
    assert result.exit_code == 0
    assert "[1] CT scan for cervical spine without contrast: OVERTURNED" in result.stdout
    assert "Rationale:" in result.stdout


def test_bad_file_is_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("hello")
    result = run("parse", str(bad), str(SEEDS / "000_f851e982964eb853.txt"))
    assert result.exit_code == 1
    assert (
        result.stderr == f"imr-search: {bad}: not an IMR letter (no IMR decision section found)\n"
    )
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.output


def test_standard_input() -> None:
    result = run("parse", "-", stdin=(SEEDS / "000_f851e982964eb853.txt").read_bytes())
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert (record["id"], record["source"]) == ("stdin", "-")


def test_unknown_format_is_a_usage_error() -> None:
    result = run("parse", str(SEEDS), "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_no_paths_is_a_usage_error() -> None:
    result = run("parse")
    assert result.exit_code == 2
