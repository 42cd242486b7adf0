"""The procedure's state machine, as data; `audits.workflows.apply_transition` applies it.

    open → in_progress → done → reviewed
    done → in_progress       (a reviewer returns it, or posts a review note)
    reviewed → in_progress   (the team leader or a supervisor reopens it)

`done` is the preparer's sign-off (`prepared_by`/`prepared_at`), `reviewed` the
reviewer's (`reviewed_by`/`reviewed_at`). A move back to `in_progress` clears both; the
history keeps who signed and when. Two moves are side effects of an edit, not buttons:
recording work on an open paper starts it, and changing a signed-off paper reopens it
(`REOPENED_BY_CHANGE`), in `programme.services.procedures.procedure_update`."""

from django.utils.translation import gettext_lazy as _

from audits.workflows import Move, Workflow
from programme import permissions as may
from programme.choices import ProcedureStatus as P


def _work_under_way(procedure, today):
    if procedure.engagement.status not in may.WORK_STATUSES:
        return _("Procedures are worked on during fieldwork; this engagement is in %(s)s.") % {
            "s": procedure.engagement.get_status_display()
        }
    return None


def _unanswered_notes(procedure):
    return procedure.review_notes.filter(answered_at__isnull=True).count()


def _ready_for_review(procedure, today):
    refusal = _work_under_way(procedure, today)
    if refusal:
        return refusal
    if not procedure.observations.strip():
        return _("Record what was observed before marking the procedure done.")
    if _unanswered_notes(procedure):
        return _("Answer the open review notes before marking the procedure done.")
    return None


def _notes_answered(procedure, today):
    count = _unanswered_notes(procedure)
    if count:
        return _("%(n)d review note(s) are still unanswered.") % {"n": count}
    return None


PROCEDURE_WORKFLOW: Workflow = {
    (P.OPEN, P.IN_PROGRESS): Move(_("Start"), may.may_work, condition=_work_under_way),
    (P.IN_PROGRESS, P.DONE): Move(
        _("Mark done (sign off as prepared)"), may.may_work, condition=_ready_for_review
    ),
    (P.DONE, P.REVIEWED): Move(
        _("Sign off as reviewed"), may.may_review, condition=_notes_answered
    ),
    (P.DONE, P.IN_PROGRESS): Move(
        _("Return to the preparer"),
        may.may_review,
        reason_required=True,
        condition=_work_under_way,
    ),
    (P.REVIEWED, P.IN_PROGRESS): Move(
        _("Reopen"), may.may_plan, reason_required=True, condition=_work_under_way
    ),
}

# An edit of a signed-off paper (its plan or its work, not the findings citing it)
# sends it back to work.
REOPENED_BY_CHANGE = {P.DONE: P.IN_PROGRESS, P.REVIEWED: P.IN_PROGRESS}
STARTED_BY_WORK = {P.OPEN: P.IN_PROGRESS}
