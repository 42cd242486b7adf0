"""The grievance list and Open311 list cost the same number of queries for 2 rows as for
12, whoever asks (query counts, measured then asserted)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audits.choices import EngagementStatus
from grievances.choices import GrievanceStatus as G
from tests.api.test_list_query_counts import assert_flat
from tests.grievances.factories import file_grievance
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("actor", ["sai_admin", "supervisor", "agency_respondent", "oversight"])
def test_the_grievance_list_is_flat(django_assert_num_queries, actor):
    world = build_world(status=EngagementStatus.REPORTING)
    admin = world.users["sai_admin"]

    def add(count):
        for _ in range(count):
            file_grievance(status=G.REFERRED_TO_AGENCY, agency=world.agency, staff=admin)

    add(2)
    assert_flat(
        django_assert_num_queries,
        world.users[actor],
        "/api/v1/grievances/",
        lambda: add(10),
        2,
        12,
    )


def test_the_open311_list_is_flat(django_assert_num_queries):
    def add(count):
        for _ in range(count):
            file_grievance(status=G.UNDER_REVIEW)

    add(2)
    client = Client()
    with CaptureQueriesContext(connection) as measured:
        assert len(client.get("/open311/v2/requests.json").json()) == 2
    add(10)
    with django_assert_num_queries(len(measured.captured_queries)):
        assert len(client.get("/open311/v2/requests.json").json()) == 12
