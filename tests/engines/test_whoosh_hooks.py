"""The private parts of Whoosh that the Whoosh engine still uses for speed (docs/benchmarks.md,
"Whoosh through its public API"): each hook is checked on a real writer here, so a Whoosh
release that changes it fails these tests; and the public fallback (``private_hooks=False``)
must build the same index."""

from __future__ import annotations

import datetime as dt
import marshal
import random
from pathlib import Path
from typing import Any

import pytest

from imr_search.engines.whoosh import WhooshEngine, open_backend
from imr_search.engines.whoosh._whoosh import index, writing
from imr_search.engines.whoosh.pool import ChunkedPostingPool, chunked_pool_fits
from imr_search.engines.whoosh.schema import build_schema
from imr_search.engines.whoosh.session import RememberLastValue, uncommitted_deletes_fit
from imr_search.model import Letter
from imr_search.search.request import SearchRequest
from imr_search.search.service import SearchService

# isort: split
from factories import drug_item, make_item, make_letter, sample_corpus


def open_engine(path: Path, *, create: bool = False, **options: Any) -> SearchService:
    """The Whoosh engine behind the search service (these tests reach into the engine)."""
    return SearchService(open_backend(path, create=create, **options))


def whoosh_of(engine: SearchService) -> WhooshEngine:
    backend = engine.backend
    assert isinstance(backend, WhooshEngine)
    return backend


# A pool of ~20 KB: Whoosh spills about every 130 postings, so the sample corpus spills often.
TINY_POOL_MB = 0.02


@pytest.fixture
def writer(tmp_path: Path) -> Any:
    ix = index.create_in(str(tmp_path), build_schema())
    w = ix.writer()
    yield w
    if not w.is_closed:
        w.cancel()


def _postings(n: int) -> list[tuple[str, bytes, int, float, None]]:
    # The writer's posting tuples: (field, term, docnum, weight, value), in no order.
    rng = random.Random(7)
    found = [("service", f"w{rng.randrange(300):03d}".encode(), d, 1.0, None) for d in range(n)]
    rng.shuffle(found)
    return found


@pytest.mark.parametrize("maxfiles", [128, 2])  # 2: Whoosh first merges runs into new runs
def test_the_chunked_pool_spills_runs_that_whoosh_merges_back_in_order(
    writer: Any, maxfiles: int
) -> None:
    assert chunked_pool_fits(writer)
    pool = ChunkedPostingPool(writer.temp_storage(), writer.newsegment, limitmb=TINY_POOL_MB)
    postings = _postings(3000)
    for posting in postings:
        pool.add(posting)
    # Whoosh's add() spilled sorted runs, written by our _write_run: marshal-ed lists.
    assert len(pool.runs) >= 3
    for path in pool.runs:
        f = writer.temp_storage().open_file(path)
        try:
            chunk = marshal.load(f.raw_file())
        finally:
            f.close()
        assert isinstance(chunk, list)
        assert chunk == sorted(chunk)
    merged = list(pool.items(maxfiles=maxfiles))
    assert merged == sorted(postings)
    # _read_run removed every run it read, as Whoosh's own does.
    assert [name for name in writer.temp_storage().list() if name.endswith(".run")] == []


def test_the_summary_is_analysed_once_per_letter_through_the_writers_field(
    tmp_path: Path,
) -> None:
    letter = make_letter("CM1", items=[make_item(1), make_item(2), make_item(3)])
    engine = open_engine(tmp_path, create=True)
    with whoosh_of(engine).writer() as w:
        # The session patched the writer's own "summary" field; add_document went through it.
        (patch,) = w._patches
        w.put(letter, source_key="a", content_hash="1")
        assert patch.reused == 2  # items 2 and 3 repeat item 1's summary
    # Undone before the commit, so the schema pickled into the TOC has no patch.
    held = index.open_dir(str(tmp_path)).schema
    assert "index" not in vars(held["summary"])
    assert RememberLastValue.fits(held["summary"])
    engine.close()


def test_a_patched_field_is_not_patched_twice(writer: Any) -> None:
    field = writer.schema["summary"]
    patch = RememberLastValue(field)
    assert not RememberLastValue.fits(field)
    patch.undo()
    assert RememberLastValue.fits(field)


