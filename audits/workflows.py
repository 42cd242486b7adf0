"""State machines as data: `{(from, to): Move}`. One function applies any move; the web
pages read the same tables to offer only the buttons that will work."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits import permissions as can
from audits.choices import (
    EngagementStatus as E,
)
from audits.choices import (
    FindingStatus as F,
)
from audits.choices import (
    RecommendationStatus as R,
)
from audits.choices import (
    SanctionKind,
)
from audits.choices import (
    SanctionStatus as S,
)
from audits.exceptions import NotPermitted, TransitionNotAllowed


@dataclass(frozen=True)
class Move:
    label: str
    allowed: Callable  # (user, obj) -> bool: who may make the move
    reason_required: bool = False
    # (obj, today) -> refusal message or None: conditions on the object itself (dates, kind)
    condition: Callable | None = None


Workflow = dict[tuple[str, str], Move]

# Checks another app adds to a move without this module knowing it, keyed by
# (model label, source, target): `guard(obj, user=, reason=)` raises a DomainError to refuse.
# The audit programme keeps an engagement in fieldwork while its work is open.
MOVE_GUARDS: dict[tuple[str, str, str], list[Callable]] = {}

ENGAGEMENT_WORKFLOW: Workflow = {
    (E.PLANNING, E.FIELDWORK): Move(_("Start fieldwork"), can.is_team_leader_or_supervisor),
    (E.FIELDWORK, E.REPORTING): Move(_("Start reporting"), can.is_team_leader_or_supervisor),
    (E.REPORTING, E.FIELDWORK): Move(
        _("Reopen fieldwork"), can.is_team_leader_or_supervisor, reason_required=True
    ),
    (E.REPORTING, E.FOLLOW_UP): Move(_("Start follow-up"), can.is_team_leader_or_supervisor),
    (E.FOLLOW_UP, E.CLOSED): Move(_("Close engagement"), can.is_team_leader_or_supervisor),
}


def _finding_complete(finding, today):
    """Condition, criteria, cause and effect written, and at least one recommendation."""
    missing = finding.missing_for_issue()
    if missing:
        return _("The finding is not complete. Missing: %(missing)s.") % {
            "missing": ", ".join(missing)
        }
    return None


def _engagement_under_way(finding, today):
    if finding.engagement.status == E.PLANNING:
        return _("A finding cannot be issued while its engagement is still in planning.")
    return _finding_complete(finding, today)


def _finding_issued(recommendation, today):
    if recommendation.finding.status not in (F.ISSUED, F.CLOSED):
        return _("A recommendation's status is tracked once its finding has been issued.")
    return None


FINDING_WORKFLOW: Workflow = {
    (F.DRAFT, F.FOR_REVIEW): Move(
        _("Submit for review"), can.is_team_leader, condition=_finding_complete
    ),
    (F.FOR_REVIEW, F.DRAFT): Move(_("Return to draft"), can.is_supervisor, reason_required=True),
    (F.FOR_REVIEW, F.ISSUED): Move(
        _("Issue to the agency"), can.is_supervisor, condition=_engagement_under_way
    ),
    (F.ISSUED, F.CLOSED): Move(
        _("Close finding"), can.is_team_leader_or_supervisor, reason_required=True
    ),
}

RECOMMENDATION_WORKFLOW: Workflow = {
    (source, target): Move(
        label, can.is_team_auditor, reason_required=True, condition=_finding_issued
    )
    for source in R.values
    for target, label in R.choices
    if source != target
}


def _is_suspension(sanction, today):
    if sanction.kind != SanctionKind.SUSPENSION:
        return _("Only a notice of suspension matures.")
    if sanction.settle_by and today <= sanction.settle_by:
        return _("A suspension matures only after its settlement period (%(date)s).") % {
            "date": sanction.settle_by
        }
    return None


def _appeal_open(sanction, today):
    if sanction.kind == SanctionKind.SUSPENSION:
        return _("A notice of suspension cannot be appealed; settle it instead.")
    if sanction.appeal_by and today > sanction.appeal_by:
        return _("The appeal period ended on %(date)s.") % {"date": sanction.appeal_by}
    return None


def _appeal_lapsed(sanction, today):
    if sanction.kind == SanctionKind.SUSPENSION:
        return _("A notice of suspension matures; it does not become final.")
    if sanction.appeal_by and today <= sanction.appeal_by:
        return _("The appeal period runs until %(date)s.") % {"date": sanction.appeal_by}
    return None


SANCTION_WORKFLOW: Workflow = {
    (S.ISSUED, S.SETTLED): Move(_("Record settlement"), can.is_team_auditor_or_supervisor),
    (S.ISSUED, S.APPEALED): Move(
        _("Appeal"), can.is_auditee_respondent, reason_required=True, condition=_appeal_open
    ),
    (S.ISSUED, S.MATURED): Move(
        _("Mature into a disallowance"),
        can.is_team_auditor_or_supervisor,
        condition=_is_suspension,
    ),
    (S.ISSUED, S.FINAL): Move(
        _("Declare final"), can.is_team_auditor_or_supervisor, condition=_appeal_lapsed
    ),
    # API.md: the agency makes `appealed`, team auditors and supervisors every other move
    # (they record the Director's decision on the appeal).
    (S.APPEALED, S.APPEAL_GRANTED): Move(
        _("Grant the appeal"), can.is_team_auditor_or_supervisor, reason_required=True
    ),
    (S.APPEALED, S.FINAL): Move(
        _("Deny the appeal"), can.is_team_auditor_or_supervisor, reason_required=True
    ),
    (S.FINAL, S.EXECUTION_ORDERED): Move(
        _("Order execution"), can.is_team_auditor_or_supervisor, reason_required=True
    ),
    (S.FINAL, S.SETTLED): Move(_("Record settlement"), can.is_team_auditor_or_supervisor),
    (S.EXECUTION_ORDERED, S.SETTLED): Move(
        _("Record settlement"), can.is_team_auditor_or_supervisor
    ),
}


def available_moves(workflow: Workflow, obj, user) -> list[tuple[str, Move]]:
    """The moves this user may make now: what the UI offers as buttons."""
    today = timezone.localdate()
    return [
        (target, move)
        for (source, target), move in workflow.items()
        if source == obj.status
        and move.allowed(user, obj)
        and (move.condition is None or move.condition(obj, today) is None)
    ]


def apply_transition(
    obj,
    *,
    workflow: Workflow,
    to: str,
    user,
    reason: str = "",
    before_save: Callable | None = None,
    today=None,
):
    """Lock the row, look the move up (409 if absent), check the role (403) and the
    object's own conditions (409), then save with the reason in history.

    `user=None` is the system (the daily scheduler) and skips the role check.
    `before_save(obj, source, user, reason)` sets fields that come with the move.
    `today` (default: the local date) is what date conditions compare against, so the
    scheduler can run for a given day.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        source = locked.status
        move = workflow.get((source, to))
        if move is None:
            raise TransitionNotAllowed(
                _("Cannot change status from %(source)s to %(target)s.")
                % {"source": source, "target": to}
            )
        if user is not None and not move.allowed(user, locked):
            raise NotPermitted(_("Your role may not make this change of status."))
        if move.condition is not None:
            refusal = move.condition(locked, today or timezone.localdate())
            if refusal:
                raise TransitionNotAllowed(refusal)
        if move.reason_required and not reason:
            raise ValidationError({"reason": [_("A reason is required for this change.")]})
        for guard in MOVE_GUARDS.get((locked._meta.label_lower, source, to), ()):
            guard(locked, user=user, reason=reason)
        locked.status = to
        if before_save is not None:
            before_save(locked, source, user, reason)
        locked._change_reason = reason or f"{source} → {to}"
        if user is not None:
            locked._history_user = user
        locked.save()
    return locked
