"""Programme pages: a procedure's working paper (plan, work, evidence, review notes,
sign-offs), adding a procedure, applying a template, the caller's field tasks, and the
working papers a finding cites. Every object is read through `visible_to()` (404
otherwise) and every write goes through `programme.services`; what a service refuses is
shown on the page, never as an error page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.forms.findings import TransitionForm
from audits.models import Engagement, Evidence, Finding
from audits.services.evidence import FILING_STATUSES
from audits.views.service_errors import (
    SERVICE_ERRORS,
    add_service_error,
    error_text,
    post_transition,
)
from audits.workflows import available_moves
from programme import permissions as may
from programme.choices import ProcedureStatus
from programme.forms import (
    AnswerForm,
    ApplyTemplateForm,
    CiteProceduresForm,
    ObservationsForm,
    ProcedurePlanForm,
    ReviewNoteForm,
)
from programme.models import Procedure, ReviewNote
from programme.selectors import ASSIGNEES, tasks_for, with_counts
from programme.services import procedures as services
from programme.services import review_notes as note_services
from programme.services import templates as template_services
from programme.workflows import PROCEDURE_WORKFLOW


def _visible_procedure(request, pk) -> Procedure:
    procedures = with_counts(Procedure.objects.visible_to(request.user)).select_related(
        "engagement", "engagement__sai", "prepared_by", "reviewed_by"
    )
    return get_object_or_404(procedures.prefetch_related(ASSIGNEES), pk=pk)


def _form_errors(form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)


def _visible_engagement(request, pk) -> Engagement:
    return get_object_or_404(Engagement.objects.with_full_access(request.user), pk=pk)


def _render_procedure(request, procedure, *, plan_form=None, work_form=None, note_form=None):
    user = request.user
    engagement = procedure.engagement
    may_plan = may.may_plan(user, procedure) and engagement.status in may.PLANNING_STATUSES
    may_work = may.may_work(user, procedure) and engagement.status in may.WORK_STATUSES
    may_note = (
        may.may_review(user, procedure)
        and procedure.status != ProcedureStatus.OPEN
        and engagement.status in may.WORK_STATUSES
    )
    if plan_form is None and may_plan:
        plan_form = ProcedurePlanForm(instance=procedure, engagement=engagement)
    if work_form is None and may_work:
        work_form = ObservationsForm(instance=procedure)
    if note_form is None and may_note:
        note_form = ReviewNoteForm()
    notes = list(procedure.review_notes.select_related("author", "answered_by"))
    for note in notes:
        note.procedure = procedure
        note.may_answer = not note.is_answered and may.may_answer(user, note)
    context = {
        "procedure": procedure,
        "engagement": engagement,
        "assignees": list(procedure.assignees.all()),
        "evidence": Evidence.objects.visible_to(user)
        .filter(procedures=procedure)
        .select_related("submitted_by"),
        "findings": Finding.objects.visible_to(user).filter(procedures=procedure),
        "notes": notes,
        "moves": available_moves(PROCEDURE_WORKFLOW, procedure, user),
        "plan_form": plan_form,
        "work_form": work_form,
        "note_form": note_form,
        "answer_form": AnswerForm(),
        "may_file": may.may_link_evidence(user, procedure) and engagement.status in FILING_STATUSES,
    }
    has_errors = any(form is not None and form.errors for form in (plan_form, work_form, note_form))
    return render(
        request, "programme/procedure_detail.html", context, status=400 if has_errors else 200
    )


def _post_form(request, procedure, form, *, write, success: str, slot: str):
    """Validate `form` and `write(cleaned_data)` through a service: then back to the paper
    with `success`; otherwise the paper again, `form` (in `slot`) showing what was refused."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("procedure-detail", pk=procedure.pk)
    # Re-read: a model form may have changed the instance in memory.
    return _render_procedure(request, _visible_procedure(request, procedure.pk), **{slot: form})


