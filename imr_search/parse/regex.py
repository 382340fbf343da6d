"""Patterns that skip, in one step, the positions where they cannot match.

Python's regex engine scans for a literal prefix or a set of first characters only when a
pattern starts with one; a pattern that starts with ``\\b`` or alternates a dozen words is
tried in full at every position of the text (``lumbar|low back|\\bl[1-5]\\b|...``).
``first_chars`` works out which characters a match can start
with, and ``quick`` puts them in front as a one-character lookahead: the same matches at the
same places (the lookahead is zero-width and only refuses positions where the pattern would
fail anyway), found in a fraction of the time (docs/benchmarks.md, "Pattern rewrites").
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The regex module's own parser (private, untyped; ``sre_parse`` is its deprecated alias).
# Anything it gives that is not understood here leaves the pattern as it is.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

# Expanding a character range larger than this is not worth it: such a pattern is left as is.
_MAX_CHARS = 256


class _Anywhere(Exception):
    """The pattern can start a match with (nearly) any character, or with none."""


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can start with, or None when that cannot be
    said (any character, an empty match, case-insensitive matching, a construct not
    analysed here)."""
    try:
        parsed = sre_parse.parse(pattern, flags)
        if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
            return None
        chars, nullable = _first(parsed.data)
    except (_Anywhere, re.error, AttributeError, TypeError, ValueError):
        return None
    return None if nullable else frozenset(chars)


def quick(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, led by a lookahead for the characters a match can
    start with when they are known (see ``first_chars``)."""
    chars = first_chars(pattern, flags)
    if not chars:
        return re.compile(pattern, flags)
    lead = "".join(re.escape(c) for c in sorted(chars))
    try:
        return re.compile(f"(?=[{lead}])(?:{pattern})", flags)
    except re.error:  # inline global flags such as "(?x)" must stay at the start
        return re.compile(pattern, flags)


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """(first characters, whether the sequence can match the empty string)."""
    chars: set[str] = set()
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero-width: the next item starts the match
        got, nullable = _item(op, av)
        chars |= got
        if not nullable:
            return chars, False
    return chars, True


def _item(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        return _charset(av), False
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & (re.IGNORECASE | re.LOCALE):
            raise _Anywhere
        return _first(sub.data)
    if op is sre.ATOMIC_GROUP:
        return _first(av.data)
    if op is sre.BRANCH:
        chars: set[str] = set()
        nullable = False
        for alternative in av[1]:
            got, empty = _first(alternative.data)
            chars |= got
            nullable = nullable or empty
        return chars, nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        got, empty = _first(sub.data)
        return got, empty or low == 0
    raise _Anywhere  # ANY, NOT_LITERAL, GROUPREF, conditionals, ...


def _charset(items: list[tuple[Any, Any]]) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _MAX_CHARS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            raise _Anywhere  # a category (\w, \d), a negated set, a wide range
    if len(chars) > _MAX_CHARS:
        raise _Anywhere
    return chars
