"""The three layouts of the synthetic corpus, assembled into blocks with their item truth.

- ``2014``: optional header table, HOW THE IMR..., credentials (prose or lines), CLINICAL CASE
  SUMMARY, IMR ISSUES, DECISIONS AND RATIONALES with one "<service>: Upheld" block per item.
- ``2013-notice``: the MAXIMUS "Notice of Independent Medical Review Determination" with
  numbered "has determined the request for ... is (not) medically necessary" decisions.
- ``professional-review``: "MEDICAL PROFESSIONAL REVIEW" with ISSUE AT DISPUTE, CASE SUMMARY,
  guidelines and rationale sections.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from imr_search.model import Item, Reviewer
from imr_search.taxonomy import state_code
from imr_synth import citations as cit
from imr_synth import items as si
from imr_synth import prose as prose
from imr_synth.base import cap
from imr_synth.data import tables
from imr_synth.items import Draft, pick
from imr_synth.render import Block, Style

_DATA = tables("layouts")  # this module's tables: imr_synth/data/layouts.json

# --- the letter ------------------------------------------------------------------------------


def date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = max((end - start).days, 0)
    return start + dt.timedelta(days=rng.randint(0, span))


def norm(s: str) -> str:
    return " ".join(s.split())


# Licensure states the generator writes, in its order; their USPS codes (the record's
# convention) come from the one table of states, imr_search.taxonomy.
STATE_NAMES: tuple[str, ...] = tuple(_DATA["STATE_NAMES"])
STATES = tuple(s for s in STATE_NAMES if s != "California")


def _state_code(name: str) -> str:
    code = state_code(name)
    assert code is not None, f"not a US state: {name!r}"
    return code


# truth -> written forms (a few are not on the DWC list: kept as written, with a warning)
SPECIALTIES: dict[str, tuple[str, ...]] = _DATA["SPECIALTIES"]
# (specialties of one reviewer, weight)
SPECIALTY_SETS: tuple[tuple[tuple[str, ...], float], ...] = _DATA["SPECIALTY_SETS"]


@dataclass(slots=True)
class ItemPlan:
    draft: Draft
    decision: str  # upheld | overturned
    ancillary_of_denied: bool = False
    partial: str | None = None  # None | "A" | "A2" | "B"
    service: str = ""
    original: str | None = None
    header: str = ""  # the 2014 layout's item line(s) before the decision word
    truth_draft: Draft | None = None


def n_items(rng: random.Random) -> int:
    if rng.random() < 0.022:
        return rng.randint(4, 16)
    n = 1
    while n < 9 and rng.random() < 0.31:
        n += 1
    return n


def _distinct(drafts: list[Draft], d: Draft) -> bool:
    key = d.text.lower()
    if any(x.text.lower() == key for x in drafts):
        return False
    return not (
        d.drug is not None
        and any(x.drug is not None and x.drug.name == d.drug.name for x in drafts)
    )


def plan_items(rng: random.Random, n: int, dos: str, allow_partial: bool) -> list[ItemPlan]:
    drafts: list[Draft] = []
    theme = "mixed"
    if n >= 2:
        r = rng.random()
        theme = (
            "meds"
            if r < 0.31
            else "surgery"
            if r < 0.36
            else "bundle"
            if r < 0.41
            else "dx"
            if r < 0.45
            else "mixed"
        )
    if theme == "surgery":
        main = si.surgery(rng)
        while main.subcategory == "Surgical Consult":
            main = si.surgery(rng)
        drafts = [main, *si.adjuncts(rng, main, n - 1)]
    elif theme == "bundle" and n >= 3:
        drafts = si.therapy_bundle(rng, n)
    tries = 0
    while len(drafts) < n and tries < 200:
        tries += 1
        if theme == "meds":
            d = si.drug_draft(rng, dos=dos) if rng.random() < 0.9 else si.lab(rng)
        elif theme == "dx":
            d = rng.choice((si.imaging, si.imaging, si.emg))(rng)
        else:
            d = si.one_service(rng, dos)
        if _distinct(drafts, d):
            drafts.append(d)
    plans: list[ItemPlan] = []
    surgery_upheld: bool | None = None
    for d in drafts:
        overturn = rng.random() < 0.10
        anc = False
        if d.subcategory == si.ADJUNCT and surgery_upheld is not None:
            overturn = (not surgery_upheld) and rng.random() < 0.85
            anc = surgery_upheld and rng.random() < 0.7
        if d.category == si.SURG and d.subcategory != si.ADJUNCT:
            surgery_upheld = not overturn
        p = ItemPlan(
            draft=d, decision="overturned" if overturn else "upheld", ancillary_of_denied=anc
        )
        can_split = (d.template or d.rental) and not d.retrospective
        if allow_partial and can_split and rng.random() < 0.09:
            p.partial = rng.choices(("A", "A2", "B"), (45, 15, 40))[0]
            if d.rental and not d.template:
                p.partial = "B"
        plans.append(p)
    return plans


def _lower_unless_drug(d: Draft, s: str) -> str:
    return s if d.drug is not None else prose.lower_first(s)


def _lower_maybe(rng: random.Random, d: Draft, s: str) -> str:
    return prose.lower_first(s) if d.drug is None and rng.random() < 0.35 else s


def resolve_partial(rng: random.Random, p: ItemPlan) -> None:
    """Fill service/original/header text (2014 layout wording) for one item."""
    d = p.draft
    p.truth_draft = d
    p.service = d.text
    if p.partial is None:
        p.header = d.text
        return
    x = d.text
    if d.template and d.count:
        n = d.count
        auth = max(1, n // 2 if rng.random() < 0.5 else round(n * 0.7))
        if auth >= n:
            auth = n - 1 if n > 1 else n
        y_draft = d.with_count(auth)
        if p.partial in ("A", "A2") and n - auth >= 1:
            z_draft = d.with_count(n - auth)
            z = _lower_maybe(rng, d, z_draft.text)
            y = y_draft.text
            if p.partial == "A":
                p.header = (
                    f"{x} was the original request. {y} was authorized by the Claims "
                    f"Administrator. The remaining IMR eligible portion of the original "
                    f"request, {z} is:"
                )
            else:
                p.header = (
                    f"{x} was the original request. The Claims Administrator authorized "
                    f"{_lower_unless_drug(d, y)}. The remaining IMR eligible portion of the "
                    f"original request, {z} is:"
                )
            p.service, p.original, p.truth_draft = z, x, z_draft
            return
        y = _lower_unless_drug(d, y_draft.text) + pick(rng, ("", "", " for weaning purposes"))
    elif d.rental:
        y = d.text[len("Purchase of ") :] + " for 1 month"
    else:
        p.partial = None
        p.header = d.text
        return
    xs = _lower_maybe(rng, d, x)
    p.header = (
        f"{x} was the original request. The Claims Administrator authorized {y}, "
        f"leaving the original request IMR eligible. The original request, {xs} is:"
    )
    p.service, p.original, p.partial = xs, x, "B"


def reviewer(
    rng: random.Random, plans: Sequence[ItemPlan], year: int
) -> tuple[Reviewer, list[str], list[str], list[str]]:
    """The reviewer's truth, the written specialty forms, the written states, warnings."""
    fams = {p.draft.family for p in plans}
    if "chiro" in fams and rng.random() < 0.5:
        truth: tuple[str, ...] = ("Chiropractic",)
    elif fams & {"psychtx", "psycheval"} and rng.random() < 0.6:
        truth = pick(rng, (("Psychologist",), ("Psychiatry",)))
    elif "dental" in fams:
        truth = ("Dentist",)
    else:
        truth = rng.choices(SPECIALTY_SETS, [w for _, w in SPECIALTY_SETS])[0][0]
    written = [pick(rng, SPECIALTIES[t]) for t in truth]
    k = rng.choices((1, 2, 3), (72, 20, 8))[0]
    states = (["California"] if rng.random() < 0.62 else []) + rng.sample(STATES, k)
    states = states[:k]
    if rng.random() < 0.3:
        rng.shuffle(states)
    warnings = ["reviewer specialty not on the DWC list: Surgery"] if "Surgery" in truth else []
    return (
        Reviewer(
            specialties=list(truth),
            board_certified=None,
            license_states=[_state_code(x) for x in states],
        ),
        written,
        states,
        warnings,
    )


