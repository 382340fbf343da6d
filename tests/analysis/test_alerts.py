"""Saved searches and alerts end to end: the CLI on a real index of the fixture letters, a
second index run that adds letters, the Atom feed from a real server (parsed by lxml and
validated against RFC 4287's schema), and a rebuild that keeps the alerts. Expected items are
worked out from the parsed records."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from imr_search.cli import main
from imr_search.model import Letter
from imr_search.parse import parse_path

# isort: split
from factories import letter_paths
from server_fixtures import server_process

pytest_plugins = ["server_fixtures"]
pytestmark = pytest.mark.slow  # every test reads the outputs of two index runs

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom"}
SCHEMA = Path(__file__).parent.parent / "data" / "atom.rng"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def halves() -> tuple[list[Path], list[Path]]:
    paths = letter_paths()
    return paths[: len(paths) // 2], paths[len(paths) // 2 :]


@pytest.fixture(scope="module")
def records() -> dict[Path, Letter]:
    return {p: parse_path(p) for p in letter_paths()}


def overturned_ids(letters: list[Letter]) -> set[str]:
    return {lt.item_id(i) for lt in letters for i in lt.items if i.decision == "overturned"}


@pytest.fixture(scope="module")
def flow(
    tmp_path_factory: pytest.TempPathFactory, halves: tuple[list[Path], list[Path]]
) -> dict[str, object]:
    """Index the first half, save two searches, index everything: the outputs of each step."""
    tmp = tmp_path_factory.mktemp("alerts")
    ix, cache = tmp / "index", tmp / "cache"
    common = ("--index", str(ix), "--cache", str(cache))
    first = run("index", *map(str, halves[0]), *common)
    assert first.exit_code == 0, first.output
    added = run("alerts", "add", "overturned", "--decision", "overturned", "--index", str(ix))
    assert added.exit_code == 0, added.output
    labs = run("alerts", "add", "labs", "modality:lab", "--index", str(ix))
    assert labs.exit_code == 0, labs.output
    second = run("index", *map(str, halves[0] + halves[1]), *common)
    assert second.exit_code == 0, second.output
    return {"ix": ix, "cache": cache, "added": added, "second": second}


def test_saving_says_how_many_items_a_month_it_would_have_matched(
    flow: dict[str, object], records: dict[Path, Letter], halves: tuple[list[Path], list[Path]]
) -> None:
    first = [records[p] for p in halves[0]]
    matched = len(overturned_ids(first))
    dates = [lt.decision_date for lt in first if lt.decision_date]
    months = (max(dates).year - min(dates).year) * 12 + max(dates).month - min(dates).month + 1
    out = flow["added"].output  # type: ignore[attr-defined]
    assert f"({matched} items match now)" in out
    assert f"({months} month" in out
    assert f"about {matched / months:.1f} a month" in out


def test_the_index_run_lists_each_saved_searchs_new_items(
    flow: dict[str, object], records: dict[Path, Letter], halves: tuple[list[Path], list[Path]]
) -> None:
    new = overturned_ids([records[p] for p in halves[1]])
    assert new, "the second half has overturned items"
    out = flow["second"].output  # type: ignore[attr-defined]
    assert f"alert overturned: {len(new)} new item" in out
    for item_id in new:
        assert item_id in out
    ix = str(flow["ix"])
    listed = run("alerts", "new", "overturned", "--format", "json", "--index", ix)
    assert listed.exit_code == 0, listed.output
    assert {row["item_id"] for row in json.loads(listed.output)["new"]} == new
    csv_out = run("alerts", "new", "overturned", "--format", "csv", "--index", ix).output
    assert len(csv_out.strip().splitlines()) == len(new) + 1
    jsonl = run("alerts", "new", "overturned", "--format", "jsonl", "--index", ix).output
    assert {json.loads(line)["item_id"] for line in jsonl.splitlines()} == new


@pytest.mark.server
def test_the_atom_feed_is_valid_and_lists_the_new_items_first(
    flow: dict[str, object],
    records: dict[Path, Letter],
    halves: tuple[list[Path], list[Path]],
    tmp_path: Path,
) -> None:
    new = overturned_ids([records[p] for p in halves[1]])
    everything = overturned_ids(list(records.values()))
    with server_process(Path(str(flow["ix"])), tmp_path / "server.log") as server:
        response = httpx.get(f"{server.url}/alerts/overturned.atom", timeout=30)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/atom+xml")
        doc = etree.fromstring(response.content)
        schema = etree.RelaxNG(etree.parse(str(SCHEMA)))
        assert schema.validate(doc), schema.error_log
        entries = doc.findall(f"{ATOM}entry")
        links = [str(e.xpath("string(a:link[@rel='alternate']/@href)", namespaces=NS))
                 for e in entries]  # fmt: skip
        ids = [h.rsplit("/letters/", 1)[1].replace("#item-", "#") for h in links]
        assert set(ids) == everything
        assert set(ids[: len(new)]) == new  # the latest run's items first
        updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
        assert updated == sorted(updated, reverse=True)
        assert httpx.get(links[0], timeout=30).status_code == 200
        missing = httpx.get(f"{server.url}/alerts/nope.atom", timeout=30)
        assert missing.status_code == 404
        assert "no alert named 'nope'" in missing.json()["error"]["message"]


def test_alerts_survive_a_rebuild_and_a_change_of_engine(flow: dict[str, object]) -> None:
    ix, cache = str(flow["ix"]), str(flow["cache"])
    paths = [str(p) for p in letter_paths()]
    for extra in ((), ("--engine", "tantivy")):
        rebuilt = run("index", *paths, "--rebuild", *extra, "--index", ix, "--cache", cache)
        assert rebuilt.exit_code == 0, rebuilt.output
        # Same letters: nothing is new, and both saved searches are still there.
        assert "alert overturned: 0 new items" in rebuilt.output
        assert "alert labs: 0 new items" in rebuilt.output
    listed = run("alerts", "list", "--format", "json", "--index", ix)
    assert [a["name"] for a in json.loads(listed.output)] == ["labs", "overturned"]


def test_bad_alert_commands_say_what_is_wrong(flow: dict[str, object], tmp_path: Path) -> None:
    ix = str(flow["ix"])
    taken = run("alerts", "add", "labs", "x", "--index", ix)
    assert taken.exit_code == 2
    assert "exists" in taken.output
    bad_name = run("alerts", "add", "a b", "x", "--index", ix)
    assert bad_name.exit_code == 2
    assert "alert name 'a b'" in bad_name.output
    bad_query = run("alerts", "add", "bad", "decision:maybe", "--index", ix)
    assert bad_query.exit_code == 2
    assert "upheld, overturned" in bad_query.output
    assert run("alerts", "new", "nope", "--index", ix).exit_code == 1
    assert run("alerts", "remove", "nope", "--index", ix).exit_code == 1
    # removing one keeps the other
    scratch = run("alerts", "add", "scratch", "--index", ix)
    assert scratch.exit_code == 0, scratch.output
    assert run("alerts", "remove", "scratch", "--index", ix).exit_code == 0
    listed = run("alerts", "list", "--index", ix).output
    assert "scratch" not in listed
    assert "labs" in listed


def test_an_alert_checks_its_values_and_stores_them_resolved(
    tmp_path: Path, records: dict[Path, Letter]
) -> None:
    # Issue 25, point 3: "--region lumbar" saved as 'lumbar spine' (an alert that fires), and
    # "--region lumbr" or "region:lumbr" refused with the closest values, nothing saved.
    ix = str(tmp_path / "index")
    built = run("index", *map(str, letter_paths()), "--index", ix)
    assert built.exit_code == 0, built.output
    lumbar = sum(1 for lt in records.values() for i in lt.items if "lumbar spine" in i.body_regions)
    assert lumbar > 0
    added = run("alerts", "add", "lumbar", "--region", "lumbar", "--index", ix)
    assert added.exit_code == 0, added.output
    assert f"({lumbar} items match now)" in added.output
    saved = json.loads(run("alerts", "list", "--format", "json", "--index", ix).output)
    assert saved[0]["filters"] == {"region": ["lumbar spine"]}
    in_query = run("alerts", "add", "lumbar-q", "region:lumbar", "--index", ix)
    assert f"({lumbar} items match now)" in in_query.output
    for args in (("--region", "lumbr"), ("region:lumbr",)):
        refused = run("alerts", "add", "typo", *args, "--index", ix)
        assert refused.exit_code == 2
        assert "no item has 'lumbr'" in refused.output
        assert "'lumbar'" in refused.output
    listed = json.loads(run("alerts", "list", "--format", "json", "--index", ix).output)
    assert [a["name"] for a in listed] == ["lumbar", "lumbar-q"]
