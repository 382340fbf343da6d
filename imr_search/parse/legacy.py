"""The older layouts (FORMATS.md, "Older layouts (2013)").

2013 notice::

    MAXIMUS FEDERAL SERVICES, INC.
    Notice of Independent Medical Review Determination
    ... Case Number: CM13-0000123 ... Date of Injury: ... Date of UR Decision: ...
    CLINICAL CASE SUMMARY / Case Summary:
    IMR DECISION(S) AND RATIONALE(S)
    1) MAXIMUS Federal Services, Inc. has determined the request for <service> is not
       medically necessary and appropriate.            (= upheld; "is medically ..." = overturned)
    1) Regarding the request for <service>:
       Medical Treatment Guideline(s) Relied Upon by the Claims Administrator: ...
       Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer: ...
       Rationale for the Decision: ...
    Medical Qualifications of the Expert Reviewer: ...

Professional review::

    MEDICAL PROFESSIONAL REVIEW
    ISSUE AT DISPUTE: <service>
    CASE SUMMARY: ...
    DOCUMENTS REVIEWED FOR DETERMINATION: ...
    MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY: ...
    RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY: ...
    MEDICAL REVIEWER QUALIFICATIONS: ...
"""

from __future__ import annotations

import datetime as dt
import re

from imr_search.model import Decision, Layout, Letter
from imr_search.parse.dates import MONTH_DATE, NUMERIC_DATE, parse_date
from imr_search.parse.header import Header, parse_header
from imr_search.parse.items import build_item, split_partial
from imr_search.parse.patient import injury_date, parse_patient
from imr_search.parse.reviewer import parse_reviewer
from imr_search.parse.sections import Sections, split_sections
from imr_search.parse.text import join_lines, squash

_H = re.IGNORECASE
_DATE = f"(?:{NUMERIC_DATE}|{MONTH_DATE})"

# "A Notice of Assignment and Request for Information was provided to the above parties on
# 7/20/2013": the 2013 notice states the assignment date in prose.
_ASSIGNED = re.compile(r"Notice\s+of\s+Assignment\b.{0,120}?\bon\s+(" + _DATE + ")", _H | re.DOTALL)


def _header(text: str, warnings: list[str]) -> tuple[Header, int]:
    rough = parse_date(text)
    pivot = (rough.year if rough else dt.date.today().year) + 1
    header = parse_header(text, pivot=pivot)
    if header.case_number is None:
        warnings.append("case number not found")
    if "decision_date" not in header.dates:
        warnings.append("header date not found: decision_date")
    if "decision_date" in header.dates:
        pivot = header.dates["decision_date"].year
    return header, pivot


def _assigned(text: str, pivot: int) -> dt.date | None:
    m = _ASSIGNED.search(text)
    return parse_date(m.group(1), pivot=pivot) if m else None


NOTICE_HEADINGS = {
    "documents": re.compile(r"DOCUMENTS\s+REVIEWED\b:?", _H),
    "summary": re.compile(
        r"(?:Expert\s+Reviewer\s+)?(?:CLINICAL\s+CASE\s+SUMMARY|Case\s+Summary)\s*:?", _H
    ),
    "decisions": re.compile(
        r"(?:INDEPENDENT\s+MEDICAL\s+REVIEW\s+DECISION\s+AND\s+RATIONALE|"
        r"IMR\s+DECISION\s*\(?S?\)?\s+AND\s+RATIONALE\s*\(?S?\)?)\s*:?",
        _H,
    ),
    "qualifications": re.compile(
        r"Medical\s+Qualifications\s+of\s+the\s+Expert\s+Reviewer\s*:?", _H
    ),
}

