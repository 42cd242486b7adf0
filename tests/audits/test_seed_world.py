"""`seed_world` (the benchmark's data) writes around the services: what the services
would have kept must still hold in the world it writes."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Exists, OuterRef

from audits.management.commands.seed_world import BENCH_CALLERS, SCALES
from audits.models import Engagement, Evidence, Finding, PublishedEvidence, User
from audits.querysets import PUBLISHED_FINDING_STATUSES


@pytest.fixture
def seeded(transactional_db):  # PostgreSQL's VACUUM cannot run in a test's transaction
    call_command("seed_world", scale="small", stdout=io.StringIO())


def test_the_small_world_has_its_size_its_history_and_every_bench_caller(seeded):
    assert Engagement.objects.count() == SCALES["small"].engagements
    usernames = set(User.objects.values_list("username", flat=True))
    assert set(BENCH_CALLERS.values()) <= usernames
    assert Finding.history.values("id").distinct().count() == Finding.objects.count()
    with pytest.raises(CommandError):  # it only ever fills an empty database
        call_command("seed_world", scale="small", stdout=io.StringIO())


def test_every_item_linked_to_an_issued_finding_is_indexed_as_published(seeded):
    links = Finding.evidence.through.objects.filter(
        evidence_id=OuterRef("pk"), finding__status__in=PUBLISHED_FINDING_STATUSES
    )
    published = set(Evidence.objects.filter(Exists(links)).values_list("pk", flat=True))
    assert published
    indexed = PublishedEvidence.objects.values_list("evidence_id", "submitted_at")
    submitted = dict(Evidence.objects.values_list("pk", "submitted_at"))
    assert {pk for pk, _at in indexed} == published
    assert all(submitted[pk] == at for pk, at in indexed)
