"""Pages for those who may see grievances (querysets.py): the triage list and page for
supervisors and the SAI administrator, the agency's referred grievances with the action
plan form, oversight's read-only view. Every write goes through grievances.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from api.views.grievances import GrievanceFilter
from audits.display import day
from audits.evidence_files import serve_attachment
from audits.models import Engagement
from audits.views.lists import Column, ListSpec, list_page
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


GRIEVANCES = ListSpec(
    key="grievance",
    title=_lazy("Grievances"),
    queryset=lambda user: Grievance.objects.visible_to(user).select_related(
        "category", "agency", "referred_agency"
    ),
    filterset_class=GrievanceFilter,
    filters=("status", "escalation", "agency", "year", "overdue"),
    columns=(
        Column(
            "code",
            _lazy("Tracking code"),
            lambda g: g.grouped_code,
            "tracking_code",
            link=lambda g: reverse("grievance-detail", args=[g.pk]),
        ),
        Column("category", _lazy("Category"), lambda g: g.category.name, "category__name"),
        Column("status", _lazy("Status"), lambda g: g.get_status_display(), "status", "status"),
        Column(
            "agency",
            _lazy("Agency"),
            lambda g: (g.referred_agency or g.agency or "") and str(g.referred_agency or g.agency),
            "referred_agency__name",
        ),
        Column("escalation", _lazy("Escalated"), lambda g: g.get_escalation_display()),
        Column(
            "submitted_at", _lazy("Submitted"), lambda g: g.submitted_at, "submitted_at", "date"
        ),
        Column("verify_due", _lazy("Verify by"), lambda g: g.verify_due, "verify_due", "date"),
        Column("plan_due", _lazy("Agency plan due"), lambda g: g.plan_due, "plan_due", "date"),
    ),
    default_sort="-submitted_at",
    template="grievances/list.html",
)


@login_required
def grievance_list(request):
    """Every grievance the caller may see, filtered, sorted, paged or exported."""
    return list_page(request, GRIEVANCES)


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


def _form_action(request, pk, form_class, service, success):
    """The shape of every button on the grievance page: validate the posted form, call
    the service `service(grievance, user, data)`, turn a refusal into a message.
    `success` is the message to show, or `(grievance, result) -> response`."""
    grievance = _visible(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                f"{form.fields[field].label}: {' '.join(errors)}"
                if field in form.fields
                else " ".join(errors)
                for field, errors in form.errors.items()
            ),
        )
        return _done(request, grievance)
    try:
        result = service(grievance, request.user, form.cleaned_data)
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
        return _done(request, grievance)
    if callable(success):
        return success(grievance, result)
    return _done(request, grievance, success)


def _transition(grievance, user, data):
    engagement = None
    if data["engagement"]:
        engagement = Engagement.objects.visible_to(user).filter(pk=data["engagement"]).first()
    return triage.grievance_transition(
        grievance,
        by=user,
        to=data["to"],
        reason=data["reason"],
        agency=data["agency"],
        engagement=engagement,
    )


def grievance_moved(grievance) -> str:
    """What the staff member is told after moving a grievance, in plain words."""
    status = grievance.status
    if status == GrievanceStatus.REFERRED_TO_AGENCY and grievance.referred_agency:
        return _(
            "The grievance was referred to %(agency)s; they have until %(date)s to answer "
            "with an action plan."
        ) % {"agency": grievance.referred_agency, "date": day(grievance.plan_due)}
    if status == GrievanceStatus.REFERRED_TO_AUDIT and grievance.engagement:
        return _("The grievance was taken into the audit %(reference)s.") % {
            "reference": grievance.engagement.reference
        }
    if status == GrievanceStatus.UNDER_REVIEW:
        return _("Verification started; the complainant sees that their report is being checked.")
    if status == GrievanceStatus.DISMISSED:
        return _("The grievance was dismissed; the complainant sees your public reason.")
    if status == GrievanceStatus.RESOLVED:
        return _("The grievance is marked resolved; the complainant sees it on the tracking page.")
    return _("The grievance is now: %(status)s.") % {"status": grievance.get_status_display()}


@login_required
@require_POST
def grievance_transition(request, pk):
    def moved(grievance, updated):
        return _done(request, updated, grievance_moved(updated))

    return _form_action(request, pk, TransitionForm, _transition, moved)


@login_required
@require_POST
def grievance_update_add(request, pk):
    def post(grievance, user, data):
        return triage.grievance_update_post(grievance, by=user, text=data["text"])

    published = _(
        "Your update was published on the tracking page; the complainant is e-mailed if "
        "they left an address."
    )
    return _form_action(request, pk, TextForm, post, published)


@login_required
@require_POST
def grievance_note_add(request, pk):
    def add(grievance, user, data):
        return triage.grievance_note_add(grievance, by=user, text=data["text"])

    return _form_action(
        request, pk, TextForm, add, _("Your note was added; only the triage staff read it.")
    )


@login_required
@require_POST
def grievance_assign(request, pk):
    def assign(grievance, user, data):
        return triage.grievance_update(grievance, by=user, assigned_to=data["assigned_to"])

    def assigned(grievance, updated):
        if updated.assigned_to is None:
            return _done(request, updated, _("Nobody is assigned to the grievance now."))
        text = _("The grievance is assigned to %(person)s.") % {"person": updated.assigned_to}
        return _done(request, updated, text)

    return _form_action(request, pk, AssignForm, assign, assigned)


@login_required
@require_POST
def grievance_reveal(request, pk):
    """Shows an anonymous complainant's contact once, on this response; logged."""

    def reveal(grievance, user, data):
        return triage.grievance_reveal_contact(grievance, by=user, reason=data["reason"])

    def show(grievance, contact):
        context = {"grievance": grievance, "contact": contact}
        return render(request, "grievances/revealed.html", context)

    return _form_action(request, pk, RevealForm, reveal, show)


@login_required
@require_POST
def grievance_start_engagement(request, pk):
    def start(grievance, user, data):
        return triage.grievance_start_engagement(grievance, by=user, **data)

    def opened(grievance, engagement):
        messages.success(
            request,
            _("Engagement %(reference)s was started from the grievance.")
            % {"reference": engagement.reference},
        )
        return redirect("engagement-detail", engagement.pk)

    return _form_action(request, pk, StartEngagementForm, start, opened)


@login_required
def grievance_attachment(request, pk, attachment_pk):
    grievance = _visible(request, pk)
    return serve_attachment(get_object_or_404(grievance.attachments, pk=attachment_pk))
