"""The citator and the cross-tabs over HTTP: ``/api/citator``, ``/api/crosstab`` (JSON, CSV or
XLSX, what ``imr-search citator`` and ``imr-search stats --by`` print) and their pages, ``/citator``
and ``/crosstab`` (the monthly histogram is an SVG drawn here: it needs no JavaScript); and the
index summary's page, ``/stats`` (its API, ``/api/stats``, is in ``server.api``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from markupsafe import Markup
from starlette.responses import HTMLResponse, JSONResponse, Response

from imr_search.analysis.citator import citator
from imr_search.analysis.crosstab import DIMENSIONS, MONTH, crosstab
from imr_search.analysis.overview import overview
from imr_search.config import Settings
from imr_search.errors import UsageError
from imr_search.guidelines import CITES_VALUES
from imr_search.present.jsonforms import citator_dict, crosstab_dict
from imr_search.present.tables import TABLE_FORMATS, citator_table, crosstab_table
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.service import prepare
from imr_search.server.api import _BAD, _CSV, _DOWN, _XLSX, table_response
from imr_search.server.charts import month_histogram
from imr_search.server.pages import FACET_LABELS, render
from imr_search.server.params import CitatorParams, CrosstabParams, SearchParams
from imr_search.server.state import get_engine, get_settings, root_path

router = APIRouter()
pages = APIRouter(include_in_schema=False)

EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _checked(engine: Engine, request: SearchRequest) -> tuple[SearchRequest, list[str]]:
    """The table's search as every search is prepared (``region:lumbar`` and ``region=lumbar``
    read as 'lumbar spine', a value no item has a 400 naming the closest), and its notes."""
    prepared = prepare(engine, request)
    return prepared.request, prepared.all_notes


@router.get(
    "/api/citator",
    tags=["citator"],
    summary="Overturn rate per cited guideline section",
    response_model=None,
    responses={
        200: {
            "content": {**_CSV, **_XLSX},
            "description": "Rows: citation, items, overturned, rate, interval",
        },
        **_BAD,
        **_DOWN,
    },
)
def citator_api(
    params: Annotated[CitatorParams, Query()], engine: EngineDep, settings: SettingsDep
) -> Response:
    """For each guideline section the IMR cited in the matching items: items, overturned, the
    rate with its 95% Wilson interval, and the claims administrator's citations it answered
    (``answered``). ``format=csv`` for a spreadsheet."""
    search, notes = _checked(engine, params.to_request(settings))
    table = citator(engine, search, sort=params.sort, limit=params.limit)
    table.warnings[:0] = notes
    data = citator_dict(table)
    if params.format in TABLE_FORMATS:
        return table_response(citator_table(data), params.format)
    return JSONResponse(data)


def _table(params: CrosstabParams, engine: Engine, settings: Settings) -> Any:
    search, notes = _checked(engine, params.to_request(settings))
    table = crosstab(engine, search, params.rows, params.cols or None)
    table.warnings[:0] = notes
    return table


@router.get(
    "/api/crosstab",
    tags=["citator"],
    summary="Cross-tabulate a search by one or two facets (or month)",
    response_model=None,
    responses={
        200: {
            "content": {**_CSV, **_XLSX},
            "description": "Counts, overturned, rate and interval per cell",
        },
        **_BAD,
        **_DOWN,
    },
)
def crosstab_api(
    params: Annotated[CrosstabParams, Query()], engine: EngineDep, settings: SettingsDep
) -> Response:
    """``rows`` (and ``cols``): a facet name or ``month``. Each row and cell has items,
    overturned, the rate and its 95% Wilson interval; ``small`` marks fewer than 10 items.
    ``format=csv`` gives one line per row (one-way) or per cell (two-way)."""
    data = crosstab_dict(_table(params, engine, settings))
    if params.format in TABLE_FORMATS:
        return table_response(crosstab_table(data), params.format)
    return JSONResponse(data)


# -- pages -------------------------------------------------------------------------------------


def _url(base: str, pairs: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return f"{base}?{urlencode(pairs)}" if pairs else base


@pages.get("/citator", response_class=HTMLResponse)
def citator_page(
    request: Request,
    params: Annotated[CitatorParams, Query()],
    engine: EngineDep,
    settings: SettingsDep,
) -> HTMLResponse:
    root = root_path(request)
    search, notes = _checked(engine, params.to_request(settings))
    cited = citator(engine, search, sort=params.sort)
    cited.warnings[:0] = notes
    table = citator_dict(cited)
    pairs = list(params.pairs())
    for row in table["rows"]:
        row["search_url"] = _url(f"{root}/", [*pairs, ("citation", row["citation"])])
    sorts = [
        (s, label, _url(f"{root}/citator", [*pairs, ("sort", s)]), s == params.sort)
        for s, label in (
            ("items", "Items"), ("overturned", "Overturned"), ("rate", "Rate"),
            ("citation", "Citation"),
        )
    ]  # fmt: skip
    return render(
        request,
        "citator.html",
        params=params,
        table=table,
        sorts=sorts,
        cites_values=CITES_VALUES,
        json_url=_url(f"{root}/api/citator", [*pairs, ("sort", params.sort)]),
        csv_url=_url(f"{root}/api/citator", [*pairs, ("sort", params.sort), ("format", "csv")]),
        xlsx_url=_url(f"{root}/api/citator", [*pairs, ("sort", params.sort), ("format", "xlsx")]),
    )


@pages.get("/crosstab", response_class=HTMLResponse)
def crosstab_page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    params: Annotated[CrosstabParams, Query()],
) -> HTMLResponse:
    root = root_path(request)
    if params.cols and params.cols.strip().lower() == params.rows.strip().lower():
        raise UsageError("choose two different dimensions for rows and columns")
    table = _table(params, engine, settings)
    data = crosstab_dict(table)
    grid = {(c["row"], c["col"]): c for c in data["cells"]}
    chart = month_histogram(table.rows) if table.rows_by == MONTH and not table.cols_by else ""
    pairs = [*params.pairs(), ("rows", table.rows_by)]
    if table.cols_by:
        pairs.append(("cols", table.cols_by))
    return render(
        request,
        "crosstab.html",
        params=params,
        data=data,
        grid=grid,
        dimensions=DIMENSIONS,
        chart=Markup(chart),  # built and escaped by charts.month_histogram
        json_url=_url(f"{root}/api/crosstab", pairs),
        csv_url=_url(f"{root}/api/crosstab", [*pairs, ("format", "csv")]),
        xlsx_url=_url(f"{root}/api/crosstab", [*pairs, ("format", "xlsx")]),
    )


@pages.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> HTMLResponse:
    """What the index holds: letters, items, the overturn rate, letters per case outcome and
    items per facet value."""
    seen = overview(engine)
    root = root_path(request)
    sections = [
        {
            "name": name,
            "label": FACET_LABELS.get(name, name),
            "values": [
                {
                    "value": f.value,
                    "count": f.count,
                    "url": SearchParams.model_validate({name: [f.value]}).url(f"{root}/"),
                }
                for f in values
            ],
        }
        for name, values in seen.facets.items()
    ]
    exports = {fmt: f"{root}/api/stats?format={fmt}" for fmt in ("csv", "xlsx")}
    return render(
        request,
        "stats.html",
        stats=seen.stats,
        outcomes=seen.outcomes,
        sections=sections,
        json_url=f"{root}/api/stats",
        csv_url=exports["csv"],
        xlsx_url=exports["xlsx"],
    )