@login_required
def procedure_detail(request, pk):
    """The working paper. A POST here saves the plan (team leader or supervisor)."""
    procedure = _visible_procedure(request, pk)
    if request.method != "POST":
        return _render_procedure(request, procedure)
    form = ProcedurePlanForm(request.POST, instance=procedure, engagement=procedure.engagement)
    return _post_form(
        request,
        procedure,
        form,
        write=lambda data: services.procedure_update(
            procedure, by=request.user, **form.service_fields()
        ),
        success=_("Procedure saved."),
        slot="plan_form",
    )


@require_POST
@login_required
def procedure_work(request, pk):
    """The preparer's observations (starting an open paper, reopening a signed-off one)."""
    procedure = _visible_procedure(request, pk)
    return _post_form(
        request,
        procedure,
        ObservationsForm(request.POST),
        write=lambda data: services.procedure_update(
            procedure, by=request.user, observations=data["observations"]
        ),
        success=_("Observations saved."),
        slot="work_form",
    )


@require_POST
@login_required
def procedure_transition(request, pk):
    procedure = post_transition(
        request,
        _visible_procedure(request, pk),
        services.procedure_transition,
        form_class=TransitionForm,
        success_message=_("The procedure is now: %(status)s."),
    )
    return redirect("procedure-detail", pk=procedure.pk)


@require_POST
@login_required
def review_note_add(request, pk):
    procedure = _visible_procedure(request, pk)
    return _post_form(
        request,
        procedure,
        ReviewNoteForm(request.POST),
        write=lambda data: note_services.review_note_create(
            by=request.user, procedure=procedure, body=data["body"]
        ),
        success=_("Review note sent to the preparer."),
        slot="note_form",
    )


@require_POST
@login_required
def review_note_answer(request, pk):
    note = get_object_or_404(ReviewNote.objects.visible_to(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            note_services.review_note_answer(
                note, by=request.user, response=form.cleaned_data["response"]
            )
        except SERVICE_ERRORS as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Answer saved."))
    return redirect("procedure-detail", pk=note.procedure_id)


@login_required
def procedure_new(request, engagement_pk):
    engagement = _visible_engagement(request, engagement_pk)
    if not may.may_plan(request.user, engagement):
        raise PermissionDenied
    form = ProcedurePlanForm(request.POST or None, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            procedure = services.procedure_create(
                by=request.user, engagement=engagement, **form.service_fields()
            )
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(reference)s added.") % {"reference": procedure.reference}
            )
            return redirect("procedure-detail", pk=procedure.pk)
    context = {"engagement": engagement, "form": form}
    status = 400 if form.errors else 200
    return render(request, "programme/procedure_new.html", context, status=status)


@require_POST
@login_required
def template_apply(request, engagement_pk):
    engagement = _visible_engagement(request, engagement_pk)
    form = ApplyTemplateForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("engagement-detail", pk=engagement.pk)
    try:
        created = template_services.template_apply(
            form.cleaned_data["template"], by=request.user, engagement=engagement
        )
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
    else:
        added = _("%(n)d procedures added to the programme.") % {"n": len(created)}
        messages.success(request, added)
    return redirect("engagement-detail", pk=engagement.pk)


@login_required
def my_tasks(request):
    """The caller's field tasks, soonest due first: the phone view of the programme."""
    return render(request, "programme/my_tasks.html", {"tasks": tasks_for(request.user)})


@require_POST
@login_required
def finding_cite(request, finding_pk):
    finding = get_object_or_404(Finding.objects.visible_to(request.user), pk=finding_pk)
    form = CiteProceduresForm(request.POST, user=request.user, finding=finding)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.finding_cite_procedures(
                by=request.user, finding=finding, procedures=form.cleaned_data["procedures"]
            )
        except SERVICE_ERRORS as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Working papers cited."))
    return redirect("finding-detail", pk=finding.pk)
