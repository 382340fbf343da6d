"""Progress of an index run and its report."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import click

from imr_search.ingest.indexer import IndexProgress, IndexReport
from imr_search.words import count

if TYPE_CHECKING:
    pass


class Progress:
    """Files done, rate and time left: click's progress bar on a terminal; elsewhere (a log,
    CI, nohup) a plain line every ``interval`` seconds, which a log can keep."""

    def __init__(self, tty: bool, *, interval: float = 5.0) -> None:
        self.tty = tty
        self.interval = interval
        self.start = time.monotonic()
        self.last = 0.0 if tty else self.start
        self.failed = 0
        # click.progressbar's type (ProgressBar) lives in a private module: not named here.
        self.bar: Any = None

    def __call__(self, p: IndexProgress) -> None:
        self.failed += p.outcome == "failed"
        if not self.tty:
            self.plain(p)
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=p.total, label="files", show_pos=True, file=sys.stderr
            )
        self.bar.update(p.done - self.bar.pos)
        if p.done == p.total:
            self.bar.render_finish()

    def plain(self, p: IndexProgress) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        rate = p.done / max(now - self.start, 1e-6)
        click.echo(
            f"imr-search: {p.done}/{count(p.total, 'file')}, {rate:.1f}/s, {self.failed} failed",
            err=True,
        )


def report_text(report: IndexReport) -> str:
    cached = f" ({report.cached} from the cache)" if report.cached else ""
    lines = [
        f"indexed {report.indexed}{cached}, unchanged {report.unchanged}, "
        f"failed {len(report.failed)}" + (f", pruned {report.pruned}" if report.pruned else ""),
        f"the index holds {count(report.letters, 'letter')}, {count(report.items, 'item')}"
        + (f" ({report.unclassified} without a category)" if report.unclassified else ""),
    ]
    if report.warnings:
        kinds = sorted(report.warnings.items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append("parser warnings: " + ", ".join(f"{kind} {n}" for kind, n in kinds))
    lines += [f"failed: {path}: {reason}" for path, reason in report.failed]
    return "\n".join(lines)
