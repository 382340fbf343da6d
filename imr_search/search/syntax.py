"""The query language of imr-search: its fields, its syntax and the tree it parses into.

The syntax is the README's public contract (it began as Whoosh's and keeps its precedence):
words, ``"phrases"`` (``"a b"~2`` for slop), patterns (``lumb*``, ``l?mbar``), ``field:value``,
``field:(a OR b)``, ranges ``age:[40 TO 60]`` / ``decided:[2017-01-01 TO]`` (``{}`` exclusive),
partial dates ``decided:2016``, boosts ``word^2``, and the operators, tightest first: ``ANDNOT``
and ``ANDMAYBE``, then ``NOT``, ``AND``, ``OR``, and last the implicit AND between neighbours
(so ``a b OR c`` is ``a AND (b OR c)``).

The tree is imr-search's own (``Term``, ``Phrase``, ``Pattern``, ``Range``, ``And``, ``Or``,
``Not``, ``AndMaybe``, ``Every``); each engine compiles it into its own queries. Values in the
tree are what the user wrote, normalised only where the language defines it (field names, enum
and keyword values lower-cased, states as USPS codes, dates and numbers parsed): analysis
(tokenising, stemming) belongs to the engine. Patterns are never stemmed: ``oxy*`` means words
that begin with "oxy".

Filters (``SearchRequest.filters``) become a tree too (``filter_tree``), over the same fields,
so an engine compiles one kind of thing.

Errors are QueryError with the 0-based position of the problem and, where one helps, a hint.
No engine is imported here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Literal

from imr_search.config import MAX_QUERY_LENGTH
from imr_search.eras import current_era
from imr_search.errors import QueryError
from imr_search.search.aliases import aliases, closest
from imr_search.search.fields import (
    ALL_FIELDS,
    DATE_FIELDS,
    ENUM_SYNONYMS,
    MAX_AGE,
    QUERY_FIELDS,
    Field,
)
from imr_search.search.phrases import check_phrase
from imr_search.search.tree import And, AndMaybe, Every, Node, Not, Or, Pattern, Phrase, Range, Term
from imr_search.taxonomy import state_code


def any_of(field: str, values: tuple[str, ...] | list[str]) -> Node:
    """``field:(v1 OR v2 ...)`` as a tree (values as the user would type them)."""
    terms = tuple(_value_node(ALL_FIELDS[field], v, 0) for v in values)
    return terms[0] if len(terms) == 1 else Or(terms)


# -- errors ----------------------------------------------------------------------------------


def _err(message: str, position: int | None, hint: str | None = None) -> QueryError:
    where = f" at position {position}" if position is not None else ""
    return QueryError(f"{message}{where}", position=position, hint=hint)


def _unknown_field(name: str, pos: int) -> QueryError:
    close = difflib.get_close_matches(name.lower(), QUERY_FIELDS, n=1)
    hint = f"did you mean {close[0]}:?" if close else None
    fields = ", ".join(QUERY_FIELDS)
    msg = f"unknown field {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    return _err(msg, pos, hint=hint or f"fields: {fields}")


# -- values ----------------------------------------------------------------------------------

_DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# How people in California write a day (and the letters do): 01/15/2017.
_US_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_FORMS = "YYYY-MM-DD or MM/DD/YYYY"


def user_date(text: str) -> dt.date | None:
    """A day as a user types it, ``2017-01-15`` or ``01/15/2017``; None for anything else
    (including an impossible day). The one reading of a typed date for the CLI's options, the
    API's parameters, the page's fields and the query language."""
    text = text.strip()
    m = _US_DATE_RE.fullmatch(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def _date_span(field: str, value: str, pos: int) -> tuple[dt.date, dt.date]:
    """The first and last day of ``2016``, ``2016-05``, ``2016-05-04`` or ``05/04/2016``."""
    if _US_DATE_RE.fullmatch(value):
        day = user_date(value)
        if day is None:
            raise _err(f"{field}: {value!r} is not a valid date", pos)
        return day, day
    if not _DATE_RE.fullmatch(value):
        raise _err(
            f"{field}: {value!r} is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or MM/DD/YYYY)",
            pos,
            hint=f"e.g. {field}:2016 or {field}:[2016-01-01 TO 2016-06-30]",
        )
    parts = [int(p) for p in value.split("-")]
    try:
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1] if 1 <= parts[1] <= 12 else 0
            return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    except ValueError:
        raise _err(f"{field}: {value!r} is not a valid date", pos) from None


def _age(value: str, pos: int) -> int:
    if not value.isdigit():
        raise _err(f"age: {value!r} is not a whole number", pos, hint="e.g. age:[40 TO 60]")
    # Engines hold ages in 32- or 64-bit integers, and a value past them failed inside the
    # engine; no patient is older than MAX_AGE, so a larger number is a typing mistake.
    if len(value.lstrip("0")) > 3 or int(value) > MAX_AGE:
        raise _err(
            f"age: {value} is out of range (ages are 0 to {MAX_AGE})",
            pos,
            hint="leave an end open for no bound: age:[60 TO]",
        )
    return int(value)


def enum_value(f: Field, value: str, pos: int | None, *, label: str | None = None) -> str:
    """An enum value as the index holds it: its synonyms and the filter of that name's aliases
    (``decision:denied`` is ``decision:upheld`` as ``--decision denied`` is), else an error
    naming the closest values, the same for the query and the filter (``label`` names the
    value: the field, or "NAME filter"; ``pos`` None: no position)."""
    v = value.lower()
    v = ENUM_SYNONYMS.get(f.name, {}).get(v, v)
    v = aliases().get(f.name, {}).get(v.casefold(), v).lower()
    if v not in f.values:
        allowed = ", ".join(f.values + tuple(ENUM_SYNONYMS.get(f.name, {})))
        known = [*f.values, *ENUM_SYNONYMS.get(f.name, {}), *aliases().get(f.name, {})]
        near = closest(value, known)
        listed = f"; the closest values are {', '.join(repr(n) for n in near)}" if near else ""
        raise _err(
            f"{label or f.name}: {value!r} is not one of {allowed}{listed}",
            pos,
            hint=f"closest {f.name} values: {', '.join(near)}" if near else None,
        )
    return v


def keyword_value(field: str, value: str) -> str:
    """A keyword value as the index holds it: lower case, states as USPS codes."""
    v = value.strip()
    if field == "letter_id":  # an id, as the parser made it
        return v
    if field == "state":
        v = state_code(v) or v
    if field == "era" and v.lower() == "current":
        return current_era().name  # "decided under today's rules"
    return v.lower()


def _value_node(
    f: Field,
    value: str,
    pos: int,
    *,
    phrase: bool = False,
    boost: float = 1.0,
    span: tuple[int, int] | None = None,
) -> Node:
    """The node for one bare or quoted value of field ``f``; ``span``: where the value (its
    quotes included) stands in the query text, kept on the term with the value as typed."""
    if f.kind == "date":
        low, high = _date_span(f.name, value, pos)
        return Range(f.name, low, high)
    if f.kind == "int":
        age = _age(value, pos)
        return Range(f.name, age, age)
    if f.kind == "enum":
        return Term(f.name, enum_value(f, value, pos), boost, typed=value, span=span)
    if f.kind == "keyword":
        return Term(f.name, keyword_value(f.name, value), boost, typed=value, span=span)
    if phrase:
        return Phrase(f.name, value, boost=boost)
    return Term(f.name, value, boost)


# A range's "TO", found by lookaround searches in the order of the pattern it replaces
# (``^\s*(.*?)\s+TO\s+(.*?)\s*$|^\s*(.*?)\s+TO\s*$|^\s*TO\s+(.*?)\s*$``), which
# backtracked cubically over a run of spaces (1.7 s for "[" and 1,000 spaces).
_TO_INSIDE = re.compile(r"(?<=\s)TO(?=\s)")
_TO_FIRST = re.compile(r"TO(?=\s)")
_TO_LAST = re.compile(r"(?<=\s)TO\s*+$")


def _range_ends(body: str) -> tuple[str, str] | None:
    """(low, high) of a range's text ("" for an open end), or None without a lone "TO"."""
    text = body.lstrip()
    spaced = len(text) < len(body)  # leading space can stand before a first "TO"
    if m := _TO_INSIDE.search(text):
        low, high = text[: m.start()], text[m.end() :]
    elif spaced and (m := _TO_FIRST.match(text)):
        low, high = "", text[m.end() :]
    elif m := _TO_LAST.search(text):
        low, high = text[: m.start()], ""
    elif spaced and text.rstrip() == "TO":
        low, high = "", ""
    elif m := _TO_FIRST.match(text):
        low, high = "", text[m.end() :]
    else:
        return None
    return low.strip().strip('"'), high.strip().strip('"')


