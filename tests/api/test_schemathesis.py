"""Every API operation, fuzzed from its OpenAPI schema (schemathesis): anonymous, with a staff member's token and
with an admin's token, on the API tests' small world. No answer may be a server error, and every answer must be
one the schema documents: its status code, its content type and its body's schema.

Bounded for CI: a fixed number of examples per operation, derandomized so a run is repeatable.
"""

import json
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from shangdang_portal.wsgi import application

EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Generated examples only (no coverage or stateful phase): the examples bound keeps the run within CI's time.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "positive", "max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# What the run did, written to test-artifacts/schemathesis.json for the README's figures.
RUN = Counter()


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.json").write_text(json.dumps(dict(RUN), indent=1))


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: the WSGI handler would close the database connection after each request,
    and with it the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(world, accounts, keep_the_test_connection):
    return {
        "anonymous": {},
        "staff": {"Authorization": f"Token {Token.objects.create(user=accounts['staff']).key}"},
        "admin": {"Authorization": f"Token {Token.objects.create(user=accounts['admin']).key}"},
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, credentials):
    RUN[f"operation {case.operation.label}"] = 1
    RUN["cases"] += 1
    for role, headers in credentials.items():
        response = case.call(headers={**(case.headers or {}), **headers})
        RUN["requests"] += 1
        RUN[f"status {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as {role}")
            raise
