"""Free text of the synthetic letters: dates, case summaries, rationales and boilerplate.

Sentences are recombined from paraphrases of the sample letters. Everything that carries ground
truth (age, sex, injury date, UR date) is rendered from the letter's truth, so the summary never
contradicts the record; everything else is filler chosen from the seed's random stream.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from imr_synth.base import cap
from imr_synth.data import tables
from imr_synth.items import Draft, pick

_DATA = tables("prose")  # this module's tables: imr_synth/data/prose.json

MONTHS: tuple[str, ...] = _DATA["MONTHS"]

DATE_STYLES = ("slash4", "slash2", "dash4", "dash2", "long", "slash_nopad")


def fmt_date(d: dt.date, style: str) -> str:
    """A date as letters write it: 09/23/1998, 03/31/08, 10-20-2016, 10-13-16, August 27, 2007."""
    if style == "slash4":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "slash2":
        return f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}"
    if style == "dash4":
        return f"{d.month:02d}-{d.day:02d}-{d.year}"
    if style == "dash2":
        return f"{d.month:02d}-{d.day:02d}-{d.year % 100:02d}"
    if style == "long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.month}/{d.day}/{d.year}"


def date_style(rng: random.Random, year: int, injury: dt.date) -> str:
    """A summary's date style; two-digit years only where no century pivot can go wrong."""
    if year >= 2016:
        style = rng.choices(DATE_STYLES, (25, 8, 40, 12, 10, 5))[0]
    else:
        style = rng.choices(DATE_STYLES, (50, 15, 5, 3, 20, 7))[0]
    if style in ("slash2", "dash2") and not 1990 <= injury.year <= 2024:
        style = "slash4"
    return style


class Pron:
    """Pronouns for a summary ('the injured worker' when the sex is not stated)."""

    def __init__(self, sex: str | None, person: str) -> None:
        self.he = {"male": "he", "female": "she"}.get(sex or "", person)
        self.his = {"male": "his", "female": "her"}.get(sex or "", f"{person}'s")
        self.He = self.he[:1].upper() + self.he[1:]
        self.His = self.his[:1].upper() + self.his[1:]


# by body region; JSON keys are strings, so "" stands for None (no region)
COMPLAINTS: dict[str | None, tuple[str, ...]] = {
    k or None: v for k, v in _DATA["COMPLAINTS"].items()
}
DIAGNOSES: dict[str | None, tuple[str, ...]] = {k or None: v for k, v in _DATA["DIAGNOSES"].items()}
MECHANISMS: tuple[str, ...] = _DATA["MECHANISMS"]
TREATMENTS: tuple[str, ...] = _DATA["TREATMENTS"]
FINDINGS: tuple[str, ...] = _DATA["FINDINGS"]


def items_phrase(drafts: Sequence[Draft], rng: random.Random) -> str:
    names = []
    for d in drafts[:4]:
        t = d.text
        names.append(t if t[:2].isupper() or d.drug is not None else t[:1].lower() + t[1:])
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + pick(rng, (", and ", " and ")) + names[-1]


