"""Triage through the API and the pages: moves and their refusals, public updates mailed
to the complainant, internal notes, assignment, the agency's action plan, revealing an
anonymous complainant, and the link between grievances and engagements."""

import pytest
from django.core import mail
from django.test import Client

from audits.choices import EngagementStatus, Role
from audits.models import Engagement
from grievances.choices import GrievanceStatus as G
from grievances.models import ContactReveal, GrievanceUpdate
from grievances.selectors import grievances_for_engagement
from tests.conftest import client_for
from tests.factories import AgencyFactory, EngagementFactory, MemberFactory, UserFactory
from tests.grievances.factories import CONTACT, file_grievance

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return UserFactory(role=Role.SUPERVISOR)


def move(user, grievance, **body):
    return client_for(user).post(
        f"/api/v1/grievances/{grievance.pk}/transition/", body, format="json"
    )


def test_a_move_the_table_lacks_is_409(supervisor):
    grievance = file_grievance()
    assert move(supervisor, grievance, to="resolved").status_code == 409
    assert move(supervisor, grievance, to="referred_to_agency").status_code == 409
    assert move(supervisor, grievance, to="no_such_state").status_code == 400


def test_dismissal_needs_a_reason_and_publishes_it(supervisor, api):
    grievance = file_grievance(status=G.UNDER_REVIEW)
    assert move(supervisor, grievance, to="dismissed").status_code == 400
    response = move(supervisor, grievance, to="dismissed", reason="Outside the SAI's mandate.")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    tracking = api.get(f"/api/v1/grievances/track/{grievance.tracking_code}/").json()
    assert tracking["public_updates"][-1]["text"] == "Outside the SAI's mandate."


def test_referral_needs_an_existing_agency_and_audit_referral_an_engagement(supervisor):
    grievance = file_grievance(status=G.UNDER_REVIEW)  # no agency named
    response = move(supervisor, grievance, to="referred_to_agency")
    assert response.status_code == 400 and "agency" in response.json()
    response = move(supervisor, grievance, to="referred_to_agency", agency=999_999)
    assert response.status_code == 400 and "agency" in response.json()
    response = move(supervisor, grievance, to="referred_to_audit")
    assert response.status_code == 400 and "engagement" in response.json()
    response = move(supervisor, grievance, to="referred_to_audit", engagement=999_999)
    assert response.status_code == 400 and "engagement" in response.json()
    grievance.refresh_from_db()
    assert grievance.status == G.UNDER_REVIEW and grievance.updates.count() == 1
    agency = AgencyFactory()
    response = move(supervisor, grievance, to="referred_to_agency", agency=agency.pk)
    assert response.status_code == 200
    assert response.json()["referred_agency"] == agency.pk and response.json()["plan_due"]


def test_public_updates_are_mailed_to_a_complainant_who_left_an_address(
    supervisor, django_capture_on_commit_callbacks
):
    grievance = file_grievance()
    with django_capture_on_commit_callbacks(execute=True):
        move(supervisor, grievance, to="under_review")
        response = client_for(supervisor).post(
            f"/api/v1/grievances/{grievance.pk}/updates/",
            {"text": "An engineer visits on Monday."},
            format="json",
        )
    assert response.status_code == 201 and response.json()["kind"] == "staff"
    sent = [message for message in mail.outbox if message.to == [CONTACT["contact_email"]]]
    assert len(sent) == 2
    assert grievance.grouped_code in sent[1].subject
    assert "An engineer visits on Monday." in sent[1].body


def test_internal_notes_are_staff_only(supervisor):
    agency = AgencyFactory()
    respondent = UserFactory(role=Role.AGENCY_RESPONDENT, organization=agency)
    grievance = file_grievance(status=G.REFERRED_TO_AGENCY, agency=agency)
    url = f"/api/v1/grievances/{grievance.pk}/notes/"
    assert client_for(supervisor).post(url, {"text": "Call back"}, format="json").status_code == 201
    assert [n["text"] for n in client_for(supervisor).get(url).json()] == ["Call back"]
    assert client_for(respondent).get(url).status_code == 403
    assert client_for(respondent).post(url, {"text": "x"}, format="json").status_code == 403
    assert (
        "Call back"
        not in client_for(respondent).get(f"/api/v1/grievances/{grievance.pk}/").content.decode()
    )


def test_assignment_is_a_patch_by_staff_to_a_staff_member(supervisor):
    grievance = file_grievance()
    url = f"/api/v1/grievances/{grievance.pk}/"
    auditor = UserFactory(role=Role.AUDITOR)
    response = client_for(supervisor).patch(url, {"assigned_to": auditor.pk}, format="json")
    assert response.status_code == 200 and response.json()["assigned_to"] == auditor.pk
    outsider = UserFactory(role=Role.AGENCY_RESPONDENT)
    response = client_for(supervisor).patch(url, {"assigned_to": outsider.pk}, format="json")
    assert response.status_code == 400 and "assigned_to" in response.json()
    response = client_for(supervisor).patch(url, {"status": "resolved"}, format="json")
    grievance.refresh_from_db()
    assert grievance.status == G.RECEIVED


