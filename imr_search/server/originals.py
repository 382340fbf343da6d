"""The letter's original file (``/letters/ID/source``), as DWC published it: served only while
its bytes are those the index parsed."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from imr_search.config import Settings
from imr_search.errors import NotFoundError
from imr_search.ingest.tasks import content_hash
from imr_search.search.backend import Engine
from imr_search.search.lookup import find_letter
from imr_search.search.results import LetterSource
from imr_search.server.state import get_engine, get_settings

router = APIRouter(include_in_schema=False)  # a file, as the letter page links it

# Content types of the files the parser reads (imr_search.parse.sources.SUFFIXES).
SOURCE_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
}


@router.get("/letters/{letter_id}/source")
def letter_source(
    letter_id: str,
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """The file the letter was indexed from, as DWC published it, named by its case number.

    The letter is found as its page finds it (the id in any case, or its case number). The
    path is the one the index recorded for it (``Engine.letter_source``); nothing from the URL
    but the id is used, so only indexed files can ever be served, and only while their bytes
    still hash to what the index recorded, read from the letter's own folder (a symlink that
    leads out of it is refused). A letter put from standard input or by a program has no
    file: 404."""
    letter = find_letter(engine, letter_id)
    source = engine.letter_source(letter.id)
    data = _source_bytes(letter.id, source, settings.max_file_bytes)
    suffix = PurePath(source.key).suffix.lower()
    return Response(
        data,
        media_type=SOURCE_TYPES.get(suffix, "application/octet-stream"),
        headers={
            # A PDF opens in the browser; saving it keeps the case number for its name.
            "Content-Disposition": _inline(f"{letter.case_number or letter.id}{suffix}"),
            # An HTML letter is shown, never run: no scripts, no plugins, no same-origin access.
            "Content-Security-Policy": "sandbox",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _inline(filename: str) -> str:
    quoted = quote(filename, safe="")
    if quoted == filename:
        return f'inline; filename="{filename}"'
    return f"inline; filename*=utf-8''{quoted}"  # RFC 6266 / 5987


def _source_bytes(letter_id: str, source: LetterSource, max_bytes: int) -> bytes:
    """The bytes of the letter's file, exactly those the index parsed, or NotFoundError (whose
    message never names the server's path)."""
    missing = NotFoundError(f"the source file of {letter_id!r} is not on this server")
    path = Path(source.key)
    if not path.is_absolute():
        raise missing
    try:
        real = path.resolve(strict=True)
        # A symlink may stand for the file only inside the folder the letter was indexed from.
        if real.parent != path.parent.resolve(strict=True) or not real.is_file():
            raise missing
        with real.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError:
        raise missing from None
    if content_hash(data) != source.content_hash:
        raise NotFoundError(
            f"the source file of {letter_id!r} has changed since it was indexed, so it is not "
            "served as the original (index it again to serve the new file)"
        )
    return data
