"""Worker jobs for the ingest tests: the real parser, except on files named for a failure.

Module-level functions, so worker processes and cluster workers can import them by name.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import PurePath

from imr_search.ingest import parse_job
from imr_search.model import Letter
from imr_search.parse import PdfExtractor


def hang_or_crash(source: str, data: bytes, extractor: PdfExtractor) -> Letter:
    """``*hang*`` files never finish; on ``*crash*`` files the worker process dies at once
    (SIGKILL: what the OOM killer or a crash in PDFium looks like from outside)."""
    name = PurePath(source).name
    if "hang" in name:
        time.sleep(3600)
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    return parse_job(source, data, extractor)


def slow(source: str, data: bytes, extractor: PdfExtractor) -> Letter:
    """The real parser, a tenth of a second slower per file (so a run lasts long enough to
    kill a worker in the middle of it)."""
    time.sleep(0.1)
    return parse_job(source, data, extractor)
