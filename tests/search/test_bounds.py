"""Every query is bounded before it runs, on both engines (issue 28): a phrase's slop and the
words of a sloppy phrase, ages, the words a query's patterns stand for together and the length
of a word spelling suggestions look at. What cannot be bounded is refused as a query error;
the worst queries we can construct answer within the time limit plus a second in bounded
memory, measured in a process of their own.
"""

from __future__ import annotations

import json
import os
import resource
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imr_search.engines.registry import ENGINES, open_engine
from imr_search.errors import QueryError
from imr_search.ingest.indexer import index_paths
from imr_search.search.backend import Engine
from imr_search.search.fields import MAX_CORRECTED_WORDS
from imr_search.search.request import SearchRequest
from imr_search.search.syntax import parse

# isort: split
from factories import LETTER_SOURCES
from worst_queries import CITATOR, WORDS

ROOT = Path(__file__).resolve().parents[2]
WORST = ROOT / "tests" / "worst_queries.py"
TIME_LIMIT = 5.0  # the server's default
MAX_SLOP, MAX_SLOPPY_WORDS = 20, 8  # docs/limits.md
BUSY_BOX = 3  # how much longer than on an idle box a step may take on the busy 2-core box
# What a query may cost beyond the engine loaded: the sloppy phrases issue 28 found reached
# gigabytes; every admitted query on the 25 letters needs a few megabytes.
PEAK_GROWTH_MB = 300
# The child may not pass this address space: a runaway query fails there, not on the box.
CHILD_ADDRESS_SPACE = 4 * 1024**3


# -- refused before running -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"the patient was seen"~21', f"slop may be at most {MAX_SLOP}"),
        ('"' + " ".join(["a"] * 20) + '"~1000', f"slop may be at most {MAX_SLOP}"),
        ('"' + " ".join(["the"] * (MAX_SLOPPY_WORDS + 1)) + '"~2', "at most 8 words"),
        ('"lumbar-spine-mri-with-and-without-contrast-was-denied"~3', "at most 8 words"),
        ('"' + " ".join(["the"] * 249) + '"', "repeat a word at most 4 times"),
        ('"the patient the patient the patient the patient the patient"', "at most 4 times"),
        ("age:99999999999999999999999999", "out of range"),
        ("age:151", "out of range"),
        ("age:[40 TO 99999999999999999999999999]", "out of range"),
        ("age:{99999999999999999999999999 TO}", "out of range"),
    ],
)
def test_a_query_past_a_bound_is_a_query_error_on_every_engine(
    corpus_engine: Engine, query: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        corpus_engine.search(SearchRequest(query))
    assert caught.value.position is not None  # the parser's, before any engine ran


@pytest.mark.parametrize(
    "query",
    [
        '"the patient the patient the of and to"~20',  # the most a sloppy phrase may be
        '"' + " ".join(WORDS * 4) + '"',  # an exact phrase of distinct words: any length
        "age:150",
        "age:[0 TO 150]",
        "age:0040",
    ],
)
def test_a_query_within_the_bounds_runs_on_every_engine(corpus_engine: Engine, query: str) -> None:
    corpus_engine.search(SearchRequest(query))


def test_the_age_bound_names_the_way_out() -> None:
    with pytest.raises(QueryError) as caught:
        parse("age:[60 TO 999]")
    assert caught.value.hint == "leave an end open for no bound: age:[60 TO]"


@pytest.fixture
def few_expansions(corpus_engine: Engine) -> Iterator[Engine]:
    """The corpus engine allowing 40 words a pattern (so 80 a query): the sample corpus's
    vocabulary has more than 80 words and fewer than 40 under each letter."""
    backend: Any = getattr(corpus_engine, "backend")  # noqa: B009 - the service's engine
    saved = backend.max_expansions
    backend.max_expansions = 40
    try:
        yield corpus_engine
    finally:
        backend.max_expansions = saved


def test_the_patterns_of_one_query_share_one_budget(few_expansions: Engine) -> None:
    for letter in "acmpst":
        few_expansions.search(SearchRequest(f"{letter}*"))  # each alone is within it
    every_letter = " OR ".join(f"{c}*" for c in string.ascii_lowercase)
    with pytest.raises(QueryError, match="patterns match too many terms together"):
        few_expansions.search(SearchRequest(every_letter))


def test_a_pattern_written_twice_is_counted_once(few_expansions: Engine) -> None:
    few_expansions.search(SearchRequest(" OR ".join(["a*"] * 30)))


def test_a_word_too_long_to_be_misspelt_gets_no_correction_search(corpus_engine: Engine) -> None:
    word = "painn" + "x" * 40  # 45 letters, 41 edits from any word
    found = corpus_engine.search(SearchRequest(f"mri {word} painn"))
    assert "painn" in found.suggestions  # a short word still gets its correction
    assert word not in found.suggestions
    assert corpus_engine.suggest(word) == []


def test_only_the_first_unknown_words_get_a_correction_search(corpus_engine: Engine) -> None:
    typos = ["painn", "lumbr", "physicl", "therapyy", "patiant", "requestt", "medicl",
             "treatmnt", "injurry", "guidelne"]  # fmt: skip
    alone = {
        w: corpus_engine.search(SearchRequest(w, synonyms=False)).suggestions.get(w) for w in typos
    }
    assert all(alone.values()), alone  # each, alone, has a correction in the corpus
    found = corpus_engine.search(SearchRequest(" ".join(typos), synonyms=False))
    assert found.suggestions == {w: alone[w] for w in typos[:MAX_CORRECTED_WORDS]}


# -- the worst queries, measured --------------------------------------------------------------


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))


