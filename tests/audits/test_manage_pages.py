"""The pages issue 9 adds beside the home page: editing an engagement, the SAI
administrator's users and organisations, reminder digests, reiterating a recommendation,
and the 404/500 pages. Bad input shows errors next to the field and keeps what was
typed; a double-clicked submit creates one object."""

import datetime

import pytest
from django.test import Client, RequestFactory

from audits.choices import (
    EngagementStatus,
    FindingStatus,
    OrganizationKind,
    Role,
    TeamRole,
)
from audits.models import Engagement, Finding, Organization, Recommendation, ReminderDigest, User
from security.models import SecurityEvent
from security.services.tokens import token_create
from security.views import page_not_found, server_error
from tests.factories import (
    AgencyFactory,
    EngagementFactory,
    MemberFactory,
    SaiFactory,
    UserFactory,
)
from tests.findings_setup import make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def field_errors(response, form_key, field) -> list:
    return list(response.context[form_key].errors.get(field, []))


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.PLANNING)


@pytest.fixture
def admin():
    return UserFactory(role=Role.SAI_ADMIN, organization=SaiFactory(name="COA"))


# --- editing an engagement -----------------------------------------------------------------


def engagement_post(engagement, **changes):
    data = {
        "reference": engagement.reference,
        "title": engagement.title,
        "subject": engagement.subject,
        "auditee": engagement.auditee_id,
        "period_start": engagement.period_start.isoformat(),
        "period_end": engagement.period_end.isoformat(),
        "amount_audited": "" if engagement.amount_audited is None else engagement.amount_audited,
        "location": engagement.location,
        "objectives": engagement.objectives,
        "criteria": engagement.criteria,
        "scope_and_methodology": engagement.scope_and_methodology,
        "change_reason": "",
    }
    data.update(changes)
    return data