def _range_node(f: Field, body: str, open_low: bool, open_high: bool, pos: int) -> Range:
    """``[low TO high]`` (``{`` / ``}`` exclusive) over a date or number field."""
    ends = _range_ends(body)
    if ends is None:
        raise _err(f"{f.name}: range {body!r} needs the form [low TO high]", pos)
    low_s, high_s = ends
    if f.kind not in ("date", "int"):
        raise _err(
            f"{f.name}: ranges work on dates and numbers, not on {f.kind} fields",
            pos,
            hint=f"ranges: {', '.join(sorted(DATE_FIELDS))}, age",
        )
    if not low_s and not high_s:
        raise _err(f"{f.name}: a range needs at least one end", pos, hint=f"{f.name}:[low TO]")
    low: dt.date | int | None = None
    high: dt.date | int | None = None
    if f.kind == "date":
        if low_s:
            first, last = _date_span(f.name, low_s, pos)
            low = last + dt.timedelta(days=1) if open_low else first
        if high_s:
            first, last = _date_span(f.name, high_s, pos)
            high = first - dt.timedelta(days=1) if open_high else last
    else:
        if low_s:
            low = _age(low_s, pos) + (1 if open_low else 0)
        if high_s:
            high = _age(high_s, pos) - (1 if open_high else 0)
    # A range that ends before it starts matches nothing: an error, as --from after --to is.
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        raise _err(
            f"{f.name}: the range starts ({low_s}) after it ends ({high_s})",
            pos,
            hint=f"{f.name}:[{high_s} TO {low_s}]",
        )
    return Range(f.name, low, high)


