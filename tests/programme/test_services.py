"""The programme's rules at the service level: the lifecycle per role, sign-offs and
reopening, review notes, bad input, the gate on leaving fieldwork, templates, selectors."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.choices import EngagementStatus, Role, TeamRole
from audits.exceptions import Conflict, NotPermitted, TransitionNotAllowed
from audits.services.engagements import engagement_transition
from programme.choices import ProcedureStatus as P
from programme.models import Procedure, ProgrammeTemplate, ReviewNote, TemplateProcedure
from programme.seed import PILOT_TEMPLATES, seed_pilot_templates
from programme.selectors import engagement_programme as programme_rows
from programme.selectors import programme_for_report, progress_by_person, tasks_for
from programme.services import procedures as services
from programme.services import review_notes as notes
from programme.services import templates as templates
from tests.factories import IssuedFindingFactory, MemberFactory, UserFactory
from tests.findings_setup import make_evidence, make_finding
from tests.programme_setup import make_note, make_procedure, make_template
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def plan(world, by="team_leader", **fields):
    values = {
        "objective": "Measure the riprap thickness at km 0+300 to 0+650",
        "method": "measurement",
        "assignees": [world.users["team_cso"], world.users["team_auditor"]],
        "due_date": datetime.date(2026, 12, 1),
        "estimated_hours": "6.0",
        **fields,
    }
    return services.procedure_create(by=world.users[by], engagement=world.engagement, **values)


def upload(name="riprap.txt", content=b"Station 0+450: riprap 0.30 m thick.\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


# --- the lifecycle, person by person --------------------------------------------------------


def test_a_task_goes_from_plan_to_reviewed_with_who_and_when(world):
    leader, cso = world.users["team_leader"], world.users["team_cso"]
    procedure = plan(world)
    assert procedure.reference == "P-01" and procedure.status == P.OPEN
    assert set(procedure.assignees.all()) == {cso, world.users["team_auditor"]}

    # The citizen auditor files evidence against it: the paper starts.
    evidence = services.procedure_file_evidence(
        by=cso, procedure=procedure, engagement=world.engagement, kind="inspection",
        upload=upload(),
    )  # fmt: skip
    procedure.refresh_from_db()
    assert procedure.status == P.IN_PROGRESS
    assert list(procedure.evidence.all()) == [evidence]

    services.procedure_update(procedure, by=cso, observations="Riprap 0.30 m, plan 0.45 m.")
    procedure = services.procedure_transition(procedure, by=cso, to=P.DONE)
    assert procedure.prepared_by == cso and procedure.prepared_at is not None

    # The team leader asks a question: the paper goes back to its preparer.
    note = notes.review_note_create(by=leader, procedure=procedure, body="Which station?")
    procedure.refresh_from_db()
    assert procedure.status == P.IN_PROGRESS and procedure.prepared_by is None
    with pytest.raises(TransitionNotAllowed, match="Answer the open review notes"):
        services.procedure_transition(procedure, by=cso, to=P.DONE)
    notes.review_note_answer(note, by=cso, response="Station 0+450.")
    procedure = services.procedure_transition(procedure, by=cso, to=P.DONE)
    procedure = services.procedure_transition(procedure, by=leader, to=P.REVIEWED)
    assert procedure.reviewed_by == leader and procedure.reviewed_at is not None
    assert procedure.prepared_by == cso

    reasons = list(procedure.history.order_by("history_date").values_list("status", flat=True))
    assert reasons[-1] == P.REVIEWED and P.DONE in reasons


def test_a_change_after_sign_off_reopens_the_paper_and_history_keeps_the_sign_offs(world):
    procedure = make_procedure(world, P.REVIEWED)
    cso = world.users["team_cso"]
    services.procedure_update(procedure, by=cso, observations="Remeasured: 0.32 m.")
    procedure.refresh_from_db()
    assert procedure.status == P.IN_PROGRESS
    assert procedure.prepared_by is None and procedure.reviewed_by is None
    latest = procedure.history.first()
    assert "reopened" in latest.history_change_reason
    assert latest.prev_record.reviewed_by_id == world.users["team_leader"].pk


def test_citing_a_paper_from_a_finding_does_not_reopen_it(world):
    procedure = make_procedure(world, P.REVIEWED)
    finding = make_finding(world)
    services.finding_cite_procedures(
        by=world.users["team_auditor"], finding=finding, procedures=[procedure]
    )
    procedure.refresh_from_db()
    assert procedure.status == P.REVIEWED
    assert list(finding.procedures.all()) == [procedure]
    services.finding_cite_procedures(by=world.users["team_auditor"], finding=finding, procedures=[])
    assert not finding.procedures.exists()


def test_only_the_team_leader_or_a_supervisor_plans(world):
    assert plan(world, by="supervisor").number == 1
    for actor in ("team_auditor", "team_cso", "granted_expert"):
        with pytest.raises(NotPermitted):
            plan(world, by=actor)
    assert Procedure.objects.count() == 1


def test_only_assignees_and_the_team_leader_do_the_work(world):
    procedure = make_procedure(world, assignees=("team_auditor",))
    with pytest.raises(NotPermitted):
        services.procedure_update(procedure, by=world.users["team_cso"], observations="x")
    with pytest.raises(NotPermitted):
        services.procedure_transition(procedure, by=world.users["team_cso"], to=P.IN_PROGRESS)
    services.procedure_update(procedure, by=world.users["team_auditor"], observations="Seen.")
    procedure.refresh_from_db()
    assert procedure.status == P.IN_PROGRESS


def test_a_paper_is_not_marked_done_without_observations(world):
    procedure = make_procedure(world, P.IN_PROGRESS, observations="")
    with pytest.raises(TransitionNotAllowed, match="Record what was observed"):
        services.procedure_transition(procedure, by=world.users["team_cso"], to=P.DONE)


def test_the_team_leaders_own_paper_is_reviewed_by_a_supervisor(world):
    procedure = make_procedure(world, P.DONE, assignees=(), prepared_by="team_leader")
    with pytest.raises(NotPermitted, match="someone else must sign it off"):
        services.procedure_transition(procedure, by=world.users["team_leader"], to=P.REVIEWED)
    with pytest.raises(NotPermitted, match="someone else must review it"):
        notes.review_note_create(by=world.users["team_leader"], procedure=procedure, body="?")
    procedure.refresh_from_db()
    assert procedure.status == P.DONE and not procedure.review_notes.exists()
    reviewed = services.procedure_transition(procedure, by=world.users["supervisor"], to=P.REVIEWED)
    assert reviewed.reviewed_by == world.users["supervisor"]


def test_review_notes_are_written_by_reviewers_and_answered_once_by_the_preparer(world):
    procedure = make_procedure(world, P.IN_PROGRESS)
    with pytest.raises(NotPermitted):
        notes.review_note_create(by=world.users["team_auditor"], procedure=procedure, body="?")
    note = notes.review_note_create(by=world.users["supervisor"], procedure=procedure, body="?")
    with pytest.raises(NotPermitted):
        notes.review_note_answer(note, by=world.users["supervisor"], response="Myself")
    with pytest.raises(NotPermitted):
        notes.review_note_answer(note, by=world.users["team_auditor"], response="Not mine")
    notes.review_note_answer(note, by=world.users["team_cso"], response="Done.")
    with pytest.raises(Conflict):
        notes.review_note_answer(note, by=world.users["team_cso"], response="Again")
    with pytest.raises(Conflict, match="Nothing to review yet"):
        notes.review_note_create(
            by=world.users["team_leader"], procedure=make_procedure(world), body="?"
        )


def test_only_an_open_procedure_with_nothing_attached_is_removed(world):
    procedure = make_procedure(world)
    busy = make_procedure(world, P.IN_PROGRESS)
    with pytest.raises(Conflict):
        services.procedure_delete(busy, by=world.users["team_leader"])
    services.procedure_delete(procedure, by=world.users["team_leader"], reason="Duplicate")
    assert not Procedure.objects.filter(pk=procedure.pk).exists()
    assert Procedure.history.filter(id=procedure.pk, history_type="-").exists()


# --- bad input: a clear refusal, nothing saved ----------------------------------------------


def test_an_assignee_not_on_the_team_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        plan(world, assignees=[world.users["outsider_cso"]])
    assert "assignees" in refused.value.message_dict
    with pytest.raises(ValidationError):
        plan(world, assignees=[world.users["lapsed_cso"]])  # on the team, accreditation lapsed
    assert not Procedure.objects.exists()


def test_a_due_date_outside_the_engagement_period_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        plan(world, due_date=datetime.date(2027, 1, 5))
    assert "due_date" in refused.value.message_dict
    procedure = make_procedure(world)
    with pytest.raises(ValidationError):
        services.procedure_update(
            procedure, by=world.users["team_leader"], due_date=datetime.date(2025, 12, 31)
        )
    procedure.refresh_from_db()
    assert procedure.due_date == datetime.date(2026, 12, 15)
    assert Procedure.objects.count() == 1


def test_evidence_of_another_engagement_is_refused(world):
    procedure = make_procedure(world, P.IN_PROGRESS)
    elsewhere = make_evidence(world.other_engagement, world.users["outsider_cso"])
    with pytest.raises(ValidationError) as refused:
        services.procedure_update(procedure, by=world.users["team_cso"], evidence=[elsewhere])
    assert "evidence" in refused.value.message_dict
    assert not procedure.evidence.exists()
    with pytest.raises(ValidationError) as refused:
        services.procedure_file_evidence(
            by=world.users["outsider_cso"], procedure=procedure,
            engagement=world.other_engagement, kind="photo", upload=upload(),
        )  # fmt: skip
    assert "procedure" in refused.value.message_dict
    assert list(world.other_engagement.evidence.all()) == [elsewhere]


def test_findings_of_another_engagement_are_refused(world):
    procedure = make_procedure(world)
    other = IssuedFindingFactory(engagement=world.other_engagement)
    with pytest.raises(ValidationError):
        services.procedure_update(procedure, by=world.users["team_leader"], findings=[other])
    assert not procedure.findings.exists()


# --- the gate on leaving fieldwork ------------------------------------------------------------


def test_fieldwork_does_not_end_while_work_is_open_and_lists_it(world):
    make_procedure(world, P.REVIEWED)
    make_procedure(world, P.IN_PROGRESS)
    done = make_procedure(world, P.DONE)
    make_note(world, done)
    with pytest.raises(TransitionNotAllowed) as refused:
        engagement_transition(
            world.engagement, by=world.users["team_leader"], to=EngagementStatus.REPORTING
        )
    message = refused.value.message
    assert "P-02 (In progress)" in message and "P-03 (Done, awaiting review)" in message
    assert "P-01" not in message and "review note" in message
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.FIELDWORK


def test_a_supervisor_overrides_the_gate_with_a_reason_only(world):
    make_procedure(world, P.IN_PROGRESS)
    for actor, reason in (("team_leader", "Deadline"), ("supervisor", "")):
        with pytest.raises(TransitionNotAllowed):
            engagement_transition(
                world.engagement, by=world.users[actor], to=EngagementStatus.REPORTING,
                reason=reason,
            )  # fmt: skip
    moved = engagement_transition(
        world.engagement, by=world.users["supervisor"], to=EngagementStatus.REPORTING,
        reason="Agency closed the site; remaining steps moved to follow-up",
    )  # fmt: skip
    assert moved.status == EngagementStatus.REPORTING
    assert moved.history.first().history_change_reason.startswith("Agency closed the site")


def test_fieldwork_ends_once_every_paper_is_reviewed(world):
    make_procedure(world, P.REVIEWED)
    moved = engagement_transition(
        world.engagement, by=world.users["team_leader"], to=EngagementStatus.REPORTING
    )
    assert moved.status == EngagementStatus.REPORTING


# --- templates --------------------------------------------------------------------------------


def test_the_four_pilot_templates_are_seeded():
    seed_pilot_templates(ProgrammeTemplate, TemplateProcedure)  # a flushed database
    kinds = set(ProgrammeTemplate.objects.values_list("kind", flat=True))
    assert {"flood_control", "health_facility", "solid_waste", "school_building"} <= kinds
    assert seed_pilot_templates(ProgrammeTemplate, TemplateProcedure) == 0
    flood = ProgrammeTemplate.objects.get(name=PILOT_TEMPLATES[0]["name"])
    assert flood.procedures.count() == len(PILOT_TEMPLATES[0]["procedures"])


def test_a_template_is_applied_in_planning_only():
    world = build_world(status=EngagementStatus.PLANNING)
    template = make_template(steps=3)
    make_procedure(world)
    created = templates.template_apply(
        template, by=world.users["team_leader"], engagement=world.engagement
    )
    assert [p.number for p in created] == [2, 3, 4]
    assert created[0].template_procedure.template == template
    assert created[0].history.first().history_change_reason == "From template: Road works"
    with pytest.raises(NotPermitted):
        templates.template_apply(template, by=world.users["team_cso"], engagement=world.engagement)
    engagement_transition(
        world.engagement, by=world.users["team_leader"], to=EngagementStatus.FIELDWORK
    )
    with pytest.raises(Conflict):
        templates.template_apply(
            template, by=world.users["team_leader"], engagement=world.engagement
        )


def test_templates_are_kept_by_the_sai_admin(world):
    template = templates.template_create(
        by=world.users["sai_admin"], name="Bridges", kind="other",
        procedures=[{"objective": "Inspect the bearings", "method": "inspection"}],
    )  # fmt: skip
    templates.template_update(
        template, by=world.users["sai_admin"],
        procedures=[
            {"number": 1, "objective": "Inspect bearings and joints", "method": "inspection"},
            {"number": 2, "objective": "Measure the deck", "method": "measurement"},
        ],
    )  # fmt: skip
    assert list(template.procedures.values_list("number", "objective")) == [
        (1, "Inspect bearings and joints"),
        (2, "Measure the deck"),
    ]
    with pytest.raises(NotPermitted):
        templates.template_update(template, by=world.users["supervisor"], name="Mine")


# --- reads ------------------------------------------------------------------------------------


def test_progress_per_person_and_the_task_list(world):
    make_procedure(world, P.REVIEWED)
    late = make_procedure(world, due_date=datetime.date(2026, 1, 31))
    soon = make_procedure(world, P.IN_PROGRESS, due_date=datetime.date(2026, 12, 1))
    make_procedure(world, assignees=("team_auditor",))
    rows = programme_rows(world.users["team_leader"], world.engagement)
    people = {row["user"].username: row for row in progress_by_person(rows)}
    assert people["team_cso"]["assigned"] == 3
    assert people["team_cso"]["done"] == 1 and people["team_cso"]["overdue"] == 1
    assert [task.pk for task in tasks_for(world.users["team_cso"])] == [late.pk, soon.pk]
    assert programme_rows(world.users["agency_respondent"], world.engagement) == []
    assert programme_rows(world.users["oversight"], world.engagement) == []


def test_the_report_annex_is_plain_data(world):
    procedure = make_procedure(world, P.REVIEWED)
    procedure.evidence.add(make_evidence(world.engagement, world.users["team_cso"]))
    (row,) = programme_for_report(world.engagement)
    assert row["reference"] == "P-01" and row["method_label"] == "Measurement"
    assert row["assignees"] == [str(world.users["team_cso"])]
    assert row["prepared_by"] == str(world.users["team_cso"]) and row["reviewed_at"]
    assert row["evidence_count"] == 1 and row["status"] == "reviewed"


def test_a_new_team_member_can_be_assigned(world):
    newcomer = UserFactory(role=Role.CSO_AUDITOR, organization=world.cso)
    MemberFactory(engagement=world.engagement, user=newcomer, role=TeamRole.CSO_AUDITOR)
    assert list(plan(world, assignees=[newcomer]).assignees.all()) == [newcomer]
    assert ReviewNote.objects.count() == 0
