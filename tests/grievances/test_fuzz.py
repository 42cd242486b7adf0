"""Garbage in every field of every grievance write (API and Open311), never a 500 and
never a grievance stored from garbage."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from audits.choices import Role
from grievances.choices import GrievanceStatus as G
from grievances.models import CONTACT_FIELDS, FILING_FIELDS, Grievance
from grievances.services.open311 import open311_client_create
from tests.api.test_spine_fuzz import GARBAGE, WHOLE_BODIES
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.grievances.factories import category, file_grievance

pytestmark = pytest.mark.django_db
FILING = {"description": "Broken pump", "category": "infrastructure"}
OPEN311_FIELDS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "description",
    "email",
    "first_name",
    "last_name",
    "phone",
    "api_key",
]


def encode(value):
    return value if isinstance(value, str) else json.dumps(value)


def test_garbage_in_every_filing_field_is_never_a_500():
    category()
    fields = [*FILING_FIELDS, *CONTACT_FIELDS]
    for field in fields:
        for value in GARBAGE:
            cache.clear()
            response = client_for(None).post(
                "/api/v1/grievances/", {**FILING, field: value}, format="json"
            )
            assert response.status_code < 500, (field, value, response.content[:300])
    for body in WHOLE_BODIES:
        cache.clear()
        response = client_for(None).post(
            "/api/v1/grievances/", body, content_type="application/json"
        )
        assert response.status_code == 400, (body, response.content[:300])


def test_garbage_in_the_web_form_is_never_a_500():
    category()
    fields = [*FILING_FIELDS, *CONTACT_FIELDS, "website"]
    for field in fields:
        for value in GARBAGE:
            if value is None:
                continue
            cache.clear()
            response = Client().post("/grievances/new/", {**FILING, field: encode(value)})
            assert response.status_code < 500, (field, value)


def test_garbage_in_triage_writes_is_never_a_500():
    staff = UserFactory(role=Role.SAI_ADMIN)
    grievance = file_grievance(status=G.UNDER_REVIEW)
    base = f"/api/v1/grievances/{grievance.pk}/"
    writes = [
        (
            "post",
            "transition/",
            {"to": "referred_to_agency"},
            ["to", "reason", "agency", "engagement"],
        ),
        ("patch", "", {}, ["assigned_to", "category", "agency", "change_reason"]),
        ("post", "updates/", {"text": "x"}, ["text"]),
        ("post", "notes/", {"text": "x"}, ["text"]),
    ]
    client = client_for(staff)
    for method, path, body, fields in writes:
        for field in fields:
            for value in GARBAGE:
                response = getattr(client, method)(
                    base + path, {**body, field: value}, format="json"
                )
                assert response.status_code < 500, (path, field, value, response.content[:300])


def test_garbage_in_open311_filing_is_never_a_500():
    category()
    _app, key = open311_client_create(name="Fuzzer")
    client = Client()
    valid = {
        "api_key": key,
        "service_code": "infrastructure",
        "lat": "14.5",
        "long": "121",
        "description": "Fuzz",
    }
    for field in OPEN311_FIELDS:
        for value in GARBAGE:
            if value is None:
                continue
            cache.clear()
            response = client.post("/open311/v2/requests.json", {**valid, field: encode(value)})
            assert response.status_code < 500, (field, value, response.content[:300])
    for params in (
        {"start_date": "garbage"},
        {"end_date": "2026-99-99"},
        {"status": "maybe"},
        {"service_request_id": ",,,"},
        {"service_code": "x" * 5000},
    ):
        assert client.get("/open311/v2/requests.json", params).status_code < 500
    stored = Grievance.objects.values_list("description", flat=True)
    assert all(description.strip() for description in stored)
