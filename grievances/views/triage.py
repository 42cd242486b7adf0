"""Pages for those who may see grievances (querysets.py): the triage list and page for
supervisors and the SAI administrator, the agency's referred grievances with the action
plan form, oversight's read-only view. Every write goes through grievances.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.evidence_files import serve_attachment
from audits.models import Engagement
from audits.views.service_errors import SERVICE_ERRORS, error_text
from grievances import permissions as can
from grievances.choices import GrievanceStatus
from grievances.forms import AssignForm, RevealForm, StartEngagementForm, TextForm, TransitionForm
from grievances.models import Grievance, GrievanceContact
from grievances.querysets import is_triage_staff
from grievances.selectors import is_overdue, public_updates, with_public_data
from grievances.services import triage
from grievances.workflows import GRIEVANCE_WORKFLOW, available_moves

PAGE_SIZE = 100


def _visible(request, pk) -> Grievance:
    queryset = with_public_data(Grievance.objects.visible_to(request.user))
    return get_object_or_404(queryset.select_related("agency", "assigned_to"), pk=pk)


@login_required
def grievance_list(request):
    queryset = with_public_data(Grievance.objects.visible_to(request.user))
    status = request.GET.get("status", "")
    if status in GrievanceStatus.values:
        queryset = queryset.filter(status=status)
    if request.GET.get("overdue") == "1":
        queryset = queryset.exclude(escalation="")
    today = timezone.localdate()
    rows = [(grievance, is_overdue(grievance, today)) for grievance in queryset[:PAGE_SIZE]]
    return render(
        request,
        "grievances/list.html",
        {
            "rows": rows,
            "statuses": GrievanceStatus.choices,
            "status": status,
            "is_staff": is_triage_staff(request.user),
        },
    )


def _engagement_choices(user):
    return Engagement.objects.visible_to(user).exclude(status="closed").order_by("-pk")[:200]


@login_required
def grievance_detail(request, pk):
    grievance = _visible(request, pk)
    user = request.user
    staff = is_triage_staff(user)
    contact = None
    if can.may_see_contact(user, grievance):
        contact = GrievanceContact.objects.filter(grievance=grievance).first()
    context = {
        "grievance": grievance,
        "updates": public_updates(grievance),
        "overdue": is_overdue(grievance),
        "is_staff": staff,
        "contact": contact,
        "notes": grievance.notes.select_related("author") if staff else None,
        "moves": available_moves(GRIEVANCE_WORKFLOW, grievance, user),
        "agencies": TransitionForm().fields["agency"].queryset,
        "engagements": _engagement_choices(user) if staff else (),
        "may_post_update": can.may_post_update(user, grievance)
        and grievance.status not in ("dismissed", "resolved"),
        "answers_for_agency": can.may_answer_for_agency(user, grievance),
        "may_reveal": grievance.anonymous and can.may_reveal_contact(user, grievance),
        "update_form": TextForm(),
        "note_form": TextForm(),
        "reveal_form": RevealForm(),
        "assign_form": AssignForm(initial={"assigned_to": grievance.assigned_to_id})
        if staff
        else None,
        "start_form": (
            StartEngagementForm(
                initial={"auditee": grievance.agency_id, "title": grievance.category.name}
            )
            if staff and grievance.status == GrievanceStatus.UNDER_REVIEW
            else None
        ),
    }
    return render(request, "grievances/detail.html", context)


def _done(request, grievance, message=None):
    if message:
        messages.success(request, message)
    return redirect("grievance-detail", grievance.pk)


@login_required
@require_POST
def grievance_transition(request, pk):
    grievance = _visible(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return _done(request, grievance)
    data = form.cleaned_data
    engagement = None
    if data["engagement"]:
        engagement = Engagement.objects.visible_to(request.user).filter(pk=data["engagement"])
        engagement = engagement.first()
    try:
        grievance = triage.grievance_transition(
            grievance,
            by=request.user,
            to=data["to"],
            reason=data["reason"],
            agency=data["agency"],
            engagement=engagement,
        )
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
        return _done(request, grievance)
    return _done(request, grievance, _("Status: %(s)s.") % {"s": grievance.get_status_display()})


def _text_action(request, pk, service, success):
    grievance = _visible(request, pk)
    form = TextForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return _done(request, grievance)
    try:
        service(grievance, by=request.user, text=form.cleaned_data["text"])
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
        return _done(request, grievance)
    return _done(request, grievance, success)


@login_required
@require_POST
def grievance_update_add(request, pk):
    return _text_action(request, pk, triage.grievance_update_post, _("Public update posted."))


@login_required
@require_POST
def grievance_note_add(request, pk):
    return _text_action(request, pk, triage.grievance_note_add, _("Note added."))


@login_required
@require_POST
def grievance_assign(request, pk):
    grievance = _visible(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a member of the staff."))
        return _done(request, grievance)
    try:
        triage.grievance_update(
            grievance, by=request.user, assigned_to=form.cleaned_data["assigned_to"]
        )
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
        return _done(request, grievance)
    return _done(request, grievance, _("Assignment saved."))


@login_required
@require_POST
def grievance_reveal(request, pk):
    """Shows an anonymous complainant's contact once, on this response; logged."""
    grievance = _visible(request, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revealing the complainant."))
        return _done(request, grievance)
    try:
        contact = triage.grievance_reveal_contact(
            grievance, by=request.user, reason=form.cleaned_data["reason"]
        )
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
        return _done(request, grievance)
    return render(request, "grievances/revealed.html", {"grievance": grievance, "contact": contact})


@login_required
@require_POST
def grievance_start_engagement(request, pk):
    grievance = _visible(request, pk)
    form = StartEngagementForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(f"{f}: {' '.join(errors)}" for f, errors in form.errors.items()),
        )
        return _done(request, grievance)
    try:
        engagement = triage.grievance_start_engagement(
            grievance, by=request.user, **form.cleaned_data
        )
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
        return _done(request, grievance)
    messages.success(request, _("Engagement started from the grievance."))
    return redirect("engagement-detail", engagement.pk)


@login_required
def grievance_attachment(request, pk, attachment_pk):
    grievance = _visible(request, pk)
    return serve_attachment(get_object_or_404(grievance.attachments, pk=attachment_pk))
