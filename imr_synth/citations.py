"""Guideline citation paragraphs of the synthetic corpus, each with its ground truth.

Three families of wording, by era:

- 2014-era (decisions 2014-2015): "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back
  Complaints Page(s): 177-179." / "MTUS Chronic Pain Medical Treatment Guidelines Topical
  Analgesics Page(s): 111-113."
- 2016-era (decisions 2016 on): "Decision based on MTUS Chronic Pain Medical Treatment 2016,
  Section(s): Topical analgesics." / "MTUS Low Back Complaints 2004, Section(s): Special
  Studies." / chained "MTUS General Approaches 2004, and Chronic Pain ... 2016, Section(s): ..."
- 2013 notices and professional reviews: "The Claims Administrator based its decision on the
  Chronic Pain Medical Treatment Guidelines (2009), Opioids, pages 74-96, which are part of the
  MTUS." / "... the Official Disability Guidelines (ODG), Pain Chapter, ..., which is not part of
  the MTUS."

Plus Non-MTUS citations (ODG, ACOEM outside the MTUS, UpToDate, web pages) and the "did not cite
any medical evidence" sentences, whose truth is an empty list.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from imr_search.model import Citation
from imr_synth.data import tables
from imr_synth.items import pick

_DATA = tables("citations")  # this module's tables: imr_synth/data/citations.json

# region -> (MTUS ACOEM part, chapter, edition, pages (2014 era))
ACOEM_BY_REGION: dict[str, tuple[str, int, int, tuple[str, ...]]] = _DATA["ACOEM_BY_REGION"]
ACOEM_SECTIONS: dict[str, tuple[str, ...]] = _DATA["ACOEM_SECTIONS"]
ODG_BY_REGION: dict[str, tuple[str, ...]] = _DATA["ODG_BY_REGION"]

# family -> CPMTG (section, 2014 pages, 2016 section name)
CPMTG: dict[str, tuple[tuple[str, str, str], ...]] = _DATA["CPMTG"]
ODG_TOPICS: dict[str, tuple[str, ...]] = _DATA["ODG_TOPICS"]
ODG_DEFAULT_CHAPTER: dict[str, str] = _DATA["ODG_DEFAULT_CHAPTER"]
# families whose citations come mostly from outside the MTUS
ODG_FAMILIES = frozenset(_DATA["ODG_FAMILIES"])  # membership only
ACOEM_FAMILIES = frozenset(_DATA["ACOEM_FAMILIES"])  # membership only
OTHER_SOURCES: tuple[str, ...] = _DATA["OTHER_SOURCES"]


@dataclass(slots=True)
class Cited:
    """A citation paragraph as printed and the citations it names."""

    text: str
    cites: list[Citation]


def _norm(s: str) -> str:
    return " ".join(s.split())


def _acoem_region(region: str | None) -> tuple[str, int, int, tuple[str, ...]] | None:
    return ACOEM_BY_REGION.get(region or "")


def _odg_chapter(rng: random.Random, family: str, region: str | None) -> str:
    if family in ODG_DEFAULT_CHAPTER and (region is None or rng.random() < 0.5):
        return ODG_DEFAULT_CHAPTER[family]
    if region in ODG_BY_REGION:
        return pick(rng, ODG_BY_REGION[region])
    return "Pain"


def odg(rng: random.Random, family: str, region: str | None, year: int) -> tuple[str, Citation]:
    """One ODG citation in one of the observed wordings."""
    chapter = _odg_chapter(rng, family, region)
    topic = pick(rng, ODG_TOPICS.get(family, ("Treatment guidelines",)))
    r = rng.random()
    if r < 0.4:
        text = f"Official Disability Guidelines (ODG) {chapter} chapter, {topic}"
        c = Citation(source="ODG", part=chapter, section=topic)
    elif r < 0.6:
        text = f"Official Disability Guidelines (ODG), {chapter}, {topic}"
        c = Citation(source="ODG", part=chapter, section=topic)
    elif r < 0.75:
        part = f"{chapter} (Acute & Chronic)"
        text = f"ODG Treatment Integrated Treatment/Disability Duration Guidelines {part}"
        c = Citation(source="ODG", part=part)
    elif r < 0.85 and year >= 2016:
        text = f"Official Disability Guidelines, {year}, Web Version, {topic}"
        c = Citation(source="ODG", edition=year, section=topic)
    elif r < 0.93:
        text = "Official Disability Guidelines"
        c = Citation(source="ODG")
    else:
        text = f"ODG {chapter}, {topic}"
        c = Citation(source="ODG", part=chapter, section=topic)
    c.text = _norm(text)
    return text, c


def acoem_outside(rng: random.Random, region: str | None) -> tuple[str, Citation]:
    """ACOEM cited outside the MTUS (source ACOEM)."""
    r = rng.random()
    if r < 0.45:
        text = (
            "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 7, Independent Medical "
            "Examinations and Consultations, page 127"
        )
        c = Citation(
            source="ACOEM",
            part="Independent Medical Examinations and Consultations",
            edition=2004,
            chapter=7,
            pages="127",
        )
    elif r < 0.75:
        part = {
            "lumbar spine": "Low Back Disorders",
            "cervical spine": "Cervical and Thoracic Spine Disorders",
            "shoulder": "Shoulder Disorders",
            "knee": "Knee Disorders",
            "wrist": "Hand, Wrist, and Forearm Disorders",
            "hand": "Hand, Wrist, and Forearm Disorders",
            "elbow": "Elbow Disorders",
        }.get(region or "", "Chronic Pain")
        text = f"ACOEM Occupational Medicine Practice Guidelines, 3rd Edition, {part}"
        c = Citation(source="ACOEM", part=part)
    else:
        text = "APG 1 Plus, 2010, Low Back Disorders"
        c = Citation(source="ACOEM", part="Low Back Disorders", edition=2010)
    c.text = _norm(text)
    return text, c


def other_source(rng: random.Random, family: str) -> tuple[str, Citation]:
    topic = pick(rng, _DATA["other_source"])
    slug = pick(rng, ("omeprazole", "zolpidem", "ondansetron", "cyclobenzaprine", "tramadol"))
    text = pick(rng, OTHER_SOURCES).format(
        topic=topic, slug=slug, num=rng.randrange(10_000_000, 29_999_999)
    )
    return text, Citation(source="other", text=_norm(text))


# --- MTUS, by era ----------------------------------------------------------------------------


def mtus_2014(rng: random.Random, family: str, region: str | None) -> tuple[str, Citation]:
    """'MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-179' and kin."""
    ac = _acoem_region(region)
    use_acoem = ac is not None and (
        family in ACOEM_FAMILIES or family not in CPMTG or rng.random() < 0.2
    )
    if family == "acu":
        text = "MTUS Acupuncture Medical Treatment Guidelines"
        return text, Citation(source="MTUS", part="Acupuncture Treatment", text=text)
    if family == "adjunct" and rng.random() < 0.6:
        pp = pick(rng, ("26-27", "10-12", "24"))
        text = f"MTUS Postsurgical Treatment Guidelines Page(s): {pp}"
        return text, Citation(source="MTUS", part="Postsurgical Treatment", pages=pp, text=text)
    if use_acoem and ac is not None:
        part, chapter, _ed, pages = ac
        pp = pick(rng, pages)
        r = rng.random()
        if r < 0.55:
            text = f"MTUS ACOEM Chapter {chapter} {part} Page(s): {pp}"
            c = Citation(source="MTUS", part=part, chapter=chapter, pages=pp)
        elif r < 0.8:
            text = f"MTUS ACOEM Chapter {chapter} {part}"
            c = Citation(source="MTUS", part=part, chapter=chapter)
        else:
            text = f"MTUS ACOEM Page(s): {pp}"
            c = Citation(source="MTUS", pages=pp)
        if "Table" in pp:
            text = text.replace(pp, pp.replace(", ", ","))  # printed "Table 8-8,182"
        c.text = _norm(text)
        return text, c
    rows = CPMTG.get(family) or CPMTG["opioid" if family == "sleep" else "pt"]
    section, pp, _ = pick(rng, rows)
    r = rng.random()
    if r < 0.6:
        text = f"MTUS Chronic Pain Medical Treatment Guidelines {section} Page(s): {pp}"
        c = Citation(
            source="MTUS", part="Chronic Pain Medical Treatment", section=section, pages=pp
        )
    elif r < 0.85:
        text = f"MTUS Chronic Pain Medical Treatment Guidelines Page(s): {pp}"
        c = Citation(source="MTUS", part="Chronic Pain Medical Treatment", pages=pp)
    else:
        text = f"MTUS Chronic Pain Medical Treatment Guidelines {section}"
        c = Citation(source="MTUS", part="Chronic Pain Medical Treatment", section=section)
    c.text = _norm(text)
    return text, c


def mtus_2016_parts(
    rng: random.Random, family: str, region: str | None, year: int
) -> list[tuple[str, Citation]]:
    """One or two MTUS parts in the 2016 wording (each 'Part Edition[, Section(s): ...]')."""
    out: list[tuple[str, Citation]] = []
    ac = _acoem_region(region)
    if family == "acu":
        text = "Acupuncture Treatment 2007"
        out.append((text, Citation(source="MTUS", part="Acupuncture Treatment", edition=2007)))
    elif family == "adjunct" and rng.random() < 0.6:
        sec = pick(rng, ("Shoulder", "Knee", "Carpal Tunnel Syndrome", "Low Back"))
        text = f"Postsurgical Treatment 2009, Section(s): {sec}"
        out.append(
            (
                text,
                Citation(source="MTUS", part="Postsurgical Treatment", edition=2009, section=sec),
            )
        )
    elif (family in ("opioid", "uds")) and year >= 2017 and rng.random() < 0.3:
        sec = pick(rng, _DATA["mtus_2016_parts"])
        text = f"Opioid Treatment 2016, Section(s): {sec}"
        out.append(
            (text, Citation(source="MTUS", part="Opioid Treatment", edition=2016, section=sec))
        )
    elif ac is not None and (
        family in ACOEM_FAMILIES or family not in CPMTG or rng.random() < 0.25
    ):
        part, chapter, ed, _ = ac
        key = (
            family
            if family in ACOEM_SECTIONS
            else ("surgery" if family in ("spinesurgery", "surgconsult") else "default")
        )
        if rng.random() < 0.8:
            sec = pick(rng, ACOEM_SECTIONS[key])
            text = f"{part} {ed}, Section(s): {sec}"
            c = Citation(source="MTUS", part=part, edition=ed, chapter=chapter, section=sec)
        else:
            text = f"{part} {ed}"
            c = Citation(source="MTUS", part=part, edition=ed, chapter=chapter)
        out.append((text, c))
    else:
        rows = CPMTG.get(family) or CPMTG["pt"]
        _, _, sec = pick(rng, rows)
        ed = 2009 if (year == 2016 and rng.random() < 0.4) or rng.random() < 0.05 else 2016
        text = f"Chronic Pain Medical Treatment {ed}, Section(s): {sec}"
        out.append(
            (
                text,
                Citation(
                    source="MTUS", part="Chronic Pain Medical Treatment", edition=ed, section=sec
                ),
            )
        )
    if rng.random() < 0.12:
        # a second part first: "General Approaches 2004, and Chronic Pain ... 2016, Section(s): ..."
        text = "General Approaches 2004"
        out.insert(0, (text, Citation(source="MTUS", part="General Approaches", edition=2004)))
    for t, c in out:
        c.text = _norm(t)
    return out


NONE_CLAIMS: tuple[str, ...] = _DATA["NONE_CLAIMS"]
NONE_IMR = ("The Expert Reviewer did not cite any medical evidence for its decision.",)


def paragraph(
    rng: random.Random, *, claims: bool, family: str, region: str | None, year: int
) -> Cited:
    """A 'Claims Administrator guideline:' or 'MAXIMUS guideline:' paragraph (2014 layout)."""
    who = "Claims Administrator" if claims else "Expert Reviewer"
    none_p = 0.12 if claims else 0.03
    if family == "adjunct":
        none_p = 0.45 if claims else 0.35
    if rng.random() < none_p:
        return Cited(pick(rng, NONE_CLAIMS if claims else NONE_IMR), [])
    era2016 = year >= 2016
    odg_only = (family in ODG_FAMILIES and rng.random() < 0.75) or rng.random() < 0.08
    sentences: list[str] = []
    cites: list[Citation] = []
    if not odg_only:
        if era2016:
            parts = mtus_2016_parts(rng, family, region, year)
            joined = ", and ".join(t for t, _ in parts)
            sentences.append(f"Decision based on MTUS {joined}.")
            cites.extend(c for _, c in parts)
            for c in cites:
                if not c.text.startswith("MTUS") and c is cites[0]:
                    c.text = "MTUS " + c.text
        else:
            text, c = mtus_2014(rng, family, region)
            sentences.append(f"Decision based on {text}.")
            cites.append(c)
        extra = rng.random()
        if extra < 0.25:
            t, c = odg(rng, family, region, year)
            sentences.append(f"Decision based on Non-MTUS Citation {t}.")
            cites.append(c)
        elif extra < 0.29:
            t, c = other_source(rng, family)
            sentences.append(f"Decision based on Non-MTUS Citation {t}.")
            cites.append(c)
    else:
        r = rng.random()
        if r < 0.82:
            t, c = odg(rng, family, region, year)
        elif r < 0.92:
            t, c = acoem_outside(rng, region)
        else:
            t, c = other_source(rng, family)
        if era2016 or rng.random() < 0.3:
            sentences.append(
                f"The {who} based their decision on recommendation(s) outside of "
                "the MTUS Guidelines."
            )
        sentences.append(f"Decision based on Non-MTUS Citation {t}.")
        cites.append(c)
        if rng.random() < 0.1:
            t, c = other_source(rng, family)
            sentences.append(f"Decision based on Non-MTUS Citation {t}.")
            cites.append(c)
    return Cited(" ".join(sentences), cites)


# --- 2013 notice / professional review -------------------------------------------------------


def notice_guideline(rng: random.Random, family: str, region: str | None) -> tuple[str, Citation]:
    """'the Chronic Pain Medical Treatment Guidelines (2009), ..., which are part of the MTUS'."""
    ac = _acoem_region(region)
    r = rng.random()
    if (family in ODG_FAMILIES and r < 0.7) or r < 0.15:
        chapter = _odg_chapter(rng, family, region)
        topic = pick(rng, ODG_TOPICS.get(family, ("Treatment guidelines",)))
        text = (
            f"the Official Disability Guidelines (ODG), {chapter} Chapter, {topic}, which is "
            "not part of the MTUS"
        )
        return text, Citation(
            source="ODG",
            part=chapter,
            section=topic,
            text=f"Official Disability Guidelines (ODG), {chapter} Chapter, {topic}",
        )
    if family == "acu":
        text = "the Acupuncture Medical Treatment Guidelines (2007), which are part of the MTUS"
        return text, Citation(
            source="MTUS",
            part="Acupuncture Treatment",
            edition=2007,
            text="Acupuncture Medical Treatment Guidelines (2007)",
        )
    if ac is not None and (family in ACOEM_FAMILIES or family not in CPMTG):
        a_part, a_chapter, a_ed, pages = ac
        pp = pick(rng, [x for x in pages if "Table" not in x])
        core = (
            f"American College of Occupational and Environmental Medicine (ACOEM), 2nd "
            f"Edition, ({a_ed}), {a_part}, Chapter {a_chapter}, pages {pp}"
        )
        return (
            f"the {core}, which is part of the MTUS",
            Citation(
                source="MTUS",
                part=a_part,
                edition=a_ed,
                chapter=a_chapter,
                pages=pp,
                text=_norm(core),
            ),
        )
    rows = CPMTG.get(family) or CPMTG["pt"]
    section, pp, _ = pick(rng, rows)
    ed_text = pick(rng, ("(2009)", "(May 2009)"))
    core = f"Chronic Pain Medical Treatment Guidelines {ed_text}, {section}, pages {pp}"
    return (
        f"the {core}, which are part of the MTUS",
        Citation(
            source="MTUS",
            part="Chronic Pain Medical Treatment",
            edition=2009,
            section=section,
            pages=pp,
            text=_norm(core),
        ),
    )


def notice_paragraph(rng: random.Random, *, claims: bool, family: str, region: str | None) -> Cited:
    """The 2013 notice's 'Medical Treatment Guideline(s) Relied Upon by the ...' paragraph."""
    if claims and rng.random() < 0.12:
        return Cited(
            "The Claims Administrator did not cite any evidence-based criteria for its decision.",
            [],
        )
    who = (
        "The Claims Administrator based its decision on"
        if claims
        else pick(
            rng,
            (
                "The Expert Reviewer based his/her decision on",
                "The Expert Reviewer based his/her decision on",
            ),
        )
    )
    text, c = notice_guideline(rng, family, region)
    if not claims and c.source == "ODG" and rng.random() < 0.5:
        lead = (
            "The Expert Reviewer found that no section of the MTUS was applicable. Per the "
            "Strength of Evidence hierarchy established by the California Department of "
            "Industrial Relations, Division of Workers' Compensation, the Expert Reviewer "
            "based his/her decision on"
        )
        return Cited(f"{lead} {text}.", [c])
    sentences = [f"{who} {text}."]
    cites = [c]
    if rng.random() < 0.2:
        t2, c2 = notice_guideline(rng, family, region)
        if c2.text != c.text:
            subject = "The Claims Administrator" if claims else "The Expert Reviewer"
            sentences.append(f"{subject} also cited {t2}.")
            cites.append(c2)
    return Cited(" ".join(sentences), cites)


def review_paragraph(rng: random.Random, family: str, region: str | None, topic: str) -> Cited:
    """'MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:'."""
    text, c = notice_guideline(rng, family, region)
    why = pick(
        rng,
        (
            f"The guideline is relevant because it addresses {topic}.",
            f"This guideline was used because it specifically addresses {topic}.",
            f"It is the most relevant guideline for {topic}.",
        ),
    )
    return Cited(f"{text[4:5].upper()}{text[5:]}. {why}", [c])


def sources(cites: Sequence[Citation]) -> list[str]:
    return [c.source for c in cites]