def prose_credentials(rng: random.Random, plan: LetterPlan, subject: str) -> str:
    """'The expert reviewer is Board Certified in X and is licensed to practice in Y.'

    Sets the reviewer truth's ``board_certified`` (and keeps one specialty for a licence)."""
    rev, written, states = plan.reviewer, plan.written, plan.states
    where = states[0] if len(states) == 1 else ", ".join(states[:-1]) + " and " + states[-1]
    if rev.specialties[0] in ("Chiropractic", "Psychologist"):
        kind = "Chiropractor" if rev.specialties[0] == "Chiropractic" else "Psychologist"
        rev.specialties = rev.specialties[:1]
        rev.board_certified = None
        return f"{subject} is a Licensed {kind} and is licensed to practice in {where}."
    rev.board_certified = True
    spec = written[0]
    if len(written) > 1:
        spec += ", has a subspecialty in " + " and ".join(written[1:])
    return f"{subject} is Board Certified in {spec} and is licensed to practice in {where}."


def _stray_spaces(rng: random.Random, text: str) -> str:
    """'10-11-2016' -> '10-             11-    2016' (layout-mode extraction)."""

    def sub(m: re.Match[str]) -> str:
        if rng.random() > 0.4:
            return m.group(0)
        a, sep, b, _, c = m.groups()
        return f"{a}{sep}{' ' * rng.randint(1, 13)}{b}{sep}{' ' * rng.randint(0, 4)}{c}"

    return re.sub(r"\b(\d{1,2})([-/])(\d{1,2})(\2)(\d{2,4})\b", sub, text)


