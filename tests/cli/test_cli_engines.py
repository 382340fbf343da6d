"""Issue 9's "Done when": every command works on a tantivy index the CLI built.

``imr-search index DIR --engine tantivy --index X`` (DIR: the 20 published PDFs and the 5 seed
letters), then ``search``, ``show``, ``stats``, ``precedents``, ``similar`` and ``serve --index
X``, all through the real CLI (``CliRunner`` against ``imr_search.cli.main``; ``serve`` as a
real process on loopback). Queries without words must give the same totals and facet counts
as a Whoosh index of DIR built by the same command; record-derived checks (from the letters
parsed apart from any index) keep the two from agreeing on something wrong.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from imr_search.analysis.terms import content_words
from imr_search.cli import main
from imr_search.engines.registry import folder_engine, folder_engines
from imr_search.model import Item, Letter

# isort: split
from factories import LETTER_SOURCES
from server_fixtures import ServerProcess, server_process

pytest_plugins = ["server_fixtures"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def json_of(*args: str) -> Any:
    return json.loads(ok(*args, "--format", "json"))


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """engine -> an index of DIR, each built by ``imr-search index ... --engine``."""
    root = tmp_path_factory.mktemp("cli-engines")
    built = {}
    for name in folder_engines():
        path = root / name
        result = run("index", *LETTER_SOURCES, "--engine", name, "--index", str(path))
        assert result.exit_code == 0, result.output
        built[name] = path
    return built


@pytest.fixture(scope="module")
def records(letter_records: list[Letter]) -> list[Letter]:
    return letter_records


def test_index_builds_a_tantivy_index_of_every_letter(
    indexes: dict[str, Path], records: list[Letter]
) -> None:
    assert folder_engine(indexes["tantivy"]) == "tantivy"
    assert folder_engine(indexes["whoosh"]) == "whoosh"
    items = sum(len(letter.items) for letter in records)
    # Indexing again reports what the index holds, computed from the records.
    again = ok("index", *LETTER_SOURCES, "--index", str(indexes["tantivy"]))
    assert again == (
        f"indexed 0, unchanged {len(records)}, failed 0\n"
        f"the index holds {len(records)} letters, {items} items\n"
    )


# -- search ------------------------------------------------------------------------------------

# (query words, options): queries without words -- fields, filters, dates, sorting, grouping.
WORDLESS_SEARCHES: list[tuple[str, tuple[str, ...]]] = [
    ("", ()),
    ("", ("--letters",)),
    ("decision:overturned", ()),
    ("decision:upheld AND category:surgery", ()),
    ("NOT category:surgery", ("--letters",)),
    ('region:"cervical spine" OR modality:mri', ()),
    ("state:tx", ("--sort", "-decided")),
    ("specialty:*medicine", ()),
    ("age:[40 TO 60]", ("--letters", "--sort", "decided")),
    ("sex:female ANDNOT decision:upheld", ()),
    ("decided:[2017-02-01 TO 2017-02-15]", ()),
    ("injured:[TO 2014-12-31]", ()),
    ("partial:false", ()),
    ('mtus:"chronic pain medical treatment"', ()),
    ("", ("--decision", "overturned", "--state", "CA")),
    ("", ("--category", "Surgery", "--category", "Rehabilitation", "--letters")),
    ("", ("--guideline", "none")),
    ("", ("--guideline", "MTUS", "--sex", "male")),
    ("", ("--subcategory", "Imaging / Radiology")),
    ("", ("--specialty", "Orthopedic Surgery")),
    ("", ("--from", "2017-02-01", "--to", "2017-05-31")),
    ("decision:upheld", ("--from", "2017-02-10", "--sort", "-decided", "--letters")),
]


def search_json(index: Path, query: str, options: tuple[str, ...]) -> dict[str, Any]:
    args = ["search", *([query] if query else []), *options, "--limit", "100"]
    data: dict[str, Any] = json_of(*args, "--index", str(index))
    return data


def facet_counts(data: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        name: {v["value"]: v["count"] for v in values if v["count"]}
        for name, values in data["facets"].items()
    }


def dates(data: dict[str, Any]) -> list[str | None]:
    rows = data["groups"] or data["results"]
    return [row["decision_date"] for row in rows]


@pytest.mark.parametrize(
    ("query", "options"),
    WORDLESS_SEARCHES,
    ids=[f"{q!r} {' '.join(o)}".strip() for q, o in WORDLESS_SEARCHES],
)
def test_search_gives_whooshs_totals_and_facets_for_queries_without_words(
    indexes: dict[str, Path], query: str, options: tuple[str, ...]
) -> None:
    whoosh = search_json(indexes["whoosh"], query, options)
    tantivy = search_json(indexes["tantivy"], query, options)
    assert whoosh["total"] > 0, "a search that matches nothing tests nothing"
    assert tantivy["total"] == whoosh["total"]
    assert facet_counts(tantivy) == facet_counts(whoosh)
    if "--sort" in options:
        assert dates(tantivy) == dates(whoosh)


def test_search_counts_the_records(indexes: dict[str, Path], records: list[Letter]) -> None:
    items = [(letter, item) for letter in records for item in letter.items]
    everything = search_json(indexes["tantivy"], "", ())
    assert everything["total"] == len(items)
    assert facet_counts(everything)["decision"] == dict(Counter(i.decision for _, i in items))
    grouped = search_json(indexes["tantivy"], "", ("--letters",))
    assert grouped["total"] == len(records)
    overturned_ca = search_json(indexes["tantivy"], "decision:overturned", ("--state", "CA"))
    assert overturned_ca["total"] == sum(
        i.decision == "overturned" and "CA" in lt.reviewer.license_states for lt, i in items
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_search_exports_every_match(indexes: dict[str, Path], fmt: str) -> None:
    query = "decision:upheld"
    total = search_json(indexes["whoosh"], query, ())["total"]
    out = ok("search", query, "--format", fmt, "--index", str(indexes["tantivy"]))
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))[1:]  # after the header
        assert len({row[0] for row in rows}) == len(rows) == total
    else:
        assert len({json.loads(line)["item_id"] for line in out.splitlines()}) == total


def test_search_table_runs(indexes: dict[str, Path]) -> None:
    out = ok("search", "mri", "--facets", "--index", str(indexes["tantivy"]))
    assert "mri" in out.lower()


# -- show, stats -------------------------------------------------------------------------------


def test_show_gives_the_same_letter_as_whoosh(
    indexes: dict[str, Path], records: list[Letter]
) -> None:
    for letter in records[::4]:
        tantivy = json_of("show", letter.id, "--index", str(indexes["tantivy"]))
        assert tantivy == json_of("show", letter.id, "--index", str(indexes["whoosh"]))
        assert (tantivy["id"], len(tantivy["items"])) == (letter.id, len(letter.items))
        text = ok("show", letter.id, "--index", str(indexes["tantivy"]))
        assert letter.id in text


def test_show_of_an_unknown_letter_fails_on_tantivy(indexes: dict[str, Path]) -> None:
    result = run("show", "CM99-0000000", "--index", str(indexes["tantivy"]))
    assert result.exit_code != 0
    assert "CM99-0000000" in result.output


def test_stats_are_whooshs_and_count_the_records(
    indexes: dict[str, Path], records: list[Letter]
) -> None:
    tantivy = json_of("stats", "--index", str(indexes["tantivy"]))
    assert tantivy == json_of("stats", "--index", str(indexes["whoosh"]))
    items = [item for letter in records for item in letter.items]
    assert (tantivy["letters"], tantivy["items"]) == (len(records), len(items))
    assert tantivy["overturned"] == sum(item.decision == "overturned" for item in items)
    text = ok("stats", "--index", str(indexes["tantivy"]))
    assert f"letters: {len(records)}\n" in text


# -- precedents, similar -----------------------------------------------------------------------

# Requests the classifier reads into a category (so the rung is a query without words).
PRECEDENT_REQUESTS = [
    ("MRI of the cervical spine", ()),
    ("Norco 10/325 #120", ()),
    ("Physical therapy 2x6 for the lumbar spine", ()),
    ("Right shoulder arthroscopy", ("--decision", "upheld")),
    ("Acupuncture 6 sessions", ("--from", "2017-01-01")),
]

# The parts of an answer that come from counts over the matched rung (no word ranking).
COUNTED = ("normalised", "match", "ladder", "items", "upheld", "overturned", "overturn_rate",
           "interval_95", "breakdowns")  # fmt: skip


def item_value(item: Item, field: str) -> str | None:
    """The value of a rung field (a query-language field name) on an item."""
    if field == "drug":
        return item.drug.name if item.drug else None
    value: str | None = getattr(item, "body_region" if field == "region" else field)
    return value


def in_rung(
    letter: Letter,
    item: Item,
    fields: dict[str, str],
    options: tuple[str, ...],
    service_words: tuple[str, ...] = (),
) -> bool:
    """Whether the item is of the rung's kind and passes the (few) options used here."""
    if not set(service_words) <= set(content_words(item.service)):
        return False
    opts = dict(zip(options[::2], options[1::2], strict=True))
    if "--decision" in opts and item.decision != opts["--decision"]:
        return False
    if "--from" in opts and not (
        letter.decision_date and letter.decision_date.isoformat() >= opts["--from"]
    ):
        return False
    return all((item_value(item, f) or "").lower() == v.lower() for f, v in fields.items())


