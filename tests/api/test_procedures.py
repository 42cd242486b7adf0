"""`/api/v1/procedures/`, `/review-notes/`, `/programme-templates/` and evidence filed
against a procedure: behaviour beyond the permission matrix."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.choices import EngagementStatus, TeamRole
from audits.models import Evidence
from programme.choices import ProcedureStatus as P
from programme.models import Procedure, ReviewNote
from tests import evidence_samples as samples
from tests.api.test_evidence import stored_files
from tests.conftest import client_for
from tests.factories import MemberFactory
from tests.findings_setup import make_evidence, make_finding
from tests.programme_setup import make_note, make_procedure, make_template
from tests.world import build_world

pytestmark = pytest.mark.django_db
URL = "/api/v1/procedures/"
NOTES = "/api/v1/review-notes/"


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def as_(world, actor):
    return client_for(world.users[actor])


def new_procedure(world, **fields):
    return {
        "engagement": world.engagement.pk,
        "objective": "Measure the riprap thickness at km 0+300 to 0+650",
        "criteria": "Approved plans, item 505",
        "method": "measurement",
        "location": "km 0+300 to 0+650",
        "assignees": [world.users["team_cso"].pk],
        "due_date": "2026-12-01",
        "estimated_hours": "6.5",
        **fields,
    }


def test_the_team_leader_plans_a_procedure(world):
    response = as_(world, "team_leader").post(URL, new_procedure(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "P-01" and body["status"] == "open"
    assert body["assignees"] == [world.users["team_cso"].pk]
    assert body["assignee_names"] == [str(world.users["team_cso"])]
    assert body["estimated_hours"] == "6.5" and body["evidence_count"] == 0
    assert response.headers["ETag"]
    history = as_(world, "team_leader").get(f"{URL}{body['id']}/history/").json()
    assert [entry["change_reason"] for entry in history] == ["Assigned", "Procedure planned"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"assignees": ["outsider_cso"]}, "assignees"),
        ({"due_date": "2027-01-15"}, "due_date"),
        ({"due_date": "2025-12-31"}, "due_date"),
        ({"method": "divination"}, "method"),
        ({"estimated_hours": "-1"}, "estimated_hours"),
        ({"objective": ""}, "objective"),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_saved(world, fields, field):
    if "assignees" in fields:
        fields = {"assignees": [world.users[name].pk for name in fields["assignees"]]}
    response = as_(world, "team_leader").post(URL, new_procedure(world, **fields), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Procedure.objects.exists()


def test_evidence_of_another_engagement_is_not_linked(world):
    procedure = make_procedure(world, P.IN_PROGRESS)
    mine = make_evidence(world.engagement, world.users["team_cso"])
    elsewhere = make_evidence(world.other_engagement, world.users["outsider_cso"])
    client = as_(world, "team_leader")
    response = client.patch(f"{URL}{procedure.pk}/", {"evidence": [elsewhere.pk]}, format="json")
    assert response.status_code == 400 and "evidence" in response.json()
    assert not procedure.evidence.exists()
    response = client.patch(f"{URL}{procedure.pk}/", {"evidence": [mine.pk]}, format="json")
    assert response.status_code == 200 and response.json()["evidence"] == [mine.pk]
    assert response.json()["evidence_count"] == 1


def test_sign_off_by_the_preparer_as_reviewer_is_refused(world):
    procedure = make_procedure(world, P.DONE, assignees=(), prepared_by="team_leader")
    response = as_(world, "team_leader").post(
        f"{URL}{procedure.pk}/transition/", {"to": "reviewed"}, format="json"
    )
    assert response.status_code == 403
    assert "someone else must sign it off" in response.json()["detail"]
    procedure.refresh_from_db()
    assert procedure.status == P.DONE and procedure.reviewed_by is None


def test_the_volunteer_marks_done_and_the_reviewer_signs_off(world):
    procedure = make_procedure(world, P.IN_PROGRESS)
    done = as_(world, "team_cso").post(f"{URL}{procedure.pk}/transition/", {"to": "done"})
    assert done.status_code == 200, done.content
    assert done.json()["prepared_by"] == world.users["team_cso"].pk
    reviewed = as_(world, "team_leader").post(
        f"{URL}{procedure.pk}/transition/", {"to": "reviewed"}
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["reviewed_by"] == world.users["team_leader"].pk
    assert reviewed.json()["reviewed_at"]
    back = as_(world, "team_cso").post(f"{URL}{procedure.pk}/transition/", {"to": "open"})
    assert back.status_code == 409


def test_a_review_note_sends_the_paper_back_and_the_preparer_answers(world):
    procedure = make_procedure(world, P.DONE)
    note = as_(world, "team_leader").post(
        NOTES, {"procedure": procedure.pk, "body": "Add the photo of station 0+450."}
    )
    assert note.status_code == 201, note.content
    note_id = note.json()["id"]
    assert note.json()["answered"] is False
    paper = as_(world, "team_cso").get(f"{URL}{procedure.pk}/").json()
    assert paper["status"] == "in_progress" and paper["open_review_notes"] == 1
    assert paper["prepared_by"] is None
    refused = as_(world, "team_leader").post(f"{NOTES}{note_id}/answer/", {"response": "Me?"})
    assert refused.status_code == 403
    answered = as_(world, "team_cso").post(f"{NOTES}{note_id}/answer/", {"response": "Added."})
    assert answered.status_code == 200
    assert answered.json()["answered_by"] == world.users["team_cso"].pk
    again = as_(world, "team_cso").post(f"{NOTES}{note_id}/answer/", {"response": "Again"})
    assert again.status_code == 409
    assert as_(world, "team_cso").patch(f"{NOTES}{note_id}/", {"body": "x"}).status_code == 405
    history = as_(world, "team_leader").get(f"{URL}{procedure.pk}/history/").json()
    assert any(
        change["field"] == "review_notes" for entry in history for change in entry["changes"]
    )


def test_a_review_note_on_a_paper_the_reviewer_may_not_see_is_refused(world):
    procedure = make_procedure(world, P.DONE)
    # The other engagement's team leader does not see this engagement's programme.
    response = as_(world, "outsider_auditor").post(
        NOTES, {"procedure": procedure.pk, "body": "Looks wrong"}
    )
    assert response.status_code == 400 and "procedure" in response.json()
    assert not ReviewNote.objects.exists()
    procedure.refresh_from_db()
    assert procedure.status == P.DONE


def test_agencies_and_oversight_never_see_the_programme():
    world = build_world(status=EngagementStatus.REPORTING)
    procedure = make_procedure(world, P.REVIEWED)
    finding = make_finding(world)
    procedure.findings.add(finding)
    make_note(world, procedure, answered=True)
    for actor in ("agency_respondent", "parent_agency_respondent", "oversight"):
        client = as_(world, actor)
        assert client.get(URL).json()["results"] == []
        assert client.get(NOTES).json()["results"] == []
        assert client.get(f"{URL}{procedure.pk}/").status_code == 404


def test_findings_cite_procedures_and_the_list_filters_by_finding(world):
    procedure = make_procedure(world, P.REVIEWED)
    make_procedure(world)
    finding = make_finding(world)
    cited = as_(world, "team_auditor").patch(
        f"{URL}{procedure.pk}/", {"findings": [finding.pk]}, format="json"
    )
    assert cited.status_code == 200, cited.content
    assert cited.json()["status"] == "reviewed"  # citing does not reopen it
    listed = as_(world, "team_leader").get(URL, {"finding": finding.pk}).json()["results"]
    assert [row["id"] for row in listed] == [procedure.pk]
    assert (
        as_(world, "team_cso")
        .patch(f"{URL}{procedure.pk}/", {"findings": []}, format="json")
        .status_code
        == 403
    )


def test_leaving_fieldwork_is_gated_by_the_programme_with_a_supervisor_override(world):
    make_procedure(world, P.DONE)
    url = f"/api/v1/engagements/{world.engagement.pk}/transition/"
    refused = as_(world, "team_leader").post(url, {"to": "reporting"})
    assert refused.status_code == 409
    assert "P-01 (Done, awaiting review)" in refused.json()["detail"]
    override = as_(world, "supervisor").post(
        url, {"to": "reporting", "reason": "Remaining review at the exit conference"}
    )
    assert override.status_code == 200 and override.json()["status"] == "reporting"


def post_evidence(client, world, **fields):
    payload = {"engagement": world.engagement.pk, "kind": "photo", **fields}
    payload["file"] = samples.upload(samples.jpeg_bytes(size=(32, 24)), "task.jpg")
    return client.post("/api/v1/evidence/", payload, format="multipart")


def test_evidence_filed_against_a_procedure_is_linked_once(world):
    procedure = make_procedure(world)
    client = as_(world, "team_cso")
    first = post_evidence(client, world, procedure=procedure.pk, client_reference="phone-1")
    assert first.status_code == 201, first.content
    retry = post_evidence(client, world, procedure=procedure.pk, client_reference="phone-1")
    assert retry.status_code == 200
    procedure.refresh_from_db()
    assert list(procedure.evidence.values_list("pk", flat=True)) == [first.json()["id"]]
    assert procedure.status == P.IN_PROGRESS


def test_evidence_against_a_procedure_of_another_engagement_is_refused(world):
    MemberFactory(
        engagement=world.other_engagement, user=world.users["team_cso"], role=TeamRole.CSO_AUDITOR
    )
    procedure = make_procedure(world)
    other = {"engagement": world.other_engagement.pk, "procedure": procedure.pk}
    response = post_evidence(as_(world, "team_cso"), world, **other)
    assert response.status_code == 400 and "procedure" in response.json()
    assert not Evidence.objects.exists() and stored_files() == []
    unseen = post_evidence(as_(world, "outsider_cso"), world, procedure=procedure.pk)
    assert unseen.status_code == 400


def test_a_template_is_applied_to_an_engagement_in_planning():
    world = build_world(status=EngagementStatus.PLANNING)
    template = make_template(steps=2)
    url = f"/api/v1/programme-templates/{template.pk}/apply/"
    assert as_(world, "team_cso").post(url, {"engagement": world.engagement.pk}).status_code == 403
    response = as_(world, "team_leader").post(url, {"engagement": world.engagement.pk})
    assert response.status_code == 201, response.content
    assert [row["reference"] for row in response.json()["procedures"]] == ["P-01", "P-02"]
    elsewhere = as_(world, "team_leader").post(url, {"engagement": world.other_engagement.pk})
    assert elsewhere.status_code == 400


def test_the_list_costs_the_same_queries_for_2_or_20_procedures(world):
    client = as_(world, "team_leader")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"page_size": 200}).status_code == 200
        return len(queries)

    for _ in range(2):
        make_procedure(world, P.IN_PROGRESS)
    few = count()
    for _ in range(18):
        procedure = make_procedure(world, P.DONE, assignees=("team_cso", "team_auditor"))
        procedure.evidence.add(make_evidence(world.engagement, world.users["team_cso"]))
    assert count() == few