# Extraction can glue words ("notmedically"), so spaces are optional between the words. The
# service is a bounded lazy repeat: unbounded, each unfinished sentence was read to the end of
# the letter, quadratic in all (docs/benchmarks.md, "Hostile input"); no service is near 600
# characters. The service stops at the first "is (not) medically necessary", with or without
# "and appropriate", and never runs into the next numbered decision: a sentence worded without
# "and appropriate" made the service run on to the next one's ("Tramadol ER 150mg #60 is not
# medically necessary. 2) MAXIMUS ... the request for physical therapy").
_DETERMINED = re.compile(
    r"(\d{1,2})\s*[).]\s*MAXIMUS\s*Federal\s*Services,?\s*Inc\.?,?\s*has\s*determined\s*the\s*"
    r"request\s*for\s*((?:(?!\d{1,2}\s*[).]\s*MAXIMUS\s*Federal).){1,600}?)\s*"
    r"is\s*(not\s*)?medically\s*necessary(?:\s*and\s*appropriate)?",
    _H | re.DOTALL,
)
_REGARDING = re.compile(r"^(\d{1,2})\s*[).]\s*Regarding\s+the\s+request\s+for\s+(.+?):?\s*$", _H)
_N_CLAIMS = re.compile(
    r"^Medical\s+Treatment\s+Guidelines?\s*\(?s?\)?\s+Relied\s+Upon\s+by\s+the\s+Claims\s+Administrator\s*:?\s*",
    _H,
)
_N_IMR = re.compile(
    r"^Medical\s+Treatment\s+Guidelines?\s*\(?s?\)?\s+Relied\s+Upon\s+by\s+the\s+Expert\s+Reviewer\s*:?\s*",
    _H,
)
_N_RATIONALE = re.compile(r"^Rationale\s+for\s+the\s+Decision\s*:?\s*", _H)


def _letter(
    lines: list[str],
    sections: Sections,
    qualifications: str,
    *,
    source: str,
    stem: str,
    layout: Layout,
) -> Letter:
    """The letter-level fields both older layouts share; items are added by the caller."""
    warnings: list[str] = []
    header, pivot = _header("\n".join(sections.preamble), warnings)
    dates = header.dates
    summary = join_lines(sections.parts.get("summary", []))
    patient = parse_patient(summary, warnings)
    reviewer = parse_reviewer(qualifications, warnings)
    injured = dates.get("date_of_injury") or injury_date(summary, pivot=pivot)
    if injured is None:
        warnings.append("date of injury not stated")
    return Letter(
        id=header.case_number or stem,
        source=source,
        layout=layout,
        case_number=header.case_number,
        priority=header.priority,
        date_assigned=dates.get("date_assigned") or _assigned("\n".join(lines), pivot),
        date_of_injury=injured,
        decision_date=dates.get("decision_date"),
        ur_denial_date=dates.get("ur_denial_date"),
        application_received=dates.get("application_received"),
        reviewer=reviewer,
        patient=patient,
        summary=summary,
        warnings=warnings,
    )


def parse_notice(lines: list[str], *, source: str, stem: str) -> Letter:
    sections = split_sections(lines, NOTICE_HEADINGS)
    qualifications = sections.text("qualifications") or "\n".join(lines)
    letter = _letter(
        lines, sections, qualifications, source=source, stem=stem, layout="2013-notice"
    )
    decided = _decisions(join_lines(lines))
    # The per-item blocks ("1) Regarding the request for ...") may sit under a second
    # decisions heading, so they are looked for in the whole letter.
    details = _details(lines)
    for number, (service, decision) in sorted(decided.items()):
        claims, imr, rationale = details.get(number, ([], [], []))
        if not rationale and len(decided) == 1 and not details:
            rationale = [
                line for line in sections.parts.get("decisions", []) if not _DETERMINED.search(line)
            ]
        letter.items.append(
            build_item(
                number,
                split_partial(service),
                decision,
                claims_guideline=join_lines(claims) or None,
                imr_guideline=join_lines(imr) or None,
                rationale=join_lines(rationale),
            )
        )
    return letter


def _decisions(text: str) -> dict[int, tuple[str, Decision]]:
    out: dict[int, tuple[str, Decision]] = {}
    for m in _DETERMINED.finditer(text):
        number = int(m.group(1))
        if number not in out:
            decision: Decision = "upheld" if m.group(3) else "overturned"
            out[number] = (squash(m.group(2)), decision)
    return out


