"""Strict query parsing: Whoosh syntax over named fields, with errors instead of silence.

Whoosh's parser turns an unknown field into plain words and a bad date into an empty query (a
bare ``except:``). So the query is pre-scanned first (quotes, parentheses, ranges, field names
and typed values, each error with its 0-based position), then parsed by Whoosh, and the parsed
tree is checked for anything the parser swallowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from imr_search.errors import QueryError
from imr_search.whoosh_engine._whoosh import qparser
from imr_search.whoosh_engine._whoosh import query as wq
from imr_search.whoosh_engine.schema import AGE_BANDS, GUIDELINE_VALUES, state_code

# Query-language field name -> what it searches (documented in the README).
QUERY_FIELDS: dict[str, str] = {
    "service": "the disputed service text",
    "decision": "upheld or overturned",
    "category": "DWC request category",
    "subcategory": "DWC request subcategory",
    "drug": "generic drug name (or one ingredient, or the brand)",
    "region": "body region",
    "modality": "diagnostic modality",
    "specialty": "reviewer specialty",
    "state": "reviewer license state (USPS code or name)",
    "guideline": "guideline citation text (both sides)",
    "mtus": "MTUS part cited by the IMR",
    "rationale": "the reviewer's rationale",
    "summary": "the case summary",
    "case": "case number",
    "decided": "decision date",
    "injured": "date of injury",
    "assigned": "date assigned",
    "age": "patient age",
    "sex": "patient sex",
    "partial": "partly authorised request (true/false)",
}
DEFAULT_FIELDS = ("service", "rationale", "summary", "guideline")
FIELD_BOOSTS = {"service": 2.0}
TEXT_FIELDS = frozenset({"service", "rationale", "summary", "guideline"})
DATE_FIELDS = frozenset({"decided", "injured", "assigned"})
ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "decision": ("upheld", "overturned"),
    "sex": ("male", "female"),
    "partial": ("true", "false", "yes", "no"),
}

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FIELD_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_RANGE_RE = re.compile(r"^\s*(.*?)\s+TO\s+(.*?)\s*$|^\s*(.*?)\s+TO\s*$|^\s*TO\s+(.*?)\s*$")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def _err(message: str, position: int | None, hint: str | None = None) -> QueryError:
    where = f" at position {position}" if position is not None else ""
    return QueryError(f"{message}{where}", position=position, hint=hint)


def _check_date(field: str, value: str, pos: int) -> None:
    if not _DATE_RE.match(value):
        raise _err(
            f"{field}: {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
            pos,
            hint=f"e.g. {field}:2016 or {field}:[2016-01-01 TO 2016-06-30]",
        )
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise _err(f"{field}: {value!r} is not a valid date", pos) from None


def _check_value(field: str, value: str, pos: int) -> None:
    """Check one bare or quoted value of a typed field."""
    if field in DATE_FIELDS:
        _check_date(field, value, pos)
    elif field == "age":
        if not value.isdigit():
            raise _err(f"age: {value!r} is not a whole number", pos, hint="e.g. age:[40 TO 60]")
    elif field in ENUM_VALUES and value.lower() not in ENUM_VALUES[field]:
        allowed = ", ".join(ENUM_VALUES[field])
        raise _err(f"{field}: {value!r} is not one of {allowed}", pos)


def _check_range(field: str, body: str, pos: int) -> None:
    m = _RANGE_RE.match(body)
    if not m:
        raise _err(f"{field}: range {body!r} needs the form [low TO high]", pos)
    low, high = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
    for side in (low, high):
        if side:
            _check_value(field, side.strip('"'), pos)


def _unknown_field(name: str, pos: int) -> QueryError:
    close = difflib.get_close_matches(name.lower(), QUERY_FIELDS, n=1)
    hint = f"did you mean {close[0]}:?" if close else None
    fields = ", ".join(QUERY_FIELDS)
    msg = f"unknown field {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    return _err(msg, pos, hint=hint or f"fields: {fields}")


def prescan(text: str) -> str:
    """Raise QueryError for unbalanced quotes/parentheses/brackets, unknown fields and bad
    typed values (dates, ages, enumerations, ranges). Returns the text with field names in
    lower case (``Category:`` means ``category:``)."""
    i, n = 0, len(text)
    out = list(text)
    parens: list[int] = []
    while i < n:
        c = text[i]
        if c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise _err("unbalanced quote", i, hint='close the phrase with "')
            i = end + 1
        elif c == "(":
            parens.append(i)
            i += 1
        elif c == ")":
            if not parens:
                raise _err("unbalanced parenthesis: ')' without '('", i)
            parens.pop()
            i += 1
        elif c in "[{":
            end = _find_range_end(text, i)
            i = end + 1
        elif c in "]}":
            raise _err(f"unbalanced range: {c!r} without an opening bracket", i)
        elif (
            (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.-/"))
            and (m := _FIELD_RE.match(text, i))
            and not text.startswith("//", m.end())
        ):  # a web address is not a field
            out[m.start(1) : m.end(1)] = list(m.group(1).lower())
            i = _scan_field(text, m)
        else:
            i += 1
    if parens:
        raise _err("unbalanced parenthesis: '(' is never closed", parens[-1])
    return "".join(out)


def _find_range_end(text: str, start: int) -> int:
    closer = {"[": "]{", "{": "]}"}  # Whoosh allows mixed brackets for exclusive ends
    for j in range(start + 1, len(text)):
        if text[j] in "]}" and text[j] in closer[text[start]] + "]}":
            return j
        if text[j] in '"[{()':
            break
    raise _err("unbalanced range: the bracket is never closed", start, hint="[low TO high]")


def _scan_field(text: str, m: re.Match[str]) -> int:
    """Check one ``field:value``; return the position after it."""
    name, pos = m.group(1), m.start()
    field = name.lower()
    if field not in QUERY_FIELDS:
        raise _unknown_field(name, pos)
    j = m.end()
    if j >= len(text) or text[j].isspace() or text[j] == ")":
        raise _err(f"{field}: has no value", pos)
    typed = field in DATE_FIELDS or field == "age" or field in ENUM_VALUES
    c = text[j]
    if c in "[{":
        end = _find_range_end(text, j)
        if typed:
            _check_range(field, text[j + 1 : end], j)
        return end + 1
    if c == '"':
        end = text.find('"', j + 1)
        if end < 0:
            raise _err("unbalanced quote", j, hint='close the phrase with "')
        if typed:
            _check_value(field, text[j + 1 : end], j)
        return end + 1
    if c == "(":
        if typed:
            raise _err(f"{field}: takes one value or a range, not a group", j)
        return j  # the group is scanned as part of the query
    end = j
    while end < len(text) and not text[end].isspace() and text[end] not in "()":
        end += 1
    value = text[j:end]
    if typed:
        if any(ch in value for ch in "*?"):
            raise _err(f"{field}: wildcards work only on text and keyword fields", j)
        _check_value(field, value.split("^")[0], j)
    return end


class StrictParser:
    """Parses the query language into a Whoosh query, or raises QueryError."""

    def __init__(self, schema: Any, *, max_length: int = 1000) -> None:
        self.max_length = max_length
        self._parser = qparser.MultifieldParser(
            list(DEFAULT_FIELDS), schema, fieldboosts=FIELD_BOOSTS
        )
        self._parser.remove_plugin_class(qparser.SingleQuotePlugin)

    def parse(self, text: str) -> Any:
        """The Whoosh query for ``text``; ``Every`` for a blank query."""
        if len(text) > self.max_length:
            raise _err(
                f"query is too long ({len(text)} characters; the limit is {self.max_length})",
                self.max_length,
            )
        if not text.strip():
            return wq.Every()
        q = self._parser.parse(prescan(text))
        for node in walk(q):
            error = getattr(node, "error", None)
            if error:
                raise QueryError(f"cannot parse query: {error}")
            if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
                node.text = node.text.lower()
        return q


def walk(q: Any) -> Iterator[Any]:
    yield q
    for child in q.children():
        yield from walk(child)


def plain_words(q: Any) -> list[str]:
    """Unfielded words of a parsed query (the text the user typed, lower-cased)."""
    words: list[str] = []
    for node in walk(q):
        if isinstance(node, wq.Term) and node.fieldname in DEFAULT_FIELDS:
            word = str(node.text)
            if word not in words:
                words.append(word)
    return words


def check_expansions(q: Any, reader: Any, limit: int) -> None:
    """QueryError when a wildcard, prefix or fuzzy term expands to more than ``limit`` terms."""
    for node in walk(q):
        if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
            for count, _ in enumerate(node._btexts(reader), 1):
                if count > limit:
                    raise QueryError(
                        f"{node.text!r} matches too many terms (more than {limit}); "
                        "make the pattern longer",
                        hint="use more letters before the *",
                    )


# -- filters -----------------------------------------------------------------------------------

_FILTER_FIELDS = {
    "decision": "decision",
    "state": "state",
    "specialty": "specialty",
    "category": "category",
    "subcategory": "subcategory",
    "region": "region",
    "modality": "modality",
    "drug": "drug",
    "guideline": "gsource",
    "mtus": "mtus",
    "sex": "sex",
}


def _year_range(value: str) -> Any:
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise QueryError(f"year filter: {value!r} is not a year")
    y = int(value)
    return wq.DateRange("decided", dt.datetime(y, 1, 1), dt.datetime(y, 12, 31, 23, 59, 59))


def _age_range(value: str) -> Any:
    if value not in AGE_BANDS:
        raise QueryError(f"age filter: {value!r} is not one of {', '.join(AGE_BANDS)}")
    lo, hi = AGE_BANDS[value]
    return wq.NumericRange("age", lo, hi)


def _value_query(name: str, value: str) -> Any:
    if name == "year":
        return _year_range(value)
    if name == "age":
        return _age_range(value)
    if name == "guideline" and value.lower() not in {g.lower() for g in GUIDELINE_VALUES}:
        raise QueryError(f"guideline filter: {value!r} is not one of {', '.join(GUIDELINE_VALUES)}")
    if name == "state":
        value = state_code(value)
    return wq.Term(_FILTER_FIELDS[name], value.strip().lower())


def filter_query(
    filters: Mapping[str, tuple[str, ...] | str],
    date_from: dt.date | None,
    date_to: dt.date | None,
    exclude_letters: tuple[str, ...] = (),
) -> Any | None:
    """The filters as one Whoosh query (AND of filters, OR within one), or None."""
    parts: list[Any] = [wq.Not(wq.Term("letter_id", letter)) for letter in exclude_letters]
    for name, given in filters.items():
        if name not in _FILTER_FIELDS and name not in ("year", "age"):
            known = ", ".join([*_FILTER_FIELDS, "year", "age"])
            raise QueryError(f"unknown filter {name!r} (filters: {known})")
        values: tuple[str, ...] | list[str] = [given] if isinstance(given, str) else given
        if not values:
            continue
        subs = [_value_query(name, v) for v in values]
        parts.append(subs[0] if len(subs) == 1 else wq.Or(subs))
    if date_from or date_to:
        start = dt.datetime(date_from.year, date_from.month, date_from.day) if date_from else None
        end = dt.datetime(date_to.year, date_to.month, date_to.day, 23, 59, 59) if date_to else None
        parts.append(wq.DateRange("decided", start, end))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
