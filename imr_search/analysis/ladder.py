"""The "same kind" ladder of precedents (``imr_search.analysis.precedents``): the rungs a
classified request climbs down, most specific first, what each rung's items share with the
request, and the sentence that says when the answer is about a broader group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from imr_search.analysis.terms import content_words
from imr_search.model import Classification, Item
from imr_search.parse.classify import REGION_NAMES
from imr_search.search.documents import drug_terms, item_regions
from imr_search.search.syntax import any_of
from imr_search.search.tree import And, Node, Or, Term, all_of
from imr_search.search.vocabulary import Vocabulary, vocabulary

# Words of the request that rank the sampled items (and make the "service words" rung): enough
# to find the wording, few enough to keep the query fast on 160,000 items.
REQUEST_WORDS = 8


@dataclass(frozen=True, slots=True)
class Rung:
    """One step of the "same kind" ladder: its name, a description, and what its items share
    with the request: ``fields`` (query-language field -> value), or for the last rung, any of
    the request's ``words`` in the service text."""

    name: str
    label: str
    fields: dict[str, str]
    words: tuple[str, ...] = ()
    # Words the service text must all have (the "service" rung), beside ``fields``.
    service: tuple[str, ...] = ()
    # Other ways of writing that service (``service_forms``: "esi", "epidural injection"),
    # each a tuple of words the service text must all have; ``service`` is one of them.
    forms: tuple[tuple[str, ...], ...] = ()

    @property
    def _forms(self) -> tuple[tuple[str, ...], ...]:
        return self.forms or ((self.service,) if self.service else ())

    @property
    def query(self) -> str:
        """The rung in the query language (shown to the user, who can search it)."""
        if self.words:
            return f"service:({' OR '.join(self.words)})"
        parts = [f'{k}:"{v.replace(chr(34), " ")}"' for k, v in self.fields.items()]
        forms = [f[0] if len(f) == 1 else f"({' AND '.join(f)})" for f in self._forms]
        if len(self._forms) == 1:
            forms = [" AND ".join(self._forms[0])]
        parts += [f"service:({' OR '.join(forms)})"] if forms else []
        return " AND ".join(parts)

    @property
    def tree(self) -> Node:
        """The rung as a query tree (what the engine is given)."""
        if self.words:
            return any_word("service", self.words)
        written = [And(tuple(Term("service", w) for w in f)) for f in self._forms]
        service = [written[0] if len(written) == 1 else Or(tuple(written))] if written else []
        return all_of(*(any_of(k, [v]) for k, v in self.fields.items()), *service)


# -- the ladder --------------------------------------------------------------------------------


def ladder(c: Classification, request: str, vocab: Vocabulary | None = None) -> list[Rung]:
    """The rungs that apply to a classified request, most specific first (see the module
    docstring). A rung selecting the same items as an earlier one is left out. ``vocab``
    (default: the built-in one) gives the other ways of writing the service."""
    cat = {"category": c.category} if c.category else {}
    drug = c.drug.name if c.drug else None
    service = () if drug else service_words(request)
    forms = service_forms(service, vocab or vocabulary()) if service else ()
    service_fields: dict[str, str | None] = (
        {**cat, "subcategory": c.subcategory} if c.subcategory else dict(cat)
    )
    candidates: list[tuple[str, str, dict[str, str | None]]] = [
        ("drug", f"same drug: {drug}", {"drug": drug}),
        (
            "modality+region",
            f"same test and region: {c.modality}, {c.body_region}",
            {**cat, "modality": c.modality, "region": c.body_region},
        ),
        (
            "subcategory+region",
            f"same subcategory and region: {c.subcategory}, {c.body_region}",
            {**cat, "subcategory": c.subcategory, "region": c.body_region},
        ),
        ("modality", f"same test: {c.modality}", {**cat, "modality": c.modality}),
        (
            "service",
            f"same service at any level or side: {' '.join(service)}",
            service_fields,
        ),
        (
            "subcategory",
            f"same subcategory: {c.subcategory}",
            {**cat, "subcategory": c.subcategory},
        ),
        ("category", f"same category: {c.category}", {"category": c.category}),
    ]
    if not c.category:
        candidates.append(("region", f"same region: {c.body_region}", {"region": c.body_region}))
    rungs: list[Rung] = []
    for name, label, fields in candidates:
        known = {k: v for k, v in fields.items() if v}
        words = service if name == "service" else ()
        if name == "service" and (
            not words or not known or c.modality or set(words) <= _words_of(c.subcategory)
        ):
            # Nothing but its place names the service; or a test (its own rung); or the
            # subcategory already names it ("physical therapy" is PT/OT): the words would only
            # drop the items that say it otherwise ("PT 2x6").
            continue
        if len(known) == len(fields) and all(
            (known, words) != (r.fields, r.service) for r in rungs
        ):
            rungs.append(Rung(name, label, known, service=words, forms=forms if words else ()))
    words = tuple(query_words(content_words(request), REQUEST_WORDS))
    if words:
        rungs.append(Rung("service words", f"service text mentions: {', '.join(words)}", {}, words))
    return rungs


