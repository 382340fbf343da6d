"""The citator in a fixed number of searches, on both engines: every row's claims administrator's
citations are counted from the (IMR, UR) citation pairs the index keeps, and equal those worked
out from the parsed records, with or without a query; an index made before the pairs answers
the same counts row by row, with a note that a rebuild makes it one search."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imr_search.analysis.citator import REBUILD_NOTE, citator
from imr_search.engines import tantivy as tantivy_engine
from imr_search.engines import whoosh as whoosh_engine
from imr_search.engines.registry import open_engine, outdated
from imr_search.guidelines import labels
from imr_search.model import Item, Letter
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

# isort: split
from conftest import ENGINE_FACTORIES, EngineFactory, engine_of
from factories import Counting, index_letters


@pytest.fixture(scope="module")
def engine(
    engine_factory: EngineFactory,
    letter_records: list[Letter],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    yield from engine_of(engine_factory, letter_records, tmp_path_factory)


def expected(items: list[Item]) -> dict[str, Counter[str]]:
    """Row label -> UR-side label -> items, from the records' citations."""
    out: dict[str, Counter[str]] = {}
    for item in items:
        ur = set(labels(item.claims_citations))
        for imr in set(labels(item.imr_citations)):
            out.setdefault(imr, Counter()).update(ur)
    return out


def items_of(records: list[Letter], keep: str | None = None) -> list[Item]:
    return [i for r in records for i in r.items if keep is None or i.decision == keep]


@pytest.mark.parametrize("decision", [None, "overturned"])
def test_every_row_is_answered_in_two_searches(
    engine: Engine, letter_records: list[Letter], decision: str | None
) -> None:
    counting = Counting(engine)
    filters = {"decision": (decision,)} if decision else {}
    table = citator(counting, SearchRequest(filters=filters))
    assert len(counting.searches) == 2
    want = expected(items_of(letter_records, decision))
    assert len(table.rows) == len(want) > 10
    assert sum(bool(w) for w in want.values()) > 5  # rows the claims administrator answered
    for row in table.rows:
        assert dict(row.answered) == dict(want[row.citation]), row.citation
    assert REBUILD_NOTE not in table.warnings


@pytest.mark.parametrize("name", sorted(ENGINE_FACTORIES))
def test_an_index_made_before_the_pairs_answers_row_by_row(
    name: str,
    letter_records: list[Letter],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An index as the previous version made it: the same schema without the pairs.
    package: Any = {"tantivy": tantivy_engine, "whoosh": whoosh_engine}[name]
    monkeypatch.setattr(
        package, "build_schema", functools.partial(package.build_schema, citation_pairs=False)
    )
    old = ENGINE_FACTORIES[name](tmp_path / "index")
    index_letters(old, letter_records)
    old.close()
    monkeypatch.undo()
    with open_engine(tmp_path / "index") as reopened:
        counting = Counting(reopened)
        table = citator(counting, SearchRequest(), limit=5)
    assert len(counting.searches) == 2 + 5
    assert REBUILD_NOTE in table.warnings
    want = expected(items_of(letter_records))
    assert [dict(r.answered) for r in table.rows] == [dict(want[r.citation]) for r in table.rows]
    # ``index --rebuild`` makes it anew (beside it) rather than in its old schema.
    assert outdated(tmp_path / "index")
