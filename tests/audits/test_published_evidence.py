"""PublishedEvidence: the index oversight pages through. The findings services keep it
a superset of what is published; the visibility rule still decides."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.choices import EngagementStatus, FindingStatus
from audits.models import Evidence, PublishedEvidence
from audits.services.findings import finding_update
from tests.api.matrix import client_for
from tests.findings_setup import make_evidence, make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db
URL = "/api/v1/evidence/"


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.REPORTING)


def filed(world, description, days_ago):
    evidence = make_evidence(world.engagement, world.users["team_cso"], description)
    evidence.submitted_at = timezone.now() - datetime.timedelta(days=days_ago)
    evidence.save()
    return evidence


def oversight_ids(world) -> list[int]:
    response = client_for(world.users["oversight"]).get(URL)
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_issuing_a_finding_publishes_its_evidence_newest_first(world):
    older, newer = filed(world, "Receipt", 3), filed(world, "Photo", 1)
    draft_only = filed(world, "Draft note", 0)
    make_finding(world, FindingStatus.ISSUED, evidence=[older, newer])
    make_finding(world, FindingStatus.DRAFT, evidence=[draft_only])

    assert set(PublishedEvidence.objects.values_list("evidence_id", flat=True)) == {
        older.pk,
        newer.pk,
    }
    assert oversight_ids(world) == [newer.pk, older.pk]


def test_evidence_linked_after_issue_is_published(world):
    finding = make_finding(world, FindingStatus.ISSUED, evidence=[filed(world, "Receipt", 2)])
    later = filed(world, "Inspection photo", 0)
    assert later.pk not in oversight_ids(world)

    finding_update(
        finding,
        by=world.users["supervisor"],
        change_reason="The inspection photo shows the cracked slab.",
        evidence=[*finding.evidence.all(), later],
    )
    assert oversight_ids(world)[0] == later.pk


def test_an_item_unlinked_after_issue_is_hidden_though_still_indexed(world):
    kept, dropped = filed(world, "Receipt", 2), filed(world, "Wrong site photo", 1)
    finding = make_finding(world, FindingStatus.ISSUED, evidence=[kept, dropped])
    finding_update(
        finding,
        by=world.users["supervisor"],
        change_reason="The photo was of another site.",
        evidence=[kept],
    )
    assert PublishedEvidence.objects.filter(evidence=dropped).exists()
    assert oversight_ids(world) == [kept.pk]


def test_oversight_pages_through_the_index(world):
    make_finding(world, FindingStatus.ISSUED, evidence=[filed(world, "Receipt", 1)])
    with CaptureQueriesContext(connection) as queries:
        oversight_ids(world)
    page = [q["sql"] for q in queries if 'ORDER BY "audits_publishedevidence"' in q["sql"]]
    assert len(page) == 1


def test_the_migration_indexes_what_was_already_published(world):
    published = filed(world, "Receipt", 1)
    draft_only = filed(world, "Draft note", 0)
    make_finding(world, FindingStatus.ISSUED, evidence=[published])
    make_finding(world, FindingStatus.DRAFT, evidence=[draft_only])
    PublishedEvidence.objects.all().delete()

    migration = importlib.import_module("audits.migrations.0010_published_evidence")
    migration.index_published_evidence(apps, None)

    rows = PublishedEvidence.objects.values_list("evidence_id", "submitted_at")
    assert list(rows) == [(published.pk, Evidence.objects.get(pk=published.pk).submitted_at)]
