"""Saved searches as Atom feeds (RFC 4287): ``/alerts/NAME.atom``, newest first (the items the
latest index run found new come first), each entry linking to its item in the letter page.

The feed reads the alerts database beside the index read-only (``imr_search.analysis.alerts``); the
XML is built with ElementTree, which escapes every text.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from imr_search.analysis.alerts import AlertStore, SavedSearch, SeenItem, alerts_path
from imr_search.config import Settings
from imr_search.errors import NotFoundError
from imr_search.server.schemas import ErrorResponse
from imr_search.server.state import get_settings, site_url
from imr_search.server.views import letter_path

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100

router = APIRouter()


# What XML 1.0 cannot hold (control characters but tab and line ends, lone surrogates,
# U+FFFE/U+FFFF): ElementTree escapes markup but writes these as they are, and a feed reader
# rejects the whole document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (a saved query, a service or a case
    number may carry them)."""
    return _NOT_XML.sub("", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        e.text = xml_text(text)
    return e


def _updated(item: SeenItem) -> str:
    # When imr-search first saw the item: a feed reader orders by it, and a letter indexed
    # late (decided months ago) is still news to the reader.
    return item.seen_at


def atom_feed(search: SavedSearch, items: list[SeenItem], *, base: str, self_url: str) -> bytes:
    """The feed document; ``base`` is the site's absolute root URL (no trailing slash)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    # Ids are permanent, whatever host serves the feed (RFC 4287 §4.2.6).
    _el(feed, "id", f"urn:imr-search:alert:{quote(search.name, safe='')}")
    _el(feed, "title", f"imr-search: {search.name}")
    _el(feed, "subtitle", f"IMR decisions matching {search.describe()}")
    updated = max((_updated(i) for i in items), default=search.created) or search.created
    _el(feed, "updated", updated)
    author = _el(feed, "author")
    _el(author, "name", "imr-search")
    _el(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _el(feed, "link", rel="alternate", href=f"{base}/", type="text/html")
    _el(feed, "generator", "imr-search")
    for item in items:
        number = item.item_id.rpartition("#")[2]
        url = letter_path(base, item.letter_id, number)
        entry = _el(feed, "entry")
        _el(entry, "id", f"urn:imr-search:item:{quote(item.letter_id, safe='')}:{number}")
        case = item.case_number or item.letter_id
        _el(entry, "title", f"{case} #{number}: {item.service} ({item.decision})")
        _el(entry, "updated", _updated(item))
        if item.decision_date:
            published = dt.datetime.combine(item.decision_date, dt.time(), dt.UTC)
            _el(entry, "published", published.isoformat().replace("+00:00", "Z"))
        _el(entry, "link", rel="alternate", href=url, type="text/html")
        decided = item.decision_date.isoformat() if item.decision_date else "date unknown"
        _el(entry, "summary", f"{item.decision.capitalize()} on {decided}: {item.service}")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


@router.get(
    "/alerts/{name}.atom",
    tags=["alerts"],
    summary="A saved search as an Atom feed",
    response_class=Response,
    responses={
        200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}},
        404: {"model": ErrorResponse, "description": "No saved search of that name."},
    },
)
def alert_feed(
    request: Request,
    name: Annotated[str, Path(description="The saved search's name (imr-search alerts add).")],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """The items the saved search has matched, newest first (up to 100)."""
    path = alerts_path(settings.index_dir)
    if not path.exists():
        raise NotFoundError(f"no alert named {name!r}: no search is saved for this index")
    with AlertStore(path, readonly=True) as store:
        search = store.get(name)
        items = store.items(name, limit=FEED_ENTRIES)
    base = site_url(request)
    self_url = f"{base}/alerts/{quote(name, safe='')}.atom"
    body = atom_feed(search, items, base=base, self_url=self_url)
    return Response(body, media_type="application/atom+xml; charset=utf-8")