def _glue_words(rng: random.Random, text: str, k: int) -> str:
    """Lose k spaces between lowercase words ('an industrial' -> 'anindustrial')."""
    words = text.split(" ")
    keep = {"year", "old", "male", "female", "injury", "date", "of", "on"}
    for _ in range(k):
        i = rng.randrange(1, max(len(words), 2))
        if (
            i < len(words)
            and words[i - 1].isalpha()
            and words[i].isalpha()
            and words[i - 1].islower()
            and words[i].islower()
            and words[i - 1] not in keep
            and words[i] not in keep
        ):
            words[i - 1 : i + 1] = [words[i - 1] + words[i]]
    return " ".join(words)


def notice_service(d: Draft) -> str:
    """The service as the 2013 sentences name it: '... the request for <service> is ...'."""
    t = d.text
    low = t.lower()
    for frame in ("prospective request for ", "request for "):
        if low.startswith(frame):
            t = t[len(frame) :]
            break
    if low.startswith("retrospective request for "):
        t = "retrospective " + t[len("retrospective request for ") :]
    if d.drug is None and len(t) > 1 and t[1].islower():
        return t[:1].lower() + t[1:]
    return t


def _summary_block(rng: random.Random, sentences: list[str], plan: LetterPlan) -> Block:
    text = prose.join_sentences(rng, sentences, plan.glue)
    if plan.style.name == "layout":
        if rng.random() < 0.5:
            text2 = _stray_spaces(rng, text)
            if text2 != text:
                plan.artefacts.append("stray-date-spaces")
            text = text2
        if rng.random() < 0.3:
            text = _glue_words(rng, text, rng.randint(1, 2))
            plan.artefacts.append("glued-words")
    return Block("para", text, hyphen=True)