def summary(
    rng: random.Random,
    *,
    age: int | None,
    sex: str | None,
    injury: dt.date,
    ur: dt.date,
    drafts: Sequence[Draft],
    style: str,
    layout: str,
    redacted: bool,
    glue: float,
) -> list[str]:
    """The case summary as sentences (the renderer wraps and may glue them: '2007.In')."""
    person = pick(rng, ("the injured worker", "the patient", "the applicant", "the claimant"))
    if layout != "2014":
        person = pick(rng, ("the patient", "the employee", "the patient"))
    p = Pron(sex, person)
    main_region = next((d.region for d in drafts if d.region), None)
    rkey = (
        main_region
        if main_region in COMPLAINTS
        else (
            "lumbar spine"
            if main_region in ("sacroiliac joint", "spine", "lower extremity")
            else "cervical spine"
            if main_region == "upper extremity"
            else None
        )
    )
    complaint = pick(rng, COMPLAINTS[rkey])
    d_inj = fmt_date(injury, style)
    who = person[0].upper() + person[1:]
    out: list[str] = []
    if redacted:
        out.append(
            f"The applicant is a represented  employee who has filed a claim for "
            f"{complaint} reportedly associated with an industrial injury of {d_inj}."
        )
    elif layout != "2014":
        a = f"{age} year-old" if rng.random() < 0.6 else f"{age}-year-old"
        out.append(
            pick(
                rng,
                (
                    f"The patient is a {a} {sex} with a date of Injury of {d_inj}.",
                    f"The employee is a {a} {sex} who reported an industrial injury on {d_inj}.",
                    f"The patient is a {a} {sex} who was injured on {d_inj}.",
                ),
            )
        )
    else:
        s = f" {sex}" if sex else ""
        dash = rng.random() < 0.5
        a1 = f"{age}-year-old" if dash else f"{age} year old"
        out.append(
            pick(
                rng,
                (
                    f"{who} is a {a1}{s} who reported an injury on {d_inj}.",
                    f"{who} is a {a1}{s} with an injury date of {d_inj}.",
                    f"{who} is a {a1}{s} who has filed a claim for {complaint} "
                    f"reportedly associated with an industrial injury of {d_inj}.",
                    f"This case involves a now {a1}{s} with a history of an occupational "
                    f"claim from {d_inj}.",
                    f"This is a {a1}{s} with a date of injury on {d_inj}.",
                    f"{who} is a {a1}{s}, with a reported date of injury of {d_inj}.",
                    f"{who} is a {a1}{s}, who sustained an industrial injury on {d_inj}.",
                    f"{who} is a {a1}{s} with an industrial injury date of {d_inj}.",
                ),
            )
        )
    if rng.random() < 0.7:
        out.append(
            pick(
                rng,
                (
                    f"The mechanism of injury was {pick(rng, MECHANISMS)}.",
                    "The mechanism of injury was not provided for review.",
                    f"The mechanism of injury is detailed as {pick(rng, MECHANISMS)}.",
                ),
            )
        )
    dx = rng.sample(
        DIAGNOSES.get(rkey, DIAGNOSES[None]), k=min(2, len(DIAGNOSES.get(rkey, DIAGNOSES[None])))
    )
    if rng.random() < 0.5:
        dx.append(pick(rng, DIAGNOSES[None]))
    dx_text = ", ".join(dx[:-1]) + " and " + dx[-1] if len(dx) > 1 else dx[0]
    out.append(
        pick(
            rng,
            (
                f"The diagnoses include {dx_text}.",
                f"{p.His} diagnoses include {dx_text}.",
                f"The current diagnosis is documented as {dx[0]}.",
                f"Diagnoses included {dx_text}.",
            ),
        )
    )
    tx = rng.sample(TREATMENTS, k=3)
    out.append(
        pick(
            rng,
            (
                f"Treatment to date has included {tx[0]}, {tx[1]}, and {tx[2]}.",
                f"Prior treatments included {tx[0]}, {tx[1]} and {tx[2]}.",
                f"{p.His} past treatments included {tx[0]} and {tx[1]}.",
            ),
        )
    )
    first = max(injury + dt.timedelta(days=1), ur - dt.timedelta(days=400))
    span = max((ur - first).days, 2)
    k_visits = rng.choice((1, 2, 2, 3))
    visits = sorted({first + dt.timedelta(days=rng.randrange(0, span)) for _ in range(k_visits)})
    for v in visits:
        dv = fmt_date(v, style)
        out.append(
            pick(
                rng,
                (
                    f"On {dv}, {person} presented with complaints of {complaint}.",
                    f"According to the progress note dated {dv}, {p.he} reported {complaint} rated "
                    f"{rng.randint(4, 9)}/10.",
                    f"In a progress report dated {dv}, {person} complained of {complaint}.",
                    f"The progress report dated {dv} indicates that {person}'s symptoms "
                    "were unchanged.",
                ),
            )
        )
        if rng.random() < 0.7:
            out.append(
                pick(
                    rng,
                    (
                        f"Physical examination revealed {pick(rng, FINDINGS)}.",
                        f"On examination, there was {pick(rng, FINDINGS)}.",
                        f"The physical examination indicated {pick(rng, FINDINGS)}.",
                    ),
                )
            )
    items = items_phrase(drafts, rng)
    out.append(
        pick(
            rng,
            (
                f"The treatment plan included {items}.",
                f"The treating physician requested {items}.",
                f"A request for authorization was submitted for {items}.",
                f"The treater is requesting {items}.",
            ),
        )
    )
    ur_style = style if rng.random() < 0.8 else "long"
    d_ur = fmt_date(ur, ur_style)
    out.append(
        pick(
            rng,
            (
                f"On {d_ur}, Utilization Review non-certified the request for {items}.",
                f"The utilization review determination being challenged is dated {d_ur}.",
                f"In a Utilization Review report dated {d_ur}, the claims administrator "
                f"denied {items}.",
                f"The original Utilization Review ({d_ur}) non-certified the request.",
            ),
        )
    )
    return out


