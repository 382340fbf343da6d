"""The slow-query benchmark end to end, briefly: every kind of request is answered (no error)
by a real server on the fixture index, and the report has the figures the docs show."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import slow_queries


def test_the_slow_query_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nkept\n")
    argv = ["--letters", "0", "--seconds", "1", "--clients", "2", "--out", str(tmp_path)]
    assert slow_queries.main([*argv, "--docs", str(docs)]) == 0
    report = json.loads((tmp_path / "slow.json").read_text())
    (run,) = report["indexes"].values()
    assert run["all"]["requests"] > 0
    assert run["all"]["errors"] == 0
    assert {"p50_s", "p95_s", "p99_s", "max_s", "over_limit", "partial"} <= set(run["all"])
    text = docs.read_text()
    assert "kept" in text
    assert text.count(slow_queries.DOCS_START) == 1
    # Run again: the section is replaced, not added twice.
    assert slow_queries.main([*argv, "--docs", str(docs)]) == 0
    assert docs.read_text().count(slow_queries.DOCS_START) == 1
