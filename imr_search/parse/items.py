"""Disputed items of the 2014+ layout: one block per item in the decisions section::

    Retrospective X-Ray thoracic spine:  Upheld
    Claims Administrator guideline: Decision based on MTUS ACOEM Chapter 8 ...
    MAXIMUS guideline: Decision based on MTUS ACOEM Chapter 8 ... Page(s): Table 8-8,182.
    Decision rationale: As noted in the MTUS Guideline ...

The service can wrap over lines and the decision word can stand alone on the next line. A
partly authorised request states the original request, what was authorised and the remaining
IMR-eligible portion before the decision (``split_partial``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imr_search.model import Decision, Item
from imr_search.parse.citations import parse_citations
from imr_search.parse.classify import classify
from imr_search.parse.text import join_lines, loose, squash

# "<service>: Upheld" at the end of a line; the last colon separates ("Associated surgical
# service: Shoulder Brace: Upheld" has service "Associated surgical service: Shoulder Brace").
# Searched, not matched from the line start: the pattern begins with the colon, so each
# position costs O(1) and a long line without a decision is read once (a lazy ``^(.*?)``
# head retried the rest of the line at every position).
_DECISION_TAIL = re.compile(r"(?<!\s)\s*+:\s*+(?P<word>Upheld|Overturned)\s*+\.?$", re.I)
_DECISION_ALONE = re.compile(r"^(Upheld|Overturned)\s*\.?$", re.IGNORECASE)
# Labels tolerate extraction's stray spaces inside words ("Claims Administrator guidel ine:").
_GUIDELINE = loose(r"guidelines?")
_CLAIMS = re.compile("^" + loose(r"Claims\s*Administrator\s*") + _GUIDELINE + r"\s*:\s*", re.I)
_MAXIMUS = re.compile(
    "^(?:" + loose(r"MAXIMUS|Expert\s*Reviewer") + r"|IMR)\s*" + _GUIDELINE + r"\s*:\s*", re.I
)
_RATIONALE = re.compile("^" + loose(r"Decision\s*rationale") + r"\s*:\s*", re.I)
# Where a rationale ends and the next service begins when no blank line separates them:
# the last sentence end before the decision. Not after a title or an initial ("Consultation
# with Dr. Smith", "per J. Doe"); extraction can glue the next line's first word to the
# period ("medically necessary.Ultram"), which a lower-case word before and a capitalised word
# after tell from "U.S." or "Inc.".
_SENTENCE_END = re.compile(
    r"""(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bNo)(?<!\bvs)(?<!\bSt)(?<!\b[A-Z])"""
    r"""[.!?]["')\]]?\s+(?=[A-Z0-9"'(\[])|(?<=[a-z]{3}[.!?])(?=[A-Z][a-z])"""
)

# A partly authorised request (FORMATS.md), in three wordings:
#   <original> was the original request. <authorised> was authorized by the Claims
#   Administrator. The remaining IMR eligible portion of the original request, <service> is
#   <original> was the original request. The Claims Administrator authorized <authorised>,
#   leaving the original request IMR eligible. The original request, <service> is
#   <original> was the original request. The Claims Administrator authorized <authorised>.
#   The remaining IMR eligible portion of the original request, <service> is
# Each wording is a chain of fixed phrases with free text between them. The free text runs to
# the first occurrence of the next phrase (found by a search that starts with a literal word,
# so linear), instead of a lazy ``.+?`` per gap that a regex retries at every later
# occurrence, quadratic in the text (docs/benchmarks.md, "Hostile input").
_ORIGINAL = re.compile(r"\s+was\s+the\s+original\s+request\.\s*", re.I)
_CA_AUTHORISED = re.compile(r"The\s+Claims\s+Administrator\s+authori[sz]ed\s+", re.I)
_AUTHORISED_BY = re.compile(
    r"\s+was\s+authori[sz]ed\s+by\s+the\s+Claims\s+Administrator\.\s*", re.I
)
_REMAINING = re.compile(
    r"The\s+remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request,?\s*", re.I
)
_AUTHORISED_END = re.compile(r"\.\s*(?=The\s+remaining\s+IMR\s+eligible\s+portion)", re.I)
_LEAVING = re.compile(
    r",?\s+leaving\s+the\s+original\s+request\s+IMR\s+eligible\.\s*The\s+original\s+"
    r"request,?\s*",
    re.I,
)
_SERVICE_END = re.compile(r",?\s+is$", re.I)
_NUMBER_RANGE = re.compile(r"(?<=\d)(?:\s+-\s*|-\s+)(?=\d)")
_PARTIAL_CUE = re.compile(r"\bwas\s+the\s+original\s+request\b", re.IGNORECASE)
# A partial-authorisation statement spans a few sentences; looking for its start further back
# than this many sentence ends only multiplies the work.
_MAX_PARTIAL_CUTS = 24


