"""DWC's IMR decision search as imr-search knows it: the one module that holds every fact of
``DWC-SEARCH.md`` (paths, form fields, page size, the result page's layout, cell counts, the
site's vocabulary and how it maps to ``dwc-taxonomy.json``). No I/O here.

None of it was checked against the live site. When DWC changes its site, a fetch stops with a
``ProtocolError`` naming what differed and the file the page was saved to: compare that page
with this module, update the fact that changed, and run ``make check`` (the stand-in of
``tests/dwc_standin.py`` serves pages the way this module describes them).

A page the site says is empty (a results table with only its header and a total of 0, or a
"no records" message instead of the table) is an empty window; anything else this module cannot
read is a departure, never "0 letters".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Literal

import lxml.etree
import lxml.html

from imr_search.errors import ProtocolError
from imr_search.model import Decision, LetterOutcome
from imr_search.taxonomy import load_taxonomy

Search = Literal["Case", "Tx"]

# --- the endpoint -------------------------------------------------------------------------------

DEFAULT_BASE_URL = "https://www.dir.ca.gov"
SEARCH_PATH = "/dwc/imr/IMRDecisionSearch.asp"
CASE_PARAM = "caseno"  # GET SEARCH_PATH?caseno=CM17-0003591: one case's treatment rows
PAGE_SIZE = 25  # rows of a result page
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CASE_NUMBER = re.compile(r"^CM\d{2}-\d{7}$")

# Every field, in the order the site's form sends them; each is sent, empty when unused.
_FIELDS: dict[Search, tuple[str, ...]] = {
    "Case": (
        "Fname",
        "Caseno",
        "DoIStart",
        "DoIEnd",
        "ReqStart",
        "ReqEnd",
        "DecStart",
        "DecEnd",
        "SpecialtyV",
        "CaseOutcomeV",
    ),
    "Tx": (
        "Fname",
        "Caseno",
        "DoIStart",
        "DoIEnd",
        "ReqStart",
        "ReqEnd",
        "DecStart",
        "DecEnd",
        "SpecialtyV",
        "OutcomeV",
        "SubCategoryV",
    ),
}


def form_date(day: dt.date) -> str:
    """A date as the site's date picker writes it (``M/D/YYYY``; not verified)."""
    return f"{day.month}/{day.day}/{day.year}"


def search_form(
    search: Search,
    *,
    page: int = 1,
    case_number: str = "",
    decided_from: dt.date | None = None,
    decided_to: dt.date | None = None,
) -> list[tuple[str, str]]:
    """The form body of one result page: every criterion, then ``Submit`` on page 1, or
    ``newpageno=N`` and ``Submit=Next`` on page N >= 2."""
    values = {
        "Fname": search,
        "Caseno": case_number,
        "DecStart": form_date(decided_from) if decided_from else "",
        "DecEnd": form_date(decided_to) if decided_to else "",
    }
    body = [(name, values.get(name, "")) for name in _FIELDS[search]]
    if page == 1:
        return [*body, ("Submit", "Submit")]
    return [*body, ("newpageno", str(page)), ("Submit", "Next")]


