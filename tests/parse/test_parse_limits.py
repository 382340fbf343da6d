"""What one letter may be (pages, characters, items) and how long it may take (issue 13).

Each limit is exceeded by a real input and must come back as one failed file with its reason,
while the other files of the run go on. The CLI runs with the limits lowered through the
environment, as a user would set them.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result

from imr_search.cli import main
from imr_search.config import Settings, load_settings
from imr_search.errors import ParseError
from imr_search.parse import ParseLimits, parse_data, parse_path

# isort: split
from factories import FIXTURES

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDFS = sorted((FIXTURES / "letters").glob("*.pdf"))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def blank_pdf(pages: int) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_limits_are_settings_with_documented_defaults() -> None:
    defaults = Settings()
    assert ParseLimits() == ParseLimits(defaults.max_pages, defaults.max_chars, defaults.max_items)
    assert defaults.file_time_limit <= 10
    lowered = load_settings({"IMR_SEARCH_MAX_PAGES": "3", "IMR_SEARCH_MAX_ITEMS": "1"})
    assert (lowered.max_pages, lowered.max_items) == (3, 1)


def test_a_pdf_with_too_many_pages_is_refused_before_extraction() -> None:
    data = blank_pdf(30)
    with pytest.raises(ParseError, match="PDF has 30 pages; the limit is 20") as info:
        parse_data("long.pdf", data, limits=ParseLimits(max_pages=20))
    assert "IMR_SEARCH_MAX_PAGES" in info.value.reason
    assert not info.value.lasting  # a setting decided it: the cache must not keep it
    # Within the limit the same file gets its ordinary reason (no text layer).
    with pytest.raises(ParseError, match="no text layer"):
        parse_data("long.pdf", data, limits=ParseLimits(max_pages=30))


def test_text_longer_than_the_limit_is_refused() -> None:
    text = SEEDS[0].read_bytes()
    with pytest.raises(ParseError, match="characters; the limit is 1,000"):
        parse_data(SEEDS[0].name, text, limits=ParseLimits(max_chars=1000))
    assert parse_data(SEEDS[0].name, text, limits=ParseLimits(max_chars=len(text))).items


def test_a_letter_with_more_items_than_the_limit_is_refused() -> None:
    letter = next(lt for lt in (parse_path(p) for p in [*SEEDS, *PDFS]) if len(lt.items) >= 2)
    count = len(letter.items)
    with pytest.raises(ParseError, match=f"letter has {count} disputed items; the limit is 1"):
        parse_path(Path(letter.source), limits=ParseLimits(max_items=1))
    assert len(parse_path(Path(letter.source), limits=ParseLimits(max_items=count)).items) == count


def test_parse_reports_each_limit_per_file_and_goes_on(tmp_path: Path) -> None:
    long_pdf = tmp_path / "long.pdf"
    long_pdf.write_bytes(blank_pdf(5))
    env = {"IMR_SEARCH_MAX_PAGES": "4"}
    result = run("parse", "--jobs", "1", str(long_pdf), str(SEEDS[0]), env=env)
    assert result.exit_code == 1
    assert f"imr-search: {long_pdf}: PDF has 5 pages; the limit is 4" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(SEEDS[0])]


def test_a_file_past_the_time_limit_fails_with_its_reason_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    # A real letter padded to 20 MB (under the 50 MB file limit) with short lines ending in a
    # colon, which the item splitter weighs one by one: linear, but about 5 s to parse on a
    # quiet 2-core box, so well past the 1 s limit. (Padding with prose stopped being enough
    # when the parser got faster: 29 MB of sentences took 3.5 s, then 0.95 s.)
    big = tmp_path / "big.txt"
    big.write_bytes(SEEDS[0].read_bytes() + b"A\nB:\n" * 4_000_000)
    env = {"IMR_SEARCH_MAX_CHARS": str(10**8)}
    for command in (["parse"], ["index", "--index", str(tmp_path / "ix")]):
        result = run(*command, "--jobs", "1", "--time-limit", "1", str(big), str(SEEDS[1]), env=env)
        assert result.exit_code == 1, result.output
        assert f"{big}: took longer than the time limit (1 s)" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    index = run("search", "--index", str(tmp_path / "ix"), "--format", "json", "")
    hits = json.loads(index.stdout)["results"]
    assert {h["letter_id"] for h in hits} == {SEEDS[1].stem}
