"""The HTML pages: search, letter, precedents and similar rationales, rendered with Jinja2
(autoescape on).

Every state of the search page lives in its URL: the form is a plain GET form, facets, sort,
grouping and pagination are plain links; the script in ``static/app.js`` only tidies URLs and
adds keyboard shortcuts. The page uses the same result object as the JSON API
(``present.search_data``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

import imr_search
from imr_search.analysis.appeal import appeal
from imr_search.analysis.crosstab import overturned_facets
from imr_search.analysis.precedents import precedents
from imr_search.analysis.similar import similar
from imr_search.config import Settings
from imr_search.errors import QueryError, UsageError
from imr_search.model import Citation, Letter
from imr_search.present.jsonforms import precedents_dict, similar_dict
from imr_search.present.terminal import LETTER_LABELS, citation, citation_parts, scope_notes
from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline
from imr_search.search.emptiness import why_nothing
from imr_search.search.lookup import (
    case_list,
    case_number_letter,
    find_cases,
    find_item,
    find_letter,
)
from imr_search.search.request import FACETS
from imr_search.search.results import SearchResult
from imr_search.server.appeal_page import today_in_california, workbench_data
from imr_search.server.params import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    PAGE_SIZES,
    FilterParams,
    SearchParams,
)
from imr_search.server.state import get_engine, get_settings, root_path, site_url
from imr_search.server.trail import highlight, hit_url, trail
from imr_search.server.views import letter_path, search_data
from imr_search.words import count, plural

STATIC_DIR = Path(__file__).parent / "static"

FACET_LABELS: dict[str, str] = {
    "decision": "Decision",
    "category": "Service category",
    "subcategory": "Subcategory",
    "specialty": "Reviewer specialty",
    "state": "Reviewer licensed in",
    "guideline": "Guideline cited by IMR",
    "mtus": "MTUS part cited",
    "region": "Body region",
    "modality": "Modality",
    "drug": "Drug",
    "year": "Decision year",
    "age": "Patient age",
    "sex": "Patient sex",
    "outcome": "Case outcome",
    "era": "Guideline era",
    "reason": "Decided because",
    "cites": "IMR cites",
    "citation": "Guideline section (IMR)",
    "urcitation": "Guideline section (claims administrator)",
}
FACET_VISIBLE = 8  # values shown before "more"
# The other date ranges' controls on the page (query.RANGE_FILTERS), in order.
DATE_RANGE_LABELS: dict[str, str] = {
    "received": "Application received",
    "injured": "Date of injury",
    "urdenial": "UR denial date",
}
# A DWC case number (FORMATS.md): typed alone in the search box, it opens its letter.
CASE_NUMBER = re.compile(r"\s*([A-Za-z]{2}\d{2}-\d{7})\s*")

DECISION_TITLES = {
    "upheld": "Upheld: the denial stands; the service was found not medically necessary",
    "overturned": "Overturned: the service was found medically necessary",
}

router = APIRouter(include_in_schema=False)


# -- templates ------------------------------------------------------------------------------


def _date(value: dt.date | str | None) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _paragraphs(text: str | None) -> list[str]:
    """Blank-line separated paragraphs, hard line wraps joined."""
    if not text:
        return []
    return [
        " ".join(line.strip() for line in block.splitlines() if line.strip())
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    ]


def _citation(c: Citation) -> str:
    """The structured parts of a citation after its source ("Neck · Chapter 8 · ...")."""
    return " · ".join(citation_parts(c, LETTER_LABELS)) or c.text


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("imr_search.server", "templates"),
        autoescape=True,  # every template is HTML: letter text and user input are escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    env.filters["paragraphs"] = _paragraphs
    env.filters["citation"] = _citation
    env.filters["mark"] = highlight
    # "1 item", "2 items" (words.count); plural: the noun alone, for a count marked up apart.
    env.filters["count"] = count
    env.filters["plural"] = plural
    # The page names the source file only, not where it lies on the server.
    env.filters["basename"] = lambda s: PurePath(str(s)).name
    env.globals["facet_labels"] = FACET_LABELS
    env.globals["decision_titles"] = DECISION_TITLES
    env.globals["version"] = imr_search.__version__
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    env: jinja2.Environment = request.app.state.templates
    root = root_path(request)
    html = env.get_template(template).render(
        root=root, static=f"{root}/static", version=imr_search.__version__, **context
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    q = request.query_params.get("q", "")
    titles = {400: "Bad request", 404: "Not found", 503: "Index unavailable"}
    return render(
        request,
        "error.html",
        status=status,
        status_code=status,
        title=titles.get(status, "Error"),
        message=message,
        q=q,
    )


# -- the search page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


def _pagination(params: SearchParams, pages: int, base: str) -> list[Link | None]:
    """Page links around the current page; None marks a gap."""
    last = min(pages, MAX_PAGE)
    wanted = {1, last, *range(params.page - 2, params.page + 3)}
    out: list[Link | None] = []
    previous = 0
    for n in sorted(p for p in wanted if 1 <= p <= last):
        if n > previous + 1:
            out.append(None)
        out.append(Link(str(n), params.changed(page=n).url(base), n == params.page))
        previous = n
    return out


def _active_filters(params: SearchParams, base: str) -> Iterator[dict[str, str]]:
    for name, values in params.filters().items():
        for value in values:
            yield {
                "label": FACET_LABELS.get(name, name),
                "value": value,
                "remove_url": params.toggled(name, value).url(base),
            }
    dated = [("date_from", "Decided from"), ("date_to", "Decided until")]
    for name, title in DATE_RANGE_LABELS.items():
        dated += [(f"{name}_from", f"{title} from"), (f"{name}_to", f"{title} until")]
    for field, label in dated:
        raw = getattr(params, field)
        if raw and raw.strip():
            yield {
                "label": label,
                "value": raw.strip(),
                "remove_url": params.changed(**{field: None}).url(base),
            }


def _facet_sections(facets: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    sections = []
    for name in [*FACETS, *(n for n in facets if n not in FACETS)]:
        values = facets.get(name)
        if not values:
            continue
        # Selected values stay visible even when they are past the cut.
        top = values[:FACET_VISIBLE] + [v for v in values[FACET_VISIBLE:] if v["selected"]]
        more = [v for v in values[FACET_VISIBLE:] if not v["selected"]]
        sections.append(
            {"name": name, "label": FACET_LABELS.get(name, name), "top": top, "more": more}
        )
    return sections


def _suggestion_url(params: SearchParams, base: str, suggestions: dict[str, str]) -> str | None:
    q = params.q
    for term, better in suggestions.items():
        q = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", better, q, flags=re.IGNORECASE)
    return params.changed(q=q).url(base) if q != params.q else None


@router.get("/case", response_class=HTMLResponse)
def case_page(
    request: Request,
    engine: Annotated[Engine, Depends(get_engine)],
    number: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The case-number box: straight to the letter, else a search for the number."""
    root = root_path(request)
    found = case_number_letter(engine, number) if number.strip() else None
    if found:
        return RedirectResponse(letter_path(root, found), status_code=303)
    if not number.strip():
        raise UsageError("give a case number, e.g. CM17-0003591")
    # Not one letter: the search shows what matches (none, or several with that number).
    query = urlencode({"q": f'case:"{number.strip()}"'})
    return RedirectResponse(f"{root}/?{query}", status_code=303)


