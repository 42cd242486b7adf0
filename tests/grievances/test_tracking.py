"""Tracking codes and public tracking: unguessable, easy to read aloud, and a wrong code
answers exactly like an unknown one."""

import math

import pytest
from django.test import Client

from grievances.choices import GrievanceStatus as G
from grievances.services.triage import grievance_note_add
from grievances.tracking import ALPHABET, LENGTH, RANDOM_BITS, group_code, new_code, normalise_code
from tests.factories import AgencyFactory, EngagementFactory, UserFactory
from tests.grievances.factories import CONTACT, file_grievance


def test_the_code_has_at_least_64_bits_from_an_unambiguous_alphabet():
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == 31
    assert RANDOM_BITS == LENGTH * math.log2(31) >= 64
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert group_code("ABCDEFGHJKMNPQR") == "ABCDE-FGHJK-MNPQR"


def test_typing_is_forgiving_and_a_wrong_shape_cannot_match():
    assert normalise_code(" abcde fghjk-mnpqr ") == "ABCDEFGHJKMNPQR"
    assert normalise_code("ABCDE-FGHJK-MNPQ0") == normalise_code("short") == "0" * LENGTH


@pytest.mark.django_db
def test_a_wrong_code_and_an_unknown_code_are_the_same_404(api, django_assert_num_queries):
    file_grievance()
    answers = []
    for code in ["22222-22222-22222", "not-a-code", "0OIL1", "x" * 300, "%00"]:
        with django_assert_num_queries(1):
            response = api.get(f"/api/v1/grievances/track/{code}/")
        answers.append((response.status_code, response.json()))
    assert {status for status, _body in answers} == {404}
    assert len({str(body) for _status, body in answers}) == 1
    assert Client().get("/grievances/track/22222-22222-22222/").status_code == 404
    assert Client().get("/grievances/track/?code=nonsense").status_code == 404


@pytest.mark.django_db
def test_tracking_shows_status_updates_agency_and_engagement_but_no_contact_or_note(api):
    agency = AgencyFactory(name="Municipal Engineering Office")
    staff = UserFactory(role="sai_admin")
    grievance = file_grievance(status=G.REFERRED_TO_AGENCY, agency=agency, staff=staff)
    grievance_note_add(grievance, by=staff, text="Internal: the caller sounded like the mayor")
    code = grievance.grouped_code
    for url in (
        f"/api/v1/grievances/track/{code.lower()}/",
        f"/api/v1/grievances/track/{code.replace('-', '')}/",
    ):
        response = api.get(url)
        assert response.status_code == 200
    data = response.json()
    assert data["tracking_code"] == code and data["status"] == "referred_to_agency"
    assert data["agency"] == {"id": agency.pk, "name": "Municipal Engineering Office"}
    assert [update["status"] for update in data["public_updates"]] == [
        "under_review",
        "referred_to_agency",
    ]
    assert "Municipal Engineering Office" in data["public_updates"][1]["text"]
    page = Client().get(f"/grievances/track/{code}/").content.decode()
    for body in (response.content.decode(), page):
        assert "the mayor" not in body
        for value in CONTACT.values():
            assert value not in body


@pytest.mark.django_db
def test_tracking_names_the_engagement_it_fed_by_reference_and_title_only(api):
    engagement = EngagementFactory(title="Flood-control dike, Candaba")
    grievance = file_grievance(status=G.REFERRED_TO_AUDIT, engagement=engagement)
    data = api.get(f"/api/v1/grievances/track/{grievance.tracking_code}/").json()
    assert data["engagement"] == {"reference": engagement.reference, "title": engagement.title}
