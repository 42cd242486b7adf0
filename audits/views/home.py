"""Web pages. Views read through `visible_to()` and write through services, like the API."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import render

from audits.access import access_notice
from audits.models import Engagement, EngagementMember

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


@login_required
def home(request):
    page = Paginator(engagements_for_home(request.user), ENGAGEMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audits/home.html",
        {"page": page, "engagements": page.object_list, "notice": access_notice(request.user)},
    )
