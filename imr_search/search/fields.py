"""The fields of the query language: names, kinds, descriptions and the values of enum fields.

One table for the parser, the filters, the documents and every engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from imr_search.errors import QueryError
from imr_search.model import LETTER_OUTCOMES, REASON_CODES

# -- the fields ------------------------------------------------------------------------------

FieldKind = Literal["text", "keyword", "date", "int", "enum"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: FieldKind
    description: str
    # Values of an enum field (the first spelling is the indexed one; see ENUM_SYNONYMS).
    values: tuple[str, ...] = ()


_FIELDS = (
    Field(
        "about",
        "text",
        "the disputed service and what the parser derived from it (drug, ingredients, brand, "
        "category, subcategory, modality, body region): what plain words search",
    ),
    Field("service", "text", "the disputed service text"),
    Field("decision", "enum", "upheld or overturned", ("upheld", "overturned")),
    Field("category", "keyword", "DWC request category"),
    Field("subcategory", "keyword", "DWC request subcategory"),
    Field("drug", "keyword", "generic drug name (or one ingredient, or the brand)"),
    Field("region", "keyword", "body region"),
    Field("modality", "keyword", "diagnostic modality"),
    Field("specialty", "keyword", "reviewer specialty"),
    Field("state", "keyword", "reviewer license state (USPS code or name)"),
    Field("guideline", "text", "guideline citation text (both sides)"),
    Field("mtus", "keyword", "MTUS part cited by the IMR"),
    Field("rationale", "text", "the reviewer's rationale"),
    Field("summary", "text", "the case summary"),
    Field("case", "keyword", "case number"),
    Field("decided", "date", "decision date"),
    Field("injured", "date", "date of injury"),
    Field("assigned", "date", "date assigned"),
    Field("age", "int", "patient age"),
    Field("sex", "enum", "patient sex", ("male", "female")),
    Field("partial", "enum", "partly authorised request (true/false)", ("true", "false")),
    # DWC's decision search: the letter's case outcome and its other dates.
    Field("outcome", "enum", "the letter's case outcome", LETTER_OUTCOMES),
    Field("received", "date", "date the IMR application was received"),
    Field("urdenial", "date", "date of the UR denial"),
    # The guideline citator and eras (imr_search/citator.py, imr_search/eras.py).
    Field("citation", "keyword", "guideline section the IMR cited (MTUS > Part Year > Section)"),
    Field("urcitation", "keyword", "guideline section the claims administrator cited"),
    Field("cites", "keyword", "guidelines the IMR cited: none, MTUS only, outside MTUS, both"),
    Field("era", "keyword", "guideline era of the request (docs/eras.md; era:current)"),
    # What the decision rests on (docs/reasons.md); an item has one to three.
    Field("reason", "enum", "what the decision rests on (docs/reasons.md)", REASON_CODES),
)
# Query-language field name -> its description (the README's table).
FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}
QUERY_FIELDS: dict[str, str] = {f.name: f.description for f in _FIELDS}
# Fields only filters and internal trees use; every engine indexes them too.
INTERNAL_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("letter_id", "keyword", "the letter id"),
        Field("gsource", "keyword", "IMR citation source (MTUS, ODG, ACOEM, other, none)"),
    )
}
ALL_FIELDS: dict[str, Field] = {**FIELDS, **INTERNAL_FIELDS}
# Plain words answer "decisions about" them: they search ``about``, the service and what the
# parser derived from it. ``EVERYWHERE_FIELDS`` is the wider scope (``--everywhere``,
# ``scope=everywhere``), also the texts that only mention a service: rationale, summary and
# the guideline citations; it is also where a plain query that no service matches is searched
# (a phrase of reasoning, "functional improvement").
DEFAULT_FIELDS: tuple[str, ...] = ("about",)
EVERYWHERE_FIELDS: tuple[str, ...] = ("about", "rationale", "summary", "guideline")
FIELD_BOOSTS: dict[str, float] = {"about": 2.0}
TEXT_FIELDS = frozenset(f.name for f in _FIELDS if f.kind == "text")
DATE_FIELDS = frozenset(f.name for f in _FIELDS if f.kind == "date")
# Date fields that searches bound beside the decision date (``SearchRequest.ranges``; the CLI's
# ``--received-from/--received-to``, the API's ``received_from/received_to``), as DWC's
# decision search does.
RANGE_FILTERS: tuple[str, ...] = ("received", "injured", "urdenial")
ENUM_SYNONYMS: dict[str, dict[str, str]] = {
    "partial": {"yes": "true", "no": "false"},
    # DWC's own words for the case outcomes (its search form says Uphold / Overturn / Partially
    # Overturn).
    "outcome": {
        "uphold": "upheld",
        "overturn": "overturned",
        "partially overturn": "partially overturned",
        "partial": "partially overturned",
        "partially": "partially overturned",
    },
}

# Age bands of the ``age`` facet and filter: label -> inclusive (low, high).
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "<30": (None, 29),
    "30-39": (30, 39),
    "40-49": (40, 49),
    "50-59": (50, 59),
    "60+": (60, None),
}
# The longest word spelling suggestions look for a correction of: Whoosh compares a word with
# every indexed word, at a cost that grows with its length (a 1,000-letter word took 10 s and
# cannot be stopped), and no misspelt word of a letter is this long.
MAX_CORRECTED_LENGTH = 40
# The unknown words of one query given a correction search: a search box query with more words
# no item has is not a typo (200 such words cost Whoosh 3 s of correction searches, every one of
# them run before the answer). The words past it are searched as typed, with no suggestion.
MAX_CORRECTED_WORDS = 8
# The oldest age a query may name (``age:[60 TO 200]`` is a query error, never an engine's).
MAX_AGE = 150
# The words one pattern (``lumb*``) may stand for: past it the pattern is a QueryError asking
# for a longer prefix, in every engine (a pattern over every word would cost a search of each).
MAX_EXPANSIONS = 2000
# The words all the patterns of one query may stand for together: twice what one may. Each
# search compiles them anew and neither engine can stop while it does, so 182 OR-ed prefixes
# (each under the limit above) made one citator answer 20 s on Whoosh. Past it: a query error.
MAX_QUERY_EXPANSIONS = 2 * MAX_EXPANSIONS


class ExpansionBudget:
    """The words one query's patterns have stood for so far (an engine's compiler keeps one
    per query, and expands a pattern written twice once): ``spend`` raises QueryError past
    either limit."""

    def __init__(self, per_pattern: int = MAX_EXPANSIONS) -> None:
        self.per_pattern = per_pattern
        self.total = per_pattern * MAX_QUERY_EXPANSIONS // MAX_EXPANSIONS
        self.spent = 0

    def spend(self, pattern: str, words: int) -> None:
        if words > self.per_pattern:
            raise QueryError(
                f"{pattern!r} matches too many terms (more than {self.per_pattern}); "
                "make the pattern longer",
                hint="use more letters before the *",
            )
        self.spent += words
        if self.spent > self.total:
            raise QueryError(
                f"the query's patterns match too many terms together (more than "
                f"{self.total}, at {pattern!r}); use fewer patterns or longer ones",
                hint="use more letters before each *",
            )


# IMR citation sources of the ``guideline`` facet and filter; "none" when the IMR cited nothing.
GUIDELINE_VALUES = ("MTUS", "ODG", "ACOEM", "other", "none")
