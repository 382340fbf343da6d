"""Text -> Letter: recognise the layout, split the sections, run the field extractors.

The stages, in order: ``clean_text`` -> ``detect_layout`` -> a layout's section split ->
header, reviewer, summary, patient, items -> warnings for what is missing. Only
``ParseError`` leaves this module.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath

from imr_search.errors import ParseError
from imr_search.model import Layout, Letter
from imr_search.parse import legacy
from imr_search.parse.dates import parse_date
from imr_search.parse.header import parse_header
from imr_search.parse.items import parse_items
from imr_search.parse.patient import injury_date, parse_patient
from imr_search.parse.reasons import read_reasons
from imr_search.parse.reviewer import parse_reviewer
from imr_search.parse.sections import split_sections
from imr_search.parse.text import clean_text, join_lines

_H = re.IGNORECASE
# Headings of the 2014+ layout (matched at the start of a line).
HEADINGS_2014 = {
    "how": re.compile(r"HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION\s+WAS\s+MADE\b", _H),
    "summary": re.compile(r"CLINICAL\s+CASE\s+SUMMARY\b:?", _H),
    "issues": re.compile(r"IMR\s+ISSUES\s*,?\s*DECISIONS\s+AND\s+RATIONALES\b", _H),
}
_SUMMARY_INTRO = re.compile(
    r"^The\s+expert\s+reviewer\s+developed\s+the\s+following\s+clinical\s+case\s+summary\s+"
    r"based\s+on\s+a\s+review\s+of\s+the\s+case\s+file,?\s+including\s+all\s+medical\s+"
    r"records\s*:?\s*",
    _H,
)
_ISSUES_INTRO = re.compile(
    r"^The\s+Final\s+Determination\s+was\s+based\s+on\s+decisions\s+for\s+the\s+disputed\s+"
    r"items\s*/\s*services\s+set\s+forth\s+below\s*:?\s*",
    _H,
)

_PROFESSIONAL = re.compile(
    r"MEDICAL\s+PROFESSIONAL\s+REVIEW|^ISSUES?\s+AT\s+DISPUTE\s*:", _H | re.M
)
_NOTICE = re.compile(
    r"Notice\s+of\s+Independent\s+Medical\s+Review\s+Determination|"
    r"has\s*determined\s*the\s*request\s*for|"
    r"^INDEPENDENT\s+MEDICAL\s+REVIEW\s+DECISION\s+AND\s+RATIONALE|"
    r"^IMR\s+DECISION\s*\(?S?\)?\s+AND\s+RATIONALE",
    _H | re.M,
)
_MODERN = re.compile(
    r"IMR\s+ISSUES\s*,?\s*DECISIONS\s+AND\s+RATIONALES|HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION|"
    r":\s*(?:Upheld|Overturned)\s*$",
    _H | re.M,
)


def detect_layout(text: str) -> Layout | None:
    if _MODERN.search(text):
        return "2014"
    if _PROFESSIONAL.search(text):
        return "professional-review"
    if _NOTICE.search(text):
        return "2013-notice"
    return None


def parse_text(raw: str, *, source: str, stem: str | None = None) -> Letter:
    """The letter in ``raw`` text. ``source`` names it in errors and in the record; ``stem``
    is its id when the letter has no case number (default: the file name stem)."""
    text = clean_text(raw)
    if not text.strip():
        raise ParseError(source, "no text")
    layout = detect_layout(text)
    if layout is None:
        raise ParseError(source, "not an IMR letter (no IMR decision section found)")
    letter_stem = stem or ("stdin" if source == "-" else PurePath(source).stem) or "letter"
    lines = text.split("\n")
    if layout == "2014":
        letter = _parse_2014(lines, source=source, stem=letter_stem)
    elif layout == "2013-notice":
        letter = legacy.parse_notice(lines, source=source, stem=letter_stem)
    else:
        letter = legacy.parse_professional(lines, source=source, stem=letter_stem)
    if not letter.items:
        raise ParseError(source, f"no disputed item with a decision found ({layout} layout)")
    for item in letter.items:
        reasons = read_reasons(item.rationale, item.decision)
        item.reasons = [r.code for r in reasons]
        item.reason_sentences = {r.code: list(r.sentences) for r in reasons}
        if item.category is None:
            letter.warnings.append(f"item {item.number}: no DWC category for {item.service!r}")
    return letter


def _parse_2014(lines: list[str], *, source: str, stem: str) -> Letter:
    warnings: list[str] = []
    sections = split_sections(lines, HEADINGS_2014)
    header_block = "\n".join(sections.preamble)
    # Two-digit years are read against the decision year (or this year, without one).
    rough = parse_date(header_block)
    pivot = (rough.year if rough else dt.date.today().year) + 1
    header = parse_header(header_block, pivot=pivot)
    if header.case_number is None and not header.dates:
        warnings.append("no header table: case number and header dates not stated")
    else:
        for name in ("date_assigned", "decision_date", "ur_denial_date", "application_received"):
            if name not in header.dates:
                warnings.append(f"header date not found: {name}")
    if "decision_date" in header.dates:
        pivot = header.dates["decision_date"].year

    summary_lines = list(sections.parts.get("summary", []))
    summary = _SUMMARY_INTRO.sub("", join_lines(summary_lines))
    if not summary:
        warnings.append("clinical case summary not found")
    reviewer = parse_reviewer(sections.text("how") or header_block, warnings)
    patient = parse_patient(summary, warnings)

    injured = header.dates.get("date_of_injury") or injury_date(summary, pivot=pivot)
    if injured is None:
        warnings.append("date of injury not stated")

    issue_lines = list(sections.parts.get("issues", []))
    if not issue_lines:
        # No heading: take everything after the summary (or the whole text) and let the
        # decision lines speak.
        issue_lines = lines
    issue_lines = _drop_intro(issue_lines)
    items = parse_items(issue_lines, warnings)

    return Letter(
        id=header.case_number or stem,
        source=source,
        layout="2014",
        case_number=header.case_number,
        priority=header.priority,
        date_assigned=header.dates.get("date_assigned"),
        date_of_injury=injured,
        decision_date=header.dates.get("decision_date"),
        ur_denial_date=header.dates.get("ur_denial_date"),
        application_received=header.dates.get("application_received"),
        reviewer=reviewer,
        patient=patient,
        summary=summary,
        items=items,
        warnings=warnings,
    )


def _drop_intro(lines: list[str]) -> list[str]:
    # "The Final Determination was based on decisions ... set forth below:" may wrap.
    joined = ""
    for i, line in enumerate(lines[:4]):
        joined = (joined + " " + line).strip()
        m = _ISSUES_INTRO.match(joined)
        if m:
            rest = joined[m.end() :].strip()
            return ([rest] if rest else [""]) + lines[i + 1 :]
    return lines
