"""Pairs of frequent words indexed as single terms (Elasticsearch's ``index_phrases``,
Lucene's CommonGrams), so that a phrase of common words needs no positions.

A phrase such as "medically necessary" or "is not medically necessary" is slow as a positional
phrase: each of its words is in most items, so tantivy intersects long posting lists and reads
the positions of nearly every item. Here each text field ``F`` has a companion field
``F__pairs`` holding, for every two adjacent tokens of ``F`` that are both frequent words
(``data/frequent-words.json``, stems), the term ``"first second"`` at the first one's
position, given to tantivy as pre-tokenized text. A phrase with no slop whose every adjacent
pair is covered is then a term query (two words) or a phrase over the pair terms (more words):
tokens at positions p, p+1, ..., p+n are adjacent exactly when their pairs sit at p, ..., p+n-1.
So the items matched are the positional phrase's, always; the scores are the pair terms'
(BM25 over pairs rather than over the phrase), and the order of hits may differ from the
positional phrase's. Phrases with slop, or with a word that is not frequent, stay positional.

The list an index was made with is kept in its folder (``pairs.json``, written when the index
is created), so a later change of the data file never makes queries and documents disagree; an
index without the list (made before pairs existed) gets no pair terms and no pair queries.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import tantivy

from imr_search.errors import IndexError_

FILE = "pairs.json"
SUFFIX = "__pairs"
# The analysis drops a token of 40 bytes or more (``RemoveLongFilter(40)``), leaving a gap in
# the positions. Such a token lies within a run of non-space characters of at least 10
# characters (4 bytes a character at most) and 40 bytes: a text without one has no gap.
_RUN = re.compile(r"\S{10,}")
_ASCII_RUN = re.compile(r"\S{40}")  # in ASCII a character is a byte


def _may_drop_tokens(text: str) -> bool:
    if text.isascii():
        return _ASCII_RUN.search(text) is not None
    return any(len(m.group().encode("utf-8")) >= 40 for m in _RUN.finditer(text))


def pair_field(field: str) -> str:
    return field + SUFFIX


def packaged_words() -> list[str]:
    raw = resources.files("imr_search").joinpath("data/frequent-words.json").read_text("utf-8")
    return [str(w) for w in json.loads(raw)["words"]]


@dataclass(frozen=True)
class Pairs:
    """One index's frequent words, and the pair terms of text and of query phrases."""

    words: frozenset[str]
    analyzer: Any  # the text fields' analysis (``schema.build_analyzer``)

    def tokens(self, text: str) -> list[Any]:
        """The pair tokens of ``text`` (tantivy ``Token``s, at the first word's position)."""
        words = self.words
        if not _may_drop_tokens(text):
            # No token can have been dropped as too long, so a token's position is its place
            # in the list: the analysed words alone are enough, without a token object per
            # word (the slow part of an index build's pairs). Offsets mean nothing in a
            # pre-tokenized field with no text of its own.
            found = self.analyzer.analyze(text)
            return [
                tantivy.Token(f"{a} {b}", i, 0, 0)
                for i, (a, b) in enumerate(itertools.pairwise(found))
                if a in words and b in words
            ]
        tokens = self.analyzer.pre_tokenize(text).tokens
        out: list[Any] = []
        for a, b in itertools.pairwise(tokens):
            if b.position == a.position + 1 and a.text in words and b.text in words:
                out.append(tantivy.Token(f"{a.text} {b.text}", a.position, 0, 0))
        return out

    def add(self, doc: Any, field: str, text: str) -> None:
        tokens = self.tokens(text)
        if tokens:
            doc.add_pre_tokenized_text(pair_field(field), tantivy.PreTokenizedString("", tokens))

    def covers(self, tokens: list[str]) -> bool:
        """Whether a phrase of these analysed tokens can be answered from pairs."""
        return len(tokens) >= 2 and all(t in self.words for t in tokens)

    def query(self, schema: Any, field: str, tokens: list[str]) -> Any:
        terms = [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
        if len(terms) == 1:
            return tantivy.Query.term_query(schema, pair_field(field), terms[0])
        words: list[str | tuple[int, str]] = list(terms)
        return tantivy.Query.phrase_query(schema, pair_field(field), words, slop=0)


def has_pair_fields(schema: Any) -> bool:
    try:
        tantivy.Query.term_query(schema, pair_field("rationale"), "x")
    except ValueError:
        return False
    return True


def load(index_dir: Path, schema: Any, analyzer: Any, *, empty: bool) -> Pairs | None:
    """The pairs of the index in ``index_dir``: its own list; a new (empty) index with pair
    fields gets the packaged list, written beside it; None for an index without them."""
    if not has_pair_fields(schema):
        return None
    path = index_dir / FILE
    try:
        words = json.loads(path.read_text("utf-8"))["words"]
    except FileNotFoundError:
        if not empty:
            return None  # documents were written without a list: never answer from pairs
        words = packaged_words()
        tmp = index_dir / f".{FILE}.tmp"
        try:
            tmp.write_text(json.dumps({"words": words}) + "\n", "utf-8")
            os.replace(tmp, path)
        except OSError:
            # A folder this process cannot write: it writes no documents either, and reads
            # with positions (exact, only slower).
            return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexError_(f"cannot read {path}: {exc}") from exc
    return Pairs(frozenset(str(w) for w in words), analyzer)