# Words that say where or how much, not what: a service "at any level or side" leaves them out.
_PLACES = """left right bilateral bilat unilateral side level levels cervical thoracic lumbar
lumbosacral sacral sacroiliac spine spinal neck back low lower upper mid region area
retrospective retro request purchase rental times time week weeks visit visits session
sessions day days month months unit units additional outpatient inpatient associated
service services one two three four five six seven eight nine ten eleven twelve
fifteen sixteen eighteen twenty thirty once twice per every"""
_PLACE_WORDS = frozenset(_PLACES.split())
SERVICE_WORDS = 3  # the most specific words that name a service


def _words_of(name: str | None) -> set[str]:
    return set(content_words(name or ""))


def service_words(request: str) -> tuple[str, ...]:
    """The words that name the service of ``request`` wherever it is done: its content words
    without place, side, spinal level ("C5-6", "L4-L5"), amounts or body regions, the
    ``SERVICE_WORDS`` longest, in the request's order ("Cervical epidural steroid injection
    C5-6" -> epidural, steroid, injection)."""
    places = _PLACE_WORDS | {w for name in REGION_NAMES for w in name.lower().split()}
    kept = [
        w
        for w in dict.fromkeys(content_words(request))
        if w.isalpha() and len(w) > 2 and w not in places
    ]
    longest = set(sorted(kept, key=lambda w: -len(w))[:SERVICE_WORDS])
    return tuple(w for w in kept if w in longest)


# The most ways of writing one service a rung searches (each one more OR in its query).
MAX_FORMS = 24


def service_forms(words: tuple[str, ...], vocab: Vocabulary) -> tuple[tuple[str, ...], ...]:
    """``words`` (``service_words`` of a request) and the other ways the vocabulary writes that
    service at any level or side, each as the words a service text must all have: "epidural
    steroid injection" -> ``esi``, ``cesi``, ``tfesi``, ``epidural injection`` ...; ``cesi``
    -> its long form without the place, "epidural steroid injection", and that one's forms.
    A whole run of the words is looked up, then each word in its place."""
    forms: list[tuple[str, ...]] = [words]

    def add(text: str, again: bool) -> None:
        for alt in vocab.alternatives(text):
            placeless = service_words(alt)
            if placeless and placeless not in forms and len(forms) < MAX_FORMS:
                forms.append(placeless)
                # A place left out ("cervical esi" -> esi): the service at any level is asked.
                if again and " ".join(placeless) != " ".join(alt.split()):
                    add(" ".join(placeless), again=False)

    add(" ".join(words), again=True)
    if len(words) > 1:
        for i, word in enumerate(words):
            alternatives = vocab.alternatives(word)
            if alternatives and word in vocab.long_forms:
                # A short form names the service by itself ("ESI injection": any ESI).
                if (word,) not in forms:
                    forms.append((word,))
                add(word, again=True)
            for alt in alternatives:
                swapped = tuple(dict.fromkeys((*words[:i], *service_words(alt), *words[i + 1 :])))
                if swapped not in forms and len(forms) < MAX_FORMS:
                    forms.append(swapped)
    # A form holding all the words of another adds no item: "epidural" finds every
    # "epidural injection".
    return tuple(f for f in forms if not any(set(g) < set(f) for g in forms))


