"""Finding pages: the editor, recommendations, the reply thread and the workflow buttons.

Every object is read through `visible_to(request.user)` (404 otherwise) and every write
goes through `audits.services.findings`; what a service refuses is shown on the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from audits import permissions as can
from audits.choices import EngagementStatus, FindingStatus, Role, TeamRole
from audits.evidence_files import serve_attachment
from audits.exceptions import FileTooLarge
from audits.forms.findings import (
    FindingForm,
    RecommendationForm,
    ReiterateForm,
    ResponseForm,
    TransitionForm,
)
from audits.forms.sanctions import SanctionForm
from audits.models import (
    Engagement,
    Finding,
    Recommendation,
    Response,
    ResponseAttachment,
    Sanction,
)
from audits.selectors.sanctions import sanctions_with_balance
from audits.services import findings as services
from audits.services import sanctions as sanction_services
from audits.upload_handlers import limit_uploads
from audits.views import outcomes
from audits.views.confirm import confirmed_transition
from audits.views.kept_files import kept_files_for, kept_files_keep
from audits.views.service_errors import (
    SERVICE_ERRORS,
    add_service_error,
    post_transition,
)
from audits.views.submit_once import already_saved, save_once
from audits.workflows import FINDING_WORKFLOW, RECOMMENDATION_WORKFLOW, available_moves

REPLY_STATUSES = {FindingStatus.ISSUED}


def _visible_finding(request, pk) -> Finding:
    findings = Finding.objects.visible_to(request.user).select_related(
        "engagement", "engagement__auditee", "engagement__sai"
    )
    return get_object_or_404(findings, pk=pk)


def _may_edit(user, finding) -> bool:
    """Whether to offer the editor; `finding_update` has the final word."""
    if (
        finding.status == FindingStatus.CLOSED
        or finding.engagement.status == EngagementStatus.CLOSED
    ):
        return False
    if finding.status in services.TEAM_EDITABLE_STATUSES:
        return can.is_team_member(user, finding)
    return can.is_team_leader_or_supervisor(user, finding)


def _may_reply(user, finding) -> bool:
    return finding.status in REPLY_STATUSES and can.is_auditee_respondent(user, finding)


def _may_rejoin(user, finding) -> bool:
    return finding.status in REPLY_STATUSES and can.is_team_auditor(user, finding)


def _may_issue_sanction(user, finding) -> bool:
    """Whether to offer the notice form; `sanction_create` has the final word."""
    return finding.status == FindingStatus.ISSUED and can.is_team_auditor(user, finding)


def _response_form(user, finding, data=None, files=None):
    if _may_reply(user, finding):
        return ResponseForm(data, files, finding=finding, for_agency=True)
    if _may_rejoin(user, finding):
        return ResponseForm(data, files, finding=finding, for_agency=False)
    return None


def _render_finding(
    request,
    finding,
    *,
    finding_form=None,
    recommendation_form=None,
    response_form=None,
    response_kept=None,
    sanction_form=None,
):
    user = request.user
    engagement = finding.engagement
    recommendations = list(Recommendation.objects.visible_to(user).filter(finding=finding))
    for recommendation in recommendations:
        # Share one engagement object so the team-role cache answers every row.
        recommendation.engagement = engagement
        recommendation.finding = finding
        recommendation.moves = available_moves(RECOMMENDATION_WORKFLOW, recommendation, user)
        recommendation.may_reiterate = may_reiterate(user, recommendation)
    responses = (
        Response.objects.visible_to(user)
        .filter(finding=finding)
        .select_related("author", "recommendation")
        .prefetch_related("attachments")
    )
    sanctions = sanctions_with_balance(Sanction.objects.visible_to(user).filter(finding=finding))
    if finding_form is None and _may_edit(user, finding):
        finding_form = FindingForm(user=user, engagement=engagement, finding=finding)
    if recommendation_form is None and _may_edit(user, finding):
        recommendation_form = RecommendationForm()
    if response_form is None:
        response_form = _response_form(user, finding)
    if sanction_form is None and _may_issue_sanction(user, finding):
        sanction_form = SanctionForm()
    # Who will submit a draft for review: a team member who is not its leader asks them.
    submitters = (
        [
            member.user
            for member in engagement.members.filter(role=TeamRole.TEAM_LEADER)
            .select_related("user")
            .order_by("user__full_name", "user__username")
        ]
        if finding.status == FindingStatus.DRAFT
        and can.is_team_member(user, finding)
        and not can.is_team_leader(user, finding)
        else []
    )
    has_errors = any(
        form is not None and form.errors
        for form in (finding_form, recommendation_form, response_form, sanction_form)
    )
    context = {
        "finding": finding,
        "engagement": engagement,
        "finding_form": finding_form,
        "recommendation_form": recommendation_form,
        "response_form": response_form,
        "response_kept": response_kept,
        "sanction_form": sanction_form,
        "moves": available_moves(FINDING_WORKFLOW, finding, user),
        "submitters": submitters,
        # Before it leaves the team: condition, criteria, cause, effect, a recommendation.
        "checklist": (
            finding.completeness() if finding.status in services.TEAM_EDITABLE_STATUSES else None
        ),
        "recommendations": recommendations,
        "responses": responses,
        "sanctions": sanctions,
        "evidence": finding.evidence.all() if finding_form is None else None,
    }
    return render(
        request, "audits/findings/detail.html", context, status=400 if has_errors else 200
    )


@login_required
def finding_new(request, engagement_pk):
    engagement = get_object_or_404(Engagement.objects.visible_to(request.user), pk=engagement_pk)
    if not can.is_team_member(request.user, engagement):
        raise PermissionDenied
    form = FindingForm(request.POST or None, user=request.user, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(
                by=request.user, engagement=engagement, **form.service_fields()
            )
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Finding %(reference)s saved as a draft.") % {"reference": finding.reference},
            )
            return redirect("finding-detail", pk=finding.pk)
    context = {"engagement": engagement, "finding_form": form}
    return render(request, "audits/findings/new.html", context, status=400 if form.errors else 200)


@login_required
def finding_detail(request, pk):
    finding = _visible_finding(request, pk)
    if request.method != "POST":
        return _render_finding(request, finding)
    if not _may_edit(request.user, finding):
        raise PermissionDenied
    form = FindingForm(
        request.POST, user=request.user, engagement=finding.engagement, finding=finding
    )
    if form.is_valid():
        try:
            services.finding_update(
                finding,
                by=request.user,
                change_reason=form.cleaned_data.get("change_reason", ""),
                **form.service_fields(),
            )
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your changes to the finding were saved."))
            return redirect("finding-detail", pk=finding.pk)
    return _render_finding(request, finding, finding_form=form)


@require_POST
@login_required
def finding_transition(request, pk):
    return confirmed_transition(
        request,
        _visible_finding(request, pk),
        services.finding_transition,
        workflow=FINDING_WORKFLOW,
        page="finding-detail",
        form_class=TransitionForm,
        success_message=outcomes.finding_moved,
    )


@require_POST
@login_required
def recommendation_add(request, pk):
    finding = _visible_finding(request, pk)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_create(by=request.user, finding=finding, **form.cleaned_data)
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Recommendation added."))
            return redirect("finding-detail", pk=finding.pk)
    return _render_finding(request, finding, recommendation_form=form)


@require_POST
@login_required
def recommendation_transition(request, pk):
    recommendation = post_transition(
        request,
        get_object_or_404(Recommendation.objects.visible_to(request.user), pk=pk),
        services.recommendation_transition,
        form_class=TransitionForm,
        success_message=outcomes.recommendation_moved,
    )
    return redirect("finding-detail", pk=recommendation.finding_id)


@csrf_exempt  # the token is checked in `_response_add`, after the upload limit is in place
@require_POST
@login_required
def response_add(request, pk):
    """Attachments pass the same upload limit as evidence while they arrive."""
    limit_uploads(request)
    try:
        request.POST  # read the body now, under the limit  # noqa: B018
    except FileTooLarge as error:
        messages.error(request, error.message)
        page = _render_finding(request, _visible_finding(request, pk))
        page.status_code = error.status_code
        return page
    return _response_add(request, pk)


@csrf_protect
def _response_add(request, pk):
    finding = _visible_finding(request, pk)
    form = _response_form(request.user, finding, request.POST, request.FILES)
    if form is None:
        raise PermissionDenied
    kept = kept_files_for(request, "attachments")
    if form.is_valid():
        try:
            services.response_create(
                by=request.user,
                finding=finding,
                kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"],
                recommendation=form.cleaned_data["recommendation"],
                attachments=form.cleaned_data["attachments"] or kept.open(),
            )
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            kept.discard()
            messages.success(
                request,
                _("Your reply was posted. The audit team sees it now and will answer here."),
            )
            return redirect("finding-detail", pk=finding.pk)
    kept = kept_files_keep(request, form, "attachments", kept)
    return _render_finding(request, finding, response_form=form, response_kept=kept)


@login_required
def response_attachment(request, pk):
    visible_responses = Response.objects.visible_to(request.user).values("pk")
    attachment = get_object_or_404(
        ResponseAttachment.objects.filter(response__in=visible_responses), pk=pk
    )
    return serve_attachment(attachment)


@require_POST
@login_required
def sanction_add(request, pk):
    finding = _visible_finding(request, pk)
    # The service's own rule; a draft finding is refused by the service, on the form.
    if not can.is_team_auditor(request.user, finding):
        raise PermissionDenied
    form = SanctionForm(request.POST)
    if form.is_valid():
        try:
            sanction = sanction_services.sanction_create(
                by=request.user, finding=finding, **form.cleaned_data
            )
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Notice %(reference)s issued.") % {"reference": sanction.reference}
            )
            return redirect("sanction-detail", pk=sanction.pk)
    return _render_finding(request, finding, sanction_form=form)


def reiteration_targets(user, recommendation):
    """Open engagements the user may carry the recommendation into: follow-ups of its
    engagement or others of the same auditee, where the user is an auditor of the team
    or the supervisor (`recommendation_reiterate` has the last word)."""
    source = recommendation.engagement
    may_target = Q(members__user=user, members__role__in=can.AUDITOR_TEAM_ROLES)
    if user.has_role(Role.SUPERVISOR):
        may_target |= Q(sai_id=user.organization_id)
    return (
        Engagement.objects.visible_to(user)
        .filter(Q(follow_up_of_id=source.pk) | Q(auditee_id=source.auditee_id))
        .filter(may_target)
        .exclude(pk=source.pk)
        .exclude(status=EngagementStatus.CLOSED)
        .distinct()
        .order_by("-created_at", "-pk")
    )


def may_reiterate(user, recommendation) -> bool:
    """Whether to offer "Reiterate" on the finding page."""
    return (
        user.has_role(Role.AUDITOR, Role.SUPERVISOR)
        and recommendation.engagement.status == EngagementStatus.CLOSED
        and recommendation.status not in services.SETTLED_RECOMMENDATION_STATUSES
    )


@login_required
def recommendation_reiterate(request, pk):
    """Carry a recommendation not fully implemented into a follow-up engagement: a new
    draft finding there with a copy of the recommendation."""
    recommendation = get_object_or_404(
        Recommendation.objects.visible_to(request.user).select_related(
            "finding", "engagement", "engagement__auditee"
        ),
        pk=pk,
    )
    if not request.user.has_role(Role.AUDITOR, Role.SUPERVISOR):
        raise PermissionDenied(_("Only auditors and supervisors carry recommendations over."))
    form = ReiterateForm(
        request.POST or None, targets=reiteration_targets(request.user, recommendation)
    )
    if request.method == "POST" and (earlier := already_saved(request, form)):
        return earlier
    if request.method == "POST" and form.is_valid():
        response = save_once(
            request,
            form,
            lambda: services.recommendation_reiterate(
                recommendation, by=request.user, into_engagement=form.cleaned_data["engagement"]
            ),
            success=_("The recommendation was carried over as a new draft finding."),
            target=lambda copy: reverse("finding-detail", args=[copy.finding_id]),
        )
        if response:
            return response
    context = {
        "recommendation": recommendation,
        "finding": recommendation.finding,
        "engagement": recommendation.engagement,
        "form": form,
        "ready": may_reiterate(request.user, recommendation),
        "earlier": Recommendation.objects.visible_to(request.user)
        .filter(reiterated_from=recommendation)
        .select_related("engagement", "finding"),
    }
    return render(
        request,
        "audits/findings/reiterate.html",
        context,
        status=400 if form.errors else 200,
    )