def _cred_lines(rng: random.Random, plan: LetterPlan) -> list[str]:
    sep = "," if rng.random() < 0.15 else ", "
    return [
        "The Expert Reviewer has the following credentials:",
        f"State(s) of Licensure: {sep.join(plan.states)}",
        f"Certification(s)/Specialty: {', '.join(plan.written)}",
    ]


@dataclass(slots=True)
class LetterPlan:
    """What a layout builder draws a letter from, decided by :func:`imr_synth.corpus.make_letter`
    before any block is built. The builders read it and append to ``artefacts`` only."""

    items: list[ItemPlan]
    reviewer: Reviewer  # the truth
    written: list[str]  # the specialties as the letter writes them
    states: list[str]  # licensure states as written
    summary: list[str]  # the case summary's sentences
    style: Style
    glue: float  # chance that two sentences lose the space between them
    year: int  # the decision year (the 2014 layout's wording and guideline editions)
    header: str | None  # the 2014 header table's style; None: no table
    case_number: str
    priority: str
    decision: dt.date
    assigned: dt.date  # not printed by the professional review
    injury: dt.date
    ur: dt.date
    received: dt.date
    artefacts: list[str]  # extraction artefacts the letter shows (the truth's ``synth`` meta)


def letter_2014(rng: random.Random, plan: LetterPlan) -> tuple[list[Block], list[Item]]:
    """The 2014 layout (header table or none): its blocks and the items' truth."""
    b: list[Block] = []
    if plan.header is not None:
        f = prose.fmt_date
        b.append(
            Block(
                "table",
                rows=[
                    [("Case Number:", plan.case_number)],
                    [
                        ("Date Assigned:", f(plan.assigned, "slash4")),
                        ("Date of Injury:", f(plan.injury, "slash4")),
                    ],
                    [
                        ("Decision Date:", f(plan.decision, "slash4")),
                        ("UR Denial Date:", f(plan.ur, "slash4")),
                    ],
                    [
                        ("Priority:", plan.priority),
                        ("Application Received:", f(plan.received, "slash4")),
                    ],
                ],
            )
        )
        b.append(Block("blank"))
        plan.artefacts.append(f"header-{plan.header}")
    prose_cred = rng.random() < {2014: 0.8, 2015: 0.45}.get(plan.year, 0.05)
    items_word = "items/services" if prose_cred else pick(rng, ("items/Service", "items/services"))
    b.append(Block("heading", "HOW THE IMR FINAL DETERMINATION WAS MADE"))
    if prose_cred:
        cred = " " + prose_credentials(rng, plan, "The expert reviewer")
        b.append(Block("para", prose.HOW_2014.format(cred=cred, items=items_word)))
    else:
        b.append(Block("para", prose.HOW_2014.format(cred="", items=items_word)))
        b.append(Block("blank"))
        b.append(Block("lines", lines=_cred_lines(rng, plan)))
    b.append(Block("blank"))
    b.append(Block("heading", "CLINICAL CASE SUMMARY"))
    b.append(Block("para", prose.SUMMARY_INTRO))
    b.append(Block("blank"))
    summary = plan.summary
    if rng.random() < 0.06:
        summary = [
            "Disclaimer: The following case summary was taken directly from the "
            "utilization review denial.",
            *summary,
        ]
    b.append(_summary_block(rng, summary, plan))
    b.append(Block("blank"))
    b.append(Block("heading", "IMR ISSUES, DECISIONS AND RATIONALES"))
    b.append(Block("para", prose.FINAL_DETERMINATION_INTRO))
    b.append(Block("blank"))
    items: list[Item] = []
    for k, p in enumerate(plan.items, start=1):
        d = p.truth_draft or p.draft
        word = "Upheld" if p.decision == "upheld" else "Overturned"
        sep = pick(rng, (": ", ": ", ":  "))
        if p.partial is not None:
            sep = pick(rng, (" ", " ", "  "))
        if rng.random() < 0.06:
            head = p.header if p.partial is not None else p.header + ":"
            b.append(Block("para", head, item_start=k > 1))
            b.append(Block("lines", lines=[word]))
            plan.artefacts.append("decision-alone")
        else:
            b.append(Block("para", f"{p.header}{sep}{word}", item_start=k > 1))
        b.append(Block("blank"))
        claims = cit.paragraph(rng, claims=True, family=d.family, region=d.region, year=plan.year)
        imr = cit.paragraph(rng, claims=False, family=d.family, region=d.region, year=plan.year)
        b.append(Block("para", f"Claims Administrator guideline: {claims.text}", hyphen=True))
        b.append(Block("blank"))
        b.append(Block("para", f"MAXIMUS guideline: {imr.text}", hyphen=True))
        b.append(Block("blank"))
        echo = None
        if p.partial == "B" and rng.random() < 0.4:
            echo = p.header.rsplit(" The original request,", 1)[0]
        rat = prose.rationale(
            rng,
            d,
            p.service,
            p.decision == "upheld",
            ancillary_of_denied=p.ancillary_of_denied,
            partial_echo=echo,
        )
        rat_text = prose.join_sentences(rng, rat, plan.glue)
        b.append(Block("para", f"Decision rationale: {rat_text}", hyphen=True))
        b.append(Block("blank"))
        items.append(_item(k, p, d, claims, imr, rat_text))
    return b, items


