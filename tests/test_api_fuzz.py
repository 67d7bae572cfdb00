"""Schemathesis against the OpenAPI document, in-process: no 500, answers match the schema."""

from __future__ import annotations

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from desk.base.db import Database
from tests.helpers.api import setup_api

# Checks of how strict the API is, not of whether it fails: schema-valid values may
# still be refused for what they mean (a date past 2200, a slot not free), and numbers
# sent as strings are accepted.
LENIENCY = [positive_data_acceptance, negative_data_rejection]
# A few hundred cases in all, spread over the operations.
CASES_PER_OPERATION = 30


def test_the_api_answers_every_generated_request_without_a_server_error_or_schema_violation(
    db: Database, app: Flask
) -> None:
    _, auth = setup_api(db, app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {"GET /reports/activity", "GET /reports/staffing", "POST /appointments"} <= labels
    seen: list[int] = []
    for operation in operations:

        @settings(
            max_examples=CASES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), keyed=st.booleans())
        def run(case: schemathesis.Case, keyed: bool) -> None:
            headers = dict(auth) if keyed or case.method == "GET" else {}
            response = case.call_and_validate(headers=headers, excluded_checks=LENIENCY)
            seen.append(response.status_code)
            if response.status_code == 404:
                types = {k.lower(): v for k, v in response.headers.items()}["content-type"]
                assert types[0] == "application/problem+json"

        run()
    assert len(seen) >= 200
    assert all(code < 500 for code in seen)
