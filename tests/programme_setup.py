"""Procedures and review notes set up directly in any state; tests of the rules use the
services in `programme.services`."""

import datetime

from django.utils import timezone

from programme.choices import ProcedureStatus
from programme.models import Procedure, ProgrammeTemplate, ReviewNote, TemplateProcedure
from programme.services.procedures import next_procedure_number


def make_procedure(
    world,
    status=ProcedureStatus.OPEN,
    *,
    engagement=None,
    assignees=("team_cso",),
    prepared_by="team_cso",
    reviewed_by="team_leader",
    **fields,
) -> Procedure:
    engagement = engagement or world.engagement
    signed = status in (ProcedureStatus.DONE, ProcedureStatus.REVIEWED)
    values = {
        "objective": "Measure the riprap thickness at km 0+300 to 0+650",
        "criteria": "Approved plans, item 505",
        "method": "measurement",
        "location": "km 0+300 to 0+650",
        "due_date": datetime.date(2026, 12, 15),
        "estimated_hours": "6.0",
        "observations": "Riprap 0.30 m thick, plan says 0.45 m." if status != "open" else "",
        **fields,
    }
    procedure = Procedure.objects.create(
        engagement=engagement,
        number=next_procedure_number(engagement),
        status=status,
        prepared_by=world.users[prepared_by] if signed else None,
        prepared_at=timezone.now() if signed else None,
        reviewed_by=world.users[reviewed_by] if status == ProcedureStatus.REVIEWED else None,
        reviewed_at=timezone.now() if status == ProcedureStatus.REVIEWED else None,
        **values,
    )
    procedure.assignees.set([world.users[name] for name in assignees])
    return procedure


def make_note(world, procedure, *, author="team_leader", answered=False) -> ReviewNote:
    return ReviewNote.objects.create(
        procedure=procedure,
        engagement=procedure.engagement,
        body="Which station did you measure at? Add the photo.",
        author=world.users[author],
        response="Station 0+450; photo #12." if answered else "",
        answered_by=world.users["team_cso"] if answered else None,
        answered_at=timezone.now() if answered else None,
    )


def make_template(name="Road works", steps=2) -> ProgrammeTemplate:
    template = ProgrammeTemplate.objects.create(name=name, kind="other", description="Roads")
    for number in range(1, steps + 1):
        TemplateProcedure.objects.create(
            template=template,
            number=number,
            objective=f"Step {number}",
            method="inspection",
            estimated_hours="2.0",
        )
    return template