# -- strengths ---------------------------------------------------------------------------------
# A drug's strength is written "10/325mg", "10/325 mg", "10/325", "50mg" or "50 mg", and
# engines split it into different words ("10", "325mg"), so one spelling would miss items
# written another way. A strength typed as a word is searched as each spelling (a phrase of
# its words); a bare number ("10") is left alone, as it names nothing on its own.

_STRENGTH = re.compile(
    r"(\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)*)(mg/ml|mcg/hr|mg|mcg|ml|gm|g|%|iu|units?)?",
    re.IGNORECASE,
)
_UNIT_WORDS = frozenset({"mg", "mcg", "ml", "gm", "g", "iu", "unit", "units", "mg/ml", "mcg/hr"})


def strength_node(field: str | None, text: str, boost: float = 1.0) -> Node | None:
    """The spellings of a strength (``10/325mg`` -> "10 325mg", "10 325 mg", "10 325"), or
    None when ``text`` is not one."""
    m = _STRENGTH.fullmatch(text)
    if not m or ("/" not in m.group(1) and not m.group(2)):
        return None
    number, unit = m.group(1), (m.group(2) or "").lower()
    spaced = number.replace("/", " ")
    if "/" in number:  # "10/325" also finds "10/325mg" (mg: the usual unit) and vice versa
        spellings = [spaced, f"{spaced}{unit or 'mg'}"]
    else:  # "50mg" and "50 mg"
        spellings = [f"{spaced}{unit}", f"{spaced} {unit}"]
    nodes = tuple(
        Phrase(field, s, boost=boost) if " " in s else Term(field, s, boost)
        for s in dict.fromkeys(spellings)
    )
    return nodes[0] if len(nodes) == 1 else Or(nodes)


def _join_units(toks: list[_Tok]) -> list[_Tok]:
    """``50 mg`` typed as two words is the strength ``50mg`` (not after a ``field:``)."""
    out: list[_Tok] = []
    for t in toks:
        prev = out[-1] if out else None
        before = out[-2] if len(out) > 1 else None
        if (
            prev is not None
            and t.kind == "word"
            and prev.kind == "word"
            and t.text.lower() in _UNIT_WORDS
            and re.fullmatch(r"\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)*", prev.text)
            and t.pos == prev.pos + len(prev.text) + 1
            and not (before is not None and before.kind == "field")
        ):
            out[-1] = _Tok("word", prev.text + t.text, prev.pos, boost=t.boost)
            continue
        out.append(t)
    return out


# -- the parser ------------------------------------------------------------------------------