@pytest.mark.parametrize(("request_", "options"), PRECEDENT_REQUESTS)
def test_precedents_give_whooshs_counts(
    indexes: dict[str, Path], records: list[Letter], request_: str, options: tuple[str, ...]
) -> None:
    answers = {
        name: json_of("precedents", request_, *options, "--index", str(path))
        for name, path in indexes.items()
    }
    whoosh, tantivy = answers["whoosh"], answers["tantivy"]
    assert tantivy["match"] is not None, "the request was not classified"
    assert {k: tantivy[k] for k in COUNTED} == {k: whoosh[k] for k in COUNTED}
    assert tantivy["sample"]["items"] == whoosh["sample"]["items"]
    # the rung's count and its closest precedents, from the records
    fields = tantivy["match"]["fields"]
    kind = {
        letter.item_id(item)
        for letter in records
        for item in letter.items
        if in_rung(letter, item, fields, options, tuple(tantivy["match"]["service_words"]))
    }
    assert tantivy["items"] == len(kind) > 0
    closest = {row["item_id"] for row in tantivy["closest"]}
    assert closest
    assert closest <= kind
    ok("precedents", request_, *options, "--index", str(indexes["tantivy"]))  # text form


def test_similar_finds_items_of_the_index(indexes: dict[str, Path], records: list[Letter]) -> None:
    ids = {letter.item_id(item) for letter in records for item in letter.items}
    letter = next(lt for lt in records if lt.items and lt.items[0].rationale)
    item_id = letter.item_id(letter.items[0])
    for args in ([item_id], ["--text", letter.items[0].rationale]):
        answer = json_of("similar", *args, "--index", str(indexes["tantivy"]))
        members = [m["item_id"] for g in answer["groups"] for m in g["members"]]
        assert members, args
        assert set(members) <= ids
        assert item_id not in members if args == [item_id] else item_id in members
        ok("similar", *args, "--index", str(indexes["tantivy"]))  # text form


