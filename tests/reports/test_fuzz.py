"""Garbage into the report endpoints is a 4xx, never a 500."""

import pytest

from audits.choices import EngagementStatus
from tests.api.test_spine_fuzz import GARBAGE, WHOLE_BODIES
from tests.conftest import client_for
from tests.world import build_world

pytestmark = pytest.mark.django_db

FIELDS = ["kind", "engagement", "agency", "finding", "sanction"]


def test_report_requests_and_open_data_filters_never_500(settings):
    settings.REPORTS_JOB_RUNNER = "celery"  # nothing runs: only the answers matter
    world = build_world(status=EngagementStatus.REPORTING)
    client = client_for(world.users["team_leader"])
    valid = {"kind": "audit_report", "engagement": world.engagement.pk}
    for field in FIELDS:
        for value in GARBAGE:
            response = client.post("/api/v1/reports/", {**valid, field: value}, format="json")
            assert response.status_code < 500, (field, value, response.content[:200])
    for body in WHOLE_BODIES:
        response = client.generic("POST", "/api/v1/reports/", body, "application/json")
        assert response.status_code < 500, body
    for url in (
        "/api/v1/reports/abc/",
        "/api/v1/reports/99999999999999999999/file/",
        "/verify/%00/",
        "/verify/" + "f" * 500 + "/",
        "/published/0/file/",
    ):
        assert client.get(url).status_code < 500, url
    for name in ("agency", "year", "status", "amount_min", "amount_max", "format"):
        for value in GARBAGE:
            if isinstance(value, dict | list) or value is None:
                continue
            response = client_for(None).get("/api/v1/open-data/findings/", {name: value})
            assert response.status_code < 500, (name, value)
