"""The abbreviations the letters define themselves ("transcutaneous electrical nerve
stimulation (TENS)"), mined at each index commit with the Schwartz-Hearst long-form /
short-form method (the ``abbreviations`` package), counted per letter and kept beside the
index (``imr_search.search.vocabulary.mined_path``). The search reads the pairs seen in
enough letters (``MIN_LETTERS``) as part of its vocabulary.

Counts are added as letters are put: a rebuild starts them again, an incremental run adds the
letters it puts (a letter indexed again counts again, which only keeps a pair longer).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from abbreviations import schwartz_hearst

from imr_search.model import Letter

# The shapes a short form of this field takes (TENS, EMG/NCV, H-wave, L-spine) and a long form
# that is words, not a sentence.
_SHORT = re.compile(r"[A-Za-z][A-Za-z0-9/&-]{1,9}")
_MAX_LONG_WORDS = 8
_SEP = "\t"


def letter_pairs(letter: Letter) -> set[tuple[str, str]]:
    """The (short form, long form) pairs one letter defines, lower case."""
    texts = [
        letter.summary,
        *(i.service for i in letter.items),
        *(i.rationale for i in letter.items),
    ]
    text = "\n".join(" ".join(t.split()) for t in texts if t)
    if "(" not in text:
        return set()
    # The package logs every sentence it cannot read at INFO; that is not the index's news.
    logging.getLogger(schwartz_hearst.__name__).setLevel(logging.WARNING)
    try:
        found = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text)
    except (ValueError, IndexError):  # a sentence the method cannot read: no pairs from it
        return set()
    out: set[tuple[str, str]] = set()
    for short, long in found.items():
        s, lf = short.strip().lower(), " ".join(long.split()).lower()
        if _SHORT.fullmatch(s) and 1 < len(lf.split()) <= _MAX_LONG_WORDS and s != lf:
            out.add((s, lf))
    return out


def count_pairs(letters: Iterable[Letter]) -> Counter[tuple[str, str]]:
    """How many of ``letters`` define each pair."""
    counts: Counter[tuple[str, str]] = Counter()
    for letter in letters:
        counts.update(letter_pairs(letter))
    return counts


def read_counts(path: Path) -> Counter[tuple[str, str]]:
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return Counter()
    counts: Counter[tuple[str, str]] = Counter()
    for key, n in raw.get("counts", {}).items():
        short, _, long = key.partition(_SEP)
        if short and long and isinstance(n, int):
            counts[(short, long)] = n
    return counts


def save_counts(path: Path, counts: Counter[tuple[str, str]], *, rebuild: bool) -> None:
    """Add ``counts`` to those at ``path`` (replace them on a rebuild), atomically."""
    total = counts if rebuild else read_counts(path) + counts
    data = {
        "_note": "Abbreviations the indexed letters define, and in how many letters "
        "(imr_search.ingest.abbreviations); the search uses those in enough letters.",
        "counts": {f"{s}{_SEP}{lf}": n for (s, lf), n in sorted(total.items())},
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")
    os.replace(tmp, path)
