"""Rendering records and results as text for a terminal (the server renders its own HTML from
the same objects). No search logic here, only formatting."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from imr_search.analysis.terms import TermContrast
from imr_search.model import Citation, Item, Letter
from imr_search.search.results import FacetCount, Hit, SearchResult, Segment
from imr_search.words import count

if TYPE_CHECKING:
    # The precedents module imports the classifier, and the similar rationales the word
    # statistics; a plain search needs none of them (docs/benchmarks.md, "The CLI's start"),
    # so what runs is imported where it is used.
    from imr_search.analysis.precedents import Precedents, Rate
    from imr_search.analysis.similar import SimilarGroup

_WIDTH = 100


# How a citation's parts are labelled: briefly in a terminal, as the letters write them on a page.
SHORT_LABELS = ("ch. ", "section ", "pp. ")
LETTER_LABELS = ("Chapter ", "Section(s): ", "Page(s): ")


def citation_parts(c: Citation, labels: tuple[str, str, str] = SHORT_LABELS) -> list[str]:
    """The structured parts of a citation after its source (part, edition, chapter, section,
    pages), labelled with ``labels`` (chapter, section, pages)."""
    chapter, section, pages = labels
    parts: list[str] = []
    if c.part:
        parts.append(c.part)
    if c.edition:
        parts.append(str(c.edition))
    if c.chapter:
        parts.append(f"{chapter}{c.chapter}")
    if c.section:
        parts.append(f"{section}{c.section}")
    if c.pages:
        parts.append(f"{pages}{c.pages}")
    return parts


def citation_line(c: Citation) -> str:
    """One structured citation: "MTUS, Knee Complaints, 2004, section Special Studies"."""
    return ", ".join([c.source, *citation_parts(c)])


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, _WIDTH, initial_indent=indent, subsequent_indent=indent)


def letter_text(letter: Letter) -> str:
    """A letter as a reader would want it on a terminal: header, reviewer, patient, summary,
    then every item with its citations and rationale."""
    out: list[str] = []
    title = letter.case_number or letter.id
    out.append(f"{title}  ({letter.layout} layout)  {letter.source}")
    dates = [
        ("Decided", letter.decision_date),
        ("Assigned", letter.date_assigned),
        ("Injured", letter.date_of_injury),
        ("UR denial", letter.ur_denial_date),
        ("Received", letter.application_received),
    ]
    out.append("  ".join(f"{k}: {v.isoformat() if v else '-'}" for k, v in dates))
    r = letter.reviewer
    cert = {True: "board certified", False: "not board certified", None: "certification not stated"}
    out.append(
        f"Reviewer: {', '.join(r.specialties) or '-'}; licensed in "
        f"{', '.join(r.license_states) or '-'}; {cert[r.board_certified]}"
    )
    p = letter.patient
    out.append(f"Patient: {p.age if p.age is not None else '?'} years, {p.sex or 'sex not stated'}")
    if letter.priority:
        out.append(f"Priority: {letter.priority}")
    out.append("")
    out.append("Summary:")
    out.append(_wrap(letter.summary or "(none)"))
    for item in letter.items:
        out.append("")
        out.append(f"[{item.number}] {item.service}: {item.decision.upper()}")
        if item.partial:
            out.append(f"    original request: {item.original_request}")
        facts = [
            f"{item.category or '?'} / {item.subcategory or '?'}",
            item.body_region,
            item.modality,
            item.drug.name if item.drug else None,
            "retrospective" if item.retrospective else None,
        ]
        out.append("    " + "; ".join(f for f in facts if f))
        for label, raw, cites in (
            ("Claims administrator", item.claims_guideline, item.claims_citations),
            ("IMR reviewer", item.imr_guideline, item.imr_citations),
        ):
            out.append(f"    {label} guideline: {raw or '-'}")
            for c in cites:
                out.append(f"      - {citation_line(c)}")
        if item.reasons:
            out.append("    Decided because:")
            for code in item.reasons:
                out.append(f"      {code}")
                for said in item.reason_sentences.get(code, []):
                    out.append(_wrap(f"“{said}”", "        "))
        out.append("    Rationale:")
        out.append(_wrap(item.rationale or "(none)", "      "))
    if letter.warnings:
        out.append("")
        out.append("Warnings:")
        out.extend(f"  - {w}" for w in letter.warnings)
    return "\n".join(out)


# ---- citations (a form a brief can quote) ----------------------------------------------------

# The reviewing organisation named in every Final Determination Letter (FORMATS.md).
IMR_ORGANISATION = "Maximus Federal Services"
# Month abbreviations as legal citation writes them (The Bluebook, T12).
_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
           "Nov.", "Dec.")  # fmt: skip


def citation_date(day: dt.date) -> str:
    """``Feb. 2, 2017``."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _guideline_cited(item: Item) -> str | None:
    """The guideline the IMR reviewer cited, short: "MTUS Knee Complaints 2004, Special
    Studies" from the structured citation, else the paragraph as written."""
    if item.imr_citations:
        c = item.imr_citations[0]
        head = " ".join(str(p) for p in (c.source, c.part, c.edition) if p)
        return ", ".join(p for p in (head, c.section) if p)
    return item.imr_guideline.strip() if item.imr_guideline else None


