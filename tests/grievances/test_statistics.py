"""The figures that show whether the loop works: counts by category, agency, status and
month, and the median working days to the first public update; public and for oversight."""

import datetime
from unittest import mock

import pytest
from django.test import Client

from audits.choices import Role
from grievances.choices import GrievanceStatus as G
from tests.conftest import client_for
from tests.factories import AgencyFactory, UserFactory
from tests.grievances.factories import category, file_grievance

pytestmark = pytest.mark.django_db


def manila(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour - 8, tzinfo=datetime.UTC)


def test_statistics_count_and_measure_the_median_in_working_days(api):
    agency = AgencyFactory(name="Provincial Health Office")
    with mock.patch("django.utils.timezone.now", return_value=manila(datetime.date(2026, 11, 27))):
        first = file_grievance(agency=agency)
        second = file_grievance(category=category("health", "Health"))
        file_grievance()
    # Filed on Friday 27 November; Monday 30 is Bonifacio Day: an answer on 1 December
    # took 1 working day, one on 3 December 3; the third is unanswered. Median: 2.
    for grievance, day in (
        (first, datetime.date(2026, 12, 1)),
        (second, datetime.date(2026, 12, 3)),
    ):
        with mock.patch("django.utils.timezone.now", return_value=manila(day)):
            grievance.first_public_update_at = manila(day)
            grievance.save()
    data = api.get("/api/v1/grievances/statistics/").json()
    assert data["total"] == 3
    assert {row["category"]: row["count"] for row in data["by_category"]} == {
        "infrastructure": 2,
        "health": 1,
    }
    assert {row["name"]: row["count"] for row in data["by_agency"]}["Provincial Health Office"] == 1
    assert data["by_month"] == [{"month": "2026-11", "count": 3}]
    assert {row["status"]: row["count"] for row in data["by_status"]}["received"] == 3
    assert data["median_working_days_to_first_update"] == 2
    page = Client().get("/grievances/statistics/")
    assert page.status_code == 200 and 'id="stat-median"' in page.content.decode()


def test_oversight_lists_what_is_public_and_reads_the_statistics():
    oversight = UserFactory(role=Role.OVERSIGHT)
    hidden = file_grievance()
    shown = file_grievance(status=G.UNDER_REVIEW)
    client = client_for(oversight)
    ids = {row["id"] for row in client.get("/api/v1/grievances/").json()["results"]}
    assert ids == {shown.pk}
    assert client.get(f"/api/v1/grievances/{hidden.pk}/").status_code == 404
    assert client.get("/api/v1/grievances/", {"search": "footbridge"}).json()["results"]
    assert client.get("/api/v1/grievances/statistics/").json()["total"] == 2
