"""Finding a letter the way users name it: its id in any case, or its case number.

Letter ids are what the parser made (a case number such as ``CM16-0229336``, or a file's stem
for a letter without one); users type them from a PDF, an email or memory, so ``cm16-0229336``
must find the letter too. A query that is only a case number (``CM16-0229336``) means that
letter, not a word search for "cm16" and "0229336".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from imr_search.errors import NotFoundError
from imr_search.model import Item, Letter
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.tree import Term

# An IMR case number: "CM" + two-digit year + "-" + seven digits (FORMATS.md); older and
# other programmes vary the letters and digit counts, so the shape is kept loose.
CASE_NUMBER = re.compile(r"[A-Za-z]{1,4}\d{2}-\d{5,8}")


def _by_case_number(engine: Engine, text: str) -> str | None:
    """The id of the letter whose case number is ``text`` (any case), or None."""
    request = SearchRequest(tree=Term("case", text.strip().lower()), size=1)
    hits = engine.search(request).hits
    return hits[0].letter_id if hits else None


def find_letter(engine: Engine, given: str) -> Letter:
    """The letter ``given`` names: its id exactly, in another case, or its case number.
    NotFoundError (naming what was tried) when none matches."""
    wanted = given.strip()
    for candidate in dict.fromkeys((wanted, wanted.upper(), wanted.lower())):
        try:
            return engine.get_letter(candidate)
        except NotFoundError:
            continue
    letter_id = _by_case_number(engine, wanted) if wanted else None
    if letter_id is not None:
        return engine.get_letter(letter_id)
    raise NotFoundError(f"no letter {given!r} in the index (by letter id or case number)")


def find_item(engine: Engine, given: str) -> tuple[Letter, Item | None]:
    """The letter ``given`` names and, for ``ID#N``, its item N (None for a bare id).
    NotFoundError naming the letter's items when it has no item N: never the whole letter in
    its place."""
    letter_part, hash_, number = given.partition("#")
    letter = find_letter(engine, letter_part)
    if not hash_:
        return letter, None
    for item in letter.items:
        if str(item.number) == number.strip():
            return letter, item
    numbers = ", ".join(str(i.number) for i in letter.items) or "none"
    raise NotFoundError(f"{letter.id} has no item {number.strip()!r}: its items are {numbers}")


# A list of cases pasted or read from a file: separated by lines, commas, semicolons or spaces.
_LIST_SEPARATOR = re.compile(r"[\s,;]+")


def case_list(text: str) -> list[str] | None:
    """The case numbers of ``text`` when it is nothing but two or more of them (a list pasted
    into the search box), in order, repeats left out; else None (an ordinary query)."""
    parts = [p.strip('"') for p in _LIST_SEPARATOR.split(text.strip()) if p.strip('"')]
    if len(parts) < 2 or not all(CASE_NUMBER.fullmatch(p) for p in parts):
        return None
    return list(dict.fromkeys(p.upper() for p in parts))


def split_cases(text: str) -> list[str]:
    """Letter ids or case numbers, one a line or separated by commas, semicolons or spaces (a
    ``--cases`` file); repeats left out."""
    return list(dict.fromkeys(p for p in _LIST_SEPARATOR.split(text) if p.strip()))


@dataclass(frozen=True, slots=True)
class CaseAnswer:
    """One case of a list: its letter, or why there is none."""

    given: str
    letter: Letter | None
    error: str | None = None


def find_cases(engine: Engine, given: Iterable[str]) -> list[CaseAnswer]:
    """Each case of a list answered in turn: its letter (by id, case number or ``ID#N``), or
    "not found" with the reason; never one missing case for the whole list."""
    out: list[CaseAnswer] = []
    for case in given:
        try:
            letter, item = find_item(engine, case)
        except NotFoundError as exc:
            out.append(CaseAnswer(case, None, str(exc)))
            continue
        out.append(CaseAnswer(case, letter if item is None else replace(letter, items=[item])))
    return out


def case_number_letter(engine: Engine, query: str) -> str | None:
    """The letter id when ``query`` is nothing but the case number of an indexed letter."""
    text = query.strip().strip('"').strip()
    if not CASE_NUMBER.fullmatch(text):
        return None
    return _by_case_number(engine, text)


def case_number_search(engine: Engine, request: SearchRequest) -> tuple[SearchRequest, str | None]:
    """``request`` searching the case-number field when its query is only the case number of
    an indexed letter, with a note naming that letter; otherwise ``request`` and None."""
    if request.tree is not None:
        return request, None
    letter_id = case_number_letter(engine, request.query)
    if letter_id is None:
        return request, None
    number = request.query.strip().strip('"').strip()
    note = f"{number!r} is the case number of letter {letter_id}: showing its items"
    return replace(request, tree=Term("case", number.lower())), note
