"""Guideline citations: the "Claims Administrator guideline:" / "MAXIMUS guideline:" paragraphs.

A paragraph chains "Decision based on ..." sentences. An MTUS sentence may chain several MTUS
parts ("MTUS Neck and Upper Back Complaints 2004, Section(s): Initial Care, and Shoulder
Complaints 2004, ..."); a Non-MTUS sentence may list several guidelines. Each named guideline
becomes one ``Citation`` (docs/vocabulary.md, "Guideline citations"). Pure string work; any
string parses (unrecognised text ends up as ``source="other"``), nothing raises.
"""

from __future__ import annotations

import re
from typing import Final

from imr_search.model import Citation
from imr_search.parse.text import loose


def _loose(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    # pypdf's layout mode splits the structural words too ("Non -MTUS", "S houlder").
    return re.compile(loose(pattern), flags)


# --- paragraph level ------------------------------------------------------------------------

_WHO = (
    r"(?:The\s+)?(?:Claims\s+Administrator|Expert\s+Reviewer|IMR\s+Reviewer|Reviewer"
    r"|Physician\s+Reviewer)"
)
_BOILERPLATE = _loose(
    _WHO + r"\s*(?:based\s*(?:their|his|her|its)\s*decision\s*on\s*recommendations?(?:\(s\))?"
    r"\s*outside\s*(?:of\s*)?the\s*MTUS(?:\s*Guidelines)?"
    r"|did\s*not\s*cite\s*any\s*(?:medical\s*)?evidence(?:[\s-]*based\s*criteria)?\s*for\s*"
    r"(?:its|their|his|her|the)\s*"
    r"decision|did\s*not\s*base\s*(?:its|their|his|her)\s*decision\s*on\s*the\s*MTUS)\s*\.?",
    re.I,
)
_DECISION_BASED_ON = _loose(r"Decision\s+based\s+on\s*:?\s*")
# "Platelet- rich", "Non -MTUS": a hyphen with a space on one side only is a broken word,
# between word characters. The lookbehinds come after the hyphen and space they look past, so
# the regex starts with a literal the engine scans for, where "(?<=\w)- (?=\w)|..." is tried at
# every position (docs/benchmarks.md, "Pattern rewrites").
_BROKEN_HYPHEN = re.compile(r"(?:- (?<=\w- )| -(?<=\w -))(?=\w)")
_NON_MTUS = _loose(r"^Non\s*-?\s*MTUS\s*(?:Citations?)?\s*:?\s*")
_MTUS = _loose(r"^(?:CA\s+|California\s+)?MTUS\b\s*:?\s*")
# A web address broken over lines: "...-skilled- nursing-care" is one address. Joined word by
# word (``_join_urls``): a pattern searching for an address start inside a long run of
# non-spaces retried the run at every "www." in it (docs/benchmarks.md, "Hostile input").
_URL_START = re.compile(r"https?://|www\.", re.I)
_URL_BREAK = "-/_.=?&"
_URL_GOES_ON = re.compile(r"[\w%-]")
_TRIM = " \t.,;:"


def parse_citations(text: str | None) -> list[Citation]:
    """One Citation per guideline a citation paragraph names; [] when it names none."""
    if not text:
        return []
    flat = _join_urls(re.sub(r"\s+", " ", text))
    flat = _BROKEN_HYPHEN.sub("-", flat)
    if _PART_OF_MTUS.search(flat):
        return _notice_style(flat)
    flat = _BOILERPLATE.sub(" ", flat)
    citations: list[Citation] = []
    for sentence in _DECISION_BASED_ON.split(flat):
        sentence = sentence.strip(_TRIM)
        if not sentence:
            continue
        non_mtus = _NON_MTUS.match(sentence)
        if non_mtus:
            citations.extend(_non_mtus(sentence[non_mtus.end() :]))
        elif _MTUS.match(sentence):
            citations.extend(_mtus(sentence))
        else:
            citations.extend(_non_mtus(sentence))
    return citations


# --- 2013 wording ---------------------------------------------------------------------------
# "The Claims Administrator based its decision on the Chronic Pain Medical Treatment Guidelines
# (May 2009), CRPS, sympathetic and epidural blocks, pages 39-40, which are part of the MTUS."
# "... the Official Disability Guidelines (ODG), Pain Chapter, Opioids, which is not part of
# the MTUS." The professional-review layout starts the paragraph with the guideline itself.
_PART_OF_MTUS = re.compile(r",?\s*which\s+(?:is|are)\s+(not\s+)?part\s+of\s+the\s+MTUS\b", re.I)
_NOTICE_LEAD = re.compile(
    r"^.*?(?:based\s+(?:its|his/her|his|her|their)\s+decision\s+on|also\s+cited)\s+", re.I
)
_NOTICE_EDITION = re.compile(r"\(\s*(?:[A-Za-z]+\.?\s+)?((?:19|20)\d{2})\s*\)")
_NOTICE_PAGES = re.compile(r",?\s*\b(?:pages?|pp?\.|pg\.?)\s*([\dTable ,&-]+?)\s*$", re.I)


def _notice_style(flat: str) -> list[Citation]:
    citations: list[Citation] = []
    start = 0
    for m in _PART_OF_MTUS.finditer(flat):
        chunk = flat[start : m.start()]
        start = m.end()
        # The guideline named in this sentence: after its lead-in, else the sentence itself.
        sentence = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", chunk.strip(" ."))[-1]
        core = _NOTICE_LEAD.sub("", sentence).strip(_TRIM)
        core = re.sub(r"^the\s+", "", core, flags=re.I)
        if not core:
            continue
        if m.group(1):  # not part of the MTUS
            citations.extend(_non_mtus(core))
        else:
            citations.append(_notice_mtus(core))
    return citations


def _notice_mtus(core: str) -> Citation:
    anchor = _PART_ANCHOR.search(core)
    part = chapter = None
    if anchor:
        _, part, chapter = _MTUS_PARTS[
            next(i for i in range(len(_MTUS_PARTS)) if anchor.group(f"p{i}"))
        ]
    explicit = _CHAPTER.search(core)
    if explicit:
        chapter = int(explicit.group(1))
    edition_m = _NOTICE_EDITION.search(core)
    pages_m = _NOTICE_PAGES.search(core)
    pages = _clean(pages_m.group(1)) if pages_m else None
    section = None
    if anchor:
        # What follows the part, its edition and chapter, up to the pages, is the section.
        rest = core[anchor.end() : pages_m.start() if pages_m else len(core)]
        rest = _NOTICE_EDITION.sub(" ", rest)
        rest = _CHAPTER.sub(" ", rest)
        section = _clean(rest)
    return Citation(
        source="MTUS",
        part=part,
        edition=int(edition_m.group(1)) if edition_m else None,
        chapter=chapter,
        section=section,
        pages=pages,
        text=_clean(core) or core,
    )


def _join_urls(text: str) -> str:
    """``text`` (single-spaced) with each address broken after a separator ("-", "/", ...)
    joined to the word that continues it."""
    out: list[str] = []
    # The pieces of the address being joined, joined once at its end: growing one string piece
    # by piece copied it each time (quadratic in a run of broken addresses).
    address: list[str] = []
    for word in text.split(" "):
        if address and _URL_GOES_ON.match(word):
            address.append(word)
            if not word or word[-1] not in _URL_BREAK:
                out.append("".join(address))
                address = []
            continue
        if address:
            out.append("".join(address))
            address = []
        if word and word[-1] in _URL_BREAK:
            start = _URL_START.search(word)
            if start is not None and start.end() < len(word):
                address = [word]  # an address that goes on in the next word
                continue
        out.append(word)
    if address:
        out.append("".join(address))
    return " ".join(out)


def _clean(text: str | None) -> str | None:
    """Whitespace normalised, separators trimmed; None when nothing is left."""
    if text is None:
        return None
    out = re.sub(r"\s+", " ", text).strip(_TRIM + " -–")
    return out or None


# --- MTUS -----------------------------------------------------------------------------------

# (pattern, canonical part name, ACOEM chapter). Chapters 1-7 (General Approaches) have no
# single number, so none is given.
_MTUS_PARTS: Final[tuple[tuple[str, str, int | None], ...]] = (
    (r"Neck\s+(?:and|&)\s+Upper\s+Back\s+Complaints", "Neck and Upper Back Complaints", 8),
    (r"Shoulder\s+Complaints", "Shoulder Complaints", 9),
    (r"Elbow\s+(?:Complaints|Disorders)", "Elbow Complaints", 10),
    (
        r"Forearm,?\s+Wrist,?\s+(?:and|&)\s+Hand\s+Complaints",
        "Forearm, Wrist, and Hand Complaints",
        11,
    ),
    (r"Low\s+Back\s+Complaints", "Low Back Complaints", 12),
    (r"Knee\s+Complaints", "Knee Complaints", 13),
    (r"Ankle\s+(?:and|&)\s+Foot\s+Complaints", "Ankle and Foot Complaints", 14),
    (r"Stress[-\s]+Related\s+Conditions", "Stress Related Conditions", 15),
    (r"General\s+Approaches", "General Approaches", None),
    (r"Chronic\s+Pain\s+Medical\s+Treatment", "Chronic Pain Medical Treatment", None),
    (r"Opioids?\s+Treatment", "Opioid Treatment", None),
    (r"Acupuncture\s+(?:Medical\s+)?Treatment", "Acupuncture Treatment", None),
    (r"Post-?\s*surgical\s+Treatment", "Postsurgical Treatment", None),
)
_PART_ANCHOR = _loose(
    "(?:"
    + "|".join(f"(?P<p{i}>{p})" for i, (p, _, _) in enumerate(_MTUS_PARTS))
    + r")(?:\s+Guidelines)?",
    re.I,
)
_CHAPTER_BEFORE = re.compile(r"Chapter\s+(\d{1,3})[\s,:-]*+$", re.I)
_CHAPTER = re.compile(r"Chapter\s+(\d{1,3})", re.I)
# What joins one chained part to the next ("..., and ACOEM Chapter 9 ").
_CHAIN_TAIL = re.compile(
    r"(?:[,;]?\s*(?:and|&)\s*)?(?:MTUS\s*)?(?:ACOEM\s*)?(?:Chapter\s+\d{1,3}\s*)?[\s,.;:]*$", re.I
)
_EDITION = re.compile(r"^\(?((?:19|20)\d{2})\)?")
# The date after "Effective" is short ("July 18, 2009"): a bounded gap keeps a search linear.
_EFFECTIVE = re.compile(r"\(?\s*Effective[^)]{0,40}?((?:19|20)\d{2})\s*\)?", re.I)
_PAGES = _loose(r"\bPages?\s*(?:\(s\))?\s*:?\s*(.*)$")
_SECTIONS = _loose(r"\bSections?\s*(?:\(s\))?\s*:\s*(.*)$")


# A later part is chained on with "and" (or a comma) and followed by its edition year; this
# keeps "Chronic Opioid Treatment" inside a section title from starting a new part.
_JOINER = re.compile(r"(?:[,;]|\band)\s*(?:MTUS\s+)?(?:ACOEM\s+)?(?:Chapter\s+\d{1,3}\s*)?$", re.I)
# Patterns anchored at the end (``$``) are searched in the last characters only: a search
# otherwise tries every earlier position, which for each of many parts costs the square of
# the sentence (docs/benchmarks.md, "Hostile input"). Longer than any match.
_TAIL = 64
_PART_FOLLOWER = re.compile(r"\s*,?\s*(?:(?:19|20)\d{2}\b|Guidelines|Page|$)", re.I)


def _anchors(sentence: str) -> list[re.Match[str]]:
    anchors: list[re.Match[str]] = []
    for m in _PART_ANCHOR.finditer(sentence):
        chained = _JOINER.search(sentence, max(0, m.start() - _TAIL), m.start()) and (
            _PART_FOLLOWER.match(sentence, m.end())
        )
        if not anchors or chained:
            anchors.append(m)
    return anchors


def _mtus(sentence: str) -> list[Citation]:
    anchors = _anchors(sentence)
    if not anchors:
        return [_mtus_unnamed(sentence)]
    citations = []
    for i, anchor in enumerate(anchors):
        end = anchors[i + 1].start() if i + 1 < len(anchors) else len(sentence)
        body = _drop_chain_tail(sentence[anchor.end() : end])
        start = 0 if i == 0 else anchor.start()
        before = sentence[anchors[i - 1].end() if i else 0 : anchor.start()]
        citations.append(_mtus_part(anchor, before, body, sentence[start : anchor.end()] + body))
    return citations


def _drop_chain_tail(body: str) -> str:
    # Separators first (a run of 100,000 commas), then the joining words in the last few
    # characters (see _TAIL).
    body = body.rstrip(" \t\n,.;:")
    cut = max(0, len(body) - _TAIL)
    return body[:cut] + _CHAIN_TAIL.sub("", body[cut:])


def _mtus_part(anchor: re.Match[str], before: str, body: str, text: str) -> Citation:
    index = int(next(k for k, v in anchor.groupdict().items() if v is not None)[1:])
    _, part, chapter = _MTUS_PARTS[index]
    explicit = _CHAPTER_BEFORE.search(before, max(0, len(before) - _TAIL))
    edition, section, pages = _edition_section_pages(body)
    return Citation(
        source="MTUS",
        part=part,
        edition=edition,
        chapter=int(explicit.group(1)) if explicit else chapter,
        section=section,
        pages=pages,
        text=_clean(text) or "",
    )


def _mtus_unnamed(sentence: str) -> Citation:
    """ "MTUS ACOEM Chapter 12 Page(s): 309" or "MTUS (Effective July 18, 2009) Page(s): 99"."""
    body = _MTUS.sub("", sentence)
    effective = _EFFECTIVE.search(body)
    body = _EFFECTIVE.sub(" ", body)
    chapter = _CHAPTER.search(body)
    body = re.sub(
        r"^\s*(?:ACOEM)?\s*(?:Chapter\s+\d{1,3})?\s*(?:Guidelines)?", "", body, flags=re.I
    )
    edition, section, pages = _edition_section_pages(body)
    number = int(chapter.group(1)) if chapter else None
    by_chapter = {c: p for _, p, c in _MTUS_PARTS if c is not None}
    return Citation(
        source="MTUS",
        part=by_chapter.get(number) if number is not None else None,
        edition=int(effective.group(1)) if effective else edition,
        chapter=number,
        section=section,
        pages=pages,
        text=_clean(sentence) or "",
    )


def _edition_section_pages(body: str) -> tuple[int | None, str | None, str | None]:
    """Split what follows a part name: "2016, Section(s): X" / "Topical Analgesics Page(s): 1"."""
    rest = body.strip(_TRIM)
    edition = None
    m = _EDITION.match(rest)
    if m:
        edition = int(m.group(1))
        rest = rest[m.end() :]
    pages = None
    m = _PAGES.search(rest)
    if m:
        pages = _clean(re.sub(r"\s*,\s*", ", ", m.group(1)))
        rest = rest[: m.start()]
    m = _SECTIONS.search(rest)
    section = _clean(m.group(1)) if m else _clean(rest)
    return edition, section, pages


# --- outside the MTUS -----------------------------------------------------------------------

_SOURCE_START = (
    r"(?:Official\s+Disability|ODG\b|ACOEM\b|APG\s|American\s+College\s+of\s+Occupational"
    r"|UpToDate|Up\s+To\s+Date|https?://|www\.)"
)
_NEXT_GUIDELINE = _loose(r"[,;]\s+(?=" + _SOURCE_START + ")")
_IS_ODG = _loose(r"Official\s+Disability\s+Guidelines|\bODG\b")
_IS_ACOEM = re.compile(r"\bACOEM\b|\bAPG\s|American\s+College\s+of\s+Occupational", re.I)


def _non_mtus(sentence: str) -> list[Citation]:
    citations = []
    for piece in _NEXT_GUIDELINE.split(sentence):
        text = _clean(piece)
        if not text:
            continue
        if _IS_ODG.match(text) or (_IS_ODG.search(text) and not _IS_ACOEM.match(text)):
            citations.append(_odg(text))
        elif _ODG_CHAPTER.match(text):
            # "Non-MTUS Citation Neck and Upper Back, Physical Therapy": an ODG chapter and
            # topic named without the guideline's name; no other guideline is organised so.
            citations.append(_odg(text))
        elif _IS_ACOEM.search(text):
            citations.append(_acoem(text))
        else:
            citations.append(Citation(source="other", text=text))
    return citations


_ODG_NAME = _loose(
    r"^(?:the\s+)?(?:ODG\s+Treatment\s+(?:Integrated\s+Treatment\s*/\s*Disability\s+Duration"
    r"\s+Guidelines|in\s+Workers'?\s*Comp\w*)|Official\s+Disability\s+Guidelines"
    r"(?:\s*\(ODG\))?|ODG)(?:\s+Guidelines)?[\s,:;-]*",
    re.I,
)
# Edition notes that are neither part nor section.
_ODG_NOISE = re.compile(
    r"\((?:updated|last\s+updated)[^)]*\)|\(?\bonline\s+version\b\)?|\bweb\s+version\b,?", re.I
)
# ODG chapter names that contain commas ("Forearm, Wrist & Hand"), so a comma cannot end them.
_ODG_CHAPTER = _loose(
    r"^(?:Forearm,?\s+Wrist,?\s+(?:and|&)\s+Hand|Neck\s+(?:and|&)\s+Upper\s+Back"
    r"|Low\s+Back(?:\s+(?:and|&)\s+Thoracic)?|Knee\s+(?:and|&)\s+Leg|Ankle\s+(?:and|&)\s+Foot"
    r"|Hip\s+(?:and|&)\s+Pelvis|Mental\s+Illness\s+(?:and|&)\s+Stress|Shoulder|Elbow|Pain"
    r"|Head|Chronic\s+Pain)\b(?:\s+chapter)?(?:\s*\(Acute\s*(?:and|&)\s*Chronic\))?"
    r"(?:\s+chapter)?(?:\s+guidelines)?",
    re.I,
)
_PART_SECTION_SEPARATOR = re.compile(r"\s[-–]\s|:|,")


def _odg(text: str) -> Citation:
    rest = _ODG_NOISE.sub(" ", _ODG_NAME.sub("", text, count=1)).strip(_TRIM)
    edition = None
    m = _EDITION.match(rest)
    if m:
        edition = int(m.group(1))
        rest = rest[m.end() :].strip(_TRIM)
    chapter = _ODG_CHAPTER.match(rest)
    if chapter:
        part, section = chapter.group(0), rest[chapter.end() :]
    else:
        sep = _PART_SECTION_SEPARATOR.search(rest)
        part, section = (rest[: sep.start()], rest[sep.end() :]) if sep else (rest, "")
    part = re.sub(r"\b(?:chapter|guidelines)\b", " ", part, flags=re.I)
    part = re.sub(r"\s*&\s*", " & ", part)  # "(Acute& Chronic)" from layout extraction
    return Citation(
        source="ODG", part=_clean(part), edition=edition, section=_clean(section), text=text
    )


_ACOEM_NAME = re.compile(
    r"^(?:the\s+)?(?:APG\s+(?:1|I)\s+Plus|American\s+College\s+of\s+Occupational\s+and"
    r"\s+Environmental\s+Medicine(?:\s*\(ACOEM\))?|ACOEM)(?:\s+Occupational\s+Medicine)?"
    r"(?:\s+Practice)?(?:\s+Guidelines?)?[\s,:;-]*",
    re.I,
)
_ORDINAL_EDITION = re.compile(r"^\d{1,2}(?:st|nd|rd|th)\s+ed(?:ition|\.)?", re.I)
_ACOEM_PAGES = re.compile(r"^(?:pages?|pg|pp?)\b\.?\s*(.+)$", re.I)


def _acoem(text: str) -> Citation:
    edition: int | None = None
    chapter: int | None = None
    pages: str | None = None
    named: list[str] = []
    for element in _ACOEM_NAME.sub("", text, count=1).split(","):
        element = element.strip(_TRIM)
        year = re.search(r"\b((?:19|20)\d{2})\b", element)
        page = _ACOEM_PAGES.match(element)
        chap = re.match(r"^Chapter\s+(\d{1,3})\b", element, re.I)
        if year and (_ORDINAL_EDITION.match(element) or element == year.group(0)):
            edition = int(year.group(1))
        elif _ORDINAL_EDITION.match(element) or not element:
            continue
        elif page:
            pages = _clean(page.group(1))
        elif chap and chap.end() == len(element):
            chapter = int(chap.group(1))
        else:
            named.append(element)
    return Citation(
        source="ACOEM",
        part=_clean(named[0]) if named else None,
        edition=edition,
        chapter=chapter,
        section=_clean(", ".join(named[1:])) if len(named) > 1 else None,
        pages=pages,
        text=text,
    )
