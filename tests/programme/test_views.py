"""The programme pages: who sees what, forms post through the services, refusals shown on
the page (never an error page), and the sections on the engagement, home and finding pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audits.choices import EngagementStatus
from programme.choices import ProcedureStatus as P
from programme.models import Procedure, ReviewNote
from tests.findings_setup import make_evidence, make_finding
from tests.programme_setup import make_note, make_procedure, make_template
from tests.world import build_world

pytestmark = pytest.mark.django_db
SEES_PROGRAMME = ["sai_admin", "supervisor", "team_leader", "team_auditor", "team_cso"]
NEVER_SEES = ["agency_respondent", "oversight", "outsider_auditor", "outsider_cso", "lapsed_cso"]


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(world, actor, url, **data):
    client = client_as(world.users[actor])
    return client.post(url, data) if data else client.get(url)


def test_the_working_paper_is_for_the_team_and_the_sai_only():
    world = build_world(status=EngagementStatus.REPORTING)
    procedure = make_procedure(world, P.REVIEWED)
    url = reverse("procedure-detail", args=[procedure.pk])
    for actor in SEES_PROGRAMME + ["granted_expert"]:
        response = page(world, actor, url)
        assert response.status_code == 200, actor
        assert "Riprap 0.30 m thick" in response.content.decode()
    for actor in NEVER_SEES:
        assert page(world, actor, url).status_code == 404, actor
        engagement_page = page(
            world, actor, reverse("engagement-detail", args=[world.engagement.pk])
        )
        assert 'id="programme"' not in engagement_page.content.decode()


def test_engagement_page_shows_progress_per_procedure_and_per_person(world):
    make_procedure(world, P.REVIEWED)
    late = make_procedure(world, due_date=datetime.date(2026, 1, 31))
    late.evidence.add(make_evidence(world.engagement, world.users["team_cso"]))
    make_procedure(world, P.IN_PROGRESS, assignees=("team_auditor",))
    html = page(world, "team_leader", reverse("engagement-detail", args=[world.engagement.pk]))
    html = html.content.decode()
    assert "1 of 3 done, 1 reviewed, 1 overdue" in html
    assert 'data-procedure="P-02" data-status="open"' in html and "Overdue" in html
    assert "1 evidence item" in html
    assert 'data-person="team_cso"' in html and "1 of 2 done · 1 reviewed · 1 overdue" in html
    assert 'id="programme-gate"' in html and 'id="gate-override"' not in html
    supervisor = page(world, "supervisor", reverse("engagement-detail", args=[world.engagement.pk]))
    assert 'id="gate-override"' in supervisor.content.decode()


def test_the_supervisor_overrides_the_gate_from_the_page(world):
    make_procedure(world, P.IN_PROGRESS)
    url = reverse("engagement-transition", args=[world.engagement.pk])
    page(world, "team_leader", url, to="reporting")
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.FIELDWORK
    page(world, "supervisor", url, to="reporting", reason="Site closed by the agency")
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.REPORTING


def test_the_volunteer_sees_their_tasks_soonest_first_and_works_one(world):
    later = make_procedure(world, due_date=datetime.date(2026, 12, 20))
    sooner = make_procedure(world, P.IN_PROGRESS, due_date=datetime.date(2026, 12, 2))
    make_procedure(world, assignees=("team_auditor",))
    make_procedure(world, P.REVIEWED)
    for url in (reverse("home"), reverse("my-tasks")):
        html = page(world, "team_cso", url).content.decode()
        assert html.index(f'data-task="{sooner.pk}"') < html.index(f'data-task="{later.pk}"')
        assert html.count("data-task=") == 2
    work = reverse("procedure-work", args=[later.pk])
    response = page(world, "team_cso", work, observations="Riprap 0.28 m at km 0+400.")
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.status == P.IN_PROGRESS and later.observations.startswith("Riprap")
    page(world, "team_cso", reverse("procedure-transition", args=[later.pk]), to="done")
    later.refresh_from_db()
    assert later.status == P.DONE and later.prepared_by == world.users["team_cso"]


def test_the_filing_page_files_against_the_task(world):
    procedure = make_procedure(world)
    url = reverse("evidence-new", args=[world.engagement.pk]) + f"?procedure={procedure.pk}"
    html = page(world, "team_cso", url).content.decode()
    assert 'id="filing-for-task"' in html and f'value="{procedure.pk}"' in html
    other = make_procedure(world, engagement=world.other_engagement, assignees=())
    wrong = reverse("evidence-new", args=[world.engagement.pk]) + f"?procedure={other.pk}"
    assert page(world, "team_cso", wrong).status_code == 404


def test_review_note_and_answer_on_the_page(world):
    procedure = make_procedure(world, P.DONE)
    url = reverse("review-note-add", args=[procedure.pk])
    assert page(world, "team_leader", url, body="Add the field sheet.").status_code == 302
    procedure.refresh_from_db()
    assert procedure.status == P.IN_PROGRESS
    note = ReviewNote.objects.get()
    html = page(world, "team_cso", reverse("procedure-detail", args=[procedure.pk]))
    assert "answer-form" in html.content.decode()
    page(world, "team_cso", reverse("review-note-answer", args=[note.pk]), response="Attached.")
    note.refresh_from_db()
    assert note.response == "Attached." and note.answered_by == world.users["team_cso"]


def test_refusals_are_shown_on_the_page_and_save_nothing(world):
    procedure = make_procedure(world, P.DONE, assignees=(), prepared_by="team_leader")
    response = page(world, "team_leader", reverse("review-note-add", args=[procedure.pk]), body="?")
    assert response.status_code == 400
    assert "someone else must review it" in response.content.decode()
    response = client_as(world.users["team_leader"]).post(
        reverse("procedure-transition", args=[procedure.pk]), {"to": "reviewed"}, follow=True
    )
    assert "someone else must sign it off" in response.content.decode()
    new = reverse("procedure-new", args=[world.engagement.pk])
    response = page(
        world, "team_leader", new, objective="Count the bags", method="inspection",
        due_date="2027-02-01", assignees=str(world.users["team_cso"].pk),
    )  # fmt: skip
    assert response.status_code == 400 and "engagement&#x27;s period" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.status == P.DONE and Procedure.objects.count() == 1
    assert page(world, "team_cso", new).status_code == 403


def test_the_team_leader_plans_from_a_template_and_by_hand():
    world = build_world(status=EngagementStatus.PLANNING)
    template = make_template(steps=2)
    engagement_url = reverse("engagement-detail", args=[world.engagement.pk])
    assert 'id="template-apply-form"' in page(world, "team_leader", engagement_url).content.decode()
    apply = reverse("programme-template-apply", args=[world.engagement.pk])
    page(world, "team_leader", apply, template=template.pk)
    response = page(
        world, "team_leader", reverse("procedure-new", args=[world.engagement.pk]),
        objective="Interview the barangay captain", method="interview", due_date="2026-06-01",
        assignees=str(world.users["team_cso"].pk),
    )  # fmt: skip
    assert response.status_code == 302
    numbers = list(world.engagement.procedures.values_list("number", "method"))
    assert numbers == [(1, "inspection"), (2, "inspection"), (3, "interview")]


def test_the_finding_page_shows_and_cites_its_working_papers(world):
    finding = make_finding(world)
    procedure = make_procedure(world, P.REVIEWED)
    url = reverse("finding-cite", args=[finding.pk])
    page(world, "team_auditor", url, procedures=str(procedure.pk))
    assert list(finding.procedures.all()) == [procedure]
    html = page(world, "team_cso", reverse("finding-detail", args=[finding.pk])).content.decode()
    assert 'id="working-papers"' in html and 'data-procedure="P-01"' in html
    assert 'id="cite-form"' not in html  # citizen auditors read, auditors cite


def test_the_procedure_history_page(world):
    procedure = make_procedure(world, P.IN_PROGRESS)
    make_note(world, procedure)
    response = page(world, "team_leader", reverse("procedure-history", args=[procedure.pk]))
    assert response.status_code == 200
    assert (
        page(world, "oversight", reverse("procedure-history", args=[procedure.pk])).status_code
        == 404
    )
