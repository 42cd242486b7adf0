"""The SAI administrator edits categories, declared non-working days and Open311 apps;
a new app's api_key is shown once and only its digest is stored."""

import pytest
from django.test import Client

from audits.choices import Role
from grievances.models import GrievanceCategory, NonWorkingDay, Open311Client
from grievances.services.open311 import key_digest, open311_client_for_key
from tests.factories import UserFactory
from tests.grievances.factories import file_grievance

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(role=Role.SAI_ADMIN))
    return client


def test_the_sai_admin_edits_the_lists(admin_client):
    response = admin_client.post(
        "/admin/grievances/grievancecategory/add/",
        {"code": "disaster_relief", "name": "Disaster relief", "active": "on", "position": 8},
    )
    assert response.status_code == 302
    assert GrievanceCategory.objects.filter(code="disaster_relief").exists()
    response = admin_client.post(
        "/admin/grievances/nonworkingday/add/",
        {"day": "2026-12-02", "reason": "Typhoon: work suspended"},
    )
    assert response.status_code == 302 and NonWorkingDay.objects.count() == 1


def test_a_new_open311_app_key_is_shown_once(admin_client):
    response = admin_client.post(
        "/admin/grievances/open311client/add/",
        {"name": "FixMyBarangay", "active": "on"},
        follow=True,
    )
    message = next(str(m) for m in response.context["messages"])
    key = message.split(" is ")[1].split(".")[0]
    app = Open311Client.objects.get()
    assert app.key_digest == key_digest(key) and key not in app.key_digest
    assert open311_client_for_key(key) == app


def test_grievances_show_in_the_admin_without_contact(admin_client):
    grievance = file_grievance()
    page = admin_client.get(f"/admin/grievances/grievance/{grievance.pk}/change/")
    assert page.status_code == 200
    assert "perpetua" not in page.content.decode().lower()
