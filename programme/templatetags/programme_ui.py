"""Programme sections on pages that belong to other apps:
`{% engagement_programme engagement as programme %}` on the engagement page,
`{% my_tasks as tasks %}` on the home page, `{% finding_procedures finding as cited %}` on
the finding page. Each returns nothing to callers who may not see the programme."""

from django import template

from audits import permissions as can
from audits.choices import EngagementStatus
from audits.models import Engagement
from programme import permissions as may
from programme.forms import ApplyTemplateForm, CiteProceduresForm
from programme.selectors import (
    engagement_programme as programme_rows,
)
from programme.selectors import (
    procedures_citing,
    programme_totals,
    progress_by_person,
    tasks_for,
)
from programme.services.gate import programme_blockers

register = template.Library()
TASKS_ON_HOME = 20


def _full_access(user, engagement) -> bool:
    return Engagement.objects.with_full_access(user).filter(pk=engagement.pk).exists()


@register.simple_tag(takes_context=True)
def engagement_programme(context, engagement):
    user = context["request"].user
    if not _full_access(user, engagement):
        return None
    procedures = programme_rows(user, engagement)
    may_plan = may.may_plan(user, engagement)
    in_fieldwork = engagement.status == EngagementStatus.FIELDWORK
    blockers = programme_blockers(engagement) if in_fieldwork and procedures else []
    return {
        "procedures": procedures,
        "people": progress_by_person(procedures),
        "totals": programme_totals(procedures),
        "may_add": may_plan and engagement.status in may.PLANNING_STATUSES,
        "apply_form": (
            ApplyTemplateForm(user=user)
            if may_plan and engagement.status in may.TEMPLATE_APPLY_STATUSES
            else None
        ),
        "blockers": blockers,
        "may_override": bool(blockers) and can.is_supervisor(user, engagement),
    }


@register.simple_tag(takes_context=True)
def my_tasks(context):
    user = context["request"].user
    return list(tasks_for(user)[:TASKS_ON_HOME]) if user.is_authenticated else []


@register.simple_tag(takes_context=True)
def finding_procedures(context, finding):
    user = context["request"].user
    if not _full_access(user, finding.engagement):
        return None
    cited = list(procedures_citing(user, finding))
    may_cite = can.is_team_auditor_or_supervisor(user, finding)
    form = None
    if may_cite:
        form = CiteProceduresForm(
            user=user, finding=finding, initial={"procedures": [p.pk for p in cited]}
        )
    return {"procedures": cited, "form": form}
