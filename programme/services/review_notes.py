"""Review notes: the reviewer's questions on a working paper and the preparer's answers.

- The team leader or a supervisor writes them, never on a paper they prepared.
- A note on an open paper is refused (nothing to review yet); a note on a paper signed
  off (done or reviewed) sends it back to `in_progress`, sign-offs cleared.
- The preparer (an assignee, or the team leader) answers once; notes and answers are
  never edited afterwards. A paper is not marked done or reviewed while a note is open.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.exceptions import Conflict, NotPermitted
from audits.services.common import save_tracked
from programme import permissions as may
from programme.choices import PREPARED_STATUSES, ProcedureStatus
from programme.models import Procedure, ReviewNote
from programme.services.procedures import return_for_rework


@transaction.atomic
def review_note_create(*, by, procedure: Procedure, body: str) -> ReviewNote:
    procedure = (
        Procedure.objects.select_for_update().select_related("engagement").get(pk=procedure.pk)
    )
    if not may.is_reviewer(by, procedure):
        raise NotPermitted(_("Only the team leader or a supervisor reviews working papers."))
    if procedure.prepared_by_id == by.pk:
        raise NotPermitted(_("You prepared this working paper: someone else must review it."))
    if procedure.status == ProcedureStatus.OPEN:
        raise Conflict(_("Nothing to review yet: work on this procedure has not started."))
    if procedure.engagement.status not in may.WORK_STATUSES:
        raise Conflict(
            _("Working papers are reviewed during fieldwork or reporting, not in %(s)s.")
            % {"s": procedure.engagement.get_status_display()}
        )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the note.")]})
    note = ReviewNote(procedure=procedure, engagement=procedure.engagement, body=body, author=by)
    save_tracked(note, by=by, reason=_("Review note written"))
    if procedure.status in PREPARED_STATUSES:
        return_for_rework(
            procedure, by=by, reason=_("Review note: %(body)s") % {"body": body[:200]}
        )
    return note


@transaction.atomic
def review_note_answer(note: ReviewNote, *, by, response: str) -> ReviewNote:
    note = (
        ReviewNote.objects.select_for_update()
        .select_related("procedure", "procedure__engagement")
        .get(pk=note.pk)
    )
    if not may.may_answer(by, note):
        raise NotPermitted(
            _("The procedure's assignees or the team leader answer a review note, not its author.")
        )
    if note.is_answered:
        raise Conflict(_("This review note has already been answered."))
    if note.procedure.engagement.status not in may.WORK_STATUSES:
        raise Conflict(_("Review notes are answered during fieldwork or reporting."))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": [_("Write the answer.")]})
    note.response = response
    note.answered_by = by
    note.answered_at = timezone.now()
    return save_tracked(note, by=by, reason=_("Answered"))
