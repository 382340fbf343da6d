"""The replica mode (imr_search.engines.tantivy.publish, ``imr-search publish``): two real
servers on loopback read a replica folder while the index is republished under load; no
request fails, each server's totals only move forward, and both end on the last commit.

Expected totals are the numbers of letters put (one item each), never read from a server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy.publish import publish
from imr_search.errors import IndexError_, UsageError

# isort: split
from factories import index_letters, make_letter
from server_fixtures import server_process


def _put(index: Path, start: int, n: int) -> None:
    with open_engine(index, engine="tantivy", create=True) as engine:
        index_letters(engine, [make_letter(f"CM17-{i:07d}") for i in range(start, start + n)])


def _delete(index: Path, letter_id: str) -> None:
    with open_engine(index) as engine, engine.writer() as w:
        w.delete(letter_id)


@pytest.mark.server
def test_two_servers_follow_a_republished_replica_without_a_failed_request(
    tmp_path: Path,
) -> None:
    source, replica = tmp_path / "index", tmp_path / "replica"
    _put(source, 0, 5)
    publish(source, replica)
    seen: dict[str, list[int]] = {}
    failures: list[str] = []
    stop = threading.Event()

    def load(url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                for params in ({"size": "1"}, {"q": "therapy", "facets": "1"}):
                    try:
                        r = client.get("/api/search", params=params)
                    except httpx.HTTPError as exc:
                        failures.append(f"{url}: {exc!r}")
                        continue
                    if r.status_code != 200:
                        failures.append(f"{url}: {r.status_code} {r.text[:200]}")
                    elif "q" not in params:
                        seen.setdefault(url, []).append(r.json()["total"])

    def wait_for(url: str, total: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if httpx.get(f"{url}/api/search", params={"size": "1"}).json()["total"] == total:
                return
            time.sleep(0.05)
        raise AssertionError(f"{url} never showed {total} items")

    logs = (tmp_path / "a.log", tmp_path / "b.log")
    with (
        server_process(replica, logs[0], "--workers", "1") as a,
        server_process(replica, logs[1], "--workers", "1") as b,
    ):
        threads = [threading.Thread(target=load, args=(s.url,)) for s in (a, b) for _ in (0, 1)]
        for t in threads:
            t.start()
        try:
            expected = 5
            for start, n in ((5, 20), (25, 40)):
                _put(source, start, n)
                publish(source, replica)
                expected += n
                wait_for(a.url, expected)
                wait_for(b.url, expected)
            _delete(source, "CM17-0000000")
            publish(source, replica)
            expected -= 1
            wait_for(a.url, expected)
            wait_for(b.url, expected)
            time.sleep(0.5)  # more requests on the last commit
        finally:
            stop.set()
            for t in threads:
                t.join()
    assert failures == []
    for url, totals in seen.items():
        assert set(totals) <= {5, 25, 65, 64}, url
        # forward only: a server never goes back to an older commit
        assert totals[: totals.index(64)] == sorted(totals[: totals.index(64)]), url
        assert totals[-1] == 64, url
    assert len(seen) == 2


def test_publish_copies_only_new_segments_and_removes_old_ones(tmp_path: Path) -> None:
    source, replica = tmp_path / "index", tmp_path / "replica"
    _put(source, 0, 3)
    first = publish(source, replica)
    assert first.copied > 0
    assert first.kept == 0
    again = publish(source, replica)
    assert (again.copied, again.kept) == (0, first.copied)
    _put(source, 3, 3)
    third = publish(source, replica)
    assert third.kept > 0  # the first segments are not copied again
    with open_engine(replica) as engine:
        assert engine.stats().letters == 6
        assert (replica / "pairs.json").is_file()


def test_publish_refuses_what_it_cannot_copy(tmp_path: Path) -> None:
    source = tmp_path / "index"
    _put(source, 0, 1)
    with pytest.raises(IndexError_, match="another folder"):
        publish(source, source)
    with pytest.raises(IndexError_, match="no tantivy index"):
        publish(tmp_path / "nothing", tmp_path / "r")


def test_the_publish_command(tmp_path: Path) -> None:
    source, replica = tmp_path / "index", tmp_path / "replica"
    _put(source, 0, 2)
    done = CliRunner().invoke(main, ["publish", str(replica), "--index", str(source)])
    assert done.exit_code == 0, done.output
    assert f"Published {source} to {replica}" in done.output
    whoosh = tmp_path / "whoosh"
    with open_engine(whoosh, engine="whoosh", create=True) as engine:
        index_letters(engine, [make_letter("CM17-0000001")])
    refused = CliRunner().invoke(main, ["publish", str(replica), "--index", str(whoosh)])
    assert refused.exit_code == 2
    assert "publish needs a tantivy index" in refused.output
    assert UsageError.__name__ not in refused.output
