"""The tantivy schema and the mapping of imr-search's documents (``imr_search.search.documents``)
onto it.

One index holds two kinds of document, told apart by ``kind``: one per disputed item (the
searchable fields, the facets, the stored item record) and one per letter (the whole letter
JSON for ``get_letter``, its source key and content hash for incremental indexing, its words
for spelling suggestions). Letter documents have no field the query language searches, so only
a blank query or a negation can match them; the engine then requires ``kind:item``.

Field names are the query language's (``imr_search.search.fields.ALL_FIELDS``), so a compiled tree
and
a mapped document always agree, plus these internal ones:

- ``lkey``: the letter id as a 62-bit integer fast field. Grouping items by letter reads it
  with ``Searcher.fast_field_values`` for every matched item, which is exact at any size (a
  terms aggregation stops at 65,000 buckets and ``cardinality`` is approximate).
- ``day``: the decision date's ordinal (0: none) as an integer fast field, for sorting by date.
- ``facets``: every facet value of the item as ``"facet\\x1fvalue"`` in one multi-valued raw
  fast field, so one terms aggregation counts all facets at once.
- ``<text field>__pairs``: adjacent frequent words of the text field as single terms, for
  phrases without positions (``pairs``).
- ``decided``, ``injured``, ``assigned``, ``received``, ``urdenial`` and ``age``: integer
  fields (dates as day ordinals), present only when the letter has the value, so an open
  range never matches a missing date.
"""

from __future__ import annotations

import hashlib
from typing import Any

import tantivy

from imr_search.engines.tantivy.pairs import Pairs, pair_field
from imr_search.search.documents import ItemDocument, LetterDocument
from imr_search.search.fields import ALL_FIELDS, TEXT_FIELDS

KIND_ITEM = "item"
KIND_LETTER = "letter"
FACET_SEP = "\x1f"
STATE_FIELD = "source_state"
# The citator's (IMR citation, claims administrator's citation) pairs: a raw fast field.
PAIR_FIELD = "citepairs"
# The built-in tokenizer of every text field: Unicode words, long tokens (>40 bytes) dropped,
# lower case, Snowball English stemmer. Built in, so an index opens without registering
# anything, and ``ANALYZER`` below reproduces it for queries and highlighting.
TEXT_TOKENIZER = "en_stem"
# Spelling vocabulary: words lower-cased, unstemmed; only presence matters, so no positions.
WORDS_TOKENIZER = "default"

KEYWORD_FIELDS = tuple(
    name for name, f in ALL_FIELDS.items() if f.kind in ("keyword", "enum") and name != "letter_id"
)
INT_FIELDS = ("decided", "injured", "assigned", "received", "urdenial", "age")


