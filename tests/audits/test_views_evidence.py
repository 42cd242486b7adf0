import pytest
from django.test import Client

from audits.choices import EngagementStatus
from audits.models import Evidence, EvidenceAccess
from tests import evidence_samples as samples
from tests.factories import EvidenceFactory, IssuedFindingFactory, link_evidence
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def browser(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def test_phone_page_opens_the_camera_for_the_team(world):
    response = browser(world.users["team_cso"]).get(
        f"/engagements/{world.engagement.pk}/evidence/new/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert "evidence_phone.js" in html and 'id="upload-progress"' in html
    assert "csrftoken" in response.cookies


@pytest.mark.parametrize("actor", ["supervisor", "agency_respondent", "outsider_auditor"])
def test_phone_page_is_404_for_everyone_else(world, actor):
    url = f"/engagements/{world.engagement.pk}/evidence/new/"
    assert browser(world.users[actor]).get(url).status_code == 404


def test_phone_page_without_script_files_through_the_form(world):
    client = browser(world.users["team_cso"], csrf=True)
    url = f"/engagements/{world.engagement.pk}/evidence/new/"
    client.get(url)
    token = client.cookies["csrftoken"].value
    photo = samples.jpeg_bytes()
    response = client.post(
        url,
        {"kind": "photo", "description": "Dike", "file": samples.upload(photo, "p.jpg"),
         "csrfmiddlewaretoken": token},
    )  # fmt: skip
    evidence = Evidence.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evidence/{evidence.pk}/"
    assert evidence.original_filename == "p.jpg" and evidence.latitude is not None


def test_phone_page_form_shows_a_refusal(world):
    client = browser(world.users["team_cso"])
    url = f"/engagements/{world.engagement.pk}/evidence/new/"
    response = client.post(url, {"kind": "photo", "file": samples.upload(samples.HTML, "a.jpg")})
    assert response.status_code == 415
    assert b"not accepted" in response.content
    assert not Evidence.objects.exists()


def test_phone_page_form_refuses_an_oversize_upload_with_413(world, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    client = browser(world.users["team_cso"])
    url = f"/engagements/{world.engagement.pk}/evidence/new/"
    big = samples.PDF + b"0" * 200_000
    response = client.post(url, {"kind": "document", "file": samples.upload(big, "a.pdf")})
    assert response.status_code == 413
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "disposition"),
    [("text/plain", "attachment"), ("application/pdf", "attachment"), ("image/png", "inline")],
)
def test_file_view_headers_and_custody(world, content_type, disposition):
    evidence = EvidenceFactory(engagement=world.engagement, content_type=content_type)
    response = browser(world.users["team_leader"]).get(f"/evidence/{evidence.pk}/file/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(disposition)
    expected_action = "download" if disposition == "attachment" else "view"
    assert EvidenceAccess.objects.get().action == expected_action


def test_download_link_is_recorded_as_a_download(world):
    evidence = EvidenceFactory(engagement=world.engagement, content_type="application/pdf")
    browser(world.users["team_leader"]).get(f"/evidence/{evidence.pk}/file/?download=1")
    assert EvidenceAccess.objects.get().action == "download"


@pytest.mark.parametrize("path", ["", "file/", "preview/"])
@pytest.mark.parametrize("actor", ["agency_respondent", "oversight", "outsider_cso", "lapsed_cso"])
def test_pages_are_404_for_those_who_may_not_see(world, actor, path):
    evidence = EvidenceFactory(engagement=world.engagement)
    assert browser(world.users[actor]).get(f"/evidence/{evidence.pk}/{path}").status_code == 404
    assert not EvidenceAccess.objects.exists()


def test_pages_need_a_login(world):
    evidence = EvidenceFactory(engagement=world.engagement)
    response = browser(None).get(f"/evidence/{evidence.pk}/file/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_detail_page_shows_hash_link_and_custody_to_the_team(world):
    first = EvidenceFactory(engagement=world.engagement)
    second = EvidenceFactory(engagement=world.engagement, supersedes=first)
    client = browser(world.users["team_auditor"])
    client.get(f"/evidence/{first.pk}/file/")
    html = client.get(f"/evidence/{first.pk}/").content.decode()
    assert first.sha256 in html
    assert f'href="/evidence/{second.pk}/"' in html
    assert "Chain of custody" in html


def test_engagement_page_shows_evidence_and_the_custody_log_to_the_team_only(world):
    world.engagement.status = EngagementStatus.REPORTING
    world.engagement.save()
    evidence = EvidenceFactory(engagement=world.engagement)
    link_evidence(IssuedFindingFactory(engagement=world.engagement), evidence)
    browser(world.users["supervisor"]).get(f"/evidence/{evidence.pk}/file/")
    team_page = browser(world.users["team_leader"]).get(f"/engagements/{world.engagement.pk}/")
    html = team_page.content.decode()
    assert f'data-evidence="{evidence.pk}"' in html
    assert "custody-log" in html and "data-access=" in html
    agency_page = browser(world.users["agency_respondent"]).get(
        f"/engagements/{world.engagement.pk}/"
    )
    agency_html = agency_page.content.decode()
    assert f'data-evidence="{evidence.pk}"' in agency_html
    assert "custody-log" not in agency_html