def _scope(result: SearchResult, params: SearchParams, base: str) -> dict[str, Any] | None:
    """Where the plain words searched, what else they searched, and the links to the wider
    scope ("26 more items mention norco"), back, and to the words as typed."""
    if result.scope not in ("services", "everywhere"):
        return None
    out: dict[str, Any] = {
        "name": result.scope,
        "notes": scope_notes(result, wider=None),
        "elsewhere": None,
        "elsewhere_url": None,
        "services_url": None,
        "synonyms_url": None,
        "synonyms_label": None,
    }
    if result.elsewhere:
        noun = "item mentions" if result.elsewhere == 1 else "items mention"
        out["elsewhere"] = (
            f"{result.elsewhere:,} more {noun} {params.q.strip()} only in a rationale, "
            "summary or citation"
        )
        out["elsewhere_url"] = params.changed(scope="everywhere").url(base)
    if result.scope == "everywhere" and not result.fallback:
        out["services_url"] = params.changed(scope="services").url(base)
    if result.also_searched or not params.synonyms:
        out["synonyms_url"] = params.changed(synonyms=not params.synonyms).url(base)
        out["synonyms_label"] = (
            "Search the words as typed (no synonyms)"
            if params.synonyms
            else "Also search abbreviations, synonyms and drug names"
        )
    return out


