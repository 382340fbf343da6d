"""One writer batch: put and delete letters; Whoosh commits or cancels it as a whole."""

from __future__ import annotations

from typing import Any

from imr_search.model import Letter
from imr_search.whoosh_engine.schema import letter_documents


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
        self.put_count = 0
        self.deleted_count = 0

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
        self.put_count += 1

    def delete(self, letter_id: str) -> None:
        self._forget(letter_id)
        if not self._rebuild:
            self._delete_committed(letter_id)
        self.deleted_count += 1

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
