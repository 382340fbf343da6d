"""Linear-time checks: a stage's time on doubled inputs grows about as the input, not faster
(the parser's and the query language's stages share them).
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Case:
    stage: Callable[[str], object]
    repeated: str
    before: str = ""
    after: str = ""

    def text(self, n: int) -> str:
        return self.before + self.repeated * n + self.after


_MEASURABLE = 0.02  # seconds: below this, timer and scheduler noise dominate
_MAX_CHARS = 800_000
_GROWTH = 4  # the input grows by two doublings
_RATIO = 6.0  # the time may grow by this much (linear: 4; quadratic: 16)


def _best(stage: Callable[[str], object], text: str, runs: int = 3, reps: int = 1) -> float:
    """The best of ``runs`` timings of ``stage(text)``, each the mean of ``reps`` calls.

    CPU time of this process, not wall time: on a busy box the wall clock also counts the
    time the scheduler gave to other processes, which is how this test used to fail now and
    then (4x the input, 7-10x the wall time, at a load of 6-9 on two cores). The collector
    waits until the timing is done, so a collection that the smaller input happened not to
    trigger does not land on the larger one (no ``gc.collect()`` first: late in a whole run
    the heap is large and each would cost more than the timing)."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            started = time.process_time()
            for _ in range(reps):
                stage(text)
            best = min(best, (time.process_time() - started) / reps)
    finally:
        if enabled:
            gc.enable()
    return best


def _ratio(case: Case) -> tuple[int, float, float]:
    n = max(1, 2000 // len(case.repeated))
    small = _best(case.stage, case.text(n))
    while small < _MEASURABLE and len(case.text(_GROWTH * n)) <= _MAX_CHARS:
        n *= 2
        small = _best(case.stage, case.text(n))
    # A stage still faster than the timer's noise at the largest size is called several times
    # per timing, so that each timing lasts at least _MEASURABLE.
    reps = max(1, math.ceil(_MEASURABLE / max(small, 1e-6)))
    # The two sizes alternate, so a burst of a neighbour's work slows both alike.
    short, long = case.text(n), case.text(_GROWTH * n)
    small = large = float("inf")
    for _ in range(3):
        small = min(small, _best(case.stage, short, runs=1, reps=reps))
        large = min(large, _best(case.stage, long, runs=1, reps=reps))
    return n, small, large


def assert_linear(name: str, case: Case, attempts: int = 3) -> None:
    """Fail unless ``case``'s stage takes at most ``_RATIO`` times as long on ``_GROWTH`` times
    the input, in one of ``attempts`` measurements (a neighbour's burst of work is not the
    parser; a super-linear stage fails every attempt, 16x against 6x)."""
    for _ in range(attempts):
        n, small, large = _ratio(case)
        if large <= _RATIO * max(small, 1e-4):
            return
    pytest.fail(f"{name}: {len(case.text(n)):,} chars {small:.4f} s, x{_GROWTH} {large:.4f} s")
