"""benchmarks/ingest_speed.py end to end on one copy of the 20 PDFs: every way is measured,
every rate is a rate, and ``--docs`` writes its section once, between its markers."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks import ingest_speed

WAYS = [
    "one core, pypdf (the old extractor)",
    "one core, pypdfium2 (the new default)",
    "`--jobs 1` (one worker process)",
    "`--jobs 2`",
    "one core, pypdfium2, in a process of its own",
    "the same, with glibc's default heap (imr_search/ingest/heap.py)",
    "two in-process runs side by side (the box's ceiling for two cores)",
]


def test_the_section_has_every_way_with_a_rate(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"before\n\n{ingest_speed.START}\nold\n{ingest_speed.END}\n\nafter\n")
    for _ in range(2):
        argv = ["--copies", "1", "--rounds", "1", "--no-dask", "--docs", str(docs)]
        assert ingest_speed.main(argv) == 0
    text = docs.read_text()
    assert text.startswith("before\n")
    assert text.endswith("after\n")
    assert text.count(ingest_speed.START) == 1
    assert "\nold\n" not in text
    rows = {
        m["how"]: (float(m["rate"]), float(m["ratio"]))
        for m in re.finditer(
            r"^\| (?P<how>[^|]+) \| (?P<rate>[\d.]+) \| [\d.]+ \| (?P<ratio>[\d.]+)x \|",
            text,
            re.MULTILINE,
        )
    }
    assert list(rows) == WAYS
    assert all(rate > 0 for rate, _ in rows.values())
    # Speed-ups are against the in-process pypdfium2 round.
    assert rows["one core, pypdfium2 (the new default)"][1] == 1.0
