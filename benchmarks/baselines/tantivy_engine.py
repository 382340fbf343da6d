"""Baseline: tantivy through tantivy-py.

Schema: the four text fields with the ``en_stem`` tokenizer (lower case + Snowball English
stemmer, positions for phrases; only the rationale stored, for snippets), ``x_<filter>`` raw
(whole-value) text fields for the filters, ``f_<facet>`` raw fast text fields for the facets,
``letter_id`` raw fast, ``kind`` (item or letter: every letter also gets a document holding its
JSON, as in the Whoosh index) and the stored JSON.

Translation of a ``BenchQuery`` (see ``benchmarks/queries.py``):

- words and the phrase: ``index.parse_query('w1 w2 "the phrase"', TEXT_FIELDS,
  field_boosts={"service": 2}, conjunction_by_default=True)``; no text: ``Query.all_query()``;
- filters: ``Query.term_set_query(schema, "x_<filter>", values)``, all ``Must`` with
  ``kind:item``;
- facets: one ``terms`` aggregation per facet over its fast field;
- letter grouping: total from ``Searcher.cardinality(query, "letter_id")`` (HyperLogLog, so
  approximate, unlike the exact counts of Whoosh and SQLite); the page groups the top 200 hits
  by letter.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy

from benchmarks.baselines.common import FILTER_FIELDS, TEXT_FIELDS, Outcome, item_rows, letter_json
from benchmarks.queries import BenchQuery
from imr_search.model import Letter
from imr_search.search.request import FACETS

PAGE = 20
GROUP_WINDOW = 200


def _schema() -> Any:
    b = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        b.add_text_field(name, stored=name == "rationale", tokenizer_name="en_stem")
    b.add_text_field("kind", tokenizer_name="raw")
    b.add_text_field("item_id", stored=True, tokenizer_name="raw")
    b.add_text_field("letter_id", stored=True, fast=True, tokenizer_name="raw")
    for name in FILTER_FIELDS:
        b.add_text_field(f"x_{name}", tokenizer_name="raw")
    for name in FACETS:
        b.add_text_field(f"f_{name}", fast=True, tokenizer_name="raw")
    b.add_bytes_field("stored", stored=True)
    return b.build()


def build(path: Path, letters: Iterable[Letter], *, threads: int = 2) -> None:
    """Create the index in the folder ``path`` (one writer, one commit)."""
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=threads)
    for letter in letters:
        writer.add_document(
            tantivy.Document(
                kind="letter", letter_id=letter.id, stored=letter_json(letter).encode("utf-8")
            )
        )
        for row in item_rows(letter):
            doc: dict[str, Any] = {
                "kind": "item",
                "item_id": row.item_id,
                "letter_id": row.letter_id,
                "stored": row.stored.encode("utf-8"),
                **row.text,
            }
            for name, values in row.filters.items():
                if values:
                    doc[f"x_{name}"] = values
            for name, values in row.facets.items():
                if values:
                    doc[f"f_{name}"] = values
            writer.add_document(tantivy.Document(**doc))
    writer.commit()
    writer.wait_merging_threads()


class TantivySearcher:
    """Runs benchmark queries against an index built by ``build``."""

    name = "tantivy"

    def __init__(self, path: Path) -> None:
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def close(self) -> None:
        pass

    def query(self, q: BenchQuery) -> Any:
        must = [tantivy.Query.term_query(self.schema, "kind", "item")]
        text = " ".join([*q.words, *([f'"{q.phrase}"'] if q.phrase else [])])
        if text:
            must.append(
                self.index.parse_query(
                    text,
                    list(TEXT_FIELDS),
                    field_boosts={"service": 2.0},
                    conjunction_by_default=True,
                )
            )
        for name, values in q.filters:
            must.append(
                tantivy.Query.term_set_query(self.schema, f"x_{name}", [v.lower() for v in values])
            )
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, m) for m in must])

    def run(self, q: BenchQuery) -> Outcome:
        query = self.query(q)
        s = self.searcher
        if q.letters:
            total = int(s.cardinality(query, "letter_id"))
            found = s.search(query, limit=GROUP_WINDOW, count=False)
            groups: dict[str, list[Any]] = {}
            for _, addr in found.hits:
                doc = s.doc(addr)
                lid = str(doc.get_first("letter_id"))
                if lid in groups or len(groups) < PAGE:
                    groups.setdefault(lid, []).append(doc)
            shown = len(groups)
        else:
            found = s.search(query, limit=PAGE, count=True)
            total = int(found.count or 0)  # type: ignore[attr-defined]
            gen = tantivy.SnippetGenerator.create(s, query, self.schema, "rationale")
            for _, addr in found.hits:
                doc = s.doc(addr)
                gen.snippet_from_doc(doc).fragment()
            shown = len(found.hits)
        facets: dict[str, dict[str, int]] = {}
        if q.facets:
            agg = {n: {"terms": {"field": f"f_{n}", "size": 10_000}} for n in FACETS}
            out = s.aggregate(query, agg)
            for n in FACETS:
                buckets = out.get(n, {}).get("buckets", [])
                facets[n] = {b["key"]: int(b["doc_count"]) for b in buckets}
        return Outcome(total=total, shown=shown, facets=facets)


def size_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