@dataclass(slots=True)
class Service:
    service: str
    original_request: str | None = None
    partial: bool = False


def split_partial(text: str) -> Service:
    """The disputed service of an item heading, with the original request when the claims
    administrator authorised part of it."""
    # Extraction spaces out hyphens between numbers ("7- 10 days", "1 -2 tabs").
    text = _NUMBER_RANGE.sub("-", squash(text)).rstrip(" :")
    found = _partial(text)
    if found is not None:
        original, service = found
        return Service(service=service, original_request=original, partial=True)
    return Service(service=re.sub(r"\s+is$", "", text, flags=re.IGNORECASE))


def _partial(text: str) -> tuple[str, str] | None:
    """(original request, remaining service) of a partial-authorisation statement, or None."""
    # The closing "is" is sometimes left out ("..., the remaining IMR eligible portion of the
    # original request, Baclofen 100mg #3: Upheld"): the service then runs to the end.
    end = _SERVICE_END.search(text)
    end_at = end.start() if end else len(text)
    first = _ORIGINAL.search(text)
    if first is None or first.start() == 0:
        return None
    original = text[: first.start()]
    rest = first.end()
    served: int | None = None
    by = _AUTHORISED_BY.search(text, rest)
    if by and by.start() > rest:
        remaining = _REMAINING.match(text, by.end())
        served = remaining.end() if remaining else None
    if served is None:
        lead = _CA_AUTHORISED.match(text, rest)
        if lead:
            leaving = _LEAVING.search(text, lead.end() + 1)
            stop = _AUTHORISED_END.search(text, lead.end() + 1)
            if leaving:
                served = leaving.end()
            elif stop:
                remaining = _REMAINING.match(text, stop.end())
                served = remaining.end() if remaining else None
    if served is None or served >= end_at:
        return None
    return original.strip(" ,"), text[served:end_at].strip(" ,")


def _merge_lone_decisions(lines: list[str]) -> list[str]:
    # "Service text:" / "Upheld" on its own line -> one decision line.
    out: list[str] = []
    for line in lines:
        if _DECISION_ALONE.match(line):
            j = len(out) - 1
            while j >= 0 and not out[j]:
                j -= 1
            if j >= 0 and out[j].rstrip().endswith(":"):
                out[j] = out[j].rstrip() + " " + line.strip()
                del out[j + 1 :]
                continue
        out.append(line)
    return out


def _heading_start(lines: list[str], end: int, floor: int) -> tuple[int, bool]:
    """Index of the first line of the service heading that ends at line ``end``: back to the
    previous empty line (a clean cut), or else to the previous labelled line or ``floor``
    (then the lines may include the end of the previous rationale).

    An empty line below the previous item's labels is no clean cut: a rationale has
    paragraphs, and when no blank line comes before the next service, the lines after the
    last paragraph break are the rationale's last paragraph ("Therefore the request for
    Norco ... is not medically necessary.") and then the service."""
    start = end
    while start - 1 >= floor:
        prev = lines[start - 1]
        if not prev and _continues(lines, start, floor):
            start -= 1  # a page break inside the heading: "leaving the original" / "request IMR"
            continue
        if not prev:
            return start, not _labelled(lines, floor, start)
        if _CLAIMS.match(prev) or _MAXIMUS.match(prev) or _RATIONALE.match(prev):
            return start, False
        start -= 1
    return start, True  # right after the previous decision line


def _labelled(lines: list[str], floor: int, start: int) -> bool:
    """Whether a guideline or rationale label stands between ``floor`` and ``start``: then a
    previous item's rationale runs on up to ``start``."""
    return any(
        _CLAIMS.match(line) or _MAXIMUS.match(line) or _RATIONALE.match(line)
        for line in lines[floor:start]
    )


def _continues(lines: list[str], start: int, floor: int) -> bool:
    # A heading line that starts in lower case after a blank line, below a line that ends
    # mid-sentence, continues that line.
    above = start - 2
    return (
        start < len(lines)
        and above >= floor
        and lines[start][:1].islower()
        and bool(lines[above])
        and not lines[above].rstrip().endswith((".", ":", '"'))
    )