@router.get("/", response_class=HTMLResponse, response_model=None)
def search_page(
    request: Request,
    params: Annotated[SearchParams, Query()],
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    root = root_path(request)
    base = f"{root}/"
    if case_letter := case_number_letter(engine, params.q):  # a case number goes to its letter
        return RedirectResponse(letter_path(root, case_letter), status_code=303)
    if cases := case_list(params.q):  # a pasted list of cases: each found, or not found
        answers = [
            {"given": a.given, "letter": a.letter, "error": a.error,
             "url": letter_path(root, a.letter.id) if a.letter else None}
            for a in find_cases(engine, cases)
        ]  # fmt: skip
        return render(request, "cases.html", q=params.q, answers=answers)
    error: str | None = None
    hint: str | None = None
    data: dict[str, Any] | None = None
    deadline = Deadline.start(settings.query_time_limit)  # the whole page's clock
    try:
        params, prepared = params.prepared(engine, settings, facets=True)
        request_ = prepared.request
        result = engine.search(deadline.narrowed(request_))
        result.warnings[:0] = prepared.all_notes
        if not result.total:  # say why, as the CLI and the API do
            result.warnings.append(why_nothing(engine, request_, deadline))
        # Facet values' overturn rates, when asked for: one more search.
        overturned = (
            overturned_facets(engine, request_, deadline=deadline, warnings=result.warnings)
            if params.rates
            else None
        )
    except UsageError as exc:  # a bad query or filter is shown on the page, with status 400
        error = str(exc)
        hint = exc.hint if isinstance(exc, QueryError) else None
    else:
        data = search_data(result, params, base=base, root=root, overturned=overturned)
        _link_results(data, params, root)

    export = params.changed(letters=False, size=DEFAULT_PAGE_SIZE)
    date_fields = {"from", "to", *(f"{n}_{e}" for n in DATE_RANGE_LABELS for e in ("from", "to"))}
    sorts = (("relevance", "Relevance"), ("-decided", "Newest"), ("decided", "Oldest"))
    context: dict[str, Any] = {
        "params": params,
        "data": data,
        "error": error,
        "hint": hint,
        "blank": params.is_blank(),
        "hidden": [(k, v) for k, v in params.changed().pairs() if k not in {"q", *date_fields}],
        "date_ranges": list(DATE_RANGE_LABELS.items()),
        "size_links": [
            Link(str(n), params.changed(size=n).url(base), params.size == n) for n in PAGE_SIZES
        ],
        "xlsx_url": export.url(f"{root}/api/search.xlsx"),
        "facets_csv_url": export.url(f"{root}/api/facets", ("format", "csv")),
        "active": list(_active_filters(params, base)),
        "clear_url": SearchParams.model_validate({"q": params.q}).url(base),
        "sort_links": [
            Link(label, params.changed(sort=s).url(base), params.sort == s) for s, label in sorts
        ],
        "letters_url": params.changed(letters=not params.letters).url(base),
        "rates_url": params.changed(rates=not params.rates, page=params.page).url(base),
        "csv_url": export.url(f"{root}/api/search.csv"),
        "json_url": params.url(f"{root}/api/search", ("facets", "1")),
        "facet_sections": _facet_sections(data["facets"]) if data else [],
        "pagination": _pagination(params, data["pages"], base) if data else [],
        "prev_url": params.changed(page=params.page - 1).url(base) if params.page > 1 else None,
        "next_url": (
            params.changed(page=params.page + 1).url(base)
            if data and params.page < min(data["pages"], MAX_PAGE)
            else None
        ),
        "suggestion_url": _suggestion_url(params, base, data["suggestions"]) if data else None,
        "scope": _scope(result, params, base) if data else None,
        "first": (params.page - 1) * params.size + 1,
        "max_query_length": settings.max_query_length,
    }
    return render(request, "search.html", status=400 if error else 200, **context)


def _link_results(data: dict[str, Any], params: SearchParams, root: str) -> None:
    """Each result's letter link carries the search and the result's place in it, so the
    letter page can highlight the query and link to the previous and next result."""
    first = (params.page - 1) * params.size + 1
    for n, hit in enumerate(data.get("results", []), start=first):
        number = str(hit["item_id"]).rpartition("#")[2]
        hit["url"] = hit_url(root, hit["letter_id"], int(number), params, n)
    for n, group in enumerate(data.get("groups") or [], start=first):
        group["url"] = hit_url(root, group["letter_id"], None, params, n)


# -- the letter page ------------------------------------------------------------------------


@router.get("/letters/{letter_id}", response_class=HTMLResponse, response_model=None)
def letter_page(
    request: Request,
    letter_id: str,
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
    params: Annotated[SearchParams, Query()],
    hit: Annotated[int | None, Query(ge=1, description="Place in the search it came from.")] = None,
) -> HTMLResponse | RedirectResponse:
    root = root_path(request)
    if "#" in letter_id:  # ID#N typed or pasted (encoded %23): that item, or the items there are
        found, item = find_item(engine, letter_id)
        number = item.number if item else None
        return RedirectResponse(letter_path(root, found.id, number), status_code=303)
    letter: Letter = find_letter(engine, letter_id)
    counts = {d: sum(1 for i in letter.items if i.decision == d) for d in DECISION_TITLES}
    related = {
        item.number: {
            # Precedents from other letters: this letter's own items are left out.
            "precedents_url": f"{root}/precedents?"
            + urlencode({"request": item.service, "exclude": letter.id}),
            "precedents_api": f"{root}/api/precedents?"
            + urlencode({"request": item.service, "exclude": letter.id}),
            "similar_url": f"{root}/similar/{quote(letter.item_id(item), safe='')}",
            # Every item decided on the same ground, of the same kind of request.
            "reason_urls": {
                code: f"{root}/?"
                + urlencode(
                    {"reason": code, **({"category": item.category} if item.category else {})}
                )
                for code in item.reasons
            },
        }
        for item in letter.items
    }
    for item in letter.items:
        related[item.number]["citation"] = citation(letter, item)
    page_url = letter_path(site_url(request), letter.id)
    return render(
        request,
        "letter.html",
        letter=letter,
        counts=counts,
        related=related,
        citation=citation(letter),
        page_url=page_url,
        source_url=f"{letter_path(root, letter.id)}/source",
        source_kind=_source_kind(letter.source),
        json_url=f"{root}/api/letters/{quote(letter.id, safe='')}",
        search_url=f"{root}/",
        letter_base=f"{root}/letters/",
        # The appeal workbench from the decision date; its own page takes a service date.
        appeal=workbench_data(appeal(letter, today=today_in_california()), root),
        trail=trail(engine, settings, params, hit, root) if hit else None,
    )


def _source_kind(source: str) -> str:
    """What the original file is, for its link: "PDF", "HTML" or "text"."""
    suffix = PurePath(source).suffix.lower()
    return {".pdf": "PDF", ".html": "HTML", ".htm": "HTML"}.get(suffix, "text")


# -- API documentation ------------------------------------------------------------------


@router.get("/api-docs", response_class=HTMLResponse)
def api_docs_page(request: Request) -> HTMLResponse:
    """The API's reference, rendered here from /openapi.json: Swagger UI would load its scripts
    from a CDN, and the server must work without the internet."""
    schema = request.app.openapi()
    endpoints = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "parameters": [
                {
                    "name": p["name"],
                    "where": p.get("in", ""),
                    "required": p.get("required", False),
                    "description": p.get("description", "")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ],
        }
        for path, ops in schema.get("paths", {}).items()
        for method, op in ops.items()
    ]
    return render(request, "api_docs.html", endpoints=endpoints, info=schema.get("info", {}))


