"""The benchmark pipeline end to end on 50 generated letters: imr-search's two engines and both
baselines.

Guards the benchmark itself: every row and engine is reported with sane numbers, and the query
translations agree with imr-search on every query whose semantics agree across engines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import floors, mechanisms, phrases, run
from benchmarks.docs import replace_section
from benchmarks.engines import ENGINES, IMR_ENGINES
from benchmarks.queries import query_mix

LETTERS = 50


@pytest.fixture(scope="module")
def bench_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def report(bench_out: Path) -> dict[str, Any]:
    out = bench_out
    code = run.main(
        [
            *("--letters", str(LETTERS), "--rounds", "1", "--server-seconds", "1.5"),
            *("--clients", "2", "--out", str(out), "--plot", str(out / "plot.png")),
            "--reuse",  # the mechanisms and phrases checks below search its tantivy index
        ]
    )
    assert code == 0
    assert (out / "plot.png").stat().st_size > 0
    data: dict[str, Any] = json.loads((out / "results.json").read_text())
    return data


def test_the_mix_has_at_least_100_queries_of_every_kind() -> None:
    mix = query_mix()
    assert len(mix) >= 100
    assert len({q.qid for q in mix}) == len(mix)
    assert {q.kind for q in mix} >= {"term", "phrase", "filter", "facets", "letters", "mixed"}
    assert sum(q.facets for q in mix) >= 20
    assert sum(q.letters for q in mix) >= 10


def test_every_engine_reports_every_row_with_sane_numbers(report: dict[str, Any]) -> None:
    (size,) = report["results"]
    assert size["letters"] == LETTERS
    assert set(size["engines"]) == set(ENGINES)
    for engine in ENGINES:
        e = size["engines"][engine]
        for label, get, _ in run.ROWS:
            value = get(size, e)
            imr_only = ("precedents", "server", "search box", "reason", "case number")
            if engine not in IMR_ENGINES and label.startswith(imr_only):
                assert value is None, (engine, label)  # measured for imr-search's engines only
                continue
            assert value is not None, (engine, label)
            if "RSS growth" not in label:
                assert value > 0, (engine, label)
        assert e["query_p95_ms"] >= e["query_p50_ms"]
        assert e["facet_p95_ms"] >= e["facet_p50_ms"]
        assert e["build"]["items"] >= e["build"]["letters"] > 0
    assert size["parse_letters_per_s"] > 0
    for engine in IMR_ENGINES:
        server = size["engines"][engine]["server"]
        assert server["rps"] > 0
        assert server["errors"] == 0
        assert server["p95_ms"] >= server["p50_ms"]
        assert server["heap_mib"] <= server["rss_mib"]
    text = run.table(size)
    for label, _, _ in run.ROWS:
        assert f"| {label} |" in text
    for engine in ENGINES:
        assert engine in text


def test_translations_agree_with_whoosh_where_semantics_agree(report: dict[str, Any]) -> None:
    (size,) = report["results"]
    mix = query_mix()
    whoosh = size["engines"]["whoosh"]["totals"]
    sqlite = size["engines"]["sqlite-fts5"]["totals"]
    tantivy = size["engines"]["tantivy"]["totals"]
    imr_tantivy = size["engines"]["imr-tantivy"]["totals"]
    comparable = [i for i, q in enumerate(mix) if q.comparable]
    assert len(comparable) >= 25
    assert sum(whoosh[i] for i in comparable) > 0
    for i in comparable:
        assert sqlite[i] == whoosh[i], mix[i]
        assert imr_tantivy[i] == whoosh[i], mix[i]  # exact, letter totals included
        if not mix[i].letters:  # tantivy's letter count is approximate (HyperLogLog)
            assert tantivy[i] == whoosh[i], mix[i]
    # Word and phrase queries differ only where tokenizers do (dotted words): rarely.
    text = [i for i, q in enumerate(mix) if not q.comparable]
    same = sum(sqlite[i] == whoosh[i] for i in text)
    assert same >= 0.85 * len(text)
    assert sum(whoosh[i] for i in text) > 0


def test_a_benchmark_section_replaces_its_own_and_keeps_the_rest(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nbefore\n\n<!-- a -->\nold\n<!-- /a -->\n\nafter\n")
    replace_section(doc, "<!-- a -->", "<!-- /a -->", "<!-- a -->\nnew\n<!-- /a -->")
    assert doc.read_text() == "# Benchmarks\n\nbefore\n\n<!-- a -->\nnew\n<!-- /a -->\n\nafter\n"
    replace_section(doc, "<!-- b -->", "<!-- /b -->", "<!-- b -->\nb\n<!-- /b -->")
    assert doc.read_text().endswith("after\n\n<!-- b -->\nb\n<!-- /b -->\n")


def test_the_mechanisms_on_and_off_give_equal_answers(
    bench_out: Path, report: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    index = bench_out / f"index-imr-tantivy-{LETTERS}"
    assert mechanisms.main(["--index", str(index), "--rounds", "1"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["problems"] == []
    assert set(found["mechanisms"]) == {"pairs", "facets", "letters", "cache"}
    assert all(m["queries"] > 0 for k, m in found["mechanisms"].items() if k != "cache")


def test_pair_phrases_over_a_benchmark_index_equal_positional_ones(
    bench_out: Path, report: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    index = bench_out / f"index-imr-tantivy-{LETTERS}"
    args = ["--index", str(index), "--corpus", str(bench_out), "--letters", str(LETTERS)]
    assert phrases.main([*args, "--phrases", "30", "--minimum", "30", "--rounds", "1"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["phrases"] == 30
    assert found["problems"] == []
    assert len(found["bins"]) >= 3  # rare phrases to common ones


def test_the_floors_split_each_request_into_matching_counting_and_the_rest(
    bench_out: Path, report: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    index = bench_out / f"index-imr-tantivy-{LETTERS}"
    assert floors.main(["--index", str(index), "--rounds", "1"]) == 0
    found = json.loads(capsys.readouterr().out)
    (size,) = report["results"]
    field = found["facet_field"]
    assert field["items"] == size["items"]  # the run's own count of the index's items
    # Every item has one decision, one outcome, one category ...: more than one value each.
    assert field["values_per_item"] > 5
    assert field["ns_per_value"] > 0
    rows = {r["qid"]: r for r in found["queries"]}
    assert set(rows) == {q.qid for q in query_mix()}
    assert all("counting_floor_ms" in rows[q.qid] for q in query_mix() if q.facets)
    # The blank query matches every item.
    assert rows["facets-broad-05"]["matched_items"] == size["items"]
    assert found["mix"]["server_ceiling_rps"] > 0
    assert found["precedents"]["searches_p50_ms"] <= found["precedents"]["whole_p50_ms"]