def _cut_heading(heading_lines: list[str]) -> tuple[list[str], str]:
    """Split lines that may end a rationale and begin a service (no blank line between) into
    (rationale tail, service heading). The heading starts at a sentence boundary: the latest
    one that leaves a whole partial-authorisation statement, else the latest one. (A
    rationale can itself end by restating the partial authorisation.)"""
    text = join_lines(heading_lines)
    cuts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    chosen = cuts[-1]
    if _PARTIAL_CUE.search(text):
        for cut in reversed(cuts[-_MAX_PARTIAL_CUTS:]):
            if split_partial(text[cut:]).partial:
                chosen = cut
                break
    return ([text[:chosen].strip()] if chosen else []), text[chosen:].strip()


def parse_items(lines: list[str], warnings: list[str]) -> list[Item]:
    """Items from the lines of the decisions section (after its introductory sentence)."""
    lines = _merge_lone_decisions(lines)
    # Only a line with a colon can end in ": Upheld" (the regex, led by a lookbehind, is tried
    # at every position of a line; looking for the colon first skips most of them:
    # docs/benchmarks.md, "Pattern rewrites").
    decision_rows = [
        i for i, line in enumerate(lines) if ":" in line and _DECISION_TAIL.search(line)
    ]
    items: list[Item] = []
    floor = 0
    blocks: list[tuple[list[str], str, Decision, int]] = []  # (pre-heading lines, heading, ...)
    for row in decision_rows:
        m = _DECISION_TAIL.search(lines[row])
        assert m is not None
        start, clean = _heading_start(lines, row, floor)
        heading_lines = [*lines[start:row], lines[row][: m.start()]]
        if clean:
            tail: list[str] = []
            heading = join_lines(heading_lines)
        else:
            tail, heading = _cut_heading(heading_lines)
        blocks.append((tail, heading, _decision(m.group("word")), start))
        floor = row + 1
    for n, (_tail, heading, decision, _start) in enumerate(blocks):
        row = decision_rows[n]
        body_end = blocks[n + 1][3] if n + 1 < len(blocks) else len(lines)
        body = list(lines[row + 1 : body_end])
        if n + 1 < len(blocks) and blocks[n + 1][0]:
            body.extend(blocks[n + 1][0])  # the rationale's tail glued to the next heading
        items.append(_item(n + 1, heading, decision, body, warnings))
    return items


def _decision(word: str) -> Decision:
    return "upheld" if word.lower() == "upheld" else "overturned"


def _item(
    number: int, heading: str, decision: Decision, body: list[str], warnings: list[str]
) -> Item:
    svc = split_partial(heading)
    claims: list[str] = []
    imr: list[str] = []
    rationale: list[str] = []
    current: list[str] | None = None
    for line in body:
        # Once in the rationale, everything up to the next item belongs to it.
        if current is not rationale:
            for label, target in ((_CLAIMS, claims), (_MAXIMUS, imr), (_RATIONALE, rationale)):
                m = label.match(line)
                if m:
                    current = target
                    line = line[m.end() :]
                    break
        if current is not None:
            current.append(line)
    item = build_item(
        number,
        svc,
        decision,
        claims_guideline=join_lines(claims) or None,
        imr_guideline=join_lines(imr) or None,
        rationale=join_lines(rationale),
    )
    if not rationale:
        warnings.append(f"item {number}: no decision rationale found")
    if not claims:
        warnings.append(f"item {number}: no claims administrator guideline found")
    if not imr:
        warnings.append(f"item {number}: no IMR reviewer guideline found")
    return item


def build_item(
    number: int,
    svc: Service,
    decision: Decision,
    *,
    claims_guideline: str | None,
    imr_guideline: str | None,
    rationale: str,
) -> Item:
    """An item with its classification and structured citations filled in (shared by every
    layout)."""
    c = classify(svc.service)
    if svc.original_request:
        # The remaining portion of a partly authorised request can be a fragment ("with open
        # carpal tunnel release"); what it leaves unsaid, the original request states.
        o = classify(svc.original_request)
        if c.category is None:
            c.category, c.subcategory = o.category, o.subcategory
        c.body_region = c.body_region or o.body_region
        c.body_regions = c.body_regions or o.body_regions
        c.modality = c.modality or o.modality
        c.retrospective = c.retrospective or o.retrospective
        c.drug = c.drug or o.drug
    return Item(
        number=number,
        service=svc.service,
        original_request=svc.original_request,
        partial=svc.partial,
        decision=decision,
        category=c.category,
        subcategory=c.subcategory,
        body_region=c.body_region,
        body_regions=list(c.body_regions),
        modality=c.modality,
        retrospective=c.retrospective,
        drug=c.drug,
        claims_guideline=claims_guideline,
        imr_guideline=imr_guideline,
        claims_citations=parse_citations(claims_guideline),
        imr_citations=parse_citations(imr_guideline),
        rationale=rationale,
    )
