"""The gate on leaving fieldwork: an engagement does not move to reporting while a
procedure is open, in progress or done but not reviewed, or a review note is unanswered
(409 listing them), unless a supervisor of the SAI overrides it with a reason (kept as
the move's change reason in the engagement's history)."""

from django.utils.translation import gettext as _

from audits import permissions as can
from audits.choices import EngagementStatus
from audits.exceptions import TransitionNotAllowed
from audits.workflows import MOVE_GUARDS
from programme.choices import UNFINISHED_STATUSES
from programme.models import Procedure, ReviewNote

GATED_MOVE = ("audits.engagement", EngagementStatus.FIELDWORK, EngagementStatus.REPORTING)


def programme_blockers(engagement) -> list[str]:
    """What keeps the engagement in fieldwork, one line each, in programme order."""
    procedures = Procedure.objects.filter(
        engagement=engagement, status__in=UNFINISHED_STATUSES
    ).order_by("number")
    lines = [
        f"{procedure.reference} ({procedure.get_status_display()})" for procedure in procedures
    ]
    notes = (
        ReviewNote.objects.filter(engagement=engagement)
        .unanswered()
        .select_related("procedure")
        .order_by("procedure__number", "pk")
    )
    lines += [
        _("%(reference)s: review note #%(pk)s unanswered")
        % {"reference": note.procedure.reference, "pk": note.pk}
        for note in notes
    ]
    return lines


def fieldwork_gate(engagement, *, user, reason: str) -> None:
    blockers = programme_blockers(engagement)
    if not blockers:
        return
    if user is not None and can.is_supervisor(user, engagement) and reason:
        return  # the override; its reason goes into the engagement's history
    raise TransitionNotAllowed(
        _(
            "Fieldwork is not finished: %(open)s. Complete and review these working papers, "
            "or a supervisor may override with a reason."
        )
        % {"open": "; ".join(blockers)}
    )


def register_fieldwork_gate() -> None:
    guards = MOVE_GUARDS.setdefault(GATED_MOVE, [])
    if fieldwork_gate not in guards:
        guards.append(fieldwork_gate)
