"""The classifier against a table of realistic service texts (tests/data/services.tsv): each
row's category, subcategory, every body region (in order), modality and every active
ingredient were written from docs/vocabulary.md and the wording of IMR letters, not from the
parser's output. Every row must match; failures are listed together, one line per field.
"""

from __future__ import annotations

import csv
from pathlib import Path

from imr_search.parse.classify import classify

TABLE = Path(__file__).resolve().parent.parent / "data" / "services.tsv"
MIN_ROWS = 300


def _rows() -> list[dict[str, str]]:
    lines = [ln for ln in TABLE.read_text("utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _none(cell: str) -> str | None:
    return None if cell == "-" else cell


def _list(cell: str) -> list[str]:
    return [] if cell == "-" else cell.split(";")


def test_the_table_is_large_and_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= MIN_ROWS
    assert all(len(r) == 6 and None not in r.values() for r in rows)
    services = [r["service"] for r in rows]
    assert len(set(services)) == len(services), "a service text is listed twice"


def test_every_service_is_classified_as_a_reader_would() -> None:
    wrong: list[str] = []
    for row in _rows():
        c = classify(row["service"])
        got = {
            "category": c.category,
            "subcategory": c.subcategory,
            "regions": c.body_regions,
            "modality": c.modality,
            "ingredients": c.drug.ingredients if c.drug else [],
        }
        want = {
            "category": _none(row["category"]),
            "subcategory": _none(row["subcategory"]),
            "regions": _list(row["regions"]),
            "modality": _none(row["modality"]),
            "ingredients": _list(row["ingredients"]),
        }
        wrong += [
            f"{row['service']!r}: {key} {got[key]!r}, expected {want[key]!r}"
            for key in want
            if got[key] != want[key]
        ]
        if c.body_region != (c.body_regions[0] if c.body_regions else None):
            wrong.append(f"{row['service']!r}: body_region is not the first region")
    assert not wrong, f"{len(wrong)} differences:\n" + "\n".join(wrong)
