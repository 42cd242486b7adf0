"""The demo engagement's audit programme, for `manage.py load_demo`: the flood-control
template applied, tasks assigned to the team, some done and reviewed (one after a review
note and its answer), one awaiting review, others still open. Idempotent: an engagement
that already has a programme is left alone."""

import datetime

from audits.choices import EngagementStatus
from programme.choices import ProcedureStatus as P
from programme.models import ProgrammeTemplate, TemplateProcedure
from programme.seed import FLOOD_CONTROL, seed_pilot_templates
from programme.services.procedures import (
    finding_cite_procedures,
    procedure_transition,
    procedure_update,
)
from programme.services.review_notes import review_note_answer, review_note_create
from programme.services.templates import copy_template

# Per procedure of the flood-control template, in order: (assignee usernames, due date,
# observations, how far it gets: None = open).
PLAN = [
    (
        ["auditor"],
        datetime.date(2025, 11, 28),
        "Contract 25C00042 and its three progress billings reviewed: the third billing "
        "certifies 1,200 m of grouted riprap; no joint measurement sheet is attached.",
        P.REVIEWED,
    ),
    (
        ["citizen", "auditor"],
        datetime.date(2025, 12, 5),
        "Grouted riprap measured with a 50 m tape from station 0+000: 980 m in place; "
        "stations 0+980 to 1+200 have embankment only.",
        "reviewed after a note",
    ),
    (
        ["citizen"],
        datetime.date(2025, 12, 10),
        "Hairline cracks in the riprap at stations 0+300 and 0+640; scouring at the toe "
        "near 0+950.",
        P.DONE,
    ),
    (["citizen"], datetime.date(2025, 12, 12), "Stations 0+000 to 0+600 photographed.", None),
    (["leader"], datetime.date(2025, 12, 15), "", None),
    (["citizen"], datetime.date(2025, 12, 19), "", None),
]
REVIEW_NOTE = "Which tape and which reference points did you use? Attach the field sheet."
ANSWER = "Fibreglass 50 m tape from the DPWH station markers; the field sheet is evidence #1."


def load_demo_programme(engagement, users) -> list[str]:
    """What was created, for load_demo's summary (nothing when already there)."""
    if engagement.procedures.exists() or engagement.status != EngagementStatus.FIELDWORK:
        return []
    seed_pilot_templates(ProgrammeTemplate, TemplateProcedure)
    leader = users["leader"]
    template = ProgrammeTemplate.objects.get(name=FLOOD_CONTROL)
    procedures = copy_template(template, engagement=engagement, by=leader)
    evidence = engagement.evidence.order_by("pk").first()
    for procedure, (assignees, due, observations, reached) in zip(procedures, PLAN, strict=False):
        people = [users[name] for name in assignees]
        procedure = procedure_update(procedure, by=leader, assignees=people, due_date=due)
        if observations:
            procedure = procedure_update(procedure, by=people[0], observations=observations)
        if procedure.method == "measurement" and evidence is not None:
            procedure = procedure_update(procedure, by=people[0], evidence=[evidence])
        if reached is None:
            continue
        procedure = procedure_transition(procedure, by=people[0], to=P.DONE)
        if reached == "reviewed after a note":
            note = review_note_create(by=leader, procedure=procedure, body=REVIEW_NOTE)
            review_note_answer(note, by=people[0], response=ANSWER)
            procedure = procedure_transition(procedure, by=people[0], to=P.DONE)
            reached = P.REVIEWED
            finding = engagement.findings.order_by("pk").first()
            if finding is not None:
                finding_cite_procedures(by=leader, finding=finding, procedures=[procedure])
        if reached == P.REVIEWED:
            procedure_transition(procedure, by=leader, to=P.REVIEWED)
    return [f"audit programme from the template {template.name}"]
