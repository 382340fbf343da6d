"""/api/precedents, /api/similar/{item_id} and their pages, against a real server process.

The API must answer exactly what the CLI prints with --format json; counts are checked
against the fixture records parsed without the index.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner
from server_fixtures import ServerIndex, ServerProcess

from imr_search.cli import main

pytest_plugins = ["server_fixtures"]


def cli_json(server_index: ServerIndex, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(
        main, [*args, "--format", "json", "--index", str(server_index.path)]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_precedents_api_equals_the_cli(api: httpx.Client, server_index: ServerIndex) -> None:
    response = api.get("/api/precedents", params={"request": "MRI of the cervical spine"})
    assert response.status_code == 200
    assert response.json() == cli_json(server_index, "precedents", "MRI of the cervical spine")


def test_precedents_counts_match_the_records(api: httpx.Client, server_index: ServerIndex) -> None:
    data = api.get("/api/precedents", params={"request": "MRI cervical spine"}).json()
    expected = [
        (le.id, it.number, it.decision)
        for le in server_index.records.values()
        for it in le.items
        if it.modality == "mri" and it.body_region == "cervical spine"
    ]
    assert data["items"] == len(expected)
    assert data["overturned"] == sum(d == "overturned" for *_, d in expected)
    assert {c["item_id"] for c in data["closest"]} == {f"{i}#{n}" for i, n, _ in expected}
    # Why: each upheld item under each of its codes, counted from the records.
    upheld = Counter(
        code
        for le in server_index.records.values()
        for it in le.items
        if it.modality == "mri" and it.body_region == "cervical spine" and it.decision == "upheld"
        for code in it.reasons
    )
    why = {w["decision"]: w for w in data["why"]}
    assert {r["code"]: r["items"] for r in why["upheld"]["reasons"]} == dict(upheld)
    page = api.get("/precedents", params={"request": "MRI cervical spine"})
    assert html.escape(why["upheld"]["text"]) in page.text


def test_precedents_filters_narrow_the_set(api: httpx.Client, server_index: ServerIndex) -> None:
    everyone = api.get("/api/precedents", params={"request": "x-ray lumbar spine"}).json()
    texas = api.get(
        "/api/precedents", params={"request": "x-ray lumbar spine", "state": "TX"}
    ).json()
    assert texas["items"] < everyone["items"]
    assert texas == cli_json(server_index, "precedents", "x-ray lumbar spine", "--state", "TX")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "request: Field required"),
        ({"request": ""}, "request"),
        ({"request": "mri", "from": "2017-13-01"}, "from"),
        ({"request": "mri", "colour": "red"}, "colour"),
    ],
)
def test_bad_precedents_parameters_are_400(
    api: httpx.Client, params: dict[str, str], message: str
) -> None:
    response = api.get("/api/precedents", params=params)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_similar_groups_template_rationales(api: httpx.Client, server_index: ServerIndex) -> None:
    # CM17-0014449 and CM17-0006797 share one template rationale for their associated
    # surgical services ("As the requested surgical intervention is not medically necessary").
    template = [
        f"{le.id}#{it.number}"
        for le in server_index.records.values()
        for it in le.items
        if it.rationale.startswith("As the requested surgical intervention is not medically")
    ]
    assert len(template) > 10
    data = api.get(f"/api/similar/{quote('CM17-0014449#2', safe='')}").json()
    first = data["groups"][0]
    assert first["duplicate_of_query"] is True
    members = {m["item_id"] for m in first["members"]}
    assert members == set(template) - {"CM17-0014449#2"} or members == set(template)
    assert data == cli_json(server_index, "similar", "CM17-0014449#2")


def test_similar_unknown_item_is_404(api: httpx.Client) -> None:
    response = api.get(f"/api/similar/{quote('CM00-0000000#1', safe='')}")
    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith("no item 'CM00-0000000#1'")


def test_precedents_page_shows_the_answer(api: httpx.Client) -> None:
    response = api.get("/precedents", params={"request": "Tramadol 50mg #60"})
    assert response.status_code == 200
    assert "95% Wilson interval" in response.text
    assert "CM17-0017734" in response.text


def test_precedents_page_escapes_the_request(api: httpx.Client) -> None:
    response = api.get("/precedents", params={"request": "<script>alert(1)</script> MRI"})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; MRI" in response.text


def test_letter_page_links_each_item_to_its_precedents(
    api: httpx.Client, live_server: ServerProcess
) -> None:
    html = api.get("/letters/CM17-0010420").text
    assert html.count("Decisions like this one") == 7
    assert 'href="/similar/CM17-0010420%232"' in html
    assert "/precedents?request=Pre-op+labs%3A+CBC&amp;exclude=CM17-0010420" in html


def test_precedents_can_leave_the_letter_being_read_out(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    request = "Associated surgical service: Ultrasling"
    everything = api.get("/api/precedents", params={"request": request}).json()
    others = api.get(
        "/api/precedents", params={"request": request, "exclude": "CM17-0014449"}
    ).json()
    own = [
        it
        for it in server_index.records["CM17-0014449"].items
        if it.subcategory == everything["normalised"]["subcategory"]
    ]
    assert own
    assert others["items"] == everything["items"] - len(own)
    assert not any(c["letter_id"] == "CM17-0014449" for c in others["closest"])
    assert others == cli_json(server_index, "precedents", request, "--exclude", "CM17-0014449")