def query_words(candidates: Sequence[str], limit: int) -> list[str]:
    """Up to ``limit`` distinct words safe to put in a query, longest first (long words are
    the specific ones: "radiculopathy", not "pain")."""
    distinct = list(dict.fromkeys(w for w in candidates if w.isalnum() and len(w) > 2))
    return sorted(distinct, key=lambda w: -len(w))[:limit]


def any_word(field_name: str, words: Sequence[str]) -> Node:
    return Or(tuple(Term(field_name, w) for w in words))


def rung_of(item: Item, c: Classification, rungs: Sequence[Rung]) -> str:
    """The most specific rung the item shares with the request ("drug+strength" above all)."""
    # Regions and drug terms are lists, as the region and drug filters match them.
    have: dict[str, list[str]] = {
        "category": [item.category] if item.category else [],
        "subcategory": [item.subcategory] if item.subcategory else [],
        "region": item_regions(item),
        "modality": [item.modality] if item.modality else [],
        "drug": drug_terms(item),
    }
    strength = c.drug.strength if c.drug else None
    same = c.drug is not None and item.drug is not None and item.drug.name == c.drug.name
    if (
        same
        and strength
        and item.drug
        and _strength_key(item.drug.strength) == _strength_key(strength)
    ):
        return "drug+strength"
    service = set(content_words(item.service))
    for rung in rungs:
        if rung.words or (
            all(
                (v or "").lower() in [h.lower() for h in have.get(k, [])]
                for k, v in rung.fields.items()
            )
            and (
                not rung.service
                or any(service.issuperset(f) for f in rung.forms or (rung.service,))
            )
        ):
            return rung.name
    return "other"


def _strength_key(strength: str | None) -> str:
    """A strength compared without its unit spelling ("10/325" is "10/325mg")."""
    return re.sub(r"[a-zµ%]+$", "", (strength or "").lower().replace(" ", ""))


# What the items of a broader rung all are, for the fallback sentence.
_BROADER: dict[str, str] = {
    "modality+region": "{modality} of the {region}",
    "subcategory+region": "{subcategory}, {region}",
    "modality": "{modality} requests",
    "subcategory": "{subcategory}",
    "category": "{category}",
    "region": "requests for the {region}",
}


def fallback_text(c: Classification, first: Rung, chosen: Rung) -> str | None:
    """The sentence that says the answer is about a broader group than the request's own
    kind ("No decided request of this kind; these are all Pharmaceuticals"), or None when
    the request's own rung matched."""
    if chosen.name == first.name:
        return None
    kind = first.label.split(": ", 1)[-1]
    if chosen.words:
        group = f"items whose service text mentions {', '.join(chosen.words)}"
        return f"No decided request of this kind ({kind}); these are {group}, not the same service"
    values = {
        "category": c.category,
        "subcategory": c.subcategory,
        "modality": c.modality.upper() if c.modality in ("mri", "ct", "pet") else c.modality,
        "region": c.body_region,
    }
    if chosen.service:
        group = f"{' '.join(chosen.service)} requests at any level or side"
        return f"No decided request of this kind ({kind}); these are all {group}"
    group = _BROADER.get(chosen.name, chosen.label).format(**values)
    return f"No decided request of this kind ({kind}); these are all {group}"
