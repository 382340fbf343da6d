"""PDFium's one lock and the cheap page count.

PDFium is not thread-safe and pypdfium2 does not serialise calls into it: threads (a Dask
worker with several, the server) take turns at ``PDFIUM_LOCK``, which every call into PDFium
holds. Uncontended in a worker process, so it costs next to nothing there.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.Lock()


def pdf_page_count(data: bytes) -> int | None:
    """Pages in the PDF's page tree (PDFium reads it without loading a page), or None."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        try:
            return len(doc)
        finally:
            doc.close()
