"""`load_demo` adds grievances in different states, one taken into the demo engagement."""

from io import StringIO

import pytest
from django.core.management import call_command

from audits.management.commands.load_demo import ENGAGEMENT_REFERENCE
from grievances.models import Grievance
from grievances.selectors import grievances_for_engagement

pytestmark = pytest.mark.django_db


def test_the_demo_has_grievances_in_several_states_and_loads_twice_safely():
    call_command("load_demo", stdout=StringIO())
    statuses = sorted(Grievance.objects.values_list("status", flat=True))
    assert statuses == sorted(
        ["referred_to_audit", "referred_to_agency", "under_review", "received", "dismissed"]
    )
    fed = Grievance.objects.get(status="referred_to_audit")
    assert fed.engagement.reference == ENGAGEMENT_REFERENCE
    assert len(grievances_for_engagement(fed.engagement)) == 1
    referred = Grievance.objects.get(status="referred_to_agency")
    assert referred.plan_received_at is not None
    assert referred.updates.filter(kind="action_plan").exists()
    call_command("load_demo", stdout=StringIO())
    assert Grievance.objects.count() == 5