def citation(letter: Letter, item: Item | None = None) -> str:
    """The letter (or one of its items) cited for a brief::

    IMR Final Determination CM17-0003591 (Maximus Federal Services, decided Feb. 2,
    2017), item 1, "MRI of Left lower extremity without contrast": upheld; reviewer:
    Anesthesiology (CA, TX); IMR guideline: MTUS Knee Complaints 2004, Special Studies.
    """
    name = letter.case_number or letter.id
    decided = f", decided {citation_date(letter.decision_date)}" if letter.decision_date else ""
    out = f"IMR Final Determination {name} ({IMR_ORGANISATION}{decided})"
    if item is not None:
        out += f', item {item.number}, "{item.service.strip()}": {item.decision}'
    elif letter.items:
        n = len(letter.items)
        upheld = sum(1 for i in letter.items if i.decision == "upheld")
        counts = f"{upheld} upheld, {n - upheld} overturned" if n > 1 else ""
        out += f": {letter.outcome}" + (f" ({n} items: {counts})" if counts else "")
    r = letter.reviewer
    if r.specialties:
        states = f" ({', '.join(r.license_states)})" if r.license_states else ""
        out += f"; reviewer: {', '.join(r.specialties)}{states}"
    if item is not None and (guideline := _guideline_cited(item)):
        out += f"; IMR guideline: {guideline.rstrip('.')}"
    return out + "."


# ---- search results -------------------------------------------------------------------------


def snippet_text(segments: Sequence[Segment], *, color: bool) -> str:
    if not color:
        return "".join(s.text for s in segments)
    return "".join(
        click.style(s.text, fg="yellow", bold=True) if s.match else s.text for s in segments
    )


def _decision(word: str, color: bool) -> str:
    if not color:
        return word.upper()
    return click.style(word.upper(), fg="green" if word == "overturned" else "red")


def _hit_block(hit: Hit, color: bool, indent: str = "") -> list[str]:
    date = hit.decision_date.isoformat() if hit.decision_date else "----------"
    head = f"{indent}{hit.case_number or hit.letter_id} #{hit.item_number}  {date}  "
    head += _decision(hit.decision, color)
    lines = [head, f"{indent}  {hit.service}"]
    if hit.reasons:
        lines.append(f"{indent}  decided because: {'; '.join(hit.reasons)}")
    meta = [", ".join(hit.specialties) or None, hit.imr_guideline and _shorten(hit.imr_guideline)]
    lines.append(f"{indent}  " + " | ".join(m for m in meta if m))
    snippet = snippet_text(hit.snippet, color=color).strip()
    if snippet:
        lines.append(f"{indent}  {snippet}")
    return lines


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


SERVICES = "the disputed services (and the drug, category and region derived from them)"
EVERYWHERE = "the services, rationales, case summaries and citations"


def scope_notes(result: SearchResult, wider: str | None = "--everywhere") -> list[str]:
    """Where the query's plain words searched, what else they searched, and how many more items
    only mention them (``wider``: how to see those, e.g. the CLI flag; None leaves that out)."""
    out: list[str] = []
    if result.scope == "services":
        out.append(f"searched {SERVICES}")
    elif result.scope == "everywhere":
        if result.fallback:
            out.append(f"no disputed service matches: searched {EVERYWHERE}")
        else:
            out.append(f"searched {EVERYWHERE}")
    for word, spelling in result.respelled.items():
        out.append(f"no item has {word!r}: searched {spelling!r}")
    if result.also_searched:
        out.append(f"also searched: {', '.join(result.also_searched)}")
    if result.elsewhere and wider is not None:
        noun = "mentions" if result.elsewhere == 1 else "mention"
        out.append(
            f"{count(result.elsewhere, 'more item')} {noun} it only in a rationale, summary or "
            f"citation ({wider} shows them)"
        )
    return out


