"""The Whoosh schema, and imr-search's documents (``imr_search.search.documents``) mapped onto it.

Every disputed item is one document (``kind:item``) carrying its letter's fields; each letter
also gets one ``kind:letter`` document that stores the letter's whole JSON (for ``get_letter``),
its source key and content hash (for incremental indexing) and its words for spelling
suggestions (``words``). Letter documents have no field the query language searches, so only
a blank query or a negation could match them; the engine requires ``kind:item`` for those.

Facet-like fields are indexed as whole, lower-cased values, so ``category:pharmaceuticals`` and
``specialty:"Physical Medicine & Rehabilitation"`` both match case-insensitively. Facet counting
reads one per-document column (``facets``) that holds every facet value of the item, so counts
never load stored fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from imr_search.engines.whoosh._whoosh import analysis, columns, fields
from imr_search.model import Letter
from imr_search.search.documents import item_documents, letter_document

KIND_ITEM = "item"
KIND_LETTER = "letter"


def _keyword_analyzer() -> Any:
    # The whole value is one lower-cased token ("Physical Medicine & Rehabilitation").
    return analysis.IDTokenizer() | analysis.LowercaseFilter()


def _text_analyzer() -> Any:
    # Words split at every non-word character and stop words kept (index format 2): "not
    # medically necessary" must not match "is medically necessary", and both engines then
    # see the same words (tantivy's tokenizer splits "ondansetron.html" too).
    return analysis.StemmingAnalyzer(expression=r"\w+", stoplist=None)


# The citator's (IMR, claims administrator) citation pairs of each item, RS-separated.
PAIR_COLUMN = "citepairs"


def build_schema(*, citation_pairs: bool = True) -> Any:
    """The schema (a ``whoosh.fields.Schema``); ``citation_pairs`` False: as made before the
    citator's pairs (an older index keeps its columns: one that only new segments had would
    be misread)."""
    kw = _keyword_analyzer
    text = _text_analyzer
    schema = fields.Schema(
        # bookkeeping
        uid=fields.ID(unique=True),  # letter id (letter docs) or item id (item docs)
        kind=fields.ID(),
        letter_id=fields.ID(),
        source_key=fields.ID(),
        lid=fields.COLUMN(columns.VarBytesColumn()),  # letter id, for grouping
        src=fields.COLUMN(columns.VarBytesColumn()),  # "key\0hash" on letter docs
        facets=fields.COLUMN(columns.VarBytesColumn()),
        # decision date as a day ordinal (0: none), for sorting and stats
        day=fields.COLUMN(columns.NumericColumn("i")),
        stored=fields.STORED(),  # JSON: the letter (letter docs) or the item record
        # searchable text
        about=fields.TEXT(analyzer=text()),
        service=fields.TEXT(analyzer=text()),
        rationale=fields.TEXT(analyzer=text()),
        summary=fields.TEXT(analyzer=text()),
        guideline=fields.TEXT(analyzer=text()),
        words=fields.TEXT(analyzer=analysis.StandardAnalyzer(r"\w+", stoplist=None), phrase=False),
        # whole-value, case-insensitive fields
        decision=fields.ID(analyzer=kw()),
        category=fields.ID(analyzer=kw()),
        subcategory=fields.ID(analyzer=kw()),
        drug=fields.ID(analyzer=kw()),
        region=fields.ID(analyzer=kw()),
        modality=fields.ID(analyzer=kw()),
        specialty=fields.ID(analyzer=kw()),
        state=fields.ID(analyzer=kw()),
        mtus=fields.ID(analyzer=kw()),
        gsource=fields.ID(analyzer=kw()),
        case=fields.ID(analyzer=kw()),
        sex=fields.ID(analyzer=kw()),
        outcome=fields.ID(analyzer=kw()),
        citation=fields.ID(analyzer=kw()),
        urcitation=fields.ID(analyzer=kw()),
        cites=fields.ID(analyzer=kw()),
        era=fields.ID(analyzer=kw()),
        reason=fields.ID(analyzer=kw()),
        # typed fields
        decided=fields.DATETIME(),
        injured=fields.DATETIME(),
        assigned=fields.DATETIME(),
        received=fields.DATETIME(),
        urdenial=fields.DATETIME(),
        age=fields.NUMERIC(int, bits=32),
        partial=fields.BOOLEAN(),
    )
    if citation_pairs:
        schema.add(PAIR_COLUMN, fields.COLUMN(columns.VarBytesColumn()))
    return schema


# Separators inside the ``facets`` column: facets by RS, values by US.
_RS, _US = "\x1e", "\x1f"


def _dt(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def encode_facets(facets: dict[str, list[str]], names: tuple[str, ...]) -> bytes:
    return _RS.join(_US.join(facets.get(n, [])) for n in names).encode("utf-8")


def decode_pairs(raw: bytes) -> list[str]:
    return raw.decode("utf-8").split(_RS) if raw else []


def decode_facets(raw: bytes) -> list[list[str]]:
    """Values per facet, in the order the facets were encoded."""
    return [part.split(_US) if part else [] for part in raw.decode("utf-8").split(_RS)]


# Keyword fields of the documents that this schema indexes under another type or not at all.
_NOT_ID_FIELDS = frozenset({"partial"})


def letter_documents(
    letter: Letter,
    *,
    source_key: str,
    content_hash: str,
    facet_names: tuple[str, ...],
    citation_pairs: bool = True,
) -> Iterator[dict[str, Any]]:
    """The Whoosh documents of one letter: its items, then the letter document
    (``citation_pairs``: the index has their column)."""
    # Every document gets every column: Whoosh's multi-segment column reader misplaces values
    # of a segment that has no column file for a field.
    for doc in item_documents(letter):
        out: dict[str, Any] = {
            "uid": doc.item_id,
            "kind": KIND_ITEM,
            "lid": doc.letter_id.encode("utf-8"),
            "src": b"",
            "day": doc.day,
            "stored": doc.stored,
            "facets": encode_facets(doc.facets, facet_names),
            "partial": doc.keywords["partial"] == ["true"],
            **doc.text,
        }
        if citation_pairs:
            out[PAIR_COLUMN] = _RS.join(doc.citation_pairs).encode("utf-8")
        for name, values in doc.keywords.items():
            if values and name not in _NOT_ID_FIELDS:
                out[name] = values
        for name, day in doc.dates.items():
            out[name] = _dt(day)
        if doc.age is not None:
            out["age"] = doc.age
        yield out
    # The spelling vocabulary (``words``) goes on the letter document only: the summary is
    # indexed once instead of once per item, and spelling only asks whether a word occurs.
    ldoc = letter_document(letter, source_key=source_key, content_hash=content_hash)
    yield {
        "uid": ldoc.letter_id,
        "kind": KIND_LETTER,
        "words": ldoc.words,
        "letter_id": ldoc.letter_id,
        "lid": ldoc.letter_id.encode("utf-8"),
        "source_key": source_key,
        "src": f"{source_key}\0{content_hash}".encode(),
        "facets": b"",
        **({PAIR_COLUMN: b""} if citation_pairs else {}),
        "day": ldoc.day,
        "stored": ldoc.stored,
    }