def _item(
    k: int, p: ItemPlan, d: Draft, claims: cit.Cited | None, imr: cit.Cited, rationale: str
) -> Item:
    return Item(
        number=k,
        service=norm(p.service),
        decision=p.decision,  # type: ignore[arg-type]
        original_request=norm(p.original) if p.original else None,
        partial=p.partial is not None,
        category=d.category,
        subcategory=d.subcategory,
        body_region=d.region,
        modality=d.modality,
        retrospective=d.retrospective,
        drug=d.drug,
        claims_guideline=norm(claims.text) if claims else None,
        imr_guideline=norm(imr.text),
        claims_citations=list(claims.cites) if claims else [],
        imr_citations=list(imr.cites),
        rationale=norm(rationale),
    )


def _notice_header(b: list[Block], plan: LetterPlan, *, title: str, with_claims: bool) -> None:
    case_number, decision, injury, ur = plan.case_number, plan.decision, plan.injury, plan.ur
    received, priority = plan.received, plan.priority
    f = prose.fmt_date
    b.append(Block("lines", lines=["MAXIMUS FEDERAL SERVICES, INC.", "Independent Medical Review"]))
    b.append(Block("blank"))
    b.append(Block("heading", title))
    b.append(Block("blank"))
    b.append(Block("lines", lines=[f"Dated: {f(decision, 'slash_nopad')}"]))
    b.append(Block("blank"))
    rows = [[("IMR Case Number:", case_number), ("Date of Injury:", f(injury, "slash4"))]]
    if with_claims:
        rows.append([("Claims Number:", ""), ("UR Denial Date:", f(ur, "slash4"))])
    else:
        rows.append([("UR Denial Date:", f(ur, "slash4"))])
    rows.append([("Priority:", priority.upper()), ("Application Received:", f(received, "slash4"))])
    if with_claims:
        rows += [[("Employee Name:", "")], [("Provider Name:", "")]]
    b.append(Block("table", rows=rows))


def _documents(rng: random.Random, plan: LetterPlan, title: str, k: int) -> list[Block]:
    """The list of documents reviewed: ``k`` of them, in a random order."""
    docs = [d.format(ur=prose.fmt_date(plan.ur, "slash_nopad")) for d in prose.DOCUMENTS]
    return [
        Block("lines", lines=[title]),
        Block("lines", lines=["\u2022 " + d for d in rng.sample(docs, k=k)]),
        Block("blank"),
    ]


