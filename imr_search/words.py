"""Counts as people read them: "1 item", "2 items", "1,204 letters".

The one helper every count printed beside a noun goes through (the CLI's lines, the analysis
warnings, the pages' Jinja ``count`` filter), so no output says "1 items". It sits at the bottom
of the layers: analysis, present, cli and server all use it.
"""

from __future__ import annotations

# Nouns whose plural is not the noun plus "s" (the ones imr-search prints).
_IRREGULAR = {"match": "matches", "category": "categories"}


def plural(noun: str, n: int) -> str:
    """``noun`` for one, its plural otherwise (0 takes the plural: "0 items")."""
    if n == 1:
        return noun
    head, _, last = noun.rpartition(" ")
    many = _IRREGULAR.get(last, last + "s")
    return f"{head} {many}" if head else many


def count(n: int, noun: str) -> str:
    """``n`` with thousands separators and its noun agreeing: ``count(1, "item")`` is
    "1 item", ``count(1204, "letter")`` "1,204 letters"; the noun's last word is the one
    counted ("matching item" -> "matching items")."""
    return f"{n:,} {plural(noun, n)}"
