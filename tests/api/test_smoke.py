import pytest

from audits.choices import Role
from tests.conftest import client_for
from tests.factories import PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_then_create_engagement_then_history(api):
    auditor = UserFactory(role=Role.AUDITOR)
    token = api.post(
        "/api/v1/auth/token/", {"username": auditor.username, "password": PASSWORD}
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    agency = AgencyFactory()
    created = api.post(
        "/api/v1/engagements/",
        {
            "reference": "CPA-2026-001",
            "title": "Flood-control dike",
            "auditee": agency.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
        },
    )
    assert created.status_code == 201, created.json()
    engagement = created.json()
    assert engagement["status"] == "planning"
    members = api.get(f"/api/v1/engagements/{engagement['id']}/members/").json()["results"]
    assert [m["role"] for m in members] == ["team_leader"]
    moved = api.post(f"/api/v1/engagements/{engagement['id']}/transition/", {"to": "fieldwork"})
    assert moved.status_code == 200, moved.json()
    history = api.get(f"/api/v1/engagements/{engagement['id']}/history/").json()
    assert history[0]["changes"] == [{"field": "status", "old": "planning", "new": "fieldwork"}]


def test_outsider_gets_404(api):
    auditor = UserFactory(role=Role.AUDITOR)
    other = UserFactory(role=Role.AUDITOR)
    from audits.services.engagements import engagement_create

    engagement = engagement_create(
        by=auditor,
        reference="X-1",
        title="t",
        auditee=AgencyFactory(),
        period_start="2026-01-01",
        period_end="2026-02-01",
    )
    assert client_for(other).get(f"/api/v1/engagements/{engagement.pk}/").status_code == 404
