"""Triage: status moves, public updates (mailed to the complainant), internal notes,
assignment, the agency's action plan, revealing an anonymous complainant, and starting
an engagement from a grievance.

- Referral to an agency sets `plan_due` 5 working days after the day of referral; the
  agency's first public update (its action plan) stops that clock.
- Every move publishes one public update: a standard sentence, or the reason itself
  where the move publishes it (dismissal, resolution; see workflows.py).
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.choices import OrganizationKind, Role
from audits.exceptions import NotPermitted, TransitionNotAllowed
from audits.models import Engagement
from audits.services.common import assign_fields, save_tracked
from audits.services.engagements import engagement_create
from grievances import permissions as can
from grievances.choices import CLOSED_STATUSES, UpdateKind
from grievances.choices import GrievanceStatus as G
from grievances.models import (
    TEXT_MAX_LENGTH,
    TRIAGE_FIELDS,
    ContactReveal,
    Grievance,
    GrievanceContact,
    GrievanceNote,
    GrievanceUpdate,
)
from grievances.services.filing import refuse_null_characters
from grievances.workdays import working_calendar
from grievances.workflows import GRIEVANCE_WORKFLOW, apply_transition

logger = logging.getLogger(__name__)

PLAN_WORKING_DAYS = 5
ASSIGNABLE_ROLES = {Role.SAI_ADMIN, Role.SUPERVISOR, Role.AUDITOR}


def _checked_text(text, *, field: str, required: bool = True) -> str:
    refuse_null_characters(**{field: text})
    text = str(text or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field may not be blank.")]})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({field: [_("Keep it to %(n)d characters.") % {"n": TEXT_MAX_LENGTH}]})
    return text


def _locked(grievance: Grievance) -> Grievance:
    return Grievance.objects.select_for_update().get(pk=grievance.pk)


# --- public updates ------------------------------------------------------------------------


def _mail_complainant(update_pk: int) -> None:
    update = GrievanceUpdate.objects.select_related("grievance").get(pk=update_pk)
    contact = GrievanceContact.objects.filter(grievance_id=update.grievance_id).first()
    if contact is None or not contact.email:
        return
    grievance = update.grievance
    body = render_to_string(
        "grievances/email/update.txt", {"grievance": grievance, "update": update}
    )
    subject = _("Your report %(code)s: %(status)s") % {
        "code": grievance.grouped_code,
        "status": grievance.get_status_display(),
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [contact.email])
    except OSError:
        logger.exception("Could not mail the update of grievance %s", grievance.pk)


def _publish(grievance: Grievance, *, kind: str, text: str, by=None) -> GrievanceUpdate:
    update = GrievanceUpdate(
        grievance=grievance,
        kind=kind,
        status=grievance.status,
        text=text,
        author=by if getattr(by, "is_authenticated", False) else None,
    )
    update.full_clean()
    update.save()
    if grievance.first_public_update_at is None:
        grievance.first_public_update_at = update.created_at
        save_tracked(grievance, by=by, reason=_("First public update"))
    transaction.on_commit(lambda: _mail_complainant(update.pk))
    return update


def _status_text(grievance: Grievance, *, move, reason: str) -> str:
    if move.public_reason and reason:
        return reason
    if grievance.status == G.UNDER_REVIEW:
        return _("Your report was received and is being verified.")
    if grievance.status == G.REFERRED_TO_AGENCY:
        return _("Referred to %(agency)s, which has until %(date)s to answer with a plan.") % {
            "agency": grievance.referred_agency.name,
            "date": grievance.plan_due.isoformat(),
        }
    if grievance.status == G.REFERRED_TO_AUDIT:
        return _("Taken into the audit %(reference)s: %(title)s.") % {
            "reference": grievance.engagement.reference,
            "title": grievance.engagement.title,
        }
    return _("Status changed to: %(status)s.") % {"status": grievance.get_status_display()}


def grievance_transition(
    grievance: Grievance,
    *,
    by,
    to: str,
    reason: str = "",
    engagement=None,
    agency=None,
    today=None,
) -> Grievance:
    reason = _checked_text(reason, field="reason", required=False)
    today = today or timezone.localdate()

    seen = {}

    def before_save(locked, source, user, reason):
        seen["source"] = source
        if to == G.REFERRED_TO_AGENCY:
            target = agency or locked.agency
            if target is None:
                raise ValidationError({"agency": [_("Name the agency to refer it to.")]})
            if target.kind != OrganizationKind.AGENCY:
                raise ValidationError({"agency": [_("Refer it to a government agency.")]})
            locked.referred_agency = target
            locked.referred_on = today
            locked.plan_due = working_calendar(today).add_working_days(today, PLAN_WORKING_DAYS)
        if to == G.REFERRED_TO_AUDIT:
            if engagement is None:
                raise ValidationError({"engagement": [_("Name the engagement.")]})
            if user is not None and not (
                Engagement.objects.visible_to(user).filter(pk=engagement.pk).exists()
            ):
                raise ValidationError({"engagement": [_("Unknown engagement.")]})
            locked.engagement = engagement
        if source in (G.RECEIVED, G.UNDER_REVIEW) and to != G.UNDER_REVIEW:
            locked.escalation, locked.escalated_on = "", None  # verified: that clock stops
        if to in CLOSED_STATUSES:
            locked.closed_at = timezone.now()

    with transaction.atomic():
        updated = apply_transition(
            grievance,
            workflow=GRIEVANCE_WORKFLOW,
            to=to,
            user=by,
            reason=reason,
            before_save=before_save,
            today=today,
        )
        move = GRIEVANCE_WORKFLOW[(seen["source"], to)]
        text = _status_text(updated, move=move, reason=reason)
        _publish(updated, kind=UpdateKind.STATUS, text=text, by=by)
    return updated


def grievance_update_post(grievance: Grievance, *, by, text: str) -> GrievanceUpdate:
    """A public update from the triage staff, or the agency's action plan."""
    text = _checked_text(text, field="text")
    with transaction.atomic():
        grievance = _locked(grievance)
        if can.is_triager(by, grievance):
            kind = UpdateKind.STAFF
        elif can.may_answer_for_agency(by, grievance):
            kind = UpdateKind.ACTION_PLAN
        else:
            raise NotPermitted(_("Only the triage staff or the agency it was referred to post."))
        if grievance.status in CLOSED_STATUSES:
            raise TransitionNotAllowed(_("This grievance is closed."))
        if kind == UpdateKind.ACTION_PLAN and grievance.plan_received_at is None:
            grievance.plan_received_at = timezone.now()
            if grievance.escalation:
                grievance.escalation, grievance.escalated_on = "", None
            save_tracked(grievance, by=by, reason=_("Action plan received from the agency"))
        return _publish(grievance, kind=kind, text=text, by=by)