def build_analyzer() -> Any:
    """The same analysis as ``en_stem`` (tantivy's ``SimpleTokenizer``, ``RemoveLongFilter(40)``,
    ``LowerCaser``, English ``Stemmer``), for query words and snippet highlighting."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def build_words_analyzer() -> Any:
    """The analysis of the ``words`` field (tantivy's ``default``: no stemming)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def build_schema(*, citation_pairs: bool = True) -> Any:
    """The schema (a ``tantivy.Schema``); ``citation_pairs`` False: as made before the
    citator's pairs."""
    b = tantivy.SchemaBuilder()
    # bookkeeping
    b.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    b.add_text_field("uid", tokenizer_name="raw", index_option="basic")  # item or letter id
    b.add_text_field("letter_id", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_integer_field("lkey", fast=True)
    b.add_integer_field("day", fast=True, indexed=True)
    b.add_text_field("source_key", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("content_hash", stored=True, tokenizer_name="raw", index_option="basic")
    # source key, letter id and content hash of a letter document as one term, so that an
    # incremental run reads every source's state from the term dictionary, not the documents
    b.add_text_field(STATE_FIELD, tokenizer_name="raw", index_option="basic")
    b.add_bytes_field("stored", stored=True)  # JSON: the item record or the whole letter
    b.add_text_field("facets", fast=True, tokenizer_name="raw", index_option="basic")
    # The citator's (IMR, claims administrator) citation pairs, counted only when asked; an
    # index made before them has none (``has_field``) and the citator asks row by row.
    if citation_pairs:
        b.add_text_field(PAIR_FIELD, fast=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("words", tokenizer_name=WORDS_TOKENIZER, index_option="basic")
    # searchable text (positions, for phrases)
    for name in sorted(TEXT_FIELDS):
        b.add_text_field(name, tokenizer_name=TEXT_TOKENIZER, index_option="position")
        # adjacent frequent words as one term (``pairs``), given pre-tokenized
        b.add_text_field(pair_field(name), tokenizer_name="raw", index_option="position")
    # whole, normalised values
    for name in KEYWORD_FIELDS:
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in INT_FIELDS:
        b.add_integer_field(name, indexed=True)
    return b.build()


def missing_fields(schema: Any) -> list[str]:
    """Fields this version needs that ``schema`` (an opened index's) lacks: tantivy-py cannot
    list a schema's fields, so each is probed with a term query, which refuses an unknown
    field."""
    text = ["kind", "uid", "letter_id", "source_key", "content_hash", "facets", "words"]
    text += [*sorted(TEXT_FIELDS), *KEYWORD_FIELDS]
    missing: list[str] = []
    for name, value in [(n, "x") for n in text] + [(n, 0) for n in ("lkey", "day", *INT_FIELDS)]:
        try:
            tantivy.Query.term_query(schema, name, value)
        except ValueError:
            missing.append(name)
    return missing


def state_term(source_key: str, letter_id: str, content_hash: str) -> str:
    return FACET_SEP.join((source_key, letter_id, content_hash))


def parse_state(term: str) -> tuple[str, str, str]:
    """(source key, letter id, content hash); a source key may hold the separator, the others
    never do."""
    source_key, letter_id, content_hash = term.rsplit(FACET_SEP, 2)
    return source_key, letter_id, content_hash


def has_field(schema: Any, name: str) -> bool:
    try:
        tantivy.Query.term_query(schema, name, "x")
    except ValueError:
        return False
    return True


def letter_key(letter_id: str) -> int:
    """A stable 62-bit integer for a letter id (a collision among 2 million letters has odds
    of about 1 in 2 billion). 62 bits: tantivy-py turns Python ints above 2**63 into floats."""
    digest = hashlib.blake2b(letter_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 2


def item_document(
    doc: ItemDocument, pairs: Pairs | None = None, *, citation_pairs: bool = True
) -> Any:
    """The tantivy document of one item (with the pair terms of its text, given ``pairs``;
    ``citation_pairs``: the index has the field of the citator's pairs)."""
    fields: dict[str, Any] = {
        "kind": KIND_ITEM,
        "uid": doc.item_id,
        "letter_id": doc.letter_id,
        "lkey": letter_key(doc.letter_id),
        "day": doc.day,
        "stored": doc.stored.encode("utf-8"),
    }
    facets = [f"{name}{FACET_SEP}{v}" for name, values in doc.facets.items() for v in values]
    if facets:
        fields["facets"] = list(dict.fromkeys(facets))  # a value counts once per item
    if citation_pairs and doc.citation_pairs:
        fields[PAIR_FIELD] = doc.citation_pairs
    for name, text in doc.text.items():
        if text:
            fields[name] = text
    for name, values in doc.keywords.items():
        if values and name != "letter_id":
            fields[name] = values
    for name, day in doc.dates.items():
        fields[name] = day.toordinal()
    if doc.age is not None:
        fields["age"] = doc.age
    document = tantivy.Document(**fields)
    if pairs is not None:
        for name, text in doc.text.items():
            if text:
                pairs.add(document, name, text)
    return document


def letter_document(doc: LetterDocument) -> Any:
    """The tantivy document of one letter."""
    fields: dict[str, Any] = {
        "kind": KIND_LETTER,
        "uid": doc.letter_id,
        "letter_id": doc.letter_id,
        "lkey": letter_key(doc.letter_id),
        "day": doc.day,
        "source_key": doc.source_key,
        "content_hash": doc.content_hash,
        "stored": doc.stored.encode("utf-8"),
        STATE_FIELD: state_term(doc.source_key, doc.letter_id, doc.content_hash),
    }
    if doc.words:
        fields["words"] = doc.words
    return tantivy.Document(**fields)