def result_table(result: SearchResult, *, color: bool, facets: bool) -> str:
    out: list[str] = []
    unit = "letter" if result.groups or (result.total and not result.hits) else "item"
    first = (result.page - 1) * result.size + 1
    shown = len(result.groups) if result.groups else len(result.hits)
    if result.total:
        out.append(
            f"{count(result.total, unit)}; showing {first}-{first + shown - 1} "
            f"(page {result.page} of {result.pages})"
        )
    # An empty answer says why (search.emptiness.why_nothing) where it can, on this line.
    why = [w for w in result.warnings if w.startswith("No matches:")]
    if not result.total:
        out.append(why[0] if why else "No matches.")
    out.extend(scope_notes(result))
    for term, suggestion in result.suggestions.items():
        out.append(f"No hits for {term!r}; did you mean: {suggestion}")
    for w in result.warnings:
        if w not in why:
            out.append(f"warning: {w}")
    out.append("")
    if result.groups:
        for g in result.groups:
            date = g.decision_date.isoformat() if g.decision_date else "----------"
            out.append(
                f"{g.case_number or g.letter_id}  {date}  {count(len(g.hits), 'matching item')}"
            )
            for hit in g.hits:
                out.extend(_hit_block(hit, color, indent="    "))
            out.append("")
    else:
        for hit in result.hits:
            out.extend(_hit_block(hit, color))
            out.append("")
    if facets and result.facets:
        out.append(facets_text(result.facets))
    return "\n".join(out).rstrip() + "\n"


def facets_text(facets: dict[str, list[FacetCount]], top: int = 10) -> str:
    out = ["Facets:"]
    for name, values in facets.items():
        if not values:
            continue
        shown = ", ".join(f"{'*' if f.selected else ''}{f.value} ({f.count})" for f in values[:top])
        more = f", +{len(values) - top} more" if len(values) > top else ""
        out.append(f"  {name}: {shown}{more}")
    return "\n".join(out)


# ---- precedents and similar rationales --------------------------------------------------------


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _rate_cells(r: Rate) -> str:
    return f"{r.items:>6} {r.overturned:>11} {_pct(r.rate):>7}  {_pct(r.low)}–{_pct(r.high)}"


def precedents_text(p: Precedents, *, color: bool, top: int = 8) -> str:
    """A precedents answer for a terminal: counts and rate, breakdowns, the closest cases and
    the phrases that separate overturned from upheld rationales."""
    c = p.normalised
    from imr_search.analysis.precedents import why

    out = [f"Precedents for {p.request!r}"]
    facts = [
        f"{c.category or '?'} / {c.subcategory or '?'}",
        ", ".join(c.body_regions) or c.body_region,
        c.modality,
        c.drug and " ".join(x for x in (c.drug.name, c.drug.strength) if x),
    ]
    out.append("  read as: " + "; ".join(f for f in facts if f))
    for rung in p.ladder:
        mark = "matched" if p.rung and rung.name == p.rung.name else "no items"
        out.append(f"  {mark}: {rung.label} ({count(rung.items, 'item')})")
    if p.rung is None:
        out += ["", *p.notes]
        return "\n".join(out) + "\n"
    r = p.overall
    if p.fallback:
        out += ["", f"!! {p.fallback}"]
    out += [
        "",
        f"{count(r.items, 'item')}: {r.overturned} overturned, {r.upheld} upheld; overturn rate "
        f"{_pct(r.rate)} (95% Wilson interval {_pct(r.low)}–{_pct(r.high)})",
    ]
    out += [f"  {w.text()}" for w in why(r, p.breakdowns.get("reason", []))]
    titles = {
        "reason": "reason (an item may have several)",
        "year": "decision year",
        "specialty": "reviewer specialty",
        "guideline": "IMR guideline",
    }
    for name, rows in p.breakdowns.items():
        if not rows:
            continue
        out += ["", f"  {'By ' + titles.get(name, name):<38} items  overturned    rate  95% CI"]
        out += [f"    {_shorten(b.value, 34):<36}{_rate_cells(b.rate)}" for b in rows[:top]]
        if len(rows) > top:
            out.append(f"    (+{len(rows) - top} more)")
    if p.sides:
        out += ["", "Closest on each side:"]
        for decision in ("overturned", "upheld"):
            x = p.sides.get(decision)
            if x is None:
                out.append(f"  {decision}: none among the {count(r.items, 'item')}")
                continue
            date = x.decision_date.isoformat() if x.decision_date else "----------"
            out.append(
                f"  {_decision(x.decision, color)}  {_case(x.item_id, x.case_number)}  {date}  "
                f"[{x.match}, closeness {x.closeness:.2f}]"
            )
            out.append(f"     {_shorten(x.service, 94)}")
    out += ["", "Closest precedents (same kind first, then closeness of the facts):"]
    for n, x in enumerate(p.closest, 1):
        date = x.decision_date.isoformat() if x.decision_date else "----------"
        out.append(
            f"{n:>3}. {_case(x.item_id, x.case_number)}  {date}  "
            f"{_decision(x.decision, color)}  [{x.match}, closeness {x.closeness:.2f}]"
        )
        out.append(f"     {_shorten(x.service, 94)}")
        if x.guideline:
            out.append(f"     guideline: {_shorten(x.guideline, 83)}")
        if x.key_sentence:
            out.append(_wrap(f"“{x.key_sentence}”", "     "))
    out += ["", *_terms_lines(p.terms, color)]
    if p.notes:
        out += ["", *(f"note: {n}" for n in p.notes)]
    return "\n".join(out) + "\n"


