"""`manage.py load_demo`: one realistic engagement, loaded through the services, twice safely."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from audits.choices import EngagementStatus, Role, TeamRole
from audits.management.commands.load_demo import DEMO_PASSWORD, ENGAGEMENT_REFERENCE, USERS
from audits.models import (
    Engagement,
    EngagementMember,
    Evidence,
    Finding,
    Organization,
    User,
)

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot():
    models = [Organization, User, Engagement, EngagementMember, Evidence, Finding]
    rows = {model.__name__: model.objects.count() for model in models}
    rows["engagement history"] = Engagement.history.count()
    rows["member history"] = EngagementMember.history.count()
    return rows


def test_loads_an_engagement_in_fieldwork_with_a_full_team():
    output = load_demo()
    assert "Created:" in output
    engagement = Engagement.objects.get(reference=ENGAGEMENT_REFERENCE)
    assert engagement.status == EngagementStatus.FIELDWORK
    assert "Pampanga River" in engagement.title
    assert engagement.auditee.parent.parent.name == "Department of Public Works and Highways"
    assert engagement.sai.parent.name == "Commission on Audit"
    team = dict(engagement.members.values_list("user__username", "role"))
    assert team == {
        "leader": TeamRole.TEAM_LEADER,
        "auditor": TeamRole.AUDITOR,
        "citizen": TeamRole.CSO_AUDITOR,
    }
    assert {user.role for user in User.objects.all()} == set(Role.values)
    assert User.objects.get(username="admin").is_staff
    finding = engagement.findings.get()
    assert finding.created_by.username == "citizen"
    assert finding.recommendations.count() == 1
    evidence = finding.evidence.get()
    assert evidence.submitted_by.username == "citizen"
    assert len(evidence.sha256) == 64


def test_history_says_who_did_what():
    load_demo()
    engagement = Engagement.objects.get(reference=ENGAGEMENT_REFERENCE)
    leader = User.objects.get(username="leader")
    statuses = [record.status for record in engagement.history.order_by("history_date", "pk")]
    assert statuses == [EngagementStatus.PLANNING, EngagementStatus.FIELDWORK]
    assert {record.history_user for record in engagement.history.all()} == {leader}


def test_running_twice_changes_nothing_and_says_so():
    load_demo()
    before = snapshot()
    output = load_demo()
    assert "nothing changed" in output
    assert snapshot() == before


def test_prints_the_logins_every_time():
    for output in (load_demo(), load_demo()):
        assert DEMO_PASSWORD in output
        for username, *_rest in USERS:
            assert f"  {username} " in output


@pytest.mark.parametrize("username", [username for username, *_rest in USERS])
def test_each_demo_user_logs_in_through_the_login_form(username):
    load_demo()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].username == username
