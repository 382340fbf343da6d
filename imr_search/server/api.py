"""The JSON API: thin translations between query parameters, the engine and JSON.

Endpoints are plain ``def`` functions, so FastAPI runs the (blocking) engine calls in its
threadpool. ``/api/precedents`` and ``/api/similar/{item_id}`` return exactly what
``imr-search precedents --format json`` and ``imr-search similar --format json`` print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from imr_search.analysis.appeal import appeal_of
from imr_search.analysis.crosstab import overturned_facets
from imr_search.analysis.overview import overview
from imr_search.analysis.precedents import precedents
from imr_search.analysis.similar import similar
from imr_search.analysis.timelines import california_today
from imr_search.config import Settings
from imr_search.model import Letter
from imr_search.present.appeal_forms import appeal_dict
from imr_search.present.export import (
    FACET_HEADERS,
    csv_lines,
    csv_rows,
    facet_rows,
    records_xlsx,
    xlsx_bytes,
)
from imr_search.present.jsonforms import (
    facets_dict,
    overview_dict,
    precedents_dict,
    similar_dict,
)
from imr_search.present.tables import TABLE_FORMATS, Table, precedents_table, summary_table
from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline
from imr_search.search.emptiness import why_nothing
from imr_search.search.lookup import find_item
from imr_search.search.service import prepare
from imr_search.server.params import ApiSearchParams, PrecedentsParams, StatsParams
from imr_search.server.schemas import (
    ErrorResponse,
    HealthResponse,
    SearchResponse,
    StatsResponse,
)
from imr_search.server.state import get_engine, get_settings, root_path, site_url
from imr_search.server.views import search_data

# Rows in one CSV export; a larger result set is cut here (X-Total-Count says how many matched).
EXPORT_LIMIT = 10_000

Responses = dict[int | str, dict[str, Any]]
_BAD: Responses = {400: {"model": ErrorResponse, "description": "A bad parameter or query."}}
_MISSING: Responses = {404: {"model": ErrorResponse, "description": "No letter with that id."}}
_NO_ITEM: Responses = {404: {"model": ErrorResponse, "description": "No item with that id."}}
_DOWN: Responses = {503: {"model": ErrorResponse, "description": "The index cannot be read."}}
_CSV = {"text/csv": {"schema": {"type": "string"}}}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX = {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}

router = APIRouter()

EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchQuery = Annotated[ApiSearchParams, Query()]
PrecedentsQuery = Annotated[PrecedentsParams, Query()]


@router.get(
    "/api/search",
    tags=["search"],
    summary="Search disputed items",
    response_model=None,
    responses={
        200: {
            "model": SearchResponse,
            "content": {**_CSV, **_XLSX},
            "description": "JSON, or CSV / XLSX",
        },
        **_BAD,
        **_DOWN,
    },
)
def search(
    request: Request, params: SearchQuery, engine: EngineDep, settings: SettingsDep
) -> Response:
    """Full-text and faceted search; one result per disputed item (or per letter with
    ``letters=1``). ``format=csv`` or ``xlsx`` exports the whole result set instead (up to
    10,000 rows)."""
    deadline = Deadline.start(settings.query_time_limit)  # the whole answer's clock
    if params.format in ("csv", "xlsx"):
        return _export(request, params.checked(engine)[0], engine, settings, params.format)
    params, prepared = params.prepared(engine, settings, facets=params.facets)
    search_request = prepared.request
    result = engine.search(deadline.narrowed(search_request))
    # The aliases applied and a case number read as such, before the engine's own warnings.
    result.warnings[:0] = prepared.all_notes
    if not result.total:  # say why, as the CLI and the page do
        result.warnings.append(why_nothing(engine, search_request, deadline))
    over = (
        overturned_facets(engine, search_request, deadline=deadline, warnings=result.warnings)
        if params.facets and params.rates
        else None
    )
    root = root_path(request)
    extra = (("facets", "1"),) if params.facets else ()
    body = search_data(
        result, params, base=f"{root}/api/search", root=root, extra=extra, overturned=over
    )
    return JSONResponse(body)


@router.get(
    "/api/search.csv",
    tags=["search"],
    summary="Export a search as CSV",
    response_class=Response,
    responses={200: {"content": _CSV, "description": "One row per item"}, **_BAD, **_DOWN},
)
def search_csv(
    request: Request, params: SearchQuery, engine: EngineDep, settings: SettingsDep
) -> Response:
    """The same parameters as /api/search; every matching item, up to 10,000 rows, in the
    requested order, the columns of docs/exports.md. ``X-Total-Count`` gives the number of
    matches."""
    return _export(request, params.checked(engine)[0], engine, settings, "csv")


@router.get(
    "/api/search.xlsx",
    tags=["search"],
    summary="Export a search as an Excel workbook",
    response_class=Response,
    responses={200: {"content": _XLSX, "description": "One row per item"}, **_BAD, **_DOWN},
)
def search_xlsx(
    request: Request, params: SearchQuery, engine: EngineDep, settings: SettingsDep
) -> Response:
    """The rows and columns of /api/search.csv as an XLSX workbook (dates as dates)."""
    return _export(request, params.checked(engine)[0], engine, settings, "xlsx")


@router.get(
    "/api/facets",
    tags=["search"],
    summary="Facet counts of a search, as JSON, CSV or XLSX",
    response_model=None,
    responses={200: {"content": {**_CSV, **_XLSX}, "description": "Counts"}, **_BAD, **_DOWN},
)
def facets_export(params: SearchQuery, engine: EngineDep, settings: SettingsDep) -> Response:
    """Every facet's value counts over the whole result set (items; with ``letters=1`` still
    items: a letter's values count once per matching item)."""
    params = params.checked(engine)[0]
    prepared = prepare(engine, params.to_request(settings, facets=True))
    result = engine.search(replace(prepared.request, size=1))
    if params.format == "json":
        return JSONResponse({"total_items": result.total, "facets": facets_dict(result.facets)})
    return _table(FACET_HEADERS, facet_rows(result.facets), params.format, "imr-search-facets")


