"""The bounds of a phrase in the query language (docs/limits.md, "What bounds a query").

A phrase with a slop (``"a b c"~5``) costs the engines more than its length: tantivy keeps
every way the words can be placed within the slop, which doubles with each repeated word
("the the the ..."~1000 took gigabytes), and Whoosh compares every position of each word with
every other within the slop. Bounding the slop and the words of a sloppy phrase bounds both;
a word repeated in any phrase multiplies the places Whoosh tries for it ("the" 120 times: 8 s
over 2,000 letters, where no time limit reaches).
"""

from __future__ import annotations

import re
from collections import Counter

from imr_search.errors import QueryError

MAX_SLOP = 20
MAX_SLOPPY_WORDS = 8
MAX_PHRASE_REPEATS = 4
_PHRASE_WORD = re.compile(r"[^\W_]+")  # what the engines' tokenizers split a phrase into


def _err(message: str, position: int, hint: str) -> QueryError:
    return QueryError(f"{message} at position {position}", position=position, hint=hint)


def check_phrase(text: str, slop: int, pos: int) -> None:
    """Refuse a phrase whose slop, words or repeats would let its search run unbounded."""
    words = _PHRASE_WORD.findall(text)
    if slop > 1:
        if slop > MAX_SLOP:
            raise _err(
                f"a phrase's slop may be at most {MAX_SLOP}, not {slop}",
                pos,
                hint=f'e.g. "{" ".join(text.split()[:2])}"~{MAX_SLOP}, or AND the words',
            )
        if len(words) > MAX_SLOPPY_WORDS:
            raise _err(
                f"a phrase with a slop (~{slop}) may hold at most {MAX_SLOPPY_WORDS} words, "
                f"not {len(words)}",
                pos,
                hint="drop the ~ to search the exact phrase, or AND shorter phrases",
            )
    counts = Counter(w.lower() for w in words)
    word, times = counts.most_common(1)[0] if counts else ("", 0)
    if times > MAX_PHRASE_REPEATS:
        raise _err(
            f"a phrase may repeat a word at most {MAX_PHRASE_REPEATS} times "
            f"({word!r} is there {times} times)",
            pos,
            hint="search the phrase's distinct part",
        )