# -- precedents and similar rationales ---------------------------------------------------------


@router.get("/precedents", response_class=HTMLResponse)
def precedents_page(
    request: Request,
    engine: Annotated[Engine, Depends(get_engine)],
    filters: Annotated[FilterParams, Query()],
    settings: Annotated[Settings, Depends(get_settings)],
    request_text: Annotated[str, Query(alias="request", max_length=500)] = "",
    summary: Annotated[str, Query(max_length=5000)] = "",
    exclude: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The precedent answer as a page; an empty request shows only the form."""
    root = root_path(request)
    answer = None
    if request_text.strip():
        filters, _ = filters.checked(engine)  # a bad filter value: the 400 error page
        date_from, date_to = filters.dates()
        answer = precedents_dict(
            precedents(
                engine,
                request_text,
                summary=summary or None,
                filters=filters.filters(),
                date_from=date_from,
                date_to=date_to,
                exclude_letter=exclude or None,
                ranges=filters.ranges(),
                time_limit=settings.query_time_limit,
            )
        )
        sides = [answer["closest_overturned"], answer["closest_upheld"]]
        for p in [*answer["closest"], *(x for x in sides if x)]:
            p["url"] = letter_path(root, p["letter_id"], _number(p))
    # The API link asks what the page shows: the same request, filters and left-out letter.
    pairs = [("request", request_text), *filters.filter_pairs()]
    pairs += [("exclude", exclude)] if exclude else []
    json_url = f"{root}/api/precedents?{urlencode(pairs)}"
    return render(
        request,
        "precedents.html",
        request_text=request_text,
        summary=summary,
        exclude=exclude,
        answer=answer,
        json_url=json_url,
        filters=filters,
        csv_url=json_url + "&format=csv",
        xlsx_url=json_url + "&format=xlsx",
        current_era_only="current" in {v.lower() for v in filters.filters().get("era", ())},
    )


@router.get("/similar/{item_id}", response_class=HTMLResponse)
def similar_page(
    request: Request,
    item_id: str,
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> HTMLResponse:
    root = root_path(request)
    warnings: list[str] = []
    groups = similar(
        engine, item_id=item_id, limit=20, time_limit=settings.query_time_limit, warnings=warnings
    )
    data = similar_dict(groups, item_id=item_id, warnings=warnings)
    for group in data["groups"]:
        for m in group["members"]:
            m["url"] = letter_path(root, m["letter_id"], _number(m))
    letter_id, _, number = item_id.partition("#")
    # The query item itself, shown beside the results (similar() found it, so it exists).
    query_item = next(
        (i for i in engine.get_letter(letter_id).items if str(i.number) == number), None
    )
    return render(
        request,
        "similar.html",
        query_item=query_item,
        item_id=item_id,
        item_url=letter_path(root, letter_id, number),
        data=data,
        json_url=f"{root}/api/similar/{quote(item_id, safe='')}",
    )


def _number(entry: dict[str, Any]) -> str:
    """The item number of an entry's ``item_id`` (``CASE#N``)."""
    return str(entry["item_id"]).rpartition("#")[2]