def test_team_leader_edits_the_engagement_with_history(world):
    url = f"/engagements/{world.engagement.pk}/edit/"
    browser = client_as(world.users["team_leader"])
    page = browser.get(url)
    assert page.status_code == 200 and 'id="engagement-form"' in page.content.decode()
    response = browser.post(
        url, engagement_post(world.engagement, title="Flood control, phase 2", change_reason="")
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get(pk=world.engagement.pk)
    assert engagement.title == "Flood control, phase 2"
    latest = engagement.history.first()
    assert latest.history_user == world.users["team_leader"]
    assert "title" in latest.history_change_reason
    detail = browser.get(f"/engagements/{world.engagement.pk}/").content.decode()
    assert f'href="{url}"' in detail


def test_engagement_edit_bad_input_keeps_typed_values(world):
    browser = client_as(world.users["supervisor"])
    response = browser.post(
        f"/engagements/{world.engagement.pk}/edit/",
        engagement_post(world.engagement, title="Kept title", period_end="not a date"),
    )
    assert response.status_code == 400
    assert field_errors(response, "form", "period_end")
    assert 'value="Kept title"' in response.content.decode()
    assert Engagement.objects.get(pk=world.engagement.pk).title != "Kept title"


def test_auditee_is_fixed_after_planning(world):
    engagement = world.engagement
    engagement.status = EngagementStatus.FIELDWORK
    engagement._change_reason = "test"
    engagement.save()
    other = AgencyFactory(name="Another office")
    browser = client_as(world.users["team_leader"])
    response = browser.post(
        f"/engagements/{engagement.pk}/edit/",
        engagement_post(engagement, auditee=other.pk, title="Renamed in fieldwork"),
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.auditee_id == world.agency.pk  # a disabled field ignores the post
    assert engagement.title == "Renamed in fieldwork"


@pytest.mark.parametrize("actor", ["team_auditor", "team_cso", "outsider_auditor"])
def test_only_team_leader_or_supervisor_edits(world, actor):
    response = client_as(world.users[actor]).get(f"/engagements/{world.engagement.pk}/edit/")
    assert response.status_code in (403, 404)


# --- users ---------------------------------------------------------------------------------


def user_post(organization, **changes):
    data = {
        "username": "maria.santos",
        "full_name": "Maria Santos",
        "email": "maria@example.org",
        "role": Role.AUDITOR,
        "organization": organization.pk,
        "is_active": "on",
        "password": "",
    }
    data.update(changes)
    return data


def test_admin_creates_a_user_once_even_on_double_submit(admin):
    browser = client_as(admin)
    form = browser.get("/manage/users/new/")
    token = form.context["form"]["form_token"].value()
    assert token
    data = user_post(admin.organization, form_token=token)
    first = browser.post("/manage/users/new/", data)
    second = browser.post("/manage/users/new/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    assert User.objects.filter(username="maria.santos").count() == 1
    created = User.objects.get(username="maria.santos")
    assert not created.has_usable_password() and not created.is_staff


def test_user_form_errors_next_to_the_field_and_typed_values_kept(admin):
    agency = AgencyFactory(name="DPWH Pampanga")
    response = client_as(admin).post(
        "/manage/users/new/",
        user_post(agency, role=Role.AUDITOR, full_name="Typed Name", email="not-an-email"),
    )
    assert response.status_code == 400
    assert field_errors(response, "form", "email")
    html = response.content.decode()
    assert 'value="Typed Name"' in html
    assert not User.objects.filter(username="maria.santos").exists()
    # The role must fit the organisation's kind (the model's rule, as in the API).
    response = client_as(admin).post("/manage/users/new/", user_post(agency, role=Role.AUDITOR))
    assert response.status_code == 400 and field_errors(response, "form", "role")


def test_deactivating_a_user_revokes_their_tokens(admin):
    person = UserFactory(role=Role.AUDITOR, organization=admin.organization)
    token, _secret = token_create(user=person)
    response = client_as(admin).post(
        f"/manage/users/{person.pk}/",
        user_post(
            admin.organization,
            username=person.username,
            email=person.email or "p@example.org",
            is_active="",
        ),
    )
    assert response.status_code == 302, response.content
    person.refresh_from_db()
    token.refresh_from_db()
    assert person.is_active is False
    assert token.revoked_at is not None
    logged = SecurityEvent.objects.filter(kind="admin_change", object_id=str(person.pk)).get()
    assert logged.user == admin and "is_active" in logged.detail


def test_user_list_filters_and_stays_at_constant_queries(admin, django_assert_max_num_queries):
    browser = client_as(admin)
    UserFactory(role=Role.AUDITOR, organization=admin.organization, full_name="Ana Reyes")
    with django_assert_max_num_queries(20) as few:
        assert browser.get("/manage/users/").status_code == 200
    for _ in range(30):
        UserFactory(role=Role.AUDITOR, organization=admin.organization)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert browser.get("/manage/users/").status_code == 200
    found = browser.get("/manage/users/?q=ana+reyes").content.decode()
    assert "Ana Reyes" in found and found.count("/manage/users/") < 40


# --- organisations -------------------------------------------------------------------------


def test_admin_adds_an_office_under_an_agency_once(admin):
    department = AgencyFactory(name="Department of Public Works")
    browser = client_as(admin)
    token = browser.get("/manage/organisations/new/").context["form"]["form_token"].value()
    data = {
        "name": "Pampanga 1st District Engineering Office",
        "kind": OrganizationKind.AGENCY,
        "parent": department.pk,
        "currency": "PHP",
        "form_token": token,
    }
    assert browser.post("/manage/organisations/new/", data).status_code == 302
    assert browser.post("/manage/organisations/new/", data).status_code == 302
    office = Organization.objects.get(name="Pampanga 1st District Engineering Office")
    assert office.parent == department
    assert Organization.objects.filter(name=office.name).count() == 1
    assert office.history.first().history_user == admin


def test_organisation_parent_must_be_of_the_same_kind(admin):
    cso = Organization.objects.create(name="River Watch", kind=OrganizationKind.CSO)
    response = client_as(admin).post(
        "/manage/organisations/new/",
        {
            "name": "Typed office",
            "kind": OrganizationKind.AGENCY,
            "parent": cso.pk,
            "currency": "PHP",
        },
    )
    assert response.status_code == 400
    assert field_errors(response, "form", "parent")
    assert 'value="Typed office"' in response.content.decode()


def test_organisation_edit_changes_parent(admin):
    department = AgencyFactory(name="Department")
    office = AgencyFactory(name="Office")
    response = client_as(admin).post(
        f"/manage/organisations/{office.pk}/",
        {
            "name": "Office",
            "kind": OrganizationKind.AGENCY,
            "parent": department.pk,
            "currency": "PHP",
        },
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.parent == department


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR, Role.OVERSIGHT])
def test_only_the_sai_admin_manages(role):
    user = UserFactory(role=role)
    browser = client_as(user)
    for url in ["/manage/users/", "/manage/users/new/", "/manage/organisations/"]:
        assert browser.get(url).status_code == 403


# --- reminders -----------------------------------------------------------------------------


def test_reminders_show_only_ones_own_digests():
    mine = UserFactory(role=Role.AUDITOR)
    other = UserFactory(role=Role.AUDITOR)
    ReminderDigest.objects.create(
        recipient=mine,
        sent_on=datetime.date(2026, 3, 2),
        item_count=2,
        subject="Audit deadlines: 2 items need attention",
        body="Reply to finding AOM-001 due in 3 days",
    )
    ReminderDigest.objects.create(
        recipient=other, sent_on=datetime.date(2026, 3, 2), item_count=1, body="Not yours"
    )
    html = client_as(mine).get("/reminders/").content.decode()
    assert "Reply to finding AOM-001 due in 3 days" in html
    assert "Not yours" not in html
    assert (
        "No reminders yet"
        in client_as(UserFactory(role=Role.OVERSIGHT)).get("/reminders/").content.decode()
    )


# --- reiterating a recommendation ----------------------------------------------------------


@pytest.fixture
def closed_with_follow_up():
    world = build_world(status=EngagementStatus.FIELDWORK)
    finding = make_finding(world, FindingStatus.ISSUED, title="Unfinished dike")
    recommendation = finding.recommendations.get()
    engagement = world.engagement
    engagement.status = EngagementStatus.CLOSED
    engagement._change_reason = "test"
    engagement.save()
    follow_up = EngagementFactory(
        sai=world.sai, auditee=world.agency, status=EngagementStatus.PLANNING
    )
    MemberFactory(engagement=follow_up, user=world.users["team_leader"], role=TeamRole.TEAM_LEADER)
    return world, finding, recommendation, follow_up


def test_reiterate_into_a_follow_up_once(closed_with_follow_up):
    world, finding, recommendation, follow_up = closed_with_follow_up
    browser = client_as(world.users["team_leader"])
    finding_page = browser.get(f"/findings/{finding.pk}/").content.decode()
    assert f"/recommendations/{recommendation.pk}/reiterate/" in finding_page
    page = browser.get(f"/recommendations/{recommendation.pk}/reiterate/")
    assert page.status_code == 200
    assert follow_up.reference in page.content.decode()
    token = page.context["form"]["form_token"].value()
    data = {"engagement": follow_up.pk, "form_token": token}
    first = browser.post(f"/recommendations/{recommendation.pk}/reiterate/", data)
    second = browser.post(f"/recommendations/{recommendation.pk}/reiterate/", data)
    assert first.status_code == 302 and first["Location"] == second["Location"]
    copy = Recommendation.objects.get(reiterated_from=recommendation)
    assert copy.engagement == follow_up
    assert first["Location"] == f"/findings/{copy.finding_id}/"
    assert Finding.objects.filter(engagement=follow_up).count() == 1


def test_reiterate_offers_only_engagements_the_user_may_target(closed_with_follow_up):
    world, finding, recommendation, follow_up = closed_with_follow_up
    elsewhere = EngagementFactory(sai=world.sai, auditee=AgencyFactory(), status="planning")
    MemberFactory(engagement=elsewhere, user=world.users["team_leader"], role="team_leader")
    page = client_as(world.users["team_leader"]).get(
        f"/recommendations/{recommendation.pk}/reiterate/"
    )
    choices = list(page.context["form"].fields["engagement"].queryset)
    assert choices == [follow_up]
    # Posting an engagement that is not offered is an error next to the field.
    response = client_as(world.users["team_leader"]).post(
        f"/recommendations/{recommendation.pk}/reiterate/", {"engagement": elsewhere.pk}
    )
    assert response.status_code == 400 and field_errors(response, "form", "engagement")
    # The team auditor is not on the follow-up's team: nothing to choose.
    page = client_as(world.users["team_auditor"]).get(
        f"/recommendations/{recommendation.pk}/reiterate/"
    )
    assert 'id="no-targets"' in page.content.decode()


def test_reiterate_is_not_offered_while_the_engagement_is_open():
    world = build_world(status=EngagementStatus.FIELDWORK)
    finding = make_finding(world, FindingStatus.ISSUED)
    recommendation = finding.recommendations.get()
    browser = client_as(world.users["team_leader"])
    assert "/reiterate/" not in browser.get(f"/findings/{finding.pk}/").content.decode()
    page = browser.get(f"/recommendations/{recommendation.pk}/reiterate/").content.decode()
    assert 'id="not-ready"' in page and 'id="reiterate-form"' not in page


# --- who submits a draft -------------------------------------------------------------------


def test_team_member_sees_who_will_submit_the_draft():
    world = build_world(status=EngagementStatus.FIELDWORK)
    leader = world.users["team_leader"]
    leader.full_name = "Juan dela Cruz"
    leader.save()
    finding = make_finding(world)
    html = client_as(world.users["team_auditor"]).get(f"/findings/{finding.pk}/").content.decode()
    assert 'id="who-submits"' in html and "Juan dela Cruz" in html
    leader_view = client_as(leader).get(f"/findings/{finding.pk}/").content.decode()
    assert 'id="who-submits"' not in leader_view


# --- 404 and 500 ---------------------------------------------------------------------------


def test_web_404_is_a_page_in_the_layout_with_a_way_back():
    response = client_as(UserFactory(role=Role.AUDITOR)).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html and 'href="/"' in html
    assert "Go to your home page" in html


def test_api_404_stays_json():
    response = Client().get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_500_renders_without_request_context_or_database(django_assert_num_queries):
    request = RequestFactory().get("/engagements/1/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="site-header"' in html and 'href="/"' in html
    api = server_error(RequestFactory().get("/api/v1/findings/"))
    assert api.status_code == 500 and b'"detail"' in api.content
    assert page_not_found(RequestFactory().get("/api/v1/x/")).status_code == 404


def test_admin_cannot_deactivate_or_demote_themselves(admin):
    response = client_as(admin).post(
        f"/manage/users/{admin.pk}/",
        user_post(
            admin.organization,
            username=admin.username,
            email=admin.email or "a@example.org",
            role=Role.AUDITOR,
            is_active="",
        ),
    )
    assert response.status_code == 400
    assert field_errors(response, "form", "is_active") and field_errors(response, "form", "role")
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.SAI_ADMIN


def test_engagement_edit_refuses_to_overwrite_a_newer_change(world):
    url = f"/engagements/{world.engagement.pk}/edit/"
    browser = client_as(world.users["team_leader"])
    loaded = browser.get(url).context["form"]["loaded_version"].value()
    # Meanwhile the supervisor renames it.
    client_as(world.users["supervisor"]).post(
        url,
        engagement_post(world.engagement, title="Supervisor's title", loaded_version=loaded),
    )
    response = browser.post(
        url, engagement_post(world.engagement, title="Leader's title", loaded_version=loaded)
    )
    assert response.status_code == 400
    assert "Someone else changed this engagement" in response.content.decode()
    assert 'value="Leader&#x27;s title"' in response.content.decode()
    assert Engagement.objects.get(pk=world.engagement.pk).title == "Supervisor's title"


def test_web_404_for_a_visitor_offers_the_login():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/accounts/login/"' in html and "Go to your home page" in html


def test_a_hidden_object_answers_the_layout_404(world):
    response = client_as(world.users["outsider_cso"]).get(
        f"/engagements/{world.engagement.pk}/edit/"
    )
    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()


def test_organisation_list_stays_at_constant_queries(admin, django_assert_max_num_queries):
    browser = client_as(admin)
    department = AgencyFactory(name="Department")
    with django_assert_max_num_queries(20) as few:
        assert browser.get("/manage/organisations/").status_code == 200
    for number in range(30):
        AgencyFactory(name=f"Office {number}", parent=department)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = browser.get("/manage/organisations/?kind=agency").content.decode()
    assert "Office 29" in html and html.count("<td>Department</td>") == 30


def test_reminders_list_stays_at_constant_queries(django_assert_max_num_queries):
    user = UserFactory(role=Role.AUDITOR)
    browser = client_as(user)
    day = datetime.date(2026, 1, 1)
    ReminderDigest.objects.create(recipient=user, sent_on=day, item_count=1, body="first")
    with django_assert_max_num_queries(20) as few:
        assert browser.get("/reminders/").status_code == 200
    for number in range(1, 25):
        ReminderDigest.objects.create(
            recipient=user, sent_on=day + datetime.timedelta(days=number), item_count=1
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = browser.get("/reminders/").content.decode()
    assert html.count('<li id="digest-') == 20  # a page of 20, newest first


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(admin):
    browser = client_as(admin)
    token = browser.get("/manage/users/new/").context["form"]["form_token"].value()
    # The service refuses a weak password: the token is let go, the error is on the field.
    refused = browser.post(
        "/manage/users/new/",
        user_post(admin.organization, password="maria.santos", form_token=token),
    )
    assert refused.status_code == 400 and field_errors(refused, "form", "password")
    assert f'value="{token}"' in refused.content.decode()  # the same token is sent again
    assert 'value="maria.santos"' in refused.content.decode()  # the username, kept
    fixed = browser.post(
        "/manage/users/new/",
        user_post(admin.organization, password="Kalayaan-1898-Malolos", form_token=token),
    )
    assert fixed.status_code == 302
    assert User.objects.get(username="maria.santos").check_password("Kalayaan-1898-Malolos")


def test_engagement_edit_sets_what_it_follows_up_in_planning(world):
    earlier = world.other_engagement
    url = f"/engagements/{world.engagement.pk}/edit/"
    browser = client_as(world.users["supervisor"])
    response = browser.post(url, engagement_post(world.engagement, follow_up_of=earlier.pk))
    assert response.status_code == 302
    assert Engagement.objects.get(pk=world.engagement.pk).follow_up_of == earlier
    # Someone who cannot see an engagement cannot pick it.
    hidden = EngagementFactory(sai=SaiFactory(name="Elsewhere"), auditee=world.agency)
    response = client_as(world.users["team_leader"]).post(
        url, engagement_post(world.engagement, follow_up_of=hidden.pk)
    )
    assert response.status_code == 400 and field_errors(response, "form", "follow_up_of")
