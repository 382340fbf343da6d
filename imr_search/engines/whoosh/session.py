"""One writer batch: put and delete letters; Whoosh commits or cancels it as a whole."""

from __future__ import annotations

import inspect
from typing import Any

from imr_search.engines.whoosh.schema import PAIR_COLUMN, letter_documents
from imr_search.model import Letter

# Fields whose value repeats on consecutive documents: every item of a letter carries its
# summary, and a letter's items are added one after another.
REPEATED_FIELDS = ("summary",)


class RememberLastValue:
    """Make ``field.index`` (tokenise, stem, count: most of the cost of adding a document)
    reuse its postings when given the same text as last time.

    Whoosh has no public hook for this: it relies on ``SegmentWriter.add_document`` calling
    ``field.index(value)`` on the writer's schema, so an attribute of the field object
    replaces the method. The writer's schema is the engine's own (``open_engine`` gives it to
    Whoosh) and is pickled into the TOC at commit: ``undo`` must run before the commit.
    ``fits`` says whether a field can be patched so; ``reused`` counts the values that were
    not analysed again (tests/engines/test_whoosh_hooks.py checks the hook on a real writer).
    """

    def __init__(self, field: Any) -> None:
        self._field = field
        self._original = field.index
        self._last: tuple[Any, list[Any]] = (None, [])
        self.reused = 0
        field.index = self._index

    @staticmethod
    def fits(field: Any) -> bool:
        """Whether ``field`` has Whoosh's ``index(value, **kwargs)`` method, not yet patched."""
        method = getattr(type(field), "index", None)
        if "index" in vars(field) or not callable(method):
            return False
        try:
            params = list(inspect.signature(method).parameters.values())
        except (TypeError, ValueError):
            return False
        return len(params) == 3 and params[2].kind is inspect.Parameter.VAR_KEYWORD

    def _index(self, value: Any, **kwargs: Any) -> Any:
        if kwargs or not isinstance(value, str):
            return self._original(value, **kwargs)
        if self._last[0] == value:
            self.reused += 1
        else:
            self._last = (value, list(self._original(value)))
        return iter(self._last[1])

    def undo(self) -> None:
        vars(self._field).pop("index", None)


def uncommitted_deletes_fit(writer: Any) -> bool:
    """Whether ``writer`` can mark documents it added itself deleted: Whoosh's public
    ``delete_document`` only reaches committed segments, so the session uses the writer's
    new segment (``newsegment.delete_document(n)``, ``n`` being ``doc_count()`` when the
    document was added), which is private."""
    segment = getattr(writer, "newsegment", None)
    return callable(getattr(segment, "delete_document", None)) and callable(
        getattr(writer, "doc_count", None)
    )


class WhooshWriterSession:
    """The ``WriterSession`` of ``WhooshEngine.writer``.

    A letter replaces the committed letter with the same id or the same source key. Whoosh
    can only delete committed documents, so a letter put twice in one batch is replaced by
    marking its documents in the new segment deleted (``uncommitted_deletes_fit``). Without
    that hook (``private_hooks`` off, or a Whoosh that lacks it) the batch's documents are
    held and added at ``close``, only the last version of each letter: the same index, with
    the batch in memory.
    """

    def __init__(
        self,
        writer: Any,
        *,
        rebuild: bool,
        facet_names: tuple[str, ...],
        private_hooks: bool = True,
    ) -> None:
        self._w = writer
        self._rebuild = rebuild
        self._facet_names = facet_names
        # An index made before the citator's pairs keeps none (a column some segments lack
        # would be misread).
        self._citation_pairs = PAIR_COLUMN in writer.schema
        # This batch's letters: letter id -> (source key, what was added: the documents'
        # numbers in the new segment, or the held documents).
        self._batch: dict[str, tuple[str, list[Any]]] = {}
        self._batch_sources: dict[str, str] = {}  # source key -> letter id
        self._hold = not (private_hooks and uncommitted_deletes_fit(writer))
        repeated = [writer.schema[name] for name in REPEATED_FIELDS]
        self._patches = (
            [RememberLastValue(f) for f in repeated if RememberLastValue.fits(f)]
            if private_hooks
            else []
        )

    def close(self, *, commit: bool = True) -> None:
        """Before the writer commits (``commit``: held documents are added) or cancels; undoes
        the per-writer patches."""
        try:
            if commit and self._hold:
                batch, self._batch = self._batch, {}
                for _, docs in batch.values():
                    for doc in docs:
                        self._w.add_document(**doc)
        finally:
            for patch in self._patches:
                patch.undo()
            self._patches = []

    def put(self, letter: Letter, *, source_key: str, content_hash: str) -> None:
        self._forget(letter.id)
        previous = self._batch_sources.get(source_key)
        if previous is not None:
            self._forget(previous)
        if not self._rebuild:
            self._delete_committed(letter.id)
            for other in self._committed_letters_of(source_key):
                self._delete_committed(other)
        docs = letter_documents(
            letter,
            source_key=source_key,
            content_hash=content_hash,
            facet_names=self._facet_names,
            citation_pairs=self._citation_pairs,
        )
        added: list[Any] = []
        if self._hold:
            added.extend(docs)
        else:
            for doc in docs:
                added.append(self._w.doc_count())  # its number in the new segment
                self._w.add_document(**doc)
        self._batch[letter.id] = (source_key, added)
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
        source_key, added = entry
        self._batch_sources.pop(source_key, None)
        if not self._hold:
            for segment_docnum in added:
                self._w.newsegment.delete_document(segment_docnum)

    def _delete_committed(self, letter_id: str) -> None:
        self._w.delete_by_term("letter_id", letter_id)

    def _committed_letters_of(self, source_key: str) -> list[str]:
        s = self._w.searcher()
        docnums = list(s.document_numbers(source_key=source_key))
        if not docnums:
            return []
        lid = s.reader().column_reader("lid", translate=False)
        return [lid[d].decode("utf-8") for d in docnums]
