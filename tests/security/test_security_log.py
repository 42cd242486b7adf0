import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from audits.choices import Role
from audits.models import Organization
from security.choices import EventKind
from security.models import SecurityEvent
from tests import evidence_samples as samples
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db


def kinds(after=0):
    events = SecurityEvent.objects.filter(pk__gt=after).order_by("pk")
    return list(events.values_list("kind", flat=True))


def test_web_login_failure_and_logout_are_logged():
    user = UserFactory(role=Role.AUDITOR)
    start = SecurityEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    browser = Client()
    browser.post("/accounts/login/", {"username": user.username, "password": "nope"})
    browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    browser.post("/accounts/logout/")
    assert kinds(after=start) == [EventKind.LOGIN_FAILED, EventKind.LOGIN, EventKind.LOGOUT]
    failed = SecurityEvent.objects.get(kind=EventKind.LOGIN_FAILED)
    assert (failed.username, failed.ip_address, failed.user) == (user.username, "127.0.0.1", None)


def test_a_403_and_a_404_on_an_existing_object_are_logged_but_not_a_missing_one():
    world = build_world()
    outsider = world.users["outsider_auditor"]
    client = client_for(outsider)
    assert client.get(f"/api/v1/engagements/{world.engagement.pk}/").status_code == 404
    assert client.get("/api/v1/engagements/987654/").status_code == 404
    assert client.patch(f"/api/v1/users/{outsider.pk}/", {"full_name": "x"}).status_code == 403
    hidden = SecurityEvent.objects.get(kind=EventKind.HIDDEN_OBJECT)
    assert (hidden.user, hidden.object_type, hidden.object_id) == (
        outsider,
        "audits.engagement",
        str(world.engagement.pk),
    )
    denied = SecurityEvent.objects.get(kind=EventKind.PERMISSION_DENIED)
    assert (denied.status_code, denied.object_id) == (403, str(outsider.pk))


def test_a_web_page_404_on_an_existing_object_is_logged():
    world = build_world()
    browser = Client()
    browser.force_login(world.users["other_agency_respondent"])
    assert browser.get(f"/engagements/{world.engagement.pk}/").status_code == 404
    event = SecurityEvent.objects.get(kind=EventKind.HIDDEN_OBJECT)
    assert (event.object_type, event.path) == (
        "audits.engagement",
        f"/engagements/{world.engagement.pk}/",
    )


def test_an_evidence_download_is_logged():
    world = build_world()
    team = client_for(world.users["team_cso"])
    created = team.post(
        "/api/v1/evidence/",
        {
            "engagement": world.engagement.pk,
            "kind": "document",
            "file": samples.upload(samples.TEXT, "note.txt"),
        },
        format="multipart",
    ).json()
    response = client_for(world.users["supervisor"]).get(f"/api/v1/evidence/{created['id']}/file/")
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=EventKind.DOWNLOAD)
    assert (event.user, event.object_type, event.object_id) == (
        world.users["supervisor"],
        "audits.evidence",
        str(created["id"]),
    )


def test_an_admin_change_is_logged():
    admin = UserFactory(role=Role.SAI_ADMIN, is_staff=True)
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        "/admin/audits/organization/add/",
        {
            "name": "Bantay Ilog",
            "kind": "cso",
            "accreditation_number": "CSO-1",
            "currency": "PHP",
            "reply_period_days": 15,
        },
    )
    assert response.status_code == 302, response.content
    event = SecurityEvent.objects.get(kind=EventKind.ADMIN_CHANGE)
    assert event.user == admin and event.object_type == "audits.organization"
    assert event.object_id == str(Organization.objects.get(name="Bantay Ilog").pk)


def test_the_log_is_append_only_everywhere():
    event = SecurityEvent(kind=EventKind.LOGIN, username="x")
    event.save()
    event.detail = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        SecurityEvent.objects.filter(pk=event.pk).update(detail="changed")
    with pytest.raises(TypeError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE security_securityevent SET detail = 'changed'")
    assert SecurityEvent.objects.get().detail == ""


def _events_for_page():
    for kind, username in [
        (EventKind.LOGIN_FAILED, "maria"),
        (EventKind.LOGIN_FAILED, "jose"),
        (EventKind.LOGIN, "maria"),
    ]:
        SecurityEvent(kind=kind, username=username, ip_address="10.0.0.7").save()


def test_the_sai_admin_page_filters_and_exports_csv():
    _events_for_page()
    admin = UserFactory(role=Role.SAI_ADMIN)
    browser = Client()
    browser.force_login(admin)
    page = browser.get("/security/log/", {"kind": "login_failed", "username": "maria"})
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<tr>") == 2  # the header and one event
    exported = browser.get("/security/log/", {"kind": "login_failed", "format": "csv"})
    assert exported["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0][:3] == ["at", "kind", "username"]
    assert sorted(row[2] for row in rows[1:]) == ["jose", "maria"]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR, Role.OVERSIGHT])
def test_nobody_else_sees_the_page(role):
    _events_for_page()
    browser = Client()
    browser.force_login(UserFactory(role=role))
    assert browser.get("/security/log/").status_code == 404
    assert browser.get("/security/log/", {"format": "csv"}).status_code == 404


def test_the_api_filters_the_log_for_the_sai_admin():
    _events_for_page()
    admin = client_for(UserFactory(role=Role.SAI_ADMIN))
    rows = admin.get("/api/v1/security-events/", {"kind": "login_failed"}).json()["results"]
    assert sorted(row["username"] for row in rows) == ["jose", "maria"]
    assert (
        client_for(UserFactory(role=Role.SUPERVISOR))
        .get("/api/v1/security-events/")
        .json()["results"]
        == []
    )