def grievance_note_add(grievance: Grievance, *, by, text: str) -> GrievanceNote:
    if not can.is_triager(by, grievance):
        raise NotPermitted(_("Only the triage staff keep internal notes."))
    note = GrievanceNote(grievance=grievance, author=by, text=_checked_text(text, field="text"))
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def grievance_update(grievance: Grievance, *, by, change_reason: str = "", **fields) -> Grievance:
    """Correct the category or the agency named, or assign it to a staff member."""
    if not can.is_triager(by, grievance):
        raise NotPermitted(_("Only the triage staff change a grievance."))
    grievance = _locked(grievance)
    assignee = fields.get("assigned_to")
    if assignee is not None and not (assignee.is_active and assignee.has_role(*ASSIGNABLE_ROLES)):
        raise ValidationError({"assigned_to": [_("Assign it to a member of the SAI staff.")]})
    agency = fields.get("agency")
    if agency is not None and agency.kind != OrganizationKind.AGENCY:
        raise ValidationError({"agency": [_("Choose a government agency.")]})
    category = fields.get("category")
    if category is not None and not category.active:
        raise ValidationError({"category": [_("Choose one of the categories offered.")]})
    changed = assign_fields(grievance, fields, set(TRIAGE_FIELDS))
    if not changed:
        return grievance
    reason = _checked_text(change_reason, field="change_reason", required=False)
    reason = reason or _("Changed: %(fields)s") % {"fields": ", ".join(changed)}
    return save_tracked(grievance, by=by, reason=reason)


def grievance_reveal_contact(grievance: Grievance, *, by, reason: str) -> GrievanceContact:
    """The SAI administrator reads an anonymous complainant's contact; logged with the
    reason. Returns the contact (empty if they left none)."""
    if not can.may_reveal_contact(by, grievance):
        raise NotPermitted(_("Only the SAI administrator may reveal a complainant."))
    reason = _checked_text(reason, field="reason")
    ContactReveal.objects.create(grievance=grievance, revealed_by=by, reason=reason)
    logger.warning("Contact of grievance %s revealed by %s: %s", grievance.pk, by.username, reason)
    return GrievanceContact.objects.filter(grievance=grievance).first() or GrievanceContact()


@transaction.atomic
def grievance_start_engagement(grievance: Grievance, *, by, **engagement_fields) -> Engagement:
    """Start an engagement from a grievance under review and take the grievance into it."""
    if not can.is_triager(by, grievance):
        raise NotPermitted(_("Only the triage staff take a grievance into an audit."))
    if grievance.status != G.UNDER_REVIEW:
        raise TransitionNotAllowed(_("Only a grievance under review is taken into an audit."))
    engagement = engagement_create(by=by, **engagement_fields)
    grievance_transition(
        grievance,
        by=by,
        to=G.REFERRED_TO_AUDIT,
        engagement=engagement,
        reason=_("Engagement started from this grievance"),
    )
    return engagement
