"""``imr-search index --from-records FILE.jsonl``: records made once by ``parse`` fill an index
without reading or parsing any letter again, and give the same index as the files do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.engines.registry import open_engine

# isort: split
from factories import FIXTURES

LETTERS = str(FIXTURES / "letters")


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def records_of(path: Path) -> list[dict[str, object]]:
    code, out = cli("parse", LETTERS, "--format", "jsonl")
    assert code == 0, out
    path.write_text(out, encoding="utf-8")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.slow
def test_records_give_the_same_index_as_the_files(tmp_path: Path) -> None:
    records = records_of(tmp_path / "letters.jsonl")
    assert len(records) == 20
    from_records, from_files = tmp_path / "a", tmp_path / "b"
    code, out = cli(
        "index", "--from-records", str(tmp_path / "letters.jsonl"), "--index", str(from_records)
    )
    assert code == 0, out
    assert "indexed 20" in out
    assert cli("index", LETTERS, "--index", str(from_files))[0] == 0
    a, b = open_engine(from_records), open_engine(from_files)
    try:
        assert a.stats() == b.stats()
        for record in records:
            letter_id = str(record["id"])
            assert a.get_letter(letter_id) == b.get_letter(letter_id)
        assert {s.letter_id for s in a.sources().values()} == {str(r["id"]) for r in records}
    finally:
        a.close()
        b.close()
    code, out = cli(
        "index", "--from-records", str(tmp_path / "letters.jsonl"), "--index", str(from_records)
    )
    assert code == 0, out
    assert "indexed 0, unchanged 20" in out


def test_a_bad_line_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    records = records_of(tmp_path / "letters.jsonl")
    lines = [
        json.dumps(records[0]),
        "{not json",
        json.dumps({"source": "x"}),
        "",
        json.dumps(records[1]),
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = cli("index", "--from-records", str(bad), "--index", str(tmp_path / "ix"))
    assert code == 1
    assert f"failed: {bad}:2: not a letter record" in out
    # The message names what the record lacks (it has only "source"), on one line.
    lacks = "id: Field required; layout: Field required"
    assert f"failed: {bad}:3: not a letter record: {lacks}\n" in out
    assert "indexed 2" in out
    engine = open_engine(tmp_path / "ix")
    try:
        assert engine.stats().letters == 2
    finally:
        engine.close()


def test_paths_or_records_not_both(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text("", encoding="utf-8")
    code, out = cli("index", LETTERS, "--from-records", str(tmp_path / "r.jsonl"))
    assert code == 2
    assert "one of the two" in out
    code, out = cli("index")
    assert code == 2
