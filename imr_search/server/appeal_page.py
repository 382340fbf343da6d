"""The appeal workbench's page (``/letters/{id}/appeal``, printable) and the plain data the
letter page's workbench section renders. The workbench itself is ``analysis.appeal``; its JSON
and text are ``present.appeal_forms``, the same the CLI prints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse

import imr_search
from imr_search.analysis.appeal import Appeal, appeal_of
from imr_search.analysis.factcheck import FLAG_KINDS, FLAG_TITLES
from imr_search.analysis.timelines import ADDRESS_TEXT, california_today
from imr_search.present.appeal_forms import appeal_dict, appeal_text, deadline_lines
from imr_search.search.backend import Engine
from imr_search.server.state import get_engine, root_path

router = APIRouter(include_in_schema=False)  # a page: the API's is /api/letters/{id}/appeal


def today_in_california() -> dt.date:
    """The clock, read at the edge: a deadline is a day at the WCAB, in California."""
    return california_today(dt.datetime.now(dt.UTC))


def workbench_data(
    answer: Appeal, root: str, query: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the ``_appeal.html`` partial renders: the JSON form, the flags grouped by kind with
    their titles, the text to copy, and the workbench page's URLs."""
    data = appeal_dict(answer)
    grouped = [
        {"kind": k, "title": FLAG_TITLES[k], "flags": [f for f in data["flags"] if f["kind"] == k]}
        for k in FLAG_KINDS
    ]
    base = f"{root}/letters/{quote(answer.letter_id, safe='')}"
    suffix = f"?{urlencode(query)}" if query else ""
    return {
        **data,
        "flag_groups": [g for g in grouped if g["flags"]],
        "deadline_text": "\n".join(deadline_lines(answer.deadline, answer.deadline_missing)),
        "text": appeal_text(answer),
        "page_url": f"{base}/appeal{suffix}",
        "json_url": f"{root}/api/letters/{quote(answer.letter_id, safe='')}/appeal{suffix}",
        "form_action": f"{base}/appeal",
        "addresses": ADDRESS_TEXT,
    }


@router.get("/letters/{letter_id}/appeal", response_class=HTMLResponse)
def appeal_page(
    request: Request,
    letter_id: str,
    engine: Annotated[Engine, Depends(get_engine)],
    served: Annotated[dt.date | None, Query()] = None,
    address: Annotated[Literal["ca", "us", "abroad"], Query()] = "ca",
    today: Annotated[dt.date | None, Query()] = None,
) -> HTMLResponse:
    answer = appeal_of(
        engine,
        letter_id,
        today=today or today_in_california(),
        served=served,
        address=address,
    )
    query = {k: v for k, v in request.query_params.items() if k in ("served", "address", "today")}
    root = root_path(request)
    # The pages' environment and globals (pages.render's), without importing the pages module,
    # which imports this one for the letter page's section.
    env: jinja2.Environment = request.app.state.templates
    html = env.get_template("appeal.html").render(
        root=root,
        static=f"{root}/static",
        version=imr_search.__version__,
        a=workbench_data(answer, root, query),
        served=served.isoformat() if served else "",
        address=address,
        letter_url=f"{root}/letters/{quote(answer.letter_id, safe='')}",
    )
    return HTMLResponse(html)
