"""Property-based tests of the HTTP API against its own OpenAPI spec (schemathesis).

The server runs for the module on 127.0.0.1:<free port> in a background
event loop, over a hand-filled store; schemathesis generates requests from
``docs/openapi.yaml`` and checks every response (no 5xx, documented status
codes, content types and response schemas, auth honoured).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.monitor.api.api_builders import ROOT, TOKEN, filled_store, served_in_thread

schema = schemathesis.openapi.from_path(str(ROOT / "docs" / "openapi.yaml"))


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    """Base URL of an HttpServer running in a background thread for the whole module."""
    with served_in_thread(filled_store()) as served:
        yield served.url


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case: Any, api_url: str) -> None:
    """Every generated request gets a documented, schema-valid JSON answer and never a server error."""
    case.call_and_validate(base_url=api_url, headers={"Authorization": f"Bearer {TOKEN}"})
