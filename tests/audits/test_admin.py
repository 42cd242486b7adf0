"""The Django admin: SAI administrators get in, history is shown and never changed."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.choices import Role
from audits.models import Engagement, Organization
from audits.services import accounts
from tests.factories import CsoFactory, EngagementFactory, SaiFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sai_admin():
    return accounts.user_create(
        by=None,
        username="admin1",
        password="x-admin-pass-2026",
        role=Role.SAI_ADMIN,
        organization=SaiFactory(),
    )


@pytest.fixture
def tracked_engagement(sai_admin):
    engagement = EngagementFactory()
    engagement.title = "Dike, segment 2 (renamed)"
    engagement._change_reason = "Renamed"
    engagement.save()
    return engagement


def test_user_service_makes_sai_admins_staff_and_nobody_else(sai_admin):
    assert sai_admin.is_staff
    auditor = accounts.user_create(
        by=sai_admin, username="aud", role=Role.AUDITOR, organization=sai_admin.organization
    )
    assert not auditor.is_staff
    other_admin = accounts.user_create(
        by=sai_admin, username="admin2", role=Role.SAI_ADMIN, organization=sai_admin.organization
    )
    assert other_admin.is_staff
    # An administrator does not demote themselves (audits.services.accounts): another does.
    accounts.user_update(sai_admin, by=other_admin, role=Role.SUPERVISOR)
    assert not sai_admin.is_staff


def test_sai_admin_reaches_the_admin_and_sees_every_audit_model(sai_admin):
    response = client_as(sai_admin).get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for model_url in ("engagement", "organization", "finding", "evidence", "sanction", "user"):
        assert f"/admin/audits/{model_url}/" in html


@pytest.mark.parametrize(
    "role",
    [Role.SUPERVISOR, Role.AUDITOR, Role.CSO_AUDITOR, Role.AGENCY_RESPONDENT, Role.OVERSIGHT],
)
def test_other_roles_are_kept_out(role):
    user = UserFactory(role=role)
    response = client_as(user).get(reverse("admin:audits_engagement_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_role_sees_no_audit_model():
    auditor = UserFactory(role=Role.AUDITOR, is_staff=True)
    client = client_as(auditor)
    assert client.get(reverse("admin:audits_engagement_changelist")).status_code == 403


def test_superuser_gets_in():
    root = UserFactory(role="", organization=None, is_superuser=True, is_staff=True)
    assert client_as(root).get(reverse("admin:audits_engagement_changelist")).status_code == 200


def test_history_page_renders_with_the_change_reason(sai_admin, tracked_engagement):
    url = reverse("admin:audits_engagement_history", args=[tracked_engagement.pk])
    response = client_as(sai_admin).get(url)
    assert response.status_code == 200
    assert "Renamed" in response.content.decode()


def test_a_past_version_can_be_viewed_but_not_restored(sai_admin, tracked_engagement):
    first = tracked_engagement.history.earliest()
    url = reverse(
        "admin:audits_engagement_simple_history",
        args=[tracked_engagement.pk, first.history_id],
    )
    client = client_as(sai_admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    versions = tracked_engagement.history.count()
    response = client.post(url, {"title": first.title, "reference": first.reference})
    assert response.status_code == 403
    tracked_engagement.refresh_from_db()
    assert tracked_engagement.title == "Dike, segment 2 (renamed)"
    assert tracked_engagement.history.count() == versions


def test_nothing_can_be_deleted_from_the_admin(sai_admin, tracked_engagement):
    client = client_as(sai_admin)
    delete_url = reverse("admin:audits_engagement_delete", args=[tracked_engagement.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:audits_engagement_changelist")
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [tracked_engagement.pk], "post": "yes"},
    )
    assert Engagement.objects.filter(pk=tracked_engagement.pk).exists()
    assert tracked_engagement.history.count() == 2


def test_history_models_are_not_registered():
    from django.contrib import admin

    registered = {model.__name__ for model in admin.site._registry}
    assert not any(name.startswith("Historical") for name in registered)


def test_evidence_and_responses_are_read_only(sai_admin):
    client = client_as(sai_admin)
    for model in ("evidence", "response", "sanctionpayment"):
        assert client.get(reverse(f"admin:audits_{model}_add")).status_code == 403


def test_status_cannot_be_edited_in_the_admin(sai_admin, tracked_engagement):
    url = reverse("admin:audits_engagement_change", args=[tracked_engagement.pk])
    form = client_as(sai_admin).get(url).context["adminform"].form
    assert "status" not in form.fields


def test_an_admin_edit_is_kept_in_history_with_author(sai_admin):
    organization = SaiFactory(name="COA Regional Office No. V")
    url = reverse("admin:audits_organization_change", args=[organization.pk])
    response = client_as(sai_admin).post(
        url, {"name": "COA Regional Office No. V (Bicol)", "kind": "sai", "currency": "PHP"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organization = Organization.objects.get(pk=organization.pk)
    latest = organization.history.latest()
    assert latest.history_user == sai_admin
    assert latest.history_change_reason == "Changed in the administration site"


def test_the_admin_cannot_bypass_the_integrity_rules(sai_admin):
    """Issue 11: audit records change only through the services, so the admin shows them
    read-only (no add, no change); organisations, which it edits, use the date validator."""
    client = client_as(sai_admin)
    engagement = EngagementFactory(status="fieldwork")
    for model in ("engagement", "finding", "recommendation", "sanction", "sanctionpayment"):
        assert client.get(reverse(f"admin:audits_{model}_add")).status_code == 403
    change_url = reverse("admin:audits_engagement_change", args=[engagement.pk])
    response = client.post(change_url, {"auditee": SaiFactory().pk, "title": "Moved"})
    assert response.status_code == 403
    engagement.refresh_from_db()
    assert engagement.title != "Moved"
    cso = CsoFactory()
    response = client.post(
        reverse("admin:audits_organization_change", args=[cso.pk]),
        {"name": cso.name, "kind": "cso", "accredited_until": "9999-12-31"},
    )
    assert (
        response.status_code == 200
        and "accredited_until" in response.context["adminform"].form.errors
    )
    cso.refresh_from_db()
    assert cso.accredited_until.year < 9999
