"""Phrases answered from pair terms (imr_search.engines.tantivy.pairs) match exactly the items
the positional phrase matches, on phrases sampled from a generated corpus across word
frequencies; the same index answers both ways (its pairs switched off for the positional
answer), so the expectation never comes from the pair path itself."""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy import TantivyEngine
from imr_search.engines.tantivy.pairs import FILE
from imr_search.model import Letter
from imr_search.search.backend import Engine
from imr_search.search.documents import item_documents
from imr_search.search.request import SearchRequest
from imr_search.search.service import SearchService
from imr_synth.corpus import iter_letters

# isort: split
from factories import index_letters

LETTERS = 400
PHRASES = 240  # at least 200 answered from pairs


def _corpus() -> list[Letter]:
    seen: dict[str, Letter] = {}
    for synth in iter_letters(LETTERS, seed=11):
        seen.setdefault(synth.truth.id, synth.truth)
    return list(seen.values())


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    with open_engine(
        tmp_path_factory.mktemp("pairs") / "ix", engine="tantivy", create=True
    ) as opened:
        assert isinstance(opened, SearchService)
        index_letters(opened, _corpus())
        yield opened


def _backend(engine: Engine) -> TantivyEngine:
    assert isinstance(engine, SearchService)
    backend = engine.backend
    assert isinstance(backend, TantivyEngine)
    return backend


def _matched(engine: Engine, query: str) -> set[str]:
    return {item.item_id for item in engine.iter_items(SearchRequest(query=query))}


def _positional(engine: Engine, query: str) -> set[str]:
    backend = _backend(engine)
    pairs, backend.pairs = backend.pairs, None
    try:
        return _matched(engine, query)
    finally:
        backend.pairs = pairs


def _windows(letters: list[Letter]) -> list[str]:
    """Every run of 2 to 5 words in the items' texts, as written."""
    out: set[str] = set()
    for letter in letters:
        for doc in item_documents(letter):
            for text in doc.text.values():
                words = re.findall(r"\w+", text or "")
                for n in range(2, 6):
                    out.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return sorted(out)


def _sample(engine: Engine) -> list[str]:
    """Phrases the pairs cover, drawn evenly from each power of two of the number of items
    the phrase matches (rare phrases to phrases in most items), plus phrases they do not."""
    backend = _backend(engine)
    assert backend.pairs is not None
    rng = random.Random(27)
    candidates = _windows(_corpus())
    rng.shuffle(candidates)
    bins: dict[int, list[str]] = {}
    for phrase in candidates[:10000]:
        tokens = backend.analyzer.analyze(phrase)
        if not backend.pairs.covers(tokens):
            continue
        n = len(_positional(engine, f'"{phrase}"'))
        bins.setdefault(int(math.log2(n + 1)), []).append(phrase)
    picked: list[str] = []
    for row in itertools.zip_longest(*bins.values()):  # one of each frequency in turn
        picked += [p for p in row if p is not None]
        if len(picked) >= PHRASES:
            break
    return picked


@pytest.mark.slow  # a positional search per candidate phrase, to sort them by frequency
def test_pair_phrases_match_what_positional_phrases_match(engine: Engine) -> None:
    phrases = _sample(engine)
    assert len(phrases) >= 200
    frequencies = set()
    for phrase in phrases:
        expected = _positional(engine, f'"{phrase}"')
        assert _matched(engine, f'"{phrase}"') == expected, phrase
        frequencies.add(int(math.log2(len(expected) + 1)))
    assert len(frequencies) >= 4  # rare to common: the sample spans the frequencies


@pytest.mark.parametrize(
    "query",
    [
        '"medically necessary"',
        'rationale:"is not medically necessary"',
        '"not medically necessary" AND decision:upheld',
        '"the patient"~3',  # slop: positional
        '"physical therapy" OR "range of motion"',
        'NOT "medically necessary"',
        '"of the of the"',  # a repeated pair
        '"knee arthroscopy"',  # words that are not frequent: positional
    ],
)
def test_phrases_in_queries_match_the_positional_answer(engine: Engine, query: str) -> None:
    assert _matched(engine, query) == _positional(engine, query)


def test_totals_and_facets_equal_the_positional_answer(engine: Engine) -> None:
    request = SearchRequest(query='"is not medically necessary"', facets=True, letters=True)
    paired = engine.search(request)
    backend = _backend(engine)
    pairs, backend.pairs = backend.pairs, None
    try:
        positional = engine.search(request)
    finally:
        backend.pairs = pairs
    assert paired.total == positional.total > 0
    assert paired.facets == positional.facets


def test_an_index_keeps_its_own_list(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    with open_engine(folder, engine="tantivy", create=True) as opened:
        assert _backend(opened).pairs is not None
    kept = json.loads((folder / FILE).read_text("utf-8"))["words"]
    (folder / FILE).write_text(json.dumps({"words": ["medic", "necessari"]}), "utf-8")
    with open_engine(folder) as again:
        pairs = _backend(again).pairs
        assert pairs is not None
        assert pairs.words == frozenset({"medic", "necessari"})
    assert "the" in kept


def test_an_index_with_documents_and_no_list_uses_no_pairs(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    letters = _corpus()[:20]
    with open_engine(folder, engine="tantivy", create=True) as opened:
        index_letters(opened, letters)
        expected = _matched(opened, '"medically necessary"')
    (folder / FILE).unlink()
    with open_engine(folder) as again:
        assert _backend(again).pairs is None
        assert _matched(again, '"medically necessary"') == expected
        assert expected


@pytest.mark.parametrize(
    "between",
    [
        "a" * 39,  # kept: 39 bytes
        "a" * 40,  # dropped by the analysis: a gap in the positions
        "é" * 20,  # 40 bytes in 20 characters: dropped
        "é" * 19,  # 38 bytes: kept
        "well-" + "b" * 40,  # the long token inside a run of other characters
    ],
)
def test_a_word_the_analysis_drops_leaves_no_pair_across_it(tmp_path: Path, between: str) -> None:
    # Expected from tantivy's own token positions: a pair only where they follow each other.
    with open_engine(tmp_path / "ix", engine="tantivy", create=True) as opened:
        backend = _backend(opened)
        pairs = backend.pairs
        assert pairs is not None
        text = f"the patient {between} is not medically necessary, the {between} patient"
        found = backend.analyzer.pre_tokenize(text).tokens
        expected = [
            (f"{a.text} {b.text}", a.position)
            for a, b in itertools.pairwise(found)
            if b.position == a.position + 1 and a.text in pairs.words and b.text in pairs.words
        ]
        assert [(t.text, t.position) for t in pairs.tokens(text)] == expected
        assert ("the patient", 0) in expected
