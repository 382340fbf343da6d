"""Parsing speed from text, on one core: letters per second through ``parse_text``.

    python benchmarks/parse_speed.py [--rounds 7] [--repeat 20]

The corpus is the 25 sample letters as text (the 5 seeds, and the 20 PDFs extracted once
beforehand, so PDF extraction is not timed). Each round parses the corpus ``repeat`` times;
the report gives the median and spread of the rounds. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from imr_search.parse import parse_text
from imr_search.parse.sources import source_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def corpus() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for path in sorted((FIXTURES / "seeds").glob("*.txt")) + sorted(
        (FIXTURES / "letters").glob("*.pdf")
    ):
        text, _ = source_text(str(path))
        texts.append((str(path), text))
    return texts


def measure(rounds: int, repeat: int) -> dict[str, object]:
    texts = corpus()
    for source, text in texts:  # warm up regex caches and imports
        parse_text(text, source=source)
    rates: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            for source, text in texts:
                parse_text(text, source=source)
        elapsed = time.perf_counter() - start
        rates.append(len(texts) * repeat / elapsed)
    return {
        "letters": len(texts),
        "rounds": rounds,
        "repeat": repeat,
        "median_letters_per_s": round(statistics.median(rates), 1),
        "min_letters_per_s": round(min(rates), 1),
        "max_letters_per_s": round(max(rates), 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    print(json.dumps(measure(args.rounds, args.repeat), indent=2))


if __name__ == "__main__":
    main()
