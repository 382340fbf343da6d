"""Line breaking, extraction artefacts and a minimal PDF writer for the synthetic letters."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

# --- text -------------------------------------------------------------------------------


@dataclass(slots=True)
class Block:
    """A piece of a letter before line breaking.

    kind: "para" (wrapped), "lines" (each line wrapped on its own), "heading", "table"
    (header label/value rows) or "blank". ``tight`` drops the blank line before it.
    """

    kind: str
    text: str = ""
    lines: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, str]]] = field(default_factory=list)
    hyphen: bool = False
    item_start: bool = False


@dataclass(slots=True)
class Style:
    name: str  # plain | seed | clean | layout
    width: int
    header: str | None  # table style
    trailing: float  # probability of a trailing space on a line
    hyphen_breaks: bool
    drop_item_blanks: bool
    center_headings: bool
    leading_blank: bool


def wrap(text: str, width: int, rng: random.Random, hyphen: bool) -> list[str]:
    """Greedy line breaking on spaces (double spaces kept); optionally after hyphens."""
    words = text.split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        cand = cur + " " + w if cur else w
        if len(cand) <= width or not cur:
            cur = cand
            continue
        if hyphen and "-" in w[:-1] and rng.random() < 0.7:
            room = width - len(cur) - 1
            cut = w.rfind("-", 0, max(room, 0))
            if cut > 0:
                lines.append(cur + " " + w[: cut + 1])
                cur = w[cut + 1 :]
                continue
        lines.append(cur)
        cur = w
    if cur or not lines:
        lines.append(cur)
    return lines


def render_table(rows: list[list[tuple[str, str]]], how: str) -> list[str]:
    """The header table as text extraction lays it out (see FORMATS.md)."""
    out: list[str] = []
    if how == "inline":
        for row in rows:
            if len(row) == 1:
                out.append(f"{row[0][0]} {row[0][1]}".rstrip() + "  ")
                continue
            (l1, v1), (l2, v2) = row
            if l2 == "Application Received:":
                out.append(f"{l1}  {v1} Application")
                out.append("Received:  ")
                out.append(v2)
            else:
                out.append(f"{l1} {v1} {l2}  {v2}")
        return out
    if how == "columns":
        for row in rows:
            left = f"{row[0][0]:<27}{row[0][1]}"
            if len(row) == 1:
                out.append(left.rstrip())
                continue
            l2, v2 = row[1]
            if l2 == "Application Received:":
                out.append(f"{left:<65}{'Application':<24}{v2}")
                out.append(" " * 65 + "Received:")
            else:
                out.append(f"{left:<65}{l2:<24}{v2}")
        return out
    if how == "separate":
        for row in rows:
            for label, value in row:
                out.append(label)
                if value:
                    out.append(value)
        return out
    if how == "labels_first":
        pairs = [r[0] for r in rows] + [r[1] for r in rows if len(r) > 1]
        out.extend(label for label, _ in pairs)
        out.extend(value for _, value in pairs if value)
        return out
    # "pairs": one "Label: value" per line
    for row in rows:
        for label, value in row:
            out.append(f"{label} {value}".rstrip())
    return out


def render(blocks: Sequence[Block], style: Style, rng: random.Random) -> str:
    blank = " " if style.name in ("plain", "seed") else ""
    lines: list[str] = []
    if style.leading_blank:
        lines.append(blank)
    pending_blank = False
    for b in blocks:
        if b.kind == "blank":
            pending_blank = True
            continue
        if pending_blank and lines and not (b.item_start and style.drop_item_blanks):
            lines.append(blank)
        pending_blank = False
        if b.kind == "table":
            lines.extend(render_table(b.rows, style.header or "inline"))
        elif b.kind == "heading":
            if style.center_headings:
                pad = max((style.width - len(b.text)) // 2, 0)
                lines.append(" " * pad + b.text)
            else:
                lines.append(b.text)
        elif b.kind == "lines":
            for text in b.lines:
                lines.extend(wrap(text, style.width, rng, False))
        else:
            lines.extend(wrap(b.text, style.width, rng, b.hyphen and style.hyphen_breaks))
    out: list[str] = []
    for line in lines:
        if line.strip() and style.trailing and rng.random() < style.trailing:
            line += " "
        out.append(line)
        if style.name == "seed":
            out.append("")
    return "\n".join(out) + "\n"


# --- PDF -------------------------------------------------------------------------------------


def _pdf_escape(s: str) -> str:
    s = s.replace("\u2022", "-")
    s = s.encode("latin-1", "replace").decode("latin-1")
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render_pdf(blocks: Sequence[Block], width: int, rng: random.Random) -> bytes:
    """A minimal PDF (Helvetica, text only); the header table is laid out in two columns."""
    rows: list[list[tuple[float, str]]] = []  # per line: (x, text) segments
    for b in blocks:
        if b.kind == "blank":
            rows.append([])
        elif b.kind == "table":
            for row in b.rows:
                segs: list[tuple[float, str]] = [(72, row[0][0]), (170, row[0][1])]
                if len(row) > 1:
                    segs += [(320, row[1][0]), (440, row[1][1])]
                rows.append([(x, t) for x, t in segs if t])
        elif b.kind == "heading":
            rows.append([(180, b.text)])
        else:
            texts = b.lines if b.kind == "lines" else [b.text]
            for t in texts:
                rows.extend([[(72, ln)] for ln in wrap(t, width, rng, False)])
    per_page = 56
    pages = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    objs: list[bytes] = []
    kids = []
    n_fixed = 3
    for p, page in enumerate(pages):
        ops = ["BT /F1 10 Tf"]
        for k, segs in enumerate(page):
            y = 740 - 12.5 * k
            for x, t in segs:
                ops.append(f"1 0 0 1 {x:.0f} {y:.1f} Tm ({_pdf_escape(t)}) Tj")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content_id = n_fixed + 1 + 2 * p
        page_id = content_id + 1
        kids.append(page_id)
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % k for k in kids)
        + b"] /Count %d >>" % len(kids),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    all_objs = head + objs
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(all_objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(all_objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(all_objs) + 1,
        xref,
    )
    return bytes(out)
