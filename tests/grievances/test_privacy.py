"""A complainant's name, e-mail and phone never reach anyone but the triage staff: this
test collects every response body a non-staff caller can obtain (tracking, the agency's
and oversight's lists and pages, engagement pages, statistics, Open311, the filing
answer itself) and searches each for them."""

import pytest
from django.core.cache import cache
from django.test import Client

from audits.choices import EngagementStatus
from grievances.choices import GrievanceStatus as G
from grievances.services.open311 import open311_client_create
from grievances.services.triage import grievance_note_add, grievance_update_post
from tests.conftest import client_for
from tests.grievances.factories import CONTACT, category, file_grievance
from tests.world import build_world

pytestmark = pytest.mark.django_db
SECRETS = [*CONTACT.values(), "Perpetua", "perpetua.zl", "555 0142", "Internal note: caller"]
NON_STAFF = [
    "anonymous",
    "team_leader",
    "team_cso",
    "granted_expert",
    "outsider_auditor",
    "agency_respondent",
    "parent_agency_respondent",
    "other_agency_respondent",
    "oversight",
]


def web_client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_no_body_a_non_staff_caller_can_obtain_holds_contact_data():
    world = build_world(status=EngagementStatus.REPORTING)
    admin = world.users["sai_admin"]
    grievances = [
        file_grievance(
            status=status,
            agency=world.agency,
            engagement=world.engagement,
            staff=admin,
            anonymous=anonymous,
        )
        for status in G.values
        for anonymous in (False, True)
    ]
    referred = next(g for g in grievances if g.status == G.REFERRED_TO_AGENCY)
    grievance_update_post(referred, by=world.users["agency_respondent"], text="Plan: fix it.")
    for grievance in grievances:
        grievance_note_add(grievance, by=admin, text="Internal note: caller is Perpetua")
    _app, key = open311_client_create(name="FixMyBarangay")
    codes = [g.grouped_code for g in grievances]
    bodies = []

    # What anyone gets: filing answers, tracking, statistics, Open311.
    anonymous_api = client_for(None)
    filed = anonymous_api.post(
        "/api/v1/grievances/",
        {"description": "Another report", "category": category().code, **CONTACT},
        format="json",
    )
    assert filed.status_code == 201
    bodies.append(filed.content)
    bodies.append(
        web_client(None)
        .post(
            "/grievances/new/",
            {"description": "Web report", "category": "infrastructure", **CONTACT},
            follow=True,
        )
        .content
    )
    open311 = web_client(None)
    bodies.append(
        open311.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "infrastructure",
                "address_string": "Purok 3",
                "description": "Open311 report",
                "first_name": "Perpetua",
                "email": CONTACT["contact_email"],
                "phone": CONTACT["contact_phone"],
            },
        ).content
    )
    for code in codes:
        bodies.append(anonymous_api.get(f"/api/v1/grievances/track/{code}/").content)
        bodies.append(web_client(None).get(f"/grievances/track/{code}/").content)
        for path in (f"requests/{code}.json", f"requests/{code}.xml", f"tokens/{code}.json"):
            bodies.append(open311.get(f"/open311/v2/{path}").content)
    for path in ("requests.json", "requests.xml", "services.json", "discovery.json"):
        bodies.append(open311.get(f"/open311/v2/{path}").content)
    bodies.append(anonymous_api.get("/api/v1/grievances/statistics/").content)
    bodies.append(web_client(None).get("/grievances/statistics/").content)

    # What each logged-in non-staff caller gets from the API and the pages.
    for actor in NON_STAFF:
        cache.clear()  # the tracking throttle
        user = world.actor(actor)
        api, web = client_for(user), web_client(user)
        listing = api.get("/api/v1/grievances/", {"page_size": 200})
        bodies.append(listing.content)
        bodies.append(web.get("/grievances/").content)
        bodies.append(web.get(f"/engagements/{world.engagement.pk}/").content)
        for grievance in grievances:
            for url in ("", "history/", "notes/"):
                bodies.append(api.get(f"/api/v1/grievances/{grievance.pk}/{url}").content)
            bodies.append(web.get(f"/grievances/{grievance.pk}/").content)

    text = b"\n".join(bodies).decode()
    for secret in SECRETS:
        assert secret not in text, secret
    # The search looked at real content: every grievance appears somewhere.
    for code in codes:
        assert code in text
    assert "Plan: fix it." in text