_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_FIELD_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
# A boost: digits, digits.digits or .digits (one way to match each: ``\d*\.?\d+`` splits a
# run of digits between its two repeats every way before failing, quadratic in the run).
_NUMBER = r"(\d++(?:\.\d++)?|\.\d++)"
_BOOST_RE = re.compile(r"\^" + _NUMBER)
_BOOST_NUMBER = re.compile(_NUMBER)
_SLOP_RE = re.compile(r"~([1-9]\d*+)")
# Parentheses and NOTs, one inside the other, a query may hold: the parser and the engines'
# compilers recurse once per level, and 1,000 characters of "(" would pass Python's limit.
MAX_NESTING = 32
_WORD_END = ' \t\r\n\f\v()"[{]}'


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: Literal["word", "phrase", "range", "field", "open", "close"]
    text: str
    pos: int
    # phrase: slop; range: exclusive ends
    slop: int = 1
    open_low: bool = False
    open_high: bool = False
    boost: float = 1.0


def _boost_at(text: str, j: int) -> tuple[float, int]:
    m = _BOOST_RE.match(text, j)
    if m and (m.end() == len(text) or text[m.end()] in _WORD_END):
        return float(m.group(1)), m.end()
    return 1.0, j


def _tokens(text: str) -> list[_Tok]:
    """Split the query into tokens, raising QueryError for unbalanced quotes, parentheses and
    brackets. Field names are recognised only at the start of a word, and not before ``//``
    (a web address is not a field)."""
    toks: list[_Tok] = []
    depth: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise _err("unbalanced quote", i, hint='close the phrase with "')
            slop, j = 1, end + 1
            if m := _SLOP_RE.match(text, j):
                slop, j = int(m.group(1)), m.end()
            boost, j = _boost_at(text, j)
            toks.append(_Tok("phrase", text[i + 1 : end], i, slop=slop, boost=boost))
            i = j
        elif c == "(":
            depth.append(i)
            toks.append(_Tok("open", c, i))
            i += 1
        elif c == ")":
            if not depth:
                raise _err("unbalanced parenthesis: ')' without '('", i)
            depth.pop()
            boost, j = _boost_at(text, i + 1)
            toks.append(_Tok("close", c, i, boost=boost))
            i = j
        elif c in "[{":
            end = _range_end(text, i)
            toks.append(
                _Tok(
                    "range",
                    text[i + 1 : end],
                    i,
                    open_low=c == "{",
                    open_high=text[end] == "}",
                )
            )
            i = end + 1
        elif c in "]}":
            raise _err(f"unbalanced range: {c!r} without an opening bracket", i)
        elif (m := _FIELD_RE.match(text, i)) and not text.startswith("//", m.end()):
            toks.append(_Tok("field", m.group(1), i))
            i = m.end()
        else:
            j = i
            while j < n and text[j] not in _WORD_END:
                j += 1
            word = text[i:j]
            boost = 1.0
            # A trailing "^2": only the last "^" can start it (a number holds no "^").
            head, caret, tail = word.rpartition("^")
            if caret and head and _BOOST_NUMBER.fullmatch(tail):
                word, boost = head, float(tail)
            toks.append(_Tok("word", word, i, boost=boost))
            i = j
    if depth:
        raise _err("unbalanced parenthesis: '(' is never closed", depth[-1])
    return toks


def _range_end(text: str, start: int) -> int:
    for j in range(start + 1, len(text)):
        if text[j] in "]}":
            return j
        if text[j] in '"[{()':
            break
    raise _err("unbalanced range: the bracket is never closed", start, hint="[low TO high]")


