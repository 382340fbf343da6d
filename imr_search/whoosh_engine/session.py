"""One writer batch: put and delete letters; Whoosh commits or cancels it as a whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from imr_search.model import Letter
from imr_search.whoosh_engine.schema import letter_documents

# Fields whose value repeats on consecutive documents: every item of a letter carries its
# summary, and a letter's items are added one after another.
REPEATED_FIELDS = ("summary",)


def remember_last_value(field: Any) -> Callable[[], None]:
    """Make ``field.index`` (tokenise, stem, count: most of the cost of adding a document)
    reuse its postings when given the same text as last time; returns the undo.

    The patch is an attribute of this writer's own copy of the schema (Whoosh reads it from
    the index's TOC for each writer) and must be undone before the commit pickles it.
    """
    original = field.index
    last: list[Any] = [None, []]

    def index(value: Any, **kwargs: Any) -> Any:
        if kwargs or not isinstance(value, str):
            return original(value, **kwargs)
        if last[0] != value:
            last[0], last[1] = value, list(original(value))
        return iter(last[1])

    field.index = index
    return lambda: vars(field).pop("index", None)


class WhooshWriterSession:
    """The ``WriterSession`` of ``WhooshEngine.writer``.

    A letter replaces the committed letter with the same id or the same source key. Whoosh
    can only delete committed documents, so a letter put twice in one batch is replaced by
    marking its documents in the new segment deleted.
    """

    def __init__(self, writer: Any, *, rebuild: bool, facet_names: tuple[str, ...]) -> None:
        self._w = writer
        self._rebuild = rebuild
        self._facet_names = facet_names
        # This batch's letters: letter id -> (source key, docnums in the new segment).
        self._batch: dict[str, tuple[str, list[int]]] = {}
        self._batch_sources: dict[str, str] = {}  # source key -> letter id
        self._undo = [remember_last_value(writer.schema[name]) for name in REPEATED_FIELDS]

    def close(self) -> None:
        """Undo the per-writer patches (before the writer commits or cancels)."""
        for undo in self._undo:
            undo()
        self._undo = []

    def put(self, letter: Letter, *, source_key: str, content_hash: str) -> None:
        self._forget(letter.id)
        previous = self._batch_sources.get(source_key)
        if previous is not None:
            self._forget(previous)
        if not self._rebuild:
            self._delete_committed(letter.id)
            for other in self._committed_letters_of(source_key):
                self._delete_committed(other)
        docnums: list[int] = []
        for doc in letter_documents(
            letter, source_key=source_key, content_hash=content_hash, facet_names=self._facet_names
        ):
            docnums.append(self._w.docnum)
            self._w.add_document(**doc)
        self._batch[letter.id] = (source_key, docnums)
        self._batch_sources[source_key] = letter.id

    def delete(self, letter_id: str) -> None:
        self._forget(letter_id)
        if not self._rebuild:
            self._delete_committed(letter_id)

    def _forget(self, letter_id: str) -> None:
        """Drop what this batch added for ``letter_id``."""
        entry = self._batch.pop(letter_id, None)
        if entry is None:
            return
        source_key, docnums = entry
        self._batch_sources.pop(source_key, None)
        for docnum in docnums:
            self._w.newsegment.delete_document(docnum - self._w.docbase)

    def _delete_committed(self, letter_id: str) -> None:
        self._w.delete_by_term("letter_id", letter_id)

    def _committed_letters_of(self, source_key: str) -> list[str]:
        s = self._w.searcher()
        docnums = list(s.document_numbers(source_key=source_key))
        if not docnums:
            return []
        lid = s.reader().column_reader("lid", translate=False)
        return [lid[d].decode("utf-8") for d in docnums]
