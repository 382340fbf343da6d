"""A deterministic generator of realistic IMR letters with their ground truth.

    python -m imr_synth --letters 1000 --seed 1 --out benchmarks/out/corpus [--pdf]

writes ``synth-000000.txt`` ... (or ``.pdf`` for a few letters with ``--pdf``) and one
``truth.jsonl`` into the output directory: one line per letter, in file order, holding
``Letter.to_dict()`` of the letter's ground truth (``source`` is the file name) plus a ``synth``
key describing how it was generated (layout variant, header and text styles, artefacts), which
``Letter.from_dict`` ignores.

Each letter is drawn from its own ``random.Random`` seeded with (seed, index), so letter *i* is
the same whatever ``n`` is, and the same seed gives the same bytes. The first letters of every
corpus cycle through all layout variants (see ``COVERAGE``), so even a small corpus holds each
of them; the rest follow the shape of the real corpus (``--shape`` prints it). ``--jobs N``
generates in N processes with the same output.

Ground truth follows ``docs/vocabulary.md``. Conventions where the documents leave a choice:

- 2014 layout without its header table: only ``date_of_injury`` is known (from the summary);
  case number, priority and the other dates are null even if the summary mentions a UR date.
- 2013 notice: ``decision_date`` is the "Dated:" line, ``date_assigned`` the date the Notice of
  Assignment and Request for Information was provided, ``application_received`` and
  ``ur_denial_date`` the header values (the same dates the body repeats).
- Professional review: no ``date_assigned``; no Claims Administrator guideline (null, []).
- ``board_certified`` is true only when the letter says "Board Certified"; the credential lines
  ("Certification(s)/Specialty:") and "Licensed Chiropractor" leave it null.
- Partial authorisations: ``service`` is the remaining eligible portion as written (wording A)
  or the original request as repeated after "The original request," (wording B);
  ``original_request`` the text before "was the original request".
- Licensure states are USPS codes in the order written (the parser's golden files do so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imr_search.model import Letter, Patient
from imr_synth import layouts as lay
from imr_synth import prose as prose
from imr_synth.data import tables
from imr_synth.items import pick
from imr_synth.render import Style, render, render_pdf

_DATA = tables("corpus")  # this module's tables: imr_synth/data/corpus.json

TRUTH_FILE = "truth.jsonl"

# (decision year, weight): volume rose to 2015-2017 and fell since
YEARS: tuple[tuple[int, float], ...] = _DATA["YEARS"]
# the first letters of every corpus: (layout, header style, text style)
COVERAGE: tuple[tuple[str, str | None, str], ...] = _DATA["COVERAGE"]
PDF_EVERY = 25  # with pdf=True, letters with index % PDF_EVERY == 3 are written as PDF


@dataclass(slots=True)
class SynthLetter:
    """One generated letter: its file name, content (text or PDF bytes) and ground truth."""

    name: str
    text: str
    pdf: bytes | None
    truth: Letter
    meta: dict[str, Any]

    def truth_line(self) -> str:
        d = self.truth.to_dict()
        # The generator knows no reason codes (the parser reads them from the rationale it
        # wrote): the truth leaves them out, as it did before the record had them.
        for item in d["items"]:
            item.pop("reasons", None)
            item.pop("reason_sentences", None)
        d["synth"] = self.meta
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def make_letter(seed: int, index: int, *, pdf: bool = False, width_digits: int = 6) -> SynthLetter:
    """Letter ``index`` of the corpus of ``seed`` (independent of the corpus size)."""
    rng = random.Random(f"imr-synth/{seed}/{index}")
    forced = COVERAGE[index] if index < len(COVERAGE) else None
    # --- dates and layout
    if forced is not None:
        year = 2013 if forced[0] != "2014" else rng.choice((2014, 2015, 2016, 2017, 2019, 2022))
    else:
        year = rng.choices([y for y, _ in YEARS], [w for _, w in YEARS])[0]
    start = dt.date(2013, 8, 1) if year == 2013 else dt.date(year, 1, 1)
    decision = lay.date_between(rng, start, dt.date(year, 12, 31))
    assigned = decision - dt.timedelta(days=rng.randint(12, 40))
    received = assigned - dt.timedelta(days=rng.randint(1, 9))
    ur = received - dt.timedelta(days=rng.randint(5, 32))
    age = rng.choices(range(18, 81), [1 + min(a - 17, 81 - a, 25) for a in range(18, 81)])[0]
    sex = "male" if rng.random() < 0.58 else "female"
    back = rng.choices(
        (rng.randint(20, 200), rng.randint(200, 1500), rng.randint(1500, 9000)), (30, 45, 25)
    )[0]
    injury = ur - dt.timedelta(days=back)
    min_injury = dt.date(decision.year - age + 16, decision.month, 1)
    if injury < min_injury:
        injury = min_injury + dt.timedelta(days=rng.randint(0, 300))
        if injury >= ur:
            injury = ur - dt.timedelta(days=30)
    if forced is not None:
        layout, header, text_style = forced
    elif year == 2013:
        layout = "2013-notice" if rng.random() < 0.85 else "professional-review"
        header = rng.choices(("inline", "columns", "pairs"), (60, 25, 15))[0]
        text_style = {"inline": "plain", "columns": "layout", "pairs": "clean"}[header]
        if rng.random() < 0.1:
            text_style = "seed"
    else:
        layout = "2014"
        header = rng.choices(
            ("inline", "columns", "separate", "labels_first", "pairs", None), (44, 16, 8, 7, 5, 20)
        )[0]
        if header is None:
            text_style = rng.choices(("seed", "plain", "clean"), (50, 35, 15))[0]
        else:
            text_style = {
                "inline": "plain",
                "columns": "layout",
                "separate": "clean",
                "labels_first": rng.choice(("plain", "clean")),
                "pairs": "clean",
            }[header]
            if header == "inline" and rng.random() < 0.1:
                text_style = "seed"
    as_pdf = pdf and index % PDF_EVERY == 3
    case_number = f"CM{assigned.year % 100:02d}-{(index * 7919 + seed * 104_729) % 10_000_000:07d}"
    name = f"synth-{index:0{width_digits}d}." + ("pdf" if as_pdf else "txt")
    priority = "Standard" if rng.random() < 0.95 else "Expedited"

    artefacts: list[str] = []
    style = Style(
        name=text_style,
        width=rng.randint(86, 97),
        header=header,
        trailing=0.97 if text_style in ("plain", "seed") else 0.0,
        hyphen_breaks=rng.random() < 0.35,
        drop_item_blanks=rng.random() < 0.15,
        center_headings=text_style == "layout",
        leading_blank=text_style in ("plain", "seed") and header is not None,
    )
    glue = 0.12 if rng.random() < 0.25 else 0.0
    if glue:
        artefacts.append("glued-sentences")
    if style.hyphen_breaks:
        artefacts.append("hyphen-breaks")
    dos_date = ur - dt.timedelta(days=rng.randint(3, 60))
    dos = prose.fmt_date(dos_date, pick(rng, ("slash4", "slash2", "slash_nopad")))
    n = lay.n_items(rng)
    plans = lay.plan_items(rng, n, dos, allow_partial=layout == "2014")
    if style.drop_item_blanks and len(plans) > 1:
        artefacts.append("no-item-blanks")
    redacted = layout == "2014" and rng.random() < 0.03
    no_sex = layout == "2014" and not redacted and rng.random() < 0.03
    p_age = None if redacted else age
    p_sex = None if redacted or no_sex else sex
    dstyle = prose.date_style(rng, year, injury)
    summary_sents = prose.summary(
        rng,
        age=p_age,
        sex=p_sex,
        injury=injury,
        ur=ur,
        drafts=[p.draft for p in plans],
        style=dstyle,
        layout=layout,
        redacted=redacted,
        glue=glue,
    )
    rev, written, states, warnings = lay.reviewer(rng, plans, year)

    if layout == "2014":
        for p in plans:
            lay.resolve_partial(rng, p)
    else:
        for p in plans:
            p.service = lay.notice_service(p.draft)
            p.truth_draft = p.draft
    plan = lay.LetterPlan(
        items=plans,
        reviewer=rev,
        written=written,
        states=states,
        summary=summary_sents,
        style=style,
        glue=glue,
        year=year,
        header=header,
        case_number=case_number,
        priority=priority,
        decision=decision,
        assigned=assigned,
        injury=injury,
        ur=ur,
        received=received,
        artefacts=artefacts,
    )
    blocks, items = lay.BUILDERS[layout](rng, plan)
    has_header = header is not None
    summary_text = lay.norm(" ".join(summary_sents))
    truth = Letter(
        id=case_number if has_header else name.rsplit(".", 1)[0],
        source=name,
        layout=layout,  # type: ignore[arg-type]
        case_number=case_number if has_header else None,
        priority=priority if has_header else None,
        date_assigned=assigned if has_header and layout != "professional-review" else None,
        date_of_injury=injury,
        decision_date=decision if has_header else None,
        ur_denial_date=ur if has_header else None,
        application_received=received if has_header else None,
        reviewer=rev,
        patient=Patient(age=p_age, sex=p_sex),  # type: ignore[arg-type]
        summary=summary_text,
        items=items,
        warnings=warnings,
    )
    if layout == "2013-notice":
        truth.date_assigned = assigned
    variant = layout if layout != "2014" else ("2014-header" if has_header else "2014-noheader")
    meta = {
        "variant": variant,
        "header": header,
        "text_style": text_style,
        "width": style.width,
        "artefacts": sorted(set(artefacts)),
        "format": "pdf" if as_pdf else "txt",
    }
    if as_pdf:
        pdf_bytes = render_pdf(blocks, 95, rng)
        return SynthLetter(name=name, text="", pdf=pdf_bytes, truth=truth, meta=meta)
    return SynthLetter(name=name, text=render(blocks, style, rng), pdf=None, truth=truth, meta=meta)


# --- the corpus ------------------------------------------------------------------------------


def iter_letters(n: int, seed: int, *, pdf: bool = False) -> Iterator[SynthLetter]:
    """Yield the ``n`` letters of corpus ``seed`` without writing anything."""
    digits = max(6, len(str(max(n - 1, 0))))
    for i in range(n):
        yield make_letter(seed, i, pdf=pdf, width_digits=digits)


def _write_range(job: tuple[int, int, int, bool, int, str]) -> list[str]:
    """Write letters [start, stop) of corpus ``seed``; return their truth lines in order."""
    seed, start, stop, pdf, digits, out = job
    lines = []
    for i in range(start, stop):
        letter = make_letter(seed, i, pdf=pdf, width_digits=digits)
        path = Path(out) / letter.name
        if letter.pdf is not None:
            path.write_bytes(letter.pdf)
        else:
            with path.open("w", encoding="utf-8", newline="\n") as fh:
                fh.write(letter.text)
        lines.append(letter.truth_line() + "\n")
    return lines


def generate(n: int, seed: int, out_dir: Path, *, pdf: bool = False, jobs: int = 1) -> None:
    """Write ``n`` letters (.txt, a few .pdf with ``pdf``) and ``truth.jsonl`` into ``out_dir``.

    ``jobs`` > 1 generates in that many processes; the output is the same byte for byte.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    digits = max(6, len(str(max(n - 1, 0))))
    step = 500
    ranges = [(seed, a, min(a + step, n), pdf, digits, str(out_dir)) for a in range(0, n, step)]
    with (out_dir / TRUTH_FILE).open("w", encoding="utf-8", newline="\n") as truth:
        if jobs <= 1 or len(ranges) <= 1:
            for r in ranges:
                truth.writelines(_write_range(r))
            return
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            for lines in pool.imap(_write_range, ranges):
                truth.writelines(lines)


