"""Spelling suggestions from the index's own words (the ``words`` field of letter documents).

tantivy-py has no term-level fuzzy lookup (``fuzzy_term_query`` finds documents, not terms),
so candidates are made here: every word one edit away (deletes, transposes, replacements and
inserts over the letters of the word and a-z) is looked up with ``doc_freq``; only when none
exists, words two edits away are searched among the indexed terms sharing the word's first two
letters (``terms_with_prefix``), which keeps a lookup to a few milliseconds at any index size
at the cost of missing a correction of the first two letters at distance 2. Candidates rank
by distance, then by how many letters use them, then alphabetically.
"""

from __future__ import annotations

import string
from typing import Any

from imr_search.search.fields import MAX_CORRECTED_LENGTH

SPELL_FIELD = "words"
MAX_DISTANCE = 2
_ALPHABET = string.ascii_lowercase + string.digits


def _edits1(word: str) -> set[str]:
    letters = set(_ALPHABET) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | transposes | replaces | inserts) - {word, ""}


def distance(a: str, b: str, bound: int = MAX_DISTANCE) -> int:
    """Levenshtein distance, or ``bound + 1`` once it is known to exceed ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]


def known(searcher: Any, word: str) -> bool:
    return int(searcher.doc_freq(SPELL_FIELD, word)) > 0


def suggest(searcher: Any, word: str, *, limit: int = 5) -> list[str]:
    """Indexed words close to ``word`` (never ``word`` itself), best first; none for a word
    longer than ``MAX_CORRECTED_LENGTH`` (its candidates grow with its length)."""
    if not word or len(word) > MAX_CORRECTED_LENGTH:
        return []
    ranked: list[tuple[int, int, str]] = []
    for cand in _edits1(word):
        freq = int(searcher.doc_freq(SPELL_FIELD, cand))
        if freq:
            ranked.append((1, -freq, cand))
    if len(ranked) < limit and len(word) >= 3:
        seen = {w for _, _, w in ranked}
        for term, freq in searcher.terms_with_prefix(SPELL_FIELD, word[:2]):
            if term != word and term not in seen and distance(word, term) == 2:
                ranked.append((2, -int(freq), term))
    ranked.sort()
    return [w for _, _, w in ranked[:limit]]
