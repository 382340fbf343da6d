"""`imr-search appeal` through CliRunner on the index of the fixture letters. Dates worked out
by hand from the rules and a calendar; the letters' facts by reading them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from imr_search.cli import main


def run(index: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["appeal", *args, "--index", str(index)])


def test_json_gives_the_deadline_and_the_flags(letters_index: Path) -> None:
    # CM17-0001064 was decided Wednesday 2017-02-01: day 35 is Wednesday 2017-03-08.
    result = run(letters_index, "CM17-0001064", "--format", "json", "--today", "2017-03-01")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["deadline"] == "2017-03-08"
    assert body["days_left"] == 7
    assert body["other_side"] == []  # all three items upheld
    missing = {f["item"] for f in body["flags"] if f["kind"] == "missing"}
    assert missing == {1, 2, 3}


def test_served_and_address_move_the_deadline(letters_index: Path) -> None:
    # Served Saturday 2017-02-04 abroad: 30 + 20 = Sunday 2017-03-26, so Monday 03-27.
    result = run(
        letters_index, "cm17-0001064", "--served", "2017-02-04", "--address", "abroad",
        "--today", "2017-03-27", "--format", "json",
    )  # fmt: skip
    body = json.loads(result.output)
    assert (body["deadline"], body["days_left"], body["mail_days"]) == ("2017-03-27", 0, 20)


def test_text_is_labelled_an_estimate_and_not_legal_advice(letters_index: Path) -> None:
    result = run(letters_index, "CM17-0001064", "--today", "2017-03-01")
    assert result.exit_code == 0
    assert result.output.startswith("Appeal workbench: case CM17-0001064, decided 2017-02-01")
    assert (
        "Deadline to appeal to the WCAB (estimate): Wednesday, March 8, 2017 (2017-03-08); "
        "7 days left as of 2017-03-01." in result.output
    )
    assert "This is not legal advice." in result.output
    assert "IMR Case No. CM17-0001064" in result.output


def test_an_unknown_letter_and_a_bad_date_are_errors(letters_index: Path) -> None:
    missing = run(letters_index, "CM00-0000000")
    assert missing.exit_code == 1
    assert "no letter 'CM00-0000000' in the index" in missing.output
    bad = run(letters_index, "CM17-0001064", "--served", "2017-02-30")
    assert bad.exit_code == 2
    assert "--served" in bad.output


def test_a_date_outside_the_counted_years_is_bad_input(letters_index: Path) -> None:
    result = run(letters_index, "CM17-0001064", "--served", "9999-12-25")
    assert result.exit_code == 2
    assert "the service date 9999-12-25 is outside 2000-01-01 to 2199-12-31" in result.output