def _details(lines: list[str]) -> dict[int, tuple[list[str], list[str], list[str]]]:
    """Per numbered item: (claims guideline, expert reviewer guideline, rationale) lines."""
    out: dict[int, tuple[list[str], list[str], list[str]]] = {}
    current: list[str] | None = None
    number = 0
    for line in lines:
        m = _REGARDING.match(line)
        if m:
            number = int(m.group(1))
            out[number] = ([], [], [])
            current = None
            continue
        if number not in out:
            continue
        if any(h.match(line) for h in NOTICE_HEADINGS.values()):
            number = 0  # a section heading ends the last item's rationale
            continue
        claims, imr, rationale = out[number]
        for pattern, target in ((_N_CLAIMS, claims), (_N_IMR, imr), (_N_RATIONALE, rationale)):
            lm = pattern.match(line)
            if lm and current is not rationale:
                current = target
                line = line[lm.end() :]
                break
        if current is not None:
            current.append(line)
    return out


PROFESSIONAL_HEADINGS = {
    "issue": re.compile(r"ISSUES?\s+AT\s+DISPUTE\s*:?", _H),
    "summary": re.compile(r"CASE\s+SUMMARY\s*:?", _H),
    "documents": re.compile(r"DOCUMENTS\s+REVIEWED\s+FOR\s+DETERMINATION\s*:?", _H),
    "guidelines": re.compile(
        r"MEDICAL\s+TREATMENT\s+GUIDELINE\s*\(?S?\)?\s+RELIED\s+UPON\s+BY\s+PROFESSIONAL\s+"
        r"REVIEWER(?:\s+AND\s+WHY)?\s*:?",
        _H,
    ),
    "rationale": re.compile(
        r"RATIONALE\s+FOR\s+WHY\s+THE\s+REQUESTED\s+TREATMENT\s*/?\s*(?:SERVICE)?\s+"
        r"(?P<verb>IS\s*/\s*WAS|IS|WAS)\s+(?P<neg>NOT\s+)?MEDICALLY\s+NECESSARY\s*:?",
        _H,
    ),
    "qualifications": re.compile(r"MEDICAL\s+REVIEWER\s+QUALIFICATIONS\s*:?", _H),
}
_NOT_NECESSARY = re.compile(r"\bnot\s*medically\s*necessary\b", _H)
_NECESSARY = re.compile(r"\bis\s+medically\s+necessary\b", _H)
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}\s*[).]|[-*•])\s*")


def parse_professional(lines: list[str], *, source: str, stem: str) -> Letter:
    sections = split_sections(lines, PROFESSIONAL_HEADINGS)
    letter = _letter(
        lines,
        sections,
        sections.text("qualifications"),
        source=source,
        stem=stem,
        layout="professional-review",
    )
    heading = next((line for line in lines if PROFESSIONAL_HEADINGS["rationale"].match(line)), "")
    rationale = join_lines(sections.parts.get("rationale", []))
    decision = _professional_decision(heading, rationale)
    guideline = join_lines(sections.parts.get("guidelines", [])) or None
    issue = sections.parts.get("issue", [])
    services = [_NUMBERED.sub("", line).strip() for line in issue if line.strip()]
    # One service per numbered line; otherwise the issue is one (wrapped) service.
    if not any(_NUMBERED.match(line) for line in issue):
        services = [join_lines(services)] if services else []
    letter.items = [
        build_item(
            n,
            split_partial(service),
            _item_decision(service, rationale) or decision,
            claims_guideline=None,
            imr_guideline=guideline,
            rationale=rationale,
        )
        for n, service in enumerate(services, start=1)
        if service
    ]
    return letter


def _item_decision(service: str, rationale: str) -> Decision | None:
    """The decision the rationale states for one service of several: "The request for <service>
    is (not) medically necessary and appropriate"."""
    words = r"\s+".join(re.escape(w) for w in service.split())
    m = re.search(rf"request\s+for\s+{words}\s+is\s*(not\s*)?medically\s*necessary", rationale, _H)
    if m is None:
        return None
    return "upheld" if m.group(1) else "overturned"


def _professional_decision(heading: str, rationale: str) -> Decision:
    m = PROFESSIONAL_HEADINGS["rationale"].match(heading)
    if m and not m.group("neg"):
        return "overturned"
    # The usual heading names the denial ("IS/WAS NOT MEDICALLY NECESSARY"); the rationale's
    # conclusion decides when it says otherwise.
    tail = rationale[-300:]
    if _NECESSARY.search(tail) and not _NOT_NECESSARY.search(tail):
        return "overturned"
    return "upheld"