class _Parser:
    """Recursive descent over the tokens, Whoosh's precedence (see the module docstring)."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0  # parentheses and NOTs open around the token being read

    def _deeper(self, t: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _err(
                f"the query nests parentheses and NOTs more than {MAX_NESTING} deep",
                t.pos,
                hint="write the same query with fewer levels",
            )

    def peek(self, ahead: int = 0) -> _Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def op(self, *names: str) -> bool:
        """Whether the next token is one of the binary operators ``names`` with an operand
        after it (an operator with nothing after it is a plain word)."""
        t, after = self.peek(), self.peek(1)
        return (
            t is not None
            and t.kind == "word"
            and t.text in names
            and after is not None
            and after.kind != "close"
        )

    def group(self, field: Field | None) -> Node | None:
        """Neighbours, AND-ed: up to the end or a closing parenthesis."""
        parts: list[Node] = []
        while (t := self.peek()) is not None and t.kind != "close":
            node = self.disjunction(field)
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def disjunction(self, field: Field | None) -> Node | None:
        parts = [self.conjunction(field)]
        while self.op("OR"):
            self.i += 1
            parts.append(self.conjunction(field))
        kept = [p for p in parts if p is not None]
        if len(kept) <= 1:
            return kept[0] if kept else None
        return Or(tuple(kept))

    def conjunction(self, field: Field | None) -> Node | None:
        parts = [self.negation(field)]
        while self.op("AND"):
            self.i += 1
            parts.append(self.negation(field))
        kept = [p for p in parts if p is not None]
        if len(kept) <= 1:
            return kept[0] if kept else None
        return And(tuple(kept))

    def negation(self, field: Field | None) -> Node | None:
        if self.op("NOT"):
            self._deeper(self.toks[self.i])
            self.i += 1
            child = self.negation(field)
            self.depth -= 1
            return Not(child) if child is not None else None
        return self.andnot(field)

    def andnot(self, field: Field | None) -> Node | None:
        node = self.atom(field)
        while self.op("ANDNOT", "ANDMAYBE"):
            name = self.toks[self.i].text
            self.i += 1
            right = self.atom(field)
            if node is None or right is None:
                node = node or right
            elif name == "ANDNOT":
                node = And((node, Not(right)))
            else:
                node = AndMaybe(node, right)
        return node

    def atom(self, field: Field | None) -> Node | None:
        t = self.toks[self.i]
        self.i += 1
        if t.kind == "open":
            self._deeper(t)
            inner = self.group(field)
            self.depth -= 1
            close = self.peek()
            self.i += 1  # the tokenizer balanced the parentheses
            boost = close.boost if close is not None else 1.0
            if inner is not None and boost != 1.0 and isinstance(inner, And | Or):
                inner = type(inner)(inner.children, boost)
            return inner
        if t.kind == "field":
            return self.fielded(t)
        if t.kind == "range":
            if field is None:
                raise _err("a range needs a field", t.pos, hint="e.g. decided:[2016 TO 2017]")
            return _range_node(field, t.text, t.open_low, t.open_high, t.pos)
        if t.kind == "phrase":
            return self.phrase(field, t)
        return self.word(field, t)

    def fielded(self, t: _Tok) -> Node | None:
        name = t.text.lower()
        f = ALL_FIELDS.get(name) if name in QUERY_FIELDS else None
        if f is None:
            raise _unknown_field(t.text, t.pos)
        value = self.peek()
        if value is None or value.kind == "close" or value.pos != t.pos + len(t.text) + 1:
            raise _err(f"{name}: has no value", t.pos)
        if value.kind == "open":
            if f.kind not in ("text", "keyword"):
                raise _err(f"{name}: takes one value or a range, not a group", value.pos)
            return self.atom(f)
        if value.kind == "field":  # "service:rationale:x": the second name is a value
            self.i += 1
            return self.word(f, _Tok("word", value.text + ":", value.pos))
        return self.atom(f)

    def phrase(self, field: Field | None, t: _Tok) -> Node | None:
        if field is not None and field.kind != "text":
            span = (t.pos, t.pos + len(t.text) + 2)  # the quotes around it
            return _value_node(field, t.text, t.pos, boost=t.boost, span=span)
        if not t.text.strip():
            return None
        check_phrase(t.text, t.slop, t.pos)
        return Phrase(field.name if field else None, t.text, t.slop, t.boost)

    def word(self, field: Field | None, t: _Tok) -> Node | None:
        text = t.text
        if field is not None and field.kind not in ("text", "keyword"):
            if any(ch in text for ch in "*?"):
                raise _err(f"{field.name}: wildcards work only on text and keyword fields", t.pos)
            return _value_node(field, text, t.pos, span=(t.pos, t.pos + len(text)))
        name = field.name if field else None
        if any(ch in text for ch in "*?"):
            if text == "*" and field is None:
                return Every()
            return Pattern(name, text.lower(), t.boost)
        if field is not None and field.kind == "keyword":
            return _value_node(field, text, t.pos, boost=t.boost, span=(t.pos, t.pos + len(text)))
        strength = strength_node(name, text, t.boost)
        if strength is not None:
            return strength
        return Term(name, text, t.boost)


def parse(text: str, *, max_length: int = MAX_QUERY_LENGTH) -> Node:
    """The tree of ``text``; ``Every`` for a blank query. Raises QueryError."""
    if len(text) > max_length:
        raise _err(
            f"query is too long ({len(text)} characters; the limit is {max_length})", max_length
        )
    toks = _join_units(_tokens(text))
    node = _Parser(toks).group(None)
    return node if node is not None else Every()
