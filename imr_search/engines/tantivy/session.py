"""One writer batch: put and delete letters; tantivy commits or rolls back the batch whole.

tantivy applies a delete to every document added before it, committed or not, so replacing a
letter is "delete by ``letter_id``, then add", even when the same letter was put earlier in
the batch. Replacing by source key needs the letter ids that source had: from this batch
(a dict) or from the committed index (a search on ``source_key``).
"""

from __future__ import annotations

from typing import Any

import tantivy

from imr_search.engines.tantivy import schema as sc
from imr_search.engines.tantivy.pairs import Pairs
from imr_search.model import Letter
from imr_search.search.documents import item_documents, letter_document

Q = tantivy.Query
MUST = tantivy.Occur.Must


class TantivyWriterSession:
    """The ``WriterSession`` of ``TantivyEngine.writer``."""

    def __init__(
        self, writer: Any, committed: Any, schema: Any, *, rebuild: bool, pairs: Pairs | None
    ) -> None:
        self._w = writer
        self._pairs = pairs
        self._committed = committed  # a searcher of the content before this batch
        self._schema = schema
        self._citation_pairs = sc.has_field(schema, sc.PAIR_FIELD)
        self._rebuild = rebuild
        self._batch: dict[str, str] = {}  # letter id -> source key (this batch)
        self._batch_sources: dict[str, str] = {}  # source key -> letter id (this batch)

    def put(self, letter: Letter, *, source_key: str, content_hash: str) -> None:
        # A rebuild starts empty: only a letter this batch already holds has documents to
        # delete (a million needless deletes would each be applied at commit).
        held = not self._rebuild or letter.id in self._batch
        self._forget(letter.id)
        previous = self._batch_sources.get(source_key)
        if previous is not None:
            self._forget(previous)
            self._w.delete_documents_by_term("letter_id", previous)
        if held:
            self._w.delete_documents_by_term("letter_id", letter.id)
        if not self._rebuild:
            for other in self._committed_letters_of(source_key):
                # A letter put again in this batch (from another source) is already replaced.
                if other not in self._batch and other != letter.id:
                    self._w.delete_documents_by_term("letter_id", other)
        for doc in item_documents(letter):
            self._w.add_document(
                sc.item_document(doc, self._pairs, citation_pairs=self._citation_pairs)
            )
        self._w.add_document(
            sc.letter_document(
                letter_document(letter, source_key=source_key, content_hash=content_hash)
            )
        )
        self._batch[letter.id] = source_key
        self._batch_sources[source_key] = letter.id

    def delete(self, letter_id: str) -> None:
        self._forget(letter_id)
        self._w.delete_documents_by_term("letter_id", letter_id)

    def _forget(self, letter_id: str) -> None:
        source_key = self._batch.pop(letter_id, None)
        if source_key is not None and self._batch_sources.get(source_key) == letter_id:
            del self._batch_sources[source_key]

    def _committed_letters_of(self, source_key: str) -> list[str]:
        if self._committed.num_docs == 0:
            return []
        q = Q.boolean_query(
            [
                (MUST, Q.term_query(self._schema, "kind", sc.KIND_LETTER)),
                (MUST, Q.term_query(self._schema, "source_key", source_key)),
            ]
        )
        found = self._committed.search(q, limit=10, count=False)
        return [str(self._committed.doc(addr).get_first("letter_id")) for _, addr in found.hits]
