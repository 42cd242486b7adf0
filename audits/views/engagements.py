"""The engagement page: details, team, and the lifecycle buttons the user may press.

Every write goes through `audits.services.engagements`; what a service refuses comes back
as a message on the page, never as an error page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import permissions as can
from audits.choices import EngagementStatus, Role, TeamRole
from audits.forms.engagements import (
    EngagementEditForm,
    EngagementForm,
    EngagementTransitionForm,
    MemberAddForm,
    MemberRemoveForm,
)
from audits.models import Engagement, User
from audits.services import engagements as services
from audits.views import outcomes
from audits.views.confirm import ask_first, confirmed_transition
from audits.views.service_errors import (
    SERVICE_ERRORS,
    add_service_error,
    error_text,
)
from audits.workflows import ENGAGEMENT_WORKFLOW, available_moves

TEAM_CANDIDATE_ROLES = [Role.AUDITOR, Role.SUPERVISOR, Role.CSO_AUDITOR]

# The page's sections (evidence, findings, ...) add their data here: each entry is a
# callable `(request, engagement) -> dict` merged into the template context.
SECTION_CONTEXT = []


def _visible_engagement(request, pk) -> Engagement:
    visible = Engagement.objects.visible_to(request.user).select_related(
        "sai", "auditee", "created_by", "follow_up_of"
    )
    return get_object_or_404(visible, pk=pk)


def _team_candidates(user, engagement):
    return (
        User.objects.visible_to(user)
        .filter(is_active=True, role__in=TEAM_CANDIDATE_ROLES)
        .exclude(memberships__engagement=engagement)
        .select_related("organization")
        .order_by("full_name", "username")
    )


@login_required
def engagement_detail(request, pk):
    engagement = _visible_engagement(request, pk)
    user = request.user
    # A closed engagement's team no longer changes: no button that cannot work.
    may_manage_team = (
        can.can_manage_team(user, engagement) and engagement.status != EngagementStatus.CLOSED
    )
    members = list(engagement.members.select_related("user", "user__organization"))
    leaders = [member for member in members if member.role == TeamRole.TEAM_LEADER]
    for member in members:
        member.is_last_leader = leaders == [member]
    context = {
        "engagement": engagement,
        "members": members,
        "moves": available_moves(ENGAGEMENT_WORKFLOW, engagement, user),
        "may_manage_team": may_manage_team,
        "may_remove_members": may_manage_team,
        "may_edit": can.can_edit_engagement(user, engagement)
        and engagement.status != EngagementStatus.CLOSED,
        "member_form": (
            MemberAddForm(candidates=_team_candidates(user, engagement))
            if may_manage_team
            else None
        ),
    }
    for section in SECTION_CONTEXT:
        context.update(section(request, engagement))
    return render(request, "audits/engagement_detail.html", context)


@login_required
@require_POST
def engagement_transition(request, pk):
    return confirmed_transition(
        request,
        _visible_engagement(request, pk),
        services.engagement_transition,
        workflow=ENGAGEMENT_WORKFLOW,
        page="engagement-detail",
        form_class=EngagementTransitionForm,
        success_message=outcomes.engagement_moved,
    )


@login_required
@require_POST
def member_add(request, pk):
    engagement = _visible_engagement(request, pk)
    form = MemberAddForm(request.POST, candidates=_team_candidates(request.user, engagement))
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("engagement-detail", pk=engagement.pk)
    try:
        member = services.member_add(
            engagement,
            by=request.user,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
        )
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(person)s joined the team.") % {"person": member.user})
    return redirect("engagement-detail", pk=engagement.pk)


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    engagement = _visible_engagement(request, pk)
    member = get_object_or_404(engagement.members.select_related("user"), pk=member_pk)
    cancel_url = reverse("engagement-detail", args=[engagement.pk]) + "#team"
    asked = ask_first(request, member, target="remove", cancel_url=cancel_url)
    if asked is not None:
        return asked
    form = MemberRemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.member_remove(member, by=request.user, reason=reason)
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(person)s left the team.") % {"person": member.user})
    return redirect("engagement-detail", pk=engagement.pk)


@login_required
def engagement_create(request):
    if not request.user.has_role(*can.ENGAGEMENT_CREATORS):
        raise PermissionDenied(_("Only supervisors and auditors create engagements."))
    form = EngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.engagement_create(by=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The engagement was created and you lead its team. Next: add the team members."),
            )
            return redirect("engagement-detail", pk=engagement.pk)
    return render(request, "audits/engagement_form.html", {"form": form})


@login_required
def engagement_edit(request, pk):
    """Change the engagement's details through `engagement_update`, as the API's PATCH."""
    engagement = _visible_engagement(request, pk)
    if not can.can_edit_engagement(request.user, engagement):
        raise PermissionDenied(_("Only the team leader or a supervisor edits the engagement."))
    form = EngagementEditForm(
        request.POST or None, instance=_visible_engagement(request, pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_update(
                engagement,
                by=request.user,
                change_reason=form.cleaned_data["change_reason"],
                **form.service_fields(),
            )
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            if form.service_fields():
                messages.success(request, _("The engagement's details were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("engagement-detail", pk=engagement.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "engagement": engagement}
    return render(request, "audits/engagement_edit.html", context, status=status)
