"""Queries generated from the grammar, then mutated, never cause a traceback or a 5xx.

Against the library (both engines), the CLI (exit 0, or 2 with a message) and the JSON API and
the page of a real server on loopback for each engine (200, or 400 with the error shape). The
grammar is the README's: words, phrases, patterns, ``field:value``, groups, ranges with any
ends (empty ones included), boosts, slop and the operators, with values of every kind offered
to every field (so each field meets ``*``, dates, numbers and ranges).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_fixtures import serve_in_thread

from imr_search.cli import main
from imr_search.config import Settings
from imr_search.errors import QueryError
from imr_search.model import Letter
from imr_search.search.backend import Engine
from imr_search.search.fields import QUERY_FIELDS
from imr_search.search.request import SearchRequest
from imr_search.search.syntax import parse
from imr_search.server.app import create_app

# isort: split
from conftest import ENGINE_FACTORIES
from factories import index_letters

pytest_plugins = ["server_fixtures"]

_WORDS = st.sampled_from(
    ["lumbar", "mri", "norco", "pain", "x", "é", "10/325", "2016", "AND", "TO", "a-b", "C5-6"]
)
_VALUES = st.one_of(
    _WORDS,
    st.sampled_from(
        [
            "*",
            "**",
            "?",
            "*?",
            "lumb*",
            "l?mbar",
            "*ar",
            "2016",
            "2016-05",
            "2016-02-30",
            "2016-13",
            "1999-01-01",
            "40",
            "-3",
            "999999999999999999999",
            "upheld",
            "Texas",
            "ca",
            "true",
            "yes",
            '""',
            '"two words"',
            '"a b"~2',
            "'",
            "\\",
            ":",
            "^2",
        ]
    ),
)
_RANGE_ENDS = st.sampled_from(["", " ", "2016", "2017-01-01", "40", "*", "x", '"2016"', "TO"])


@st.composite
def _range(draw: st.DrawFn) -> str:
    low, high = draw(_RANGE_ENDS), draw(_RANGE_ENDS)
    opening, closing = draw(st.sampled_from("[{")), draw(st.sampled_from("]}"))
    middle = draw(st.sampled_from([" TO ", " TO", "TO ", " to ", " ", ""]))
    return f"{opening}{low}{middle}{high}{closing}"


_FIELD = st.sampled_from([*sorted(QUERY_FIELDS), "nosuch", "Service", "letter_id"])
_ATOM = st.one_of(
    _VALUES,
    st.builds(lambda f, v: f"{f}:{v}", _FIELD, st.one_of(_VALUES, _range())),
    st.builds(lambda f, a, b: f"{f}:({a} OR {b})", _FIELD, _VALUES, _VALUES),
)
_JOIN = st.sampled_from([" ", " AND ", " OR ", " NOT ", " ANDNOT ", " ANDMAYBE ", " -", " +"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, j, b: a + j + b, children, _JOIN, children),
        st.builds(lambda a, b: f"({a}){b}", children, st.sampled_from(["", "^2", "^0.5", "~3"])),
        st.builds(lambda a: f"NOT {a}", children),
    )


GRAMMAR = st.recursive(_ATOM, _combine, max_leaves=6)
_NOISE = st.sampled_from([*list(':()"[]{} *?^~-\\+!/'), "TO", "AND", "\x00", "\u3000"])


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A grammatical query, sometimes damaged: a character dropped, inserted or a slice
    repeated."""
    text = draw(GRAMMAR)
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        kind = draw(st.sampled_from(["drop", "insert", "repeat"]))
        if kind == "drop":
            text = text[:i] + text[i + 1 :]
        elif kind == "insert":
            text = text[:i] + draw(_NOISE) + text[i:]
        else:
            text = text[:i] + text[i : i + 8] * 2 + text[i + 8 :]
    return text


_FEW = settings(
    max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- the library ---------------------------------------------------------------------------------


@given(text=queries())
@_FEW
def test_any_query_runs_or_is_a_query_error(corpus_engine: Engine, text: str) -> None:
    error: QueryError | None = None
    try:
        corpus_engine.search(SearchRequest(query=text))
    except QueryError as exc:
        error = exc
    if error is not None:
        assert str(error)
        assert error.position is None or 0 <= error.position <= len(text)


@pytest.mark.parametrize("name", sorted(QUERY_FIELDS))
def test_every_field_takes_a_star_or_rejects_it_with_a_reason(
    corpus_engine: Engine, name: str
) -> None:
    error: QueryError | None = None
    try:
        result = corpus_engine.search(SearchRequest(query=f"{name}:*"))
    except QueryError as exc:
        error = exc
    if error is not None:
        assert name in str(error)
        assert "wildcard" in str(error)
    else:
        assert result.total >= 0


@pytest.mark.parametrize("body", ["[ TO ]", "[TO]", "{ TO }", "[ TO", "[]"])
def test_a_range_with_no_end_is_a_clear_error(body: str) -> None:
    with pytest.raises(QueryError, match="range"):
        parse(f"decided:{body}")


def test_an_empty_range_end_is_an_open_end(corpus_engine: Engine) -> None:
    everything = corpus_engine.search(SearchRequest(query="decided:[1900 TO 2100]")).total
    assert corpus_engine.search(SearchRequest(query="decided:[1900 TO ]")).total == everything
    assert corpus_engine.search(SearchRequest(query="decided:[ TO 2100]")).total == everything


# -- the CLI -------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(ENGINE_FACTORIES))
def cli_index(
    request: pytest.FixtureRequest,
    letter_records: list[Letter],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    path = tmp_path_factory.mktemp(f"props-{request.param}")
    engine = ENGINE_FACTORIES[request.param](path)
    index_letters(engine, letter_records)
    engine.close()
    return path


@pytest.mark.slow
@given(text=queries())
@_FEW
def test_the_cli_exits_0_or_2_with_a_message_never_a_traceback(cli_index: Path, text: str) -> None:
    if text.startswith("-"):
        text = " " + text  # not an option
    result = CliRunner().invoke(main, ["search", "--index", str(cli_index), "--", text])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "imr-search:" in result.output or "Error:" in result.output


# -- the API and the page ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(cli_index: Path) -> Iterator[httpx.Client]:
    app = create_app(Settings(index_dir=cli_index))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.mark.slow
@given(text=queries())
@_FEW
def test_the_api_and_page_answer_200_or_400_never_5xx(servers: httpx.Client, text: str) -> None:
    api = servers.get("/api/search", params={"q": text})
    assert api.status_code in (200, 400), (text, api.text[:300])
    if api.status_code == 400:
        body = api.json()
        assert body["error"]["message"]
    page = servers.get("/", params={"q": text})
    assert page.status_code in (200, 400), (text, page.text[:300])
    with contextlib.suppress(UnicodeDecodeError):
        assert "Traceback" not in page.text
