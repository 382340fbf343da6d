"""Field-by-field parse accuracy of imr-search on a generated corpus (see :mod:`imr_synth.corpus`).

    python -m imr_synth.accuracy CORPUS_DIR [--limit N] [--examples 3] [--json report.json]
    python -m imr_synth.accuracy CORPUS_DIR --generate 500 --seed 1   # generate first

Every letter of the corpus is parsed with ``imr_search.parse.parse_path`` and compared with its
ground truth (``truth.jsonl``). Letter fields are scored over all letters; item fields over the
true items (an item the parser missed counts wrong on every field), except the drug fields and
``original_request``, which are scored where the truth or the parser has a value (so the many
non-drug items do not inflate them). Items are paired by position when the counts agree and by
service-text similarity otherwise. A letter the parser rejects (``ParseError``) counts wrong on
every field. Text comparisons ignore case, surrounding punctuation and runs of whitespace; lists
of specialties, states and citation sources ignore order.
"""

from __future__ import annotations

import argparse
import difflib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imr_search.model import Citation, Item, Letter
from imr_search.parse import parse_path
from imr_synth.corpus import generate, read_truth

ParseFn = Callable[[Path, str], Letter]

LETTER_FIELDS: tuple[str, ...] = (
    "parsed",
    "layout",
    "case_number",
    "priority",
    "date_assigned",
    "date_of_injury",
    "decision_date",
    "ur_denial_date",
    "application_received",
    "reviewer.specialties",
    "reviewer.license_states",
    "reviewer.board_certified",
    "patient.age",
    "patient.sex",
    "items.count",
)
ITEM_FIELDS: tuple[str, ...] = (
    "item.found",
    "item.service",
    "item.decision",
    "item.partial",
    "item.original_request",
    "item.category",
    "item.subcategory",
    "item.body_region",
    "item.modality",
    "item.retrospective",
    "item.drug.name",
    "item.drug.strength",
    "item.drug.quantity",
    "item.drug.refills",
    "item.claims_citations.sources",
    "item.imr_citations.sources",
    "item.claims_citations.detail",
    "item.imr_citations.detail",
)
FIELDS = LETTER_FIELDS + ITEM_FIELDS
VARIANTS = ("2014-header", "2014-noheader", "2013-notice", "professional-review")
MISSING = "<missing>"


@dataclass(slots=True)
class FieldScore:
    """How often one field came out right, with a few wrong examples."""

    correct: int = 0
    total: int = 0
    examples: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def add(self, ok: bool, where: str, expected: Any, got: Any, keep: int) -> None:
        self.total += 1
        if ok:
            self.correct += 1
        elif len(self.examples) < keep:
            self.examples.append((where, expected, got))