# --- rationales ------------------------------------------------------------------------------

GUIDE: dict[str, tuple[str, ...]] = _DATA["GUIDE"]
GROUP: dict[str, str] = _DATA["GROUP"]
UPHELD_FACTS: tuple[str, ...] = _DATA["UPHELD_FACTS"]
OVERTURNED_FACTS: tuple[str, ...] = _DATA["OVERTURNED_FACTS"]


def rationale(
    rng: random.Random,
    draft: Draft,
    service: str,
    upheld: bool,
    *,
    ancillary_of_denied: bool = False,
    partial_echo: str | None = None,
    glue: float = 0.0,
) -> list[str]:
    """The decision rationale as sentences, ending with the conclusion about ``service``."""
    if ancillary_of_denied:
        return [
            "As the requested surgical intervention is not medically necessary per the "
            "documentation, the requested ancillary service is not medically necessary."
        ]
    group = GROUP.get(draft.family, "generic")
    guide = GUIDE.get(group, GUIDE["generic"])
    out = []
    if rng.random() < 0.15:
        verdict = (
            "is not medically necessary or appropriate"
            if upheld
            else "is medically necessary and appropriate"
        )
        out.append(f"The requested {lower_first(service)} {verdict}.")
    out.extend(rng.sample(guide, k=2 if len(guide) > 1 and rng.random() < 0.4 else 1))
    facts = UPHELD_FACTS if upheld else OVERTURNED_FACTS
    out.extend(rng.sample(facts, k=rng.choice((1, 2, 2, 3))))
    if partial_echo:
        out.append(partial_echo)
    s = the_request_for(service)
    if upheld:
        out.append(
            pick(
                rng,
                (
                    f"As such, {s} is not medically necessary.",
                    f'Therefore, the request for "{service}" is not medically necessary.',
                    "Given the above, this request is not medically necessary.",
                    "Based on the above, the request is not medically necessary.",
                    f"As such, {s} is not medically necessary or appropriate.",
                ),
            )
        )
    else:
        out.append(
            pick(
                rng,
                (
                    f"As such, {s} is medically necessary.",
                    f"Therefore, {s} is medically necessary and appropriate.",
                    "Based on the above, the request is considered medically necessary and "
                    "appropriate.",
                    f"{cap(s)} is medically necessary.",
                ),
            )
        )
    return out


FRAMES = ("retrospective request for ", "prospective request for ", "request for ")


def the_request_for(service: str) -> str:
    """'the request for X', or 'the retrospective request for X' when X names its own frame."""
    low = service.lower()
    if low.startswith(FRAMES):
        return "the " + service[:1].lower() + service[1:]
    return "the request for " + lower_first(service)


def lower_first(s: str) -> str:
    if len(s) > 1 and s[1].isupper():
        return s  # "MRI", "EMG/NCV", "TENS"
    return s[:1].lower() + s[1:]


def join_sentences(rng: random.Random, sentences: Sequence[str], glue: float) -> str:
    """Join sentences; with probability ``glue`` a boundary loses its space ('2007.In')."""
    if not sentences:
        return ""
    parts = [sentences[0]]
    for s in sentences[1:]:
        sep = "" if glue and rng.random() < glue else pick(rng, (" ", " ", "  "))
        parts.append(sep + s)
    return "".join(parts)


# --- boilerplate -----------------------------------------------------------------------------

HOW_2014: str = _DATA["HOW_2014"]
SUMMARY_INTRO: str = _DATA["SUMMARY_INTRO"]
FINAL_DETERMINATION_INTRO: str = _DATA["FINAL_DETERMINATION_INTRO"]
NOTICE_INTRO: str = _DATA["NOTICE_INTRO"]
NOTICE_FINAL: dict[str, str] = _DATA["NOTICE_FINAL"]
NOTICE_BINDING: str = _DATA["NOTICE_BINDING"]
NOTICE_QUALS: str = _DATA["NOTICE_QUALS"]
DOCUMENTS: tuple[str, ...] = _DATA["DOCUMENTS"]
