"""Engine results -> plain data for JSON, the templates and CSV. No I/O, no search logic.

One result object serves both the API and the page (each facet value carries ``value``,
``count``, ``selected`` and ``toggle_url``), so the templates only lay it out. ``snippet_html``
is a ``markupsafe.Markup``: every segment is escaped here and only ``<mark>`` is added, so the
templates never need ``|safe`` and JSON gets the same string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from imr_search.present.jsonforms import dump, hit_dict
from imr_search.search.results import FacetCount, Hit, LetterGroup, SearchResult, Segment
from imr_search.server.params import SearchParams


def letter_path(root: str, letter_id: str, item_number: int | str | None = None) -> str:
    """URL of the letter page (and an item's anchor on it): the one place it is built."""
    path = f"{root}/letters/{quote(letter_id, safe='')}"
    return f"{path}#item-{item_number}" if item_number is not None else path


def snippet_html(segments: Sequence[Segment]) -> Markup:
    return Markup("").join(
        Markup("<mark>{}</mark>").format(s.text) if s.match else escape(s.text) for s in segments
    )


def hit_data(hit: Hit, *, root: str = "") -> dict[str, Any]:
    """The CLI's JSON form of a hit (so the two never disagree), plus what a page needs."""
    return {
        **hit_dict(hit),
        "snippet_html": snippet_html(hit.snippet),
        "url": letter_path(root, hit.letter_id, hit.item_number),
    }


def group_data(group: LetterGroup, *, root: str = "") -> dict[str, Any]:
    return {
        **dump(replace(group, hits=[])),
        "url": letter_path(root, group.letter_id),
        "items": [hit_data(h, root=root) for h in group.hits],
    }


def facet_data(
    facets: dict[str, list[FacetCount]],
    params: SearchParams,
    base: str,
    extra: tuple[tuple[str, str], ...] = (),
    overturned: dict[str, dict[str, int]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Facet counts with the URL that adds (or removes) each value from the search; with
    ``overturned`` (facet -> value -> overturned items), each value's overturn rate too."""
    data: dict[str, list[dict[str, Any]]] = {
        name: [
            {
                **dump(fc),
                "selected": fc.selected or params.is_selected(name, fc.value),
                "toggle_url": params.toggled(name, fc.value).url(base, *extra),
            }
            for fc in counts
        ]
        for name, counts in facets.items()
    }
    if overturned is not None:
        for name, values in data.items():
            for v in values:
                over = overturned.get(name, {}).get(v["value"], 0)
                v["overturned"] = over
                v["rate"] = round(over / v["count"], 4) if v["count"] else None
    return data


def search_data(
    result: SearchResult,
    params: SearchParams,
    *,
    base: str,
    root: str = "",
    extra: tuple[tuple[str, str], ...] = (),
    overturned: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """The search response: the JSON body of /api/search and the page's model. The result's
    own JSON, its hits, groups (only with ``letters``) and facets in the server's form."""
    data = dump(replace(result, hits=[], groups=[], facets={}))
    data["results"] = [hit_data(h, root=root) for h in result.hits]
    if params.letters:
        data["groups"] = [group_data(g, root=root) for g in result.groups]
    else:
        del data["groups"]
    data["facets"] = facet_data(result.facets, params, base, extra, overturned)
    return data


# -- CSV ------------------------------------------------------------------------------------
