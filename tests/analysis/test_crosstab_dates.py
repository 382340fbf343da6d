"""Month tables over an index that holds impossible decision dates (one made before the parser
refused them, here written straight through the engine's writer): ``stats --by month``, the
cross-tab API and the Trends page list at most ``MAX_MONTHS`` months, keep the real ones, and
say why, on both engines. Without the bound, years 1 to 9999 make 1.2 million months."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from server_fixtures import serve_in_thread

from imr_search.analysis.crosstab import MAX_MONTHS, crosstab
from imr_search.cli import main
from imr_search.config import Settings
from imr_search.engines.registry import ENGINES, open_engine
from imr_search.search.request import SearchRequest
from imr_search.server import create_app

# isort: split
from factories import index_letters, make_letter

pytest_plugins = ["server_fixtures"]

REAL = [dt.date(2016, 3, 1), dt.date(2016, 5, 20), dt.date(2017, 1, 9)]
IMPOSSIBLE = [dt.date(1, 1, 1), dt.date(9999, 12, 31)]


@pytest.fixture(scope="module", params=sorted(ENGINES))
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp(f"dates-{request.param}") / "index"
    engine = open_engine(path, engine=request.param, create=True)
    try:
        index_letters(engine, [make_letter(decision_date=d) for d in REAL + IMPOSSIBLE])
    finally:
        engine.close()
    return path


def test_the_month_table_is_bounded_and_keeps_the_real_months(index: Path) -> None:
    engine = open_engine(index)
    try:
        table = crosstab(engine, SearchRequest(), "month")
    finally:
        engine.close()
    rows = {c.row: c.items for c in table.rows}
    assert len(rows) <= MAX_MONTHS
    for d in REAL:
        assert rows[f"{d:%Y-%m}"] >= 1
    # Past the bound only the months that hold items are listed: here all five, no empty ones.
    assert sum(rows.values()) == len(rows) == len(REAL) + len(IMPOSSIBLE)
    assert any("span" in w and "rebuild the index" in w for w in table.warnings), table.warnings


def test_stats_by_month_is_bounded(index: Path) -> None:
    done = CliRunner().invoke(
        main, ["stats", "--by", "month", "--format", "csv", "--index", str(index)]
    )
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    assert 1 + len(REAL) <= len(lines) - 1 <= MAX_MONTHS


@pytest.fixture(scope="module")
def server(index: Path) -> Iterator[httpx.Client]:
    app = create_app(Settings(index_dir=index))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def test_the_trends_page_answers(server: httpx.Client) -> None:
    page = server.get("/crosstab", params={"rows": "month"})
    assert page.status_code == 200
    bars = re.findall(r'data-month="(\d{4}-\d\d)"', page.text)
    assert 1 + len(REAL) <= len(bars) <= MAX_MONTHS
    api = server.get("/api/crosstab", params={"rows": "month", "cols": "decision"})
    assert api.status_code == 200
    assert len(api.json()["rows"]) <= MAX_MONTHS
