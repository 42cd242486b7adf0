"""Web pages. Views read through `visible_to()` and write through services, like the API.

The home page answers "what needs me today": one panel per role (team leader,
supervisor, auditor, citizen auditor, agency respondent, oversight), each filled by a
selector in `audits.selectors.home` with a fixed number of queries, then the list of
the user's engagements."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.utils import timezone

from audits.access import access_notice
from audits.choices import Role
from audits.models import Engagement, EngagementMember
from audits.selectors import home as panels

ENGAGEMENTS_PER_PAGE = 50


def engagements_for_home(user):
    """The user's engagements with their own team role, in one query whatever the count."""
    my_role = EngagementMember.objects.filter(engagement=OuterRef("pk"), user=user).values("role")
    return (
        Engagement.objects.visible_to(user)
        .select_related("auditee")
        .annotate(my_team_role=Subquery(my_role[:1]))
        .order_by("-created_at", "-pk")
    )


def role_panels(request) -> dict:
    """The data of every panel that applies to the user (None for the others)."""
    user = request.user
    today = timezone.localdate()
    return {
        "cso_panel": panels.cso_panel(user),
        "supervisor_panel": panels.supervisor_panel(user, today=today),
        "team_leader_panel": (
            panels.team_leader_panel(user, since=panels.last_visit(user, request.session))
            if user.has_role(Role.AUDITOR, Role.SUPERVISOR)
            else None
        ),
        "auditor_panel": panels.auditor_panel(user),
        "oversight_panel": panels.oversight_panel(user),
        "sai_admin_panel": panels.sai_admin_panel(user, today=today),
    }


@login_required
def home(request):
    notice = access_notice(request.user)
    page = Paginator(engagements_for_home(request.user), ENGAGEMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "engagements": page.object_list, "notice": notice}
    if not notice:
        context.update(role_panels(request))
    return render(request, "audits/home.html", context)