@pytest.fixture(
    scope="module", params=sorted(e for e, entry in ENGINES.items() if entry.in_folders)
)
def letters_index_of(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp(f"worst-{request.param}") / "index"
    engine = open_engine(path, engine=request.param, create=True)
    try:
        index_paths(engine, LETTER_SOURCES)
    finally:
        engine.close()
    return path


@pytest.mark.slow
def test_the_worst_queries_answer_in_time_and_bounded_memory(letters_index_of: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(WORST), str(letters_index_of), str(TIME_LIMIT)],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_limit_child,  # sets a limit only: safe before exec
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])},
        check=False,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0, (proc.stderr[-2000:], rows)
    baseline = rows[0]["peak_mb"]
    measured = {row["name"]: row for row in rows[1:]}
    report = json.dumps(measured, indent=1)
    assert len(measured) == 15, report
    for name, row in measured.items():
        assert row["outcome"] in ("answered", "refused"), (name, report)
        # The limit plus a second, on a box whose other work may leave this process a third
        # of a core (the load these tests run under): CPU seconds are the strict bound below.
        assert row["wall"] <= BUSY_BOX * (TIME_LIMIT + 1), (name, report)
        # CPU seconds do not grow with the box's load: every query here is a few hundred
        # milliseconds of work on 25 letters (the 1,000-letter word's spelling correction
        # was 2.9 s before a word's length was bounded, 200 unknown words' 3 s before the
        # words given a correction search were). The citator is a search per row of its
        # table, paced by one deadline: its bound is the limit it keeps, plus a second.
        bound = TIME_LIMIT + 1 if name in CITATOR else 1.5
        assert row["cpu"] <= bound, (name, report)
    assert max(r["peak_mb"] for r in measured.values()) - baseline <= PEAK_GROWTH_MB, report
    assert measured["sloppy 20 words slop 1000"]["outcome"] == "refused"
    assert measured["age past 64 bits"]["outcome"] == "refused"
    assert measured["sloppy repeated word"]["outcome"] == "refused"
    assert measured["sloppy common words"]["outcome"] == "answered"
    assert measured["exact phrase of common words"]["outcome"] == "answered"