@router.get(
    "/api/letters/{letter_id}",
    tags=["letters"],
    summary="One whole letter",
    response_model=None,
    responses={200: {"model": Letter, "description": "The record"}, **_MISSING, **_DOWN},
)
def letter(
    engine: EngineDep,
    letter_id: Annotated[str, Path(description="The letter id, as in search results.")],
) -> Response:
    """The whole record: header, reviewer, patient, summary and every item with its
    citations and rationale, and the case ``outcome``. ``source`` is the file's name only
    (the server's folders are not the client's business); ``/letters/{id}/source`` serves
    the file."""
    letter, item = find_item(engine, letter_id)  # ID#N (encoded %23): that item alone
    body = (letter if item is None else replace(letter, items=[item])).to_dict()
    body["source"] = PurePath(letter.source).name
    return JSONResponse(body)


@router.get(
    "/api/letters/{letter_id}/appeal",
    tags=["letters"],
    summary="The appeal workbench of one letter",
    response_model=None,
    responses={200: {"description": "Deadline, clocks, grounds, flags"}, **_BAD, **_MISSING},
)
def appeal_api(
    engine: EngineDep,
    letter_id: Annotated[str, Path(description="The letter id or its IMR case number.")],
    served: Annotated[
        dt.date | None,
        Query(
            description="The mailing date from the proof of service (default: the decision "
            "date stands for it)."
        ),
    ] = None,
    address: Annotated[
        Literal["ca", "us", "abroad"],
        Query(description="Where it was mailed: adds 5, 10 or 20 days (8 CCR 10605)."),
    ] = "ca",
    today: Annotated[
        dt.date | None,
        Query(description="Count the days left from this date (default: California's today)."),
    ] = None,
) -> Response:
    """What ``imr-search appeal ID --format json`` prints: the estimated deadline to appeal to
    the WCAB (``deadline``, YYYY-MM-DD) and how it was counted, the claims administrator's
    clock on overturned items, the five grounds of Labor Code 4610.6(h) with what the letter
    shows on each, flags to check against the records, a caption skeleton. Not legal advice."""
    today = today or california_today(dt.datetime.now(dt.UTC))  # the clock, read at the edge
    answer = appeal_of(engine, letter_id, today=today, served=served, address=address)
    return JSONResponse(appeal_dict(answer))


@router.get(
    "/api/precedents",
    tags=["precedents"],
    summary="How IMR decided requests like this one",
    response_model=None,
    responses={
        200: {
            "description": "Counts, rate, closest precedents, phrases (or CSV / XLSX rows)",
            "content": {"application/json": {}, **_CSV, **_XLSX},
        },
        **_BAD,
        **_DOWN,
    },
)
def precedents_api(params: PrecedentsQuery, engine: EngineDep, settings: SettingsDep) -> Response:
    """The request is read like a disputed item (category, drug, test, region) and matched to
    indexed items of the same kind: counts, overturn rate with its 95% Wilson interval,
    breakdowns, the closest precedents and the phrases that separate the two outcomes.
    ``format=csv`` or ``xlsx``: the rate, the breakdowns, the reasons and the closest
    precedents as rows."""
    params, _ = params.checked(engine)
    date_from, date_to = params.dates()
    answer = precedents(
        engine,
        params.request,
        summary=params.summary,
        filters=params.filters(),
        date_from=date_from,
        date_to=date_to,
        exclude_letter=params.exclude,
        ranges=params.ranges(),
        time_limit=settings.query_time_limit,
    )
    data = precedents_dict(answer)
    if params.format in TABLE_FORMATS:
        return table_response(precedents_table(data), params.format)
    return JSONResponse(data)


