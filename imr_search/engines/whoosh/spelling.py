"""Spelling corrections for query words with no hits, from the index's own words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from imr_search.search.fields import MAX_CORRECTED_LENGTH, MAX_CORRECTED_WORDS

SPELL_FIELD = "words"


def suggestions_for(
    words: Sequence[str], searcher: Any, out_of_time: Callable[[], bool]
) -> tuple[dict[str, str], bool]:
    """Plain query word -> best correction, for each word of at most ``MAX_CORRECTED_LENGTH``
    letters that occurs in no document, the first ``MAX_CORRECTED_WORDS`` of them; those
    found before ``out_of_time``. The flag is False when time left words without a
    correction search."""
    reader = searcher.reader()
    analyzer = searcher.schema[SPELL_FIELD].analyzer
    corrector = reader.corrector(SPELL_FIELD)
    out: dict[str, str] = {}
    searched: set[str] = set()
    for given in words:
        for token in analyzer(given, mode="query"):
            word = str(token.text)
            if len(word) > MAX_CORRECTED_LENGTH or word in out:
                continue
            if word in searched or reader.doc_frequency(SPELL_FIELD, word) > 0:
                continue
            if len(searched) == MAX_CORRECTED_WORDS:
                return out, True
            if out_of_time():
                return out, False
            searched.add(word)
            found = [w for w in corrector.suggest(word, limit=1, maxdist=2) if w != word]
            if found:
                out[word] = found[0]
    return out, True
