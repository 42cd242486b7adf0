"""After a move on the grievance page the staff member is told, in plain words, what
happened and what comes next."""

import pytest
from django.test import Client
from django.utils.html import escape

from audits.choices import Role
from audits.display import day
from grievances.choices import GrievanceStatus as G
from tests.factories import AgencyFactory, UserFactory
from tests.grievances.factories import file_grievance

pytestmark = pytest.mark.django_db


def test_referring_says_to_whom_and_until_when():
    supervisor = UserFactory(role=Role.SUPERVISOR)
    agency = AgencyFactory(name="DPWH Pampanga 1st DEO")
    grievance = file_grievance(status=G.UNDER_REVIEW)
    browser = Client()
    browser.force_login(supervisor)
    response = browser.post(
        f"/grievances/{grievance.pk}/transition/",
        {"to": "referred_to_agency", "agency": agency.pk, "reason": "For their action."},
        follow=True,
    )
    grievance.refresh_from_db()
    assert grievance.status == G.REFERRED_TO_AGENCY
    expected = (
        f"The grievance was referred to DPWH Pampanga 1st DEO; they have until "
        f"{day(grievance.plan_due)} to answer with an action plan."
    )
    assert escape(expected) in response.content.decode()


def test_assigning_names_the_person():
    supervisor = UserFactory(role=Role.SUPERVISOR)
    colleague = UserFactory(role=Role.AUDITOR, full_name="Ana Reyes")
    colleague.organization = supervisor.organization
    colleague.save()
    grievance = file_grievance(status=G.UNDER_REVIEW)
    browser = Client()
    browser.force_login(supervisor)
    response = browser.post(
        f"/grievances/{grievance.pk}/assign/", {"assigned_to": colleague.pk}, follow=True
    )
    assert "The grievance is assigned to Ana Reyes." in response.content.decode()