def pages_for(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


# --- the site's vocabulary ----------------------------------------------------------------------

_DECISIONS: dict[str, Decision] = {"uphold": "upheld", "overturn": "overturned"}
_CASE_OUTCOMES: dict[str, LetterOutcome] = {
    "uphold": "upheld",
    "overturn": "overturned",
    "partial overturn": "partially overturned",
    "partially overturn": "partially overturned",
}
# Specialties the site lists beyond dwc-taxonomy.json's.
_EXTRA_SPECIALTIES = ("Surgery",)
_SUBCATEGORY_SEPARATOR = "*"


def _words(text: str) -> str:
    """Cell text with its runs of white space made one (``Allergy and  Immunology``)."""
    return " ".join(text.split())


def decision(text: str) -> Decision:
    """A request decision as the site writes it (``Uphold``, ``Overturn``)."""
    found = _DECISIONS.get(_words(text).casefold())
    if found is None:
        raise ProtocolError(f"request decision {text!r} is not one of Uphold, Overturn")
    return found


def case_outcome(text: str) -> LetterOutcome:
    """A case outcome (``Uphold``, ``Overturn``, ``Partially Overturn``)."""
    found = _CASE_OUTCOMES.get(_words(text).casefold())
    if found is None:
        raise ProtocolError(
            f"case outcome {text!r} is not one of Uphold, Overturn, Partially Overturn"
        )
    return found


def specialty(text: str) -> str | None:
    """A reviewer specialty, as named in dwc-taxonomy.json (None for an empty cell)."""
    if not _words(text):
        return None
    known = (*load_taxonomy().reviewer_specialties, *_EXTRA_SPECIALTIES)
    by_key = {_words(name).casefold(): name for name in known}
    found = by_key.get(_words(text).casefold())
    if found is None:
        raise ProtocolError(f"reviewer specialty {text!r} is not in dwc-taxonomy.json")
    return found


def request_label(text: str) -> tuple[str, str | None]:
    """A request category string (``Diagnostic Testing * EMG/NCV/NCS *``, ``Pharmaceuticals *
    * Opioids``, ``'Pharmaceuticals *  * Misc Analgesics``) as dwc-taxonomy.json's category and
    subcategory (or drug class; None when the string names none)."""
    parts = [_words(p) for p in text.strip().lstrip("'").split(_SUBCATEGORY_SEPARATOR)]
    named = [p for p in parts if p]
    taxonomy = load_taxonomy()
    if not named or named[0] not in taxonomy.categories:
        raise ProtocolError(f"request category {text!r} is not a category of dwc-taxonomy.json")
    category, rest = named[0], named[1:]
    if not rest:
        return category, None
    # The most specific level is the one stored: the drug class of a pharmaceutical.
    subcategory = rest[-1]
    if not taxonomy.has(category, subcategory):
        raise ProtocolError(f"subcategory {text!r} is not listed under {category!r}")
    return category, subcategory


# --- the result page ----------------------------------------------------------------------------

CASE_CELLS = 6
TX_CELLS = 8
TX_MORE_CELLS = 4  # a further treatment: a colspan cell, then category, subcategory, decision
TX_CARRIED = 5  # the colspan of that first cell: the case's values carried over
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")  # not seen; unambiguous, so read too
_EMPTY_MESSAGE = re.compile(
    r"\b(no (records?|results?|matches|decisions?|cases?)( were)? found|0 (records|results))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A row of the case search: one letter."""

    case_number: str
    pdf_url: str
    outcome: LetterOutcome
    decided: dt.date
    injured: dt.date | None
    received: dt.date | None
    specialty: str | None


@dataclass(frozen=True, slots=True)
class TxRow:
    """A row of the treatment search: one disputed treatment. ``case_number`` is None on a
    further treatment of the case of the row before (its first cell spans the case's values)."""

    case_number: str | None
    pdf_url: str | None
    decided: dt.date | None
    injured: dt.date | None
    received: dt.date | None
    specialty: str | None
    category: str
    subcategory: str | None
    decision: Decision
    label: str  # the site's own category string, as shown


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One result page: the site's total, whether a next page follows, and the rows."""

    total: int
    more: bool
    cases: tuple[CaseRow, ...] = ()
    treatments: tuple[TxRow, ...] = ()


def _date(text: str, what: str, *, required: bool = False) -> dt.date | None:
    text = _words(text)
    if not text and not required:
        return None
    m = _DATE.match(text)
    iso = _ISO_DATE.match(text) if m is None else None
    if m is None and iso is None:
        raise ProtocolError(f"{what} {text!r} is not a date M/D/YYYY")
    try:
        if iso is not None:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        assert m is not None
        return dt.date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        raise ProtocolError(f"{what} {text!r} is not a date") from None


def _link(cell: lxml.html.HtmlElement) -> tuple[str, str]:
    """The case number and the letter's link as the page gives it (site-relative: the
    client joins it to the site, so the rows stay the same whatever --base-url was)."""
    links = _elements(cell, ".//a[@href]")
    if not links:
        raise ProtocolError("a row's first cell holds no link to the letter's PDF")
    number = _words(links[0].text_content())
    if not CASE_NUMBER.match(number):
        raise ProtocolError(f"case number {number!r} is not like CM17-0003591")
    href = links[0].get("href", "").strip()
    if not href:
        raise ProtocolError(f"case {number}'s link to its PDF is empty")
    return number, href


def _elements(node: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    """The elements an XPath finds (lxml types its answers as anything XPath may give)."""
    found = node.xpath(path)
    assert isinstance(found, list)
    return [e for e in found if isinstance(e, lxml.html.HtmlElement)]


def _cells(row: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _total(table: lxml.html.HtmlElement) -> int:
    after = table.getnext()
    if after is None:
        raise ProtocolError("no element follows the results table (where the total is)")
    strong = after if after.tag == "strong" else after.find(".//strong")
    if strong is None:
        raise ProtocolError(f"the <{after.tag}> after the results table holds no <strong> total")
    text = _words(strong.text_content()).replace(",", "")
    if not text.isdigit():
        raise ProtocolError(f"the total {text!r} is not a number")
    return int(text)


def parse_page(html: bytes, search: Search) -> ResultPage:
    """The rows of one result page of ``search``, or ProtocolError naming what differed."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError) as e:
        raise ProtocolError(f"the page is not HTML ({e})") from None
    tables = _elements(
        doc, "//table[contains(concat(' ', normalize-space(@class), ' '), ' tabborder ')]"
    )
    more = bool(_elements(doc, "//form[@name='Nextpage']"))
    if not tables:
        if _EMPTY_MESSAGE.search(" ".join(str(t) for t in doc.itertext())) and not more:
            return ResultPage(0, False)
        raise ProtocolError('no results table (<table class="tabborder">)')
    table = tables[0]
    rows = _elements(table, "./tr | ./thead/tr | ./tbody/tr")
    if not rows:
        raise ProtocolError("the results table has no header row")
    body = rows[1:]
    if not body and not more and _EMPTY_MESSAGE.search(" ".join(str(t) for t in doc.itertext())):
        return ResultPage(0, False)
    total = _total(table)
    if len(body) > PAGE_SIZE:
        raise ProtocolError(f"a page holds {len(body)} rows, more than {PAGE_SIZE}")
    if total == 0 and body:
        raise ProtocolError(f"the total is 0 but the page holds {len(body)} rows")
    if total > 0 and not body:
        raise ProtocolError(f"the total is {total} but the page holds no rows")
    if search == "Case":
        return ResultPage(total, more, cases=tuple(_case_row(r) for r in body))
    return ResultPage(total, more, treatments=tuple(_tx_row(r) for r in body))


def _case_row(row: lxml.html.HtmlElement) -> CaseRow:
    cells = _cells(row)
    if len(cells) != CASE_CELLS:
        raise ProtocolError(f"a case row has {len(cells)} cells, not {CASE_CELLS}")
    number, url = _link(cells[0])
    text = [c.text_content() for c in cells]
    decided = _date(text[2], "decision date", required=True)
    assert decided is not None
    return CaseRow(
        case_number=number,
        pdf_url=url,
        outcome=case_outcome(text[1]),
        decided=decided,
        injured=_date(text[3], "date of injury"),
        received=_date(text[4], "received date"),
        specialty=specialty(text[5]),
    )


def _tx_row(row: lxml.html.HtmlElement) -> TxRow:
    cells = _cells(row)
    text = [c.text_content() for c in cells]
    if len(cells) == TX_MORE_CELLS and cells[0].get("colspan") == str(TX_CARRIED):
        category, subcategory = _labels(text[1], text[2])
        return TxRow(
            None,
            None,
            None,
            None,
            None,
            None,
            category,
            subcategory,
            decision(text[3]),
            _label(text),
        )
    if len(cells) != TX_CELLS:
        raise ProtocolError(
            f"a treatment row has {len(cells)} cells, not {TX_CELLS} (or {TX_MORE_CELLS} with "
            f"a first cell of colspan {TX_CARRIED})"
        )
    number, url = _link(cells[0])
    category, subcategory = _labels(text[5], text[6])
    return TxRow(
        case_number=number,
        pdf_url=url,
        decided=_date(text[1], "decision date", required=True),
        injured=_date(text[2], "date of injury"),
        received=_date(text[3], "received date"),
        specialty=specialty(text[4]),
        category=category,
        subcategory=subcategory,
        decision=decision(text[7]),
        label=_label(text),
    )


def _label(text: list[str]) -> str:
    return " * ".join(_words(t) for t in text[-3:-1])


def _labels(category_cell: str, subcategory_cell: str) -> tuple[str, str | None]:
    """Category and subcategory/drug class from their two cells. A cell may hold the site's
    joined string (``Pharmaceuticals *  * Opioids``) instead of the bare name: both read."""
    category_text = _words(category_cell)
    sub_text = _words(subcategory_cell)
    if _SUBCATEGORY_SEPARATOR in category_text:
        return request_label(category_text)
    if _SUBCATEGORY_SEPARATOR in sub_text:
        return request_label(sub_text)
    return request_label(f"{category_text} * {sub_text}")
