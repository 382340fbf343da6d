"""Generated requests over /openapi.json (schemathesis) against the real server: no input
answers 5xx, and every answer matches what the schema documents (status, content type, body).

Bounded: at most 100 examples per operation.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from server_fixtures import ServerProcess

from imr_search.config import Settings
from imr_search.server import create_app

pytest_plugins = ["server_fixtures"]


schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case: Any, live_server: ServerProcess) -> None:
    case.call_and_validate(base_url=live_server.url, checks=CHECKS, timeout=30)


def test_the_served_schema_is_the_one_tested(live_server: ServerProcess) -> None:
    served = httpx.get(f"{live_server.url}/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == schema.raw_schema
