"""`imr-search parse/index` with --jobs, the record cache, the progress lines and the summary.

Expected records come from ``parse_path`` on each file, never from the command's output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from imr_search.cli import main
from imr_search.cli.progress import Progress
from imr_search.engines.registry import open_engine
from imr_search.ingest.indexer import IndexProgress, source_key
from imr_search.ingest.pipeline import warning_kind
from imr_search.model import Letter
from imr_search.parse import iter_sources
from imr_search.search.results import SourceState

# isort: split
from factories import LETTER_SOURCES


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def index_content(index: Path) -> tuple[dict[str, SourceState], dict[str, Letter]]:
    engine = open_engine(index)
    try:
        sources = engine.sources()
        return dict(sources), {
            s.letter_id: engine.get_letter(s.letter_id) for s in sources.values()
        }
    finally:
        engine.close()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parse_gives_the_records_in_input_order_whatever_the_jobs(
    jobs: str, letter_records: list[Letter]
) -> None:
    result = run("parse", *LETTER_SOURCES, "--jobs", jobs)
    assert result.exit_code == 0, result.output
    got = [Letter.from_dict(json.loads(line)) for line in result.stdout.splitlines()]
    assert got == letter_records


@pytest.mark.slow
def test_index_content_is_the_same_for_one_and_two_jobs(
    tmp_path: Path, letter_records: list[Letter]
) -> None:
    for jobs in ("1", "2"):
        result = run("index", *LETTER_SOURCES, "--jobs", jobs, "--index", str(tmp_path / jobs))
        assert result.exit_code == 0, result.output
    one, two = index_content(tmp_path / "1"), index_content(tmp_path / "2")
    assert one == two
    assert one[1] == {r.id: r for r in letter_records}
    assert set(one[0]) == {source_key(s) for s in iter_sources(LETTER_SOURCES)}


def test_the_summary_counts_parser_warnings_by_kind(
    tmp_path: Path, letter_records: list[Letter]
) -> None:
    result = run("index", *LETTER_SOURCES, "--index", str(tmp_path / "ix"))
    kinds = Counter(warning_kind(w) for r in letter_records for w in r.warnings)
    assert kinds, "the fixture letters should have some warnings to count"
    line = next(x for x in result.stdout.splitlines() if x.startswith("parser warnings: "))
    shown = dict(part.rsplit(" ", 1) for part in line.removeprefix("parser warnings: ").split(", "))
    assert {k: int(n) for k, n in shown.items()} == dict(kinds)


def test_warning_kinds_drop_the_particulars() -> None:
    assert warning_kind("item 2: no DWC category for 'Xyz 10mg'") == "no DWC category"
    assert warning_kind("header date not found: decision_date") == "header date not found"
    assert warning_kind("patient age not stated") == "patient age not stated"
    assert warning_kind("reviewer specialty not in the DWC list: 'Podiatry'") == (
        "reviewer specialty not in the DWC list"
    )


@pytest.mark.slow
def test_a_second_rebuild_comes_from_the_cache_beside_the_index(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    first = run("index", *LETTER_SOURCES, "--index", str(ix))
    again = run("index", *LETTER_SOURCES, "--index", str(ix), "--rebuild")
    assert (tmp_path / "ix.records.sqlite").is_file()
    assert first.stdout.splitlines()[0] == "indexed 25, unchanged 0, failed 0"
    assert again.stdout.splitlines()[0] == "indexed 25 (25 from the cache), unchanged 0, failed 0"
    assert again.stdout.splitlines()[1:] == first.stdout.splitlines()[1:]


@pytest.mark.slow
def test_the_cache_folder_can_be_named_or_left_out(tmp_path: Path) -> None:
    run("index", *LETTER_SOURCES, "--index", str(tmp_path / "a"), "--cache", str(tmp_path / "c"))
    assert (tmp_path / "c" / "records.sqlite").is_file()
    reuse = run(
        "index", *LETTER_SOURCES, "--index", str(tmp_path / "b"), "--cache", str(tmp_path / "c")
    )
    assert reuse.stdout.startswith("indexed 25 (25 from the cache),")
    none = run("index", *LETTER_SOURCES, "--index", str(tmp_path / "d"), "--no-cache")
    assert none.stdout.startswith("indexed 25, ")
    assert not (tmp_path / "d.records.sqlite").exists()


def test_progress_off_a_terminal_is_a_plain_line_now_and_then(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = Progress(False, interval=0.0)
    progress(IndexProgress(1, 3, "a.pdf", "indexed"))
    progress(IndexProgress(2, 3, "b.pdf", "failed", "corrupt PDF"))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("imr-search: 1/3 files, ")
    assert lines[0].endswith("/s, 0 failed")
    assert lines[1].startswith("imr-search: 2/3 files, ")
    assert lines[1].endswith("/s, 1 failed")
    quiet = Progress(False, interval=3600.0)
    quiet(IndexProgress(1, 3, "a.pdf", "indexed"))
    assert capsys.readouterr().err == ""


def test_dask_without_the_extra_says_how_to_install_it(tmp_path: Path) -> None:
    # A real run of the command line with `distributed` made unimportable.
    code = (
        "import sys; sys.modules['distributed'] = None; "
        "from imr_search.cli import main; sys.argv[0] = 'imr-search'; main()"
    )
    args = ["index", LETTER_SOURCES[0], "--index", str(tmp_path / "ix"), "--dask", "local"]
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "imr-search: --dask needs the optional Dask dependency: pip install 'imr-search[cluster]'\n"
    )