# -- serve -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(
    indexes: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """``imr-search serve --index X`` as a real process on a free loopback port."""
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with server_process(indexes["tantivy"], log, command=("imr_search", "serve")) as server:
        yield server


def api_params(query: str, options: tuple[str, ...]) -> httpx.QueryParams:
    """The API parameters of a CLI search (``--from X`` -> ``from=X``, flags -> ``=1``)."""
    params = [("q", query), ("facets", "1"), ("size", "100")]
    args = list(options)
    while args:
        name = args.pop(0).removeprefix("--")
        if name == "letters":
            params.append((name, "1"))
        else:
            params.append((name, args.pop(0)))
    return httpx.QueryParams(tuple(params))


@pytest.mark.server
def test_serve_answers_with_whooshs_cli_figures(
    served: ServerProcess, indexes: dict[str, Path]
) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as client:
        stats = client.get("/api/stats")
        assert stats.status_code == 200
        assert stats.json() == json_of("stats", "--index", str(indexes["whoosh"]))
        for query, options in WORDLESS_SEARCHES:
            response = client.get("/api/search", params=api_params(query, options))
            assert response.status_code == 200, (query, options, response.text)
            body = response.json()
            cli = search_json(indexes["whoosh"], query, options)
            assert body["total"] == cli["total"], (query, options)
            assert facet_counts(body) == facet_counts(cli), (query, options)