@router.get(
    "/api/similar/{item_id}",
    tags=["precedents"],
    summary="Rationales that argue the same way",
    response_model=None,
    responses={200: {"description": "Groups of similar rationales"}, **_BAD, **_NO_ITEM, **_DOWN},
)
def similar_api(
    engine: EngineDep,
    settings: SettingsDep,
    item_id: Annotated[str, Path(description="An item id, as in search results: CASE#N.")],
    limit: Annotated[int, Query(ge=1, le=100, description="Rows (groups) to return.")] = 20,
) -> Response:
    """Items whose rationale is most like this item's; near-duplicate (template) rationales are
    grouped into one row with their count and cases. ``warnings`` says when the answer ran out
    of time (its rows then come from fewer candidates)."""
    warnings: list[str] = []
    groups = similar(
        engine,
        item_id=item_id,
        limit=limit,
        time_limit=settings.query_time_limit,
        warnings=warnings,
    )
    return JSONResponse(similar_dict(groups, item_id=item_id, warnings=warnings))


@router.get(
    "/api/stats",
    tags=["index"],
    summary="Index statistics",
    response_model=None,
    responses={
        200: {
            "model": StatsResponse,
            "content": {**_CSV, **_XLSX},
            "description": "Counts (or CSV / XLSX rows: table, value, count)",
        },
        **_BAD,
        **_DOWN,
    },
)
def stats(engine: EngineDep, params: Annotated[StatsParams, Query()]) -> Response:
    """What the index holds, as the /stats page shows it: letters, items, the overturn rate,
    the decision dates, letters per case outcome and items per facet value. ``format=csv`` or
    ``xlsx``: the same as rows (table, value, count)."""
    data = overview_dict(overview(engine))
    if params.format in TABLE_FORMATS:
        return table_response(summary_table(data), params.format)
    return JSONResponse(data)


@router.get(
    "/healthz",
    tags=["index"],
    summary="Liveness and index check",
    response_model=None,
    responses={200: {"model": HealthResponse, "description": "Serving"}, **_DOWN},
)
def healthz(engine: EngineDep) -> Response:
    """``{"status": "ok"}`` once the index is open, with what the response cache of the process
    that answered has done (each server process keeps its own)."""
    cache = engine.cache_stats()
    return JSONResponse(
        {
            "status": "ok",
            "cache": {
                "size": cache.size,
                "held": cache.held,
                "hits": cache.hits,
                "misses": cache.misses,
                "hit_rate": cache.hit_rate,
            },
        }
    )


# -- exports ----------------------------------------------------------------------------------


def _export(
    request: Request,
    params: ApiSearchParams,
    engine: Engine,
    settings: Settings,
    fmt: Literal["csv", "xlsx"] | str,
) -> Response:
    # Prepared as the search is (field values typed in the query read as the filters'), so
    # the export holds the items the page counted.
    prepared = prepare(engine, params.to_request(settings, facets=False))
    search = replace(prepared.request, letters=False, page=1)
    # A one-hit search first: a bad query answers the JSON error before the stream starts,
    # and gives the total for X-Total-Count.
    first = engine.search(replace(search, size=1))
    headers = {
        "Content-Disposition": f'attachment; filename="imr-search.{fmt}"',
        "X-Total-Count": str(first.total),
    }
    warnings = [*prepared.all_notes, *first.warnings]
    if warnings:
        headers["X-Warnings"] = "; ".join(warnings).encode("ascii", "replace").decode()
    records = engine.iter_items(search, limit=EXPORT_LIMIT)
    base_url = site_url(request)
    if fmt == "xlsx":
        return Response(records_xlsx(records, base_url), media_type=XLSX_TYPE, headers=headers)
    return StreamingResponse(
        csv_lines(csv_rows(records, base_url)),
        media_type="text/csv; charset=utf-8",
        headers=headers,
    )


def table_response(table: Table, fmt: str) -> Response:
    """A table the tool shows (``present.tables``) as a CSV or XLSX download."""
    headers = {"Content-Disposition": f'attachment; filename="{table.name}.{fmt}"'}
    if fmt == "xlsx":
        return Response(table.xlsx(), media_type=XLSX_TYPE, headers=headers)
    return Response(table.csv(), media_type="text/csv; charset=utf-8", headers=headers)


def _table(header: Sequence[str], rows: Iterable[list[object]], fmt: str, name: str) -> Response:
    """The facet counts as CSV or XLSX."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "xlsx":
        return Response(xlsx_bytes(header, rows), media_type=XLSX_TYPE, headers=headers)
    text = "".join(csv_lines([list(header), *rows]))
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
