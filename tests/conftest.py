"""Shared fixtures.

``ENGINE_FACTORIES`` names every search engine the contract suite runs against: add a second
engine with one line. ``corpus_engine`` is one index of ``factories.sample_corpus()`` built once
per session (read-only tests); write tests make their own with ``new_engine(tmp_path)``.
``letter_records`` are the 25 fixture letters parsed, and ``letters_index`` one index of them
(built once per session through the indexer; read-only tests only).

Markers by what a test needs beyond this process (pyproject.toml lists them; ``make check``
leaves them out): ``server`` is given here to every test that uses ``live_server`` and written
on the tests that start a server process themselves (``server_fixtures.server_process`` refuses
to start one for a test without it), ``bench`` to every test under tests/bench/; ``browser`` and
``cluster`` are written on their modules. ``slow`` is written on tests that take more than about
3 s with all their parameters on a busy 2-core box (``--durations`` finds them).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from imr_search.engines.registry import ENGINES, EngineEntry, open_engine
from imr_search.ingest.indexer import index_paths
from imr_search.model import Letter
from imr_search.parse import parse_path
from imr_search.search.backend import Engine

# isort: split
from factories import LETTER_SOURCES, index_letters, letter_paths, sample_corpus

EngineFactory = Callable[[Path], Engine]

# Hypothesis times each example against the wall clock (200 ms) and the generation of the data
# (too_slow): on a busy box a test descheduled for a moment fails as "Flaky" though nothing is
# wrong. How fast a stage is stays the linear-time tests' business (tests/linear.py, CPU time).
settings.register_profile("imr-search", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("imr-search")


@pytest.hookimpl(tryfirst=True)  # before -m reads the markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.server)
        if item.path.parent.name == "bench":
            item.add_marker(pytest.mark.bench)
    # Schemathesis 4.32 names each operation's test "test[GET /path]", but pytest 9 builds a
    # node id from the function's name and parameters, so all twelve share one; xdist's
    # --dist loadfile schedules by node id and ran one of them. The name as the node id.
    ids = Counter(item.nodeid for item in items)
    for item in items:
        if ids[item.nodeid] > 1 and item.parent is not None:
            item._id = item.parent.id.child(item.name)
    repeated = sorted(n for n, count in Counter(item.nodeid for item in items).items() if count > 1)
    if repeated:
        raise pytest.UsageError(f"tests with the same node id (xdist would run one): {repeated}")


# Every registered engine (imr_search.engines.registry.ENGINES): what runs against one engine
# runs against each.
def _factory(entry: EngineEntry) -> EngineFactory:
    if entry.in_folders:
        return functools.partial(open_engine, engine=entry.name, create=True)
    # an engine that serves its index elsewhere: a location of its own, unique to the test
    return lambda path: open_engine(f"{entry.schemes[0]}://{path}", create=True)


ENGINE_FACTORIES: dict[str, EngineFactory] = {name: _factory(e) for name, e in ENGINES.items()}


@pytest.fixture(scope="session")
def corpus() -> list[Letter]:
    return sample_corpus()


@pytest.fixture(scope="session", params=sorted(ENGINE_FACTORIES))
def engine_factory(request: pytest.FixtureRequest) -> EngineFactory:
    return ENGINE_FACTORIES[request.param]


def engine_of(
    engine_factory: EngineFactory, letters: list[Letter], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A new index of ``letters`` made with ``engine_factory``, closed after its last use (the
    body of a fixture that holds one)."""
    engine = engine_factory(tmp_path_factory.mktemp("index"))
    index_letters(engine, letters)
    yield engine
    engine.close()


def new_engine_of(engine_factory: EngineFactory, tmp_path: Path) -> Iterator[Engine]:
    engine = engine_factory(tmp_path / "index")
    yield engine
    engine.close()


# A module that overrides ``engine_factory`` (the contract suite adds the memory engine) must
# override these two as well (with the helpers above): a session fixture's value is dropped
# when the fixture it was made from changes, and an override is another fixture, so this
# ``corpus_engine`` made from the override's memory engine would be handed, under the name
# "tantivy", to the next module on the same worker.
@pytest.fixture(scope="session")
def corpus_engine(
    engine_factory: EngineFactory,
    corpus: list[Letter],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    yield from engine_of(engine_factory, corpus, tmp_path_factory)


@pytest.fixture
def new_engine(engine_factory: EngineFactory, tmp_path: Path) -> Iterator[Engine]:
    """An empty engine in a temporary folder."""
    yield from new_engine_of(engine_factory, tmp_path)


@pytest.fixture(scope="session")
def letter_records() -> list[Letter]:
    """The 25 fixture letters, parsed (the expectations of index tests come from these)."""
    return [parse_path(p) for p in letter_paths()]


@pytest.fixture(scope="session")
def letters_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the 25 fixture letters, built once; tests must not write to it."""
    path = tmp_path_factory.mktemp("letters") / "index"
    engine = open_engine(path, create=True)
    try:
        report = index_paths(engine, LETTER_SOURCES)
    finally:
        engine.close()
    assert not report.failed, report.failed
    return path