@dataclass(slots=True)
class AccuracyReport:
    """Per-field accuracy over a corpus, overall and per layout variant."""

    letters: int = 0
    items: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, FieldScore] = field(default_factory=dict)
    by_variant: dict[str, dict[str, FieldScore]] = field(default_factory=dict)

    def accuracy(self, name: str, variant: str | None = None) -> float:
        scores = self.fields if variant is None else self.by_variant.get(variant, {})
        return scores[name].accuracy if name in scores else 1.0

    def table(self, *, variants: bool = True) -> str:
        """A printable table: one row per field, columns overall and per variant."""
        cols = [v for v in VARIANTS if v in self.by_variant] if variants else []
        head = f"{'field':<32}{'all':>14}" + "".join(f"{c:>21}" for c in cols)
        lines = [head, "-" * len(head)]
        for name in FIELDS:
            s = self.fields.get(name)
            if s is None or s.total == 0:
                continue
            row = f"{name:<32}{_cell(s):>14}"
            for c in cols:
                cs = self.by_variant[c].get(name)
                row += f"{_cell(cs) if cs and cs.total else '-':>21}"
            lines.append(row)
        rate = self.letters / self.seconds if self.seconds else 0.0
        lines.append("-" * len(head))
        lines.append(
            f"{self.letters} letters, {self.items} items, {len(self.errors)} parse errors, "
            f"{self.seconds:.1f}s ({rate:.0f} letters/s)"
        )
        return "\n".join(lines)

    def examples(self, per_field: int = 3) -> str:
        out = []
        for name in FIELDS:
            s = self.fields.get(name)
            if s is None or not s.examples:
                continue
            out.append(f"{name}:")
            for where, exp, got in s.examples[:per_field]:
                out.append(f"  {where}: expected {exp!r}, got {got!r}")
        for src, msg in self.errors[:per_field]:
            out.append(f"parse error {src}: {msg}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        def scores(d: dict[str, FieldScore]) -> dict[str, Any]:
            return {
                k: {"accuracy": v.accuracy, "correct": v.correct, "total": v.total}
                for k, v in d.items()
            }

        return {
            "letters": self.letters,
            "items": self.items,
            "seconds": self.seconds,
            "parse_errors": len(self.errors),
            "fields": scores(self.fields),
            "by_variant": {k: scores(v) for k, v in self.by_variant.items()},
        }


def _cell(s: FieldScore) -> str:
    return f"{s.accuracy:.3f} ({s.total})"


# --- comparison ------------------------------------------------------------------------------


def norm_text(s: Any) -> str | None:
    """Case, surrounding quotes/punctuation and whitespace runs do not count."""
    if s is None:
        return None
    t = " ".join(str(s).split()).strip(" .,:;\"'").casefold()
    return t or None


def _pages(s: str | None) -> str | None:
    return None if s is None else "".join(s.split()).casefold()


def _cite_key(c: Citation) -> tuple[Any, ...]:
    return (
        c.source,
        norm_text(c.part),
        c.edition,
        c.chapter,
        norm_text(c.section),
        _pages(c.pages),
    )


def _attr(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def letter_value(letter: Letter | None, name: str) -> Any:
    if letter is None:
        return MISSING
    if name == "parsed":
        return True
    if name == "items.count":
        return len(letter.items)
    v = _attr(letter, name)
    if name in ("reviewer.specialties", "reviewer.license_states"):
        return sorted(norm_text(x) or "" for x in v)
    if isinstance(v, str):
        return norm_text(v)
    return v


def item_value(item: Item | None, name: str) -> Any:
    if item is None:
        return MISSING
    key = name.removeprefix("item.")
    if key == "found":
        return True
    if key.endswith(".sources"):
        cites: list[Citation] = getattr(item, key.split(".")[0])
        return sorted(c.source for c in cites)
    if key.endswith(".detail"):
        cites = getattr(item, key.split(".")[0])
        return sorted((_cite_key(c) for c in cites), key=repr)
    v = _attr(item, key)
    if key in ("category", "subcategory"):
        return v  # the DWC vocabulary is exact
    if isinstance(v, str):
        return norm_text(v)
    return v


def _in_scope(name: str, truth: Item, got: Item | None) -> bool:
    if name.startswith("item.drug."):
        return truth.drug is not None or (got is not None and got.drug is not None)
    if name == "item.original_request":
        return truth.partial or (got is not None and got.original_request is not None)
    return True


def pair_items(truth: Sequence[Item], got: Sequence[Item]) -> list[Item | None]:
    """For each true item, the parsed item it corresponds to (or None)."""
    if len(truth) == len(got):
        return list(got)
    pairs = []
    for i, t in enumerate(truth):
        ts = norm_text(t.service) or ""
        for j, g in enumerate(got):
            r = difflib.SequenceMatcher(None, ts, norm_text(g.service) or "").ratio()
            pairs.append((r, i, j))
    pairs.sort(reverse=True)
    out: list[Item | None] = [None] * len(truth)
    used: set[int] = set()
    for r, i, j in pairs:
        if r < 0.5:
            break
        if out[i] is None and j not in used:
            out[i] = got[j]
            used.add(j)
    return out


def default_parse(path: Path, source: str) -> Letter:
    """The parser under test: the library's entry point (imported at module level, so a
    missing or renamed entry point fails every caller instead of being skipped)."""
    return parse_path(path, source=source)


def measure(
    corpus_dir: Path,
    *,
    limit: int | None = None,
    parse: ParseFn | None = None,
    examples: int = 5,
) -> AccuracyReport:
    """Parse every letter of ``corpus_dir`` and score each field against ``truth.jsonl``."""
    from imr_search.errors import ParseError

    corpus_dir = Path(corpus_dir)
    parse_fn = parse or default_parse
    truths = read_truth(corpus_dir)
    if limit is not None:
        truths = truths[:limit]
    rep = AccuracyReport()
    for name in FIELDS:
        rep.fields[name] = FieldScore()
    t0 = time.perf_counter()
    for truth, meta in truths:
        variant = str(meta.get("variant", truth.layout))
        vscores = rep.by_variant.setdefault(variant, {n: FieldScore() for n in FIELDS})
        got: Letter | None
        try:
            got = parse_fn(corpus_dir / truth.source, truth.source)
        except ParseError as e:
            got = None
            rep.errors.append((truth.source, str(e)))
        rep.letters += 1
        rep.items += len(truth.items)
        for name in LETTER_FIELDS:
            exp, val = letter_value(truth, name), letter_value(got, name)
            ok = exp == val
            rep.fields[name].add(ok, truth.source, exp, val, examples)
            vscores[name].add(ok, truth.source, exp, val, examples)
        paired = pair_items(truth.items, got.items if got else [])
        for t_item, g_item in zip(truth.items, paired, strict=True):
            where = f"{truth.source}#{t_item.number}"
            for name in ITEM_FIELDS:
                if not _in_scope(name, t_item, g_item):
                    continue
                exp, val = item_value(t_item, name), item_value(g_item, name)
                ok = exp == val
                rep.fields[name].add(ok, where, exp, val, examples)
                vscores[name].add(ok, where, exp, val, examples)
    rep.seconds = time.perf_counter() - t0
    return rep


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m imr_synth.accuracy",
        description="Parse accuracy of imr-search on a synthetic corpus.",
    )
    ap.add_argument("corpus", type=Path, help="a directory written by python -m imr_synth")
    ap.add_argument("--generate", type=int, metavar="N", help="first generate N letters into it")
    ap.add_argument("--seed", type=int, default=1, help="seed for --generate")
    ap.add_argument("--pdf", action="store_true", help="with --generate: a few letters as PDF")
    ap.add_argument("--limit", type=int, help="score only the first N letters")
    ap.add_argument("--examples", type=int, default=0, help="print N wrong examples per field")
    ap.add_argument("--json", type=Path, help="also write the report as JSON")
    ap.add_argument("--no-variants", action="store_true", help="only the overall column")
    args = ap.parse_args(argv)
    if args.generate:
        generate(args.generate, args.seed, args.corpus, pdf=args.pdf)
    rep = measure(args.corpus, limit=args.limit, examples=max(args.examples, 5))
    print(rep.table(variants=not args.no_variants))
    if args.examples:
        print()
        print(rep.examples(args.examples))
    if args.json:
        args.json.write_text(json.dumps(rep.to_dict(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