def _terms_lines(t: TermContrast, color: bool) -> list[str]:
    out = [f"What separates overturned ({t.a_size}) from upheld ({t.b_size}) rationales:"]
    if t.a_terms or t.b_terms:
        out.append("  (the number of rationales of each decision containing each phrase)")
    if t.critical is not None:
        out.append(
            f"  (log-likelihood G² per phrase; significant above {t.critical:.1f}: Bonferroni,\n"
            f"  family-wise p < 0.05 over the {t.phrases_tested} phrases tested)"
        )
    for word, terms in (("overturned", t.a_terms), ("upheld", t.b_terms)):
        if not terms:
            continue
        other = "upheld" if word == "overturned" else "overturned"
        out.append(f"  more often when {_decision(word, color)}:    {word:>10} {other:>10}      G²")
        out += [
            f"    {_shorten(s.term, 30):<32}{s.count:>10} {s.other_count:>10} {s.g2:>7.1f}"
            for s in terms
        ]
    if t.note:
        out.append(_wrap(t.note, "  "))
    return out


def _case(item_id: str, case_number: str | None) -> str:
    letter, _, number = item_id.rpartition("#")
    return f"{case_number or letter} #{number}"


def similar_text(
    groups: Sequence[SimilarGroup], *, color: bool, query: str, members_shown: int = 5
) -> str:
    """Rows of similar rationales; near duplicates folded into their row."""
    from imr_search.analysis.similar import NEAR_DUPLICATE, SHINGLE_WORDS

    out = [
        f"{count(len(groups), 'row')} of rationales like {query}",
        f"(near duplicates folded together: word {SHINGLE_WORDS}-gram Jaccard ≥ {NEAR_DUPLICATE})",
    ]
    if not groups:
        out.append("No similar rationales.")
    for n, g in enumerate(groups, 1):
        m = g.first
        date = m.decision_date.isoformat() if m.decision_date else "----------"
        out.append("")
        out.append(
            f"{n:>3}. {g.similarity:.2f}  {_case(m.item_id, m.case_number)}  {date}  "
            f"{_decision(m.decision, color)}" + (f"  ({g.label})" if g.label else "")
        )
        out.append(f"     {_shorten(m.service, 94)}")
        if g.count > 1:
            d = g.decisions()
            cases = [_case(x.item_id, x.case_number) for x in g.members[1 : members_shown + 1]]
            more = f" +{g.count - 1 - len(cases)} more" if g.count - 1 > len(cases) else ""
            out.append(
                _wrap(
                    f"+ {count(g.count - 1, 'near duplicate')}; in all {d['upheld']} upheld, "
                    f"{d['overturned']} overturned: {', '.join(cases)}{more}",
                    "     ",
                )
            )
        if g.key_sentence:
            out.append(_wrap(f"“{g.key_sentence}”", "     "))
    return "\n".join(out) + "\n"
