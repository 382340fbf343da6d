"""The JSON API's search box (issue 25): ``q`` answers the decisions about it, ``scope`` widens
it to the items that mention it, ``synonyms=0`` searches the words as typed, and the answer
says where it searched. Expectations come from the parsed records.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from server_fixtures import ServerIndex

pytest_plugins = ["server_fixtures"]
pytestmark = pytest.mark.server


def ids(api: httpx.Client, **params: Any) -> tuple[set[str], dict[str, Any]]:
    response = api.get("/api/search", params={"size": 100, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return {r["item_id"] for r in body["results"]}, body


def test_q_answers_decisions_about_it_and_scope_widens_it(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    pairs = [(lt, it) for lt in server_index.records.values() for it in lt.items]
    asked = {lt.item_id(it) for lt, it in pairs if it.drug and it.drug.name == "tramadol"}
    mention = {
        lt.item_id(it)
        for lt, it in pairs
        if lt.item_id(it) not in asked
        and re.search(r"\btramadol\b", it.rationale + " " + lt.summary, re.IGNORECASE)
    }
    found, body = ids(api, q="ultram")
    assert found == asked
    assert body["scope"] == "services"
    assert body["elsewhere"] == len(mention)
    assert body["also_searched"] == ["tramadol"]
    for scope in ("everywhere", "all"):
        wide, body = ids(api, q="tramadol", scope=scope)
        assert wide == asked | mention
        assert body["scope"] == "everywhere"


def test_synonyms_0_searches_the_words_as_typed(api: httpx.Client) -> None:
    found, body = ids(api, q="ultram", synonyms=0)
    assert body["also_searched"] == []
    assert not found  # no fixture service says "Ultram"


def test_the_csv_export_lists_the_set_the_search_counts(api: httpx.Client) -> None:
    found, body = ids(api, q="MRI lumbar")
    response = api.get("/api/search.csv", params={"q": "MRI lumbar"})
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) - 1 == body["total"] == len(found)


def test_a_bad_scope_is_refused_with_the_values_that_work(api: httpx.Client) -> None:
    response = api.get("/api/search", params={"q": "mri", "scope": "letters"})
    assert response.status_code in (400, 422)
    assert "services" in response.text
    assert "everywhere" in response.text