def test_the_agency_answers_with_an_action_plan_that_becomes_a_public_update(api):
    department = AgencyFactory()
    office = AgencyFactory(parent=department)
    respondent = UserFactory(role=Role.AGENCY_RESPONDENT, organization=department)
    other = UserFactory(role=Role.AGENCY_RESPONDENT)
    grievance = file_grievance(status=G.REFERRED_TO_AGENCY, agency=office)
    url = f"/api/v1/grievances/{grievance.pk}/updates/"
    assert client_for(other).post(url, {"text": "x"}, format="json").status_code == 404
    response = client_for(respondent).post(url, {"text": "Railing fixed by 5 Dec."}, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "action_plan"
    tracking = api.get(f"/api/v1/grievances/track/{grievance.tracking_code}/").json()
    assert tracking["public_updates"][-1]["text"] == "Railing fixed by 5 Dec."
    data = client_for(respondent).get(f"/api/v1/grievances/{grievance.pk}/").json()
    assert "contact" not in data and data["plan_received_at"]


def test_staff_see_the_contact_but_not_of_an_anonymous_complainant(supervisor):
    named = file_grievance()
    hidden = file_grievance(anonymous=True)
    client = client_for(supervisor)
    assert client.get(f"/api/v1/grievances/{named.pk}/").json()["contact"] == {
        "name": CONTACT["contact_name"],
        "email": CONTACT["contact_email"],
        "phone": CONTACT["contact_phone"],
    }
    response = client.get(f"/api/v1/grievances/{hidden.pk}/")
    assert response.json()["contact"] is None
    for value in CONTACT.values():
        assert value not in response.content.decode()
    page = Client()
    page.force_login(supervisor)
    html = page.get(f"/grievances/{hidden.pk}/").content.decode()
    assert CONTACT["contact_email"] not in html and "Reveal" not in html


def test_only_the_sai_admin_reveals_an_anonymous_complainant_with_a_logged_reason(supervisor):
    admin = UserFactory(role=Role.SAI_ADMIN)
    hidden = file_grievance(anonymous=True)
    url = f"/api/v1/grievances/{hidden.pk}/reveal-contact/"
    assert client_for(supervisor).post(url, {"reason": "curious"}, format="json").status_code == 403
    assert client_for(admin).post(url, {}, format="json").status_code == 400
    assert not ContactReveal.objects.exists()
    response = client_for(admin).post(url, {"reason": "Court subpoena 2026-114"}, format="json")
    assert response.status_code == 200 and response.json()["email"] == CONTACT["contact_email"]
    reveal = ContactReveal.objects.get()
    assert (reveal.revealed_by, reveal.reason) == (admin, "Court subpoena 2026-114")
    page = Client()
    page.force_login(admin)
    html = page.post(f"/grievances/{hidden.pk}/reveal/", {"reason": "Follow-up call"}).content
    assert CONTACT["contact_phone"] in html.decode()
    assert ContactReveal.objects.count() == 2


def test_a_supervisor_starts_an_engagement_from_a_grievance_and_its_page_lists_it(supervisor):
    agency = AgencyFactory()
    grievance = file_grievance(status=G.UNDER_REVIEW, agency=agency)
    page = Client()
    page.force_login(supervisor)
    html = page.get(f"/grievances/{grievance.pk}/").content.decode()
    assert "Start an engagement from this grievance" in html
    response = page.post(
        f"/grievances/{grievance.pk}/engagement/",
        {
            "reference": "CPA-2026-G-001",
            "title": "Footbridge railings, Purok 3",
            "auditee": agency.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
        },
    )
    engagement = Engagement.objects.get(reference="CPA-2026-G-001")
    assert response.status_code == 302 and response.url == f"/engagements/{engagement.pk}/"
    grievance.refresh_from_db()
    assert (grievance.status, grievance.engagement) == (G.REFERRED_TO_AUDIT, engagement)
    html = page.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "Grievances that led to this engagement" in html and grievance.grouped_code in html
    rows = grievances_for_engagement(engagement)
    assert rows == [
        {
            "tracking_code": grievance.grouped_code,
            "category": "Infrastructure",
            "status": "Taken into an audit",
            "submitted_at": grievance.submitted_at,
            "latest_public_update": GrievanceUpdate.objects.filter(grievance=grievance).last().text,
        }
    ]
    assert "CPA-2026-G-001" in rows[0]["latest_public_update"]


def test_the_team_sees_the_grievances_that_fed_its_engagement_on_the_engagement_page():
    engagement = EngagementFactory(status=EngagementStatus.FIELDWORK)
    grievance = file_grievance(status=G.REFERRED_TO_AUDIT, engagement=engagement)
    leader = UserFactory(role=Role.AUDITOR, organization=engagement.sai)
    MemberFactory(engagement=engagement, user=leader, role="team_leader")
    page = Client()
    page.force_login(leader)
    html = page.get(f"/engagements/{engagement.pk}/").content.decode()
    assert grievance.grouped_code in html
    assert CONTACT["contact_email"] not in html


def test_triage_pages_work_for_staff_and_list_escalated_ones(supervisor):
    grievance = file_grievance()
    page = Client()
    page.force_login(supervisor)
    listing = page.get("/grievances/")
    assert listing.status_code == 200 and grievance.grouped_code in listing.content.decode()
    response = page.post(f"/grievances/{grievance.pk}/transition/", {"to": "under_review"})
    assert response.status_code == 302
    grievance.refresh_from_db()
    assert grievance.status == G.UNDER_REVIEW
    page.post(f"/grievances/{grievance.pk}/notes/", {"text": "Checked with the barangay"})
    page.post(f"/grievances/{grievance.pk}/updates/", {"text": "Site visit planned"})
    html = page.get(f"/grievances/{grievance.pk}/").content.decode()
    assert "Checked with the barangay" in html and "Site visit planned" in html
    assert Client().get(f"/grievances/{grievance.pk}/").status_code == 302  # login first