def test_a_document_the_writer_added_can_be_deleted_in_its_new_segment(
    tmp_path: Path, writer: Any
) -> None:
    assert uncommitted_deletes_fit(writer)
    first = writer.doc_count()
    writer.add_document(uid="a", kind="item", lid=b"a", src=b"", facets=b"", day=0)
    writer.add_document(uid="b", kind="item", lid=b"b", src=b"", facets=b"", day=0)
    writer.newsegment.delete_document(first)
    writer.commit()
    with index.open_dir(str(tmp_path)).searcher() as s:
        assert s.document_number(uid="a") is None
        assert s.document_number(uid="b") is not None
        assert s.doc_count() == 1


def test_the_checks_refuse_a_pool_that_is_not_whooshs_own_or_not_empty(writer: Any) -> None:
    assert chunked_pool_fits(writer)
    writer.add_document(uid="a", kind="item", lid=b"a", src=b"", facets=b"", day=0)
    assert not chunked_pool_fits(writer)  # postings added: replacing the pool would lose them
    writer.pool = ChunkedPostingPool(writer.temp_storage(), writer.newsegment)
    assert not chunked_pool_fits(writer)
    assert isinstance(writer.pool, writing.PostingPool)


# -- both paths build the same index ------------------------------------------------------------


def _build(path: Path, batches: list[list[Letter]], *, private_hooks: bool) -> SearchService:
    engine = open_engine(path, create=True, private_hooks=private_hooks, pool_mb=TINY_POOL_MB)
    for n, batch in enumerate(batches):
        with engine.writer(rebuild=n == 0) as w:
            for letter in batch:
                w.put(letter, source_key=letter.source, content_hash=f"{n}-{letter.id}")
    return engine


def _whole_index(engine: SearchService) -> dict[str, Any]:
    """Every posting, stored field and column value of ``engine``'s index, by document."""
    ix = index.open_dir(str(whoosh_of(engine).index_dir))
    with ix.reader() as r:
        return {
            "postings": list(r.iter_postings()),
            "stored": list(r.all_stored_fields()),
            "columns": {
                name: list(r.column_reader(name, translate=False))
                for name in ("lid", "src", "facets", "day")
            },
        }


REQUESTS = [
    SearchRequest(query="therapy", facets=True, size=100),
    SearchRequest(query='"medically necessary"', size=100),
    SearchRequest(query="tram*", size=100),
    SearchRequest(query="", facets=True, size=100),
    SearchRequest(query="pain", letters=True, size=100),
    SearchRequest(query="", sort="-decided", size=100),
    SearchRequest(query="-category:pharmaceuticals", size=100),
]


def _answers(engine: SearchService, *, scores: bool) -> list[Any]:
    out: list[Any] = []
    for request in REQUESTS:
        r = engine.search(request)
        hits = r.hits or [h for g in r.groups for h in g.hits]
        out.append(
            (r.total, r.facets, [(h.item_id, h.score if scores else 0, h.snippet) for h in hits])
        )
    out.append(engine.stats())
    out.append(engine.sources())
    return out


def test_without_private_hooks_the_build_is_the_same_index(tmp_path: Path) -> None:
    letters = sample_corpus()
    hooked = _build(tmp_path / "hooked", [letters], private_hooks=True)
    plain = _build(tmp_path / "plain", [letters], private_hooks=False)
    whole = _whole_index(hooked)
    assert len(whole["postings"]) > 20 * 130  # well past the tiny pool: both spilled
    assert whole == _whole_index(plain)
    assert _answers(hooked, scores=True) == _answers(plain, scores=True)
    hooked.close()
    plain.close()


def test_without_private_hooks_a_letter_put_twice_in_a_batch_is_there_once(
    tmp_path: Path,
) -> None:
    letters = sample_corpus()
    changed = make_letter(
        letters[3].id,
        items=[drug_item(1, "tramadol", "Opioids")],
        decision_date=dt.date(2016, 5, 5),
    )
    batches = [
        [*letters[:10], changed, *letters[10:]],  # letter 3 twice in the rebuild batch
        [letters[5], make_letter("CM-NEW"), changed, letters[5]],  # and in an update batch
    ]
    hooked = _build(tmp_path / "hooked", batches, private_hooks=True)
    plain = _build(tmp_path / "plain", batches, private_hooks=False)
    # Items and counts are the same; scores may differ, as the hooked index keeps the replaced
    # documents (deleted) in its statistics.
    assert _answers(hooked, scores=False) == _answers(plain, scores=False)
    assert hooked.stats().letters == len(letters) + 1
    assert hooked.get_letter(changed.id) == plain.get_letter(changed.id) == changed
    hooked.close()
    plain.close()