def _decision_sentence(k: int, service: str, upheld: bool, glued: bool) -> str:
    verdict = ("notmedically" if glued else "not medically") if upheld else "medically"
    return (
        f"{k}) MAXIMUS Federal Services, Inc. has determined the request for {service} is "
        f"{verdict} necessary and appropriate."
    )


def letter_notice(rng: random.Random, plan: LetterPlan) -> tuple[list[Block], list[Item]]:
    """The 2013 Notice of IMR Determination: its blocks and the items' truth."""
    f = prose.fmt_date
    b: list[Block] = []
    _notice_header(
        b, plan, title="Notice of Independent Medical Review Determination", with_claims=True
    )
    b.append(Block("lines", lines=["Treatment(s) in Dispute Listed on IMR Application:"]))
    b.append(Block("para", ", ".join(p.service.upper() for p in plan.items)))
    b.append(Block("blank"))
    glued = rng.random() < 0.3
    if glued:
        plan.artefacts.append("notmedically")
    decisions = [
        _decision_sentence(k, p.service, p.decision == "upheld", glued)
        for k, p in enumerate(plan.items, start=1)
    ]
    if rng.random() < 0.5:
        b.append(Block("lines", lines=list(decisions)))
        b.append(Block("blank"))
        plan.artefacts.append("decisions-twice")
    b.append(Block("para", prose.NOTICE_INTRO))
    b.append(Block("blank"))
    ups = sum(p.decision == "upheld" for p in plan.items)
    final = "UPHOLD" if ups == len(plan.items) else "OVERTURN" if ups == 0 else "PARTIALLY OVERTURN"
    b.append(
        Block(
            "para",
            f"Final Determination: {final}. {prose.NOTICE_FINAL[final]} {prose.NOTICE_BINDING}",
        )
    )
    b.append(Block("blank"))
    b.append(
        Block(
            "lines",
            lines=["Sincerely,", "", "Chief Medical Officer", "MAXIMUS Federal Services, Inc."],
        )
    )
    b.append(Block("blank"))
    b.append(Block("heading", "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"))
    b.append(
        Block(
            "para",
            (
                f"An application for Independent Medical Review was filed on "
                f"{f(plan.received, 'slash_nopad')} disputing the Utilization Review Denial "
                f"dated {f(plan.ur, 'slash_nopad')}. A Notice of Assignment and Request for "
                f"Information was provided to the above parties on "
                f"{f(plan.assigned, 'slash_nopad')}. A decision has been "
                f"made for each of the treatment and/or services that were in dispute:"
            ),
        )
    )
    b.append(Block("lines", lines=decisions))
    b.append(Block("blank"))
    b.append(Block("lines", lines=["Medical Qualifications of the Expert Reviewer:"]))
    cred = prose_credentials(rng, plan, "The physician reviewer")
    b.append(Block("para", prose.NOTICE_QUALS.format(cred=cred)))
    b.append(Block("blank"))
    b.append(
        Block(
            "lines",
            lines=[
                pick(
                    rng, ("Case Summary:", "Expert Reviewer Case Summary:", "CLINICAL CASE SUMMARY")
                )
            ],
        )
    )
    sents = list(plan.summary)
    if rng.random() < 0.5:
        sents = [
            "Disclaimer: The following case summary was taken directly from the "
            f"utilization review denial/modification dated {f(plan.ur, 'long')}.",
            '"' + sents[0],
            *sents[1:],
        ]
        sents[-1] += '"'
    b.append(_summary_block(rng, sents, plan))
    b.append(Block("blank"))
    b += _documents(rng, plan, "DOCUMENTS REVIEWED:", 4)
    b.append(
        Block(
            "heading",
            pick(rng, ("IMR DECISION(S) AND RATIONALE(S):", "IMR DECISION(S) AND RATIONALE(S)")),
        )
    )
    items: list[Item] = []
    for k, p in enumerate(plan.items, start=1):
        d = p.draft
        claims = cit.notice_paragraph(rng, claims=True, family=d.family, region=d.region)
        imr = cit.notice_paragraph(rng, claims=False, family=d.family, region=d.region)
        b.append(Block("blank"))
        b.append(Block("para", f"{k}) Regarding the request for {p.service}:", item_start=k > 1))
        b.append(
            Block(
                "lines",
                lines=["Medical Treatment Guideline(s) Relied Upon by the Claims Administrator:"],
            )
        )
        b.append(Block("para", claims.text, hyphen=True))
        b.append(
            Block(
                "lines",
                lines=["Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:"],
            )
        )
        b.append(Block("para", imr.text, hyphen=True))
        b.append(Block("lines", lines=["Rationale for the Decision:"]))
        rat = prose.rationale(
            rng, d, p.service, p.decision == "upheld", ancillary_of_denied=p.ancillary_of_denied
        )
        rat_text = prose.join_sentences(rng, rat, plan.glue)
        b.append(Block("para", rat_text, hyphen=True))
        items.append(_item(k, p, d, claims, imr, rat_text))
    return b, items


