"""`manage.py load_demo` gives the demo engagement a programme from the flood-control
template, with tasks done and reviewed; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from audits.management.commands.load_demo import ENGAGEMENT_REFERENCE
from audits.models import Engagement
from programme.choices import ProcedureStatus as P
from programme.models import Procedure, ReviewNote
from programme.seed import FLOOD_CONTROL

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_engagement_carries_a_reviewed_programme():
    assert "audit programme from the template" in load_demo()
    engagement = Engagement.objects.get(reference=ENGAGEMENT_REFERENCE)
    procedures = list(engagement.procedures.order_by("number"))
    assert len(procedures) == 6
    assert all(p.template_procedure.template.name == FLOOD_CONTROL for p in procedures)
    statuses = [p.status for p in procedures]
    assert statuses.count(P.REVIEWED) == 2 and P.DONE in statuses and P.OPEN in statuses
    measured = next(p for p in procedures if p.method == "measurement")
    assert measured.status == P.REVIEWED
    assert measured.prepared_by.username == "citizen" and measured.reviewed_by.username == "leader"
    assert measured.evidence.count() == 1 and measured.findings.count() == 1
    assert ReviewNote.objects.get().answered_by.username == "citizen"
    for procedure in procedures:
        assert engagement.period_start <= procedure.due_date <= engagement.period_end
        assert procedure.assignees.exists()

    before = Procedure.history.count(), ReviewNote.history.count()
    assert "already loaded" in load_demo()
    assert (Procedure.history.count(), ReviewNote.history.count()) == before
