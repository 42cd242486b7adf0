"""The lighter read path (`api.base.serializers.LightReadMixin`) answers exactly what
DRF's own `to_representation` would, for each request and in the current time zone."""

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api.serializers.engagements import EngagementSerializer
from api.serializers.evidence import EvidenceSerializer
from api.serializers.findings import (
    AttachmentSerializer,
    FindingSerializer,
    RecommendationSerializer,
    ResponseSerializer,
)
from api.serializers.sanctions import SanctionSerializer
from audits.choices import EngagementStatus, FindingStatus
from audits.models import Engagement, Evidence, Finding, Recommendation, Response, Sanction
from audits.selectors import sanctions as selectors
from audits.services.findings import response_create
from tests.conftest import client_for
from tests.factories import SanctionFactory, link_evidence
from tests.findings_setup import make_evidence, make_finding, pdf_upload
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world(status=EngagementStatus.REPORTING)
    world.evidence = make_evidence(world.engagement, world.users["team_cso"])
    world.finding = make_finding(world, FindingStatus.ISSUED, amount="1000.50")
    link_evidence(world.finding, world.evidence)
    response_create(
        by=world.users["agency_respondent"],
        finding=world.finding,
        kind="management_comment",
        body="We will recover it.",
        attachments=[pdf_upload()],
    )
    SanctionFactory(finding=world.finding)
    return world


def drf_representation(serializer, instance):
    """What DRF itself answers: ModelSerializer's to_representation, past the mixin."""
    return serializers.ModelSerializer.to_representation(serializer, instance)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Manila", "America/Lima"])
def test_every_light_serializer_answers_as_drf(world, zone):
    request = APIRequestFactory().get("/api/v1/")
    request.user = world.users["supervisor"]
    replacement = Sanction.objects.filter(matured_from=OuterRef("pk")).values("pk")[:1]
    cases = [
        (EngagementSerializer, Engagement.objects.all()),
        (FindingSerializer, Finding.objects.all()),
        (RecommendationSerializer, Recommendation.objects.all()),
        (ResponseSerializer, Response.objects.all()),
        (
            SanctionSerializer,
            selectors.sanctions_with_balance(
                Sanction.objects.annotate(replacement_id=Subquery(replacement))
            ),
        ),
        (EvidenceSerializer, Evidence.objects.with_visible_chain(world.users["supervisor"])),
    ]
    with timezone.override(zone):
        for serializer_class, rows in cases:
            for instance in rows:
                serializer = serializer_class(context={"request": request})
                light = serializer.to_representation(instance)
                expected = drf_representation(serializer, instance)
                for name in serializer.prepared_fields:  # read for a page, checked below
                    light.pop(name)
                    expected.pop(name)
                assert light == expected, serializer_class.__name__


def test_prepared_lists_match_the_rows_they_stand_for(world):
    row = client_for(world.users["supervisor"]).get("/api/v1/findings/").json()["results"][0]
    assert row["evidence"] == [world.evidence.pk]
    assert [r["id"] for r in row["recommendations"]] == list(
        world.finding.recommendations.order_by("pk").values_list("pk", flat=True)
    )
    [answer] = client_for(world.users["supervisor"]).get("/api/v1/responses/").json()["results"]
    attachments = Response.objects.get(pk=answer["id"]).attachments.order_by("pk")
    assert answer["attachments"] == AttachmentSerializer(attachments, many=True).data


def test_method_fields_answer_for_the_request_that_reads_them(world):
    client = client_for(world.users["team_leader"])
    for host in ("testserver", "localhost"):
        rows = client.get("/api/v1/evidence/", HTTP_HOST=host).json()["results"]
        assert rows and all(row["file_url"].startswith(f"http://{host}/") for row in rows)