def letter_review(rng: random.Random, plan: LetterPlan) -> tuple[list[Block], list[Item]]:
    """The Medical Professional Review: its blocks and the items' truth."""
    b: list[Block] = []
    _notice_header(b, plan, title="MEDICAL PROFESSIONAL REVIEW", with_claims=False)
    b.append(Block("blank"))
    b.append(Block("lines", lines=["ISSUE AT DISPUTE:"]))
    if len(plan.items) == 1:
        b.append(Block("para", plan.items[0].service))
    else:
        b.append(Block("lines", lines=[f"{k}. {p.service}" for k, p in enumerate(plan.items, 1)]))
    b.append(Block("blank"))
    b.append(Block("lines", lines=["CASE SUMMARY:"]))
    b.append(_summary_block(rng, plan.summary, plan))
    b.append(Block("blank"))
    b += _documents(rng, plan, "DOCUMENTS REVIEWED FOR DETERMINATION:", 3)
    b.append(
        Block(
            "lines",
            lines=["MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:"],
        )
    )
    cites: list[cit.Cited] = []
    for k, p in enumerate(plan.items, start=1):
        c = cit.review_paragraph(rng, p.draft.family, p.draft.region, prose.lower_first(p.service))
        cites.append(c)
        lead = f"{k}) " if len(plan.items) > 1 else ""
        b.append(Block("para", lead + c.text, hyphen=True))
    b.append(Block("blank"))
    b.append(
        Block(
            "lines",
            lines=[
                "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:"
            ],
        )
    )
    items: list[Item] = []
    for k, p in enumerate(plan.items, start=1):
        d = p.draft
        rat = prose.rationale(
            rng, d, p.service, p.decision == "upheld", ancillary_of_denied=p.ancillary_of_denied
        )[:-1]
        verdict = (
            "is not medically necessary" if p.decision == "upheld" else "is medically necessary"
        )
        rat.append(f"{cap(prose.the_request_for(p.service))} {verdict} and appropriate.")
        rat_text = prose.join_sentences(rng, rat, plan.glue)
        lead = f"{k}) " if len(plan.items) > 1 else ""
        b.append(Block("para", lead + rat_text, hyphen=True, item_start=k > 1))
        items.append(_item(k, p, d, None, cites[k - 1], rat_text))
    b.append(Block("blank"))
    b.append(Block("lines", lines=["MEDICAL REVIEWER QUALIFICATIONS:"]))
    cred = prose_credentials(rng, plan, "The reviewer")
    b.append(
        Block(
            "para",
            cred + " The reviewer has been in active clinical practice for more "
            "than five years and has no affiliation with the employer, employee, "
            "providers or the claims administrator.",
        )
    )
    return b, items


# layout -> its builder (the letter's ``layout`` field names the key)
BUILDERS: dict[str, Callable[[random.Random, LetterPlan], tuple[list[Block], list[Item]]]] = {
    "2014": letter_2014,
    "2013-notice": letter_notice,
    "professional-review": letter_review,
}