def read_truth(corpus_dir: Path) -> list[tuple[Letter, dict[str, Any]]]:
    """The ground truth of a generated corpus: (letter, generation meta) in file order."""
    out = []
    with (Path(corpus_dir) / TRUTH_FILE).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out.append((Letter.from_dict(d), d.get("synth", {})))
    return out


def shape(letters: Sequence[Letter]) -> dict[str, Any]:
    """Corpus statistics to compare with the real corpus."""
    items = [i for lt in letters for i in lt.items]
    n_items = len(items) or 1
    counts: dict[str, int] = {}
    for i in items:
        counts[i.category or "?"] = counts.get(i.category or "?", 0) + 1
    layouts: dict[str, int] = {}
    for lt in letters:
        layouts[lt.layout] = layouts.get(lt.layout, 0) + 1
    per_letter = [len(lt.items) for lt in letters]
    return {
        "letters": len(letters),
        "items": len(items),
        "items_per_letter": len(items) / max(len(letters), 1),
        "max_items": max(per_letter, default=0),
        "letters_10plus": sum(x >= 10 for x in per_letter),
        "overturned": sum(i.decision == "overturned" for i in items) / n_items,
        "partial": sum(i.partial for i in items) / n_items,
        "retrospective": sum(i.retrospective for i in items) / n_items,
        "categories": {
            k: round(v / n_items, 4) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])
        },
        "layouts": layouts,
        "female": sum(lt.patient.sex == "female" for lt in letters) / max(len(letters), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m imr_synth", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    ap.add_argument("--letters", type=int, default=1000, help="number of letters")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument("--out", type=Path, help="output directory")
    ap.add_argument("--pdf", action="store_true", help=f"write every {PDF_EVERY}th letter as PDF")
    ap.add_argument("--shape", action="store_true", help="print the corpus shape (JSON)")
    ap.add_argument("--jobs", type=int, default=1, help="generate in this many processes")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.out is not None:
        generate(args.letters, args.seed, args.out, pdf=args.pdf, jobs=args.jobs)
        print(
            f"wrote {args.letters} letters to {args.out} in {time.perf_counter() - t0:.1f}s",
            file=sys.stderr,
        )
    if args.shape:
        letters = [s.truth for s in iter_letters(args.letters, args.seed)]
        print(json.dumps(shape(letters), indent=2))
    if args.out is None and not args.shape:
        ap.error("nothing to do: give --out and/or --shape")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
