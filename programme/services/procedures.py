"""Procedures: planning them, doing the work, linking evidence and findings, moving them.

Decisions worth knowing:
- A procedure is numbered within its engagement (P-01, P-02, ...) under a lock on the
  engagement, so two people planning at once never get the same number.
- Assignees must be on the engagement's team (a citizen auditor whose accreditation
  lapsed cannot be assigned); evidence and findings must belong to the same engagement;
  the due date falls within the engagement's period. Refused input saves nothing.
- Recording work on an open paper starts it; changing the plan or the work of a
  signed-off paper reopens it (`in_progress`, sign-offs cleared, history kept). Citing a
  paper from a finding changes neither.
- Only an open procedure with no evidence, review notes or findings is removed; the
  removal stays in the history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.choices import EngagementStatus
from audits.exceptions import Conflict, NotPermitted
from audits.models import Engagement, EngagementMember, Evidence, Finding, User
from audits.services.common import assign_fields, save_tracked
from audits.services.evidence import evidence_file
from audits.workflows import apply_transition
from programme import permissions as may
from programme.choices import ProcedureStatus
from programme.models import Procedure
from programme.workflows import PROCEDURE_WORKFLOW, REOPENED_BY_CHANGE, STARTED_BY_WORK

REASON_MAX_LENGTH = 2000
M2M_FIELDS = {"assignees", "evidence", "findings"}
PLANNERS_ONLY = _("Only the team leader or a supervisor plans the programme.")


# --- shared checks -----------------------------------------------------------------------


def checked_reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: [_("Keep the reason to %(n)d characters.") % {"n": REASON_MAX_LENGTH}]}
        )
    return reason


def _check_planning(engagement: Engagement) -> None:
    if engagement.status not in may.PLANNING_STATUSES:
        raise Conflict(
            _("The programme is planned during planning or fieldwork; this engagement is in %(s)s.")
            % {"s": engagement.get_status_display()}
        )


def _check_open_engagement(engagement: Engagement) -> None:
    if engagement.status in (EngagementStatus.FOLLOW_UP, EngagementStatus.CLOSED):
        raise Conflict(
            _("The programme of an engagement in %(s)s no longer changes.")
            % {"s": engagement.get_status_display()}
        )


def _ids(values, field: str) -> list[int]:
    if isinstance(values, str | bytes | dict):
        raise ValidationError({field: [_("Give a list of ids.")]})
    try:
        return sorted({int(getattr(value, "pk", value)) for value in values or ()})
    except (TypeError, ValueError, OverflowError) as error:
        raise ValidationError({field: [_("Give a list of ids.")]}) from error


def _assignee_ids(engagement: Engagement, assignees) -> list[int]:
    ids = _ids(assignees, "assignees")
    on_team = set(
        EngagementMember.objects.filter(engagement=engagement, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if on_team != set(ids):
        raise ValidationError({"assignees": [_("Assign only members of this engagement's team.")]})
    lapsed = [
        str(user)
        for user in User.objects.filter(pk__in=ids).select_related("organization")
        if user.accreditation_lapsed
    ]
    if lapsed:
        raise ValidationError(
            {
                "assignees": [
                    _("The accreditation of %(names)s has lapsed.") % {"names": ", ".join(lapsed)}
                ]
            }
        )
    return ids


def _same_engagement_ids(model, field: str, message: str):
    def check(engagement: Engagement, values) -> list[int]:
        ids = _ids(values, field)
        found = model.objects.filter(pk__in=ids, engagement=engagement).values_list("pk", flat=True)
        if set(found) != set(ids):
            raise ValidationError({field: [message]})
        return ids

    return check


M2M_CHECKS = {
    "assignees": _assignee_ids,
    "evidence": _same_engagement_ids(
        Evidence, "evidence", _("Evidence must belong to the procedure's engagement.")
    ),
    "findings": _same_engagement_ids(
        Finding, "findings", _("A procedure supports findings of its own engagement only.")
    ),
}


def _set_m2m(procedure: Procedure, name: str, ids: list[int]) -> None:
    """Replace a many-to-many without a history row per signal: the save right after
    records one version that carries the new links."""
    procedure.skip_history_when_saving = True
    try:
        getattr(procedure, name).set(ids)
    finally:
        del procedure.skip_history_when_saving
    procedure.__dict__.pop("_assignee_ids", None)


def _clear_sign_offs(procedure: Procedure) -> None:
    procedure.prepared_by = procedure.prepared_at = None
    procedure.reviewed_by = procedure.reviewed_at = None


def _locked(procedure: Procedure) -> Procedure:
    return Procedure.objects.select_for_update().select_related("engagement").get(pk=procedure.pk)


def next_procedure_number(engagement: Engagement) -> int:
    return (engagement.procedures.aggregate(top=Max("number"))["top"] or 0) + 1


# --- planning ------------------------------------------------------------------------------


@transaction.atomic
def procedure_create(*, by, engagement: Engagement, **fields) -> Procedure:
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if not may.may_plan(by, engagement):
        raise NotPermitted(PLANNERS_ONLY)
    _check_planning(engagement)
    assignees = _assignee_ids(engagement, fields.pop("assignees", None) or [])
    procedure = Procedure(
        engagement=engagement, created_by=by, number=next_procedure_number(engagement)
    )
    assign_fields(procedure, fields, set(may.PLAN_FIELDS) - M2M_FIELDS)
    save_tracked(procedure, by=by, reason=_("Procedure planned"))
    if assignees:
        _set_m2m(procedure, "assignees", assignees)
        save_tracked(procedure, by=by, reason=_("Assigned"))
    return procedure


def _check_may_change(procedure: Procedure, *, by, changed: list[str]) -> None:
    engagement = procedure.engagement
    names = set(changed)
    if names & set(may.PLAN_FIELDS):
        if not may.may_plan(by, procedure):
            raise NotPermitted(PLANNERS_ONLY)
        _check_planning(engagement)
    if "observations" in names and not may.may_work(by, procedure):
        raise NotPermitted(_("Only the procedure's assignees and the team leader record its work."))
    if "evidence" in names and not may.may_link_evidence(by, procedure):
        raise NotPermitted(_("Only members of the audit team link evidence."))
    if names & set(may.WORK_FIELDS) and engagement.status not in may.WORK_STATUSES:
        raise Conflict(
            _("Work is recorded during fieldwork; this engagement is in %(s)s.")
            % {"s": engagement.get_status_display()}
        )
    if "findings" in names and not may.may_cite(by, procedure):
        raise NotPermitted(_("Only the team's auditors link findings to procedures."))


@transaction.atomic
def procedure_update(procedure: Procedure, *, by, change_reason: str = "", **fields) -> Procedure:
    procedure = _locked(procedure)
    change_reason = checked_reason(change_reason, field="change_reason")
    links = {name: fields.pop(name) for name in list(fields) if name in M2M_FIELDS}
    changed = assign_fields(procedure, fields, set(may.PROCEDURE_FIELDS) - M2M_FIELDS)
    new_links = {}
    for name, values in links.items():
        ids = M2M_CHECKS[name](procedure.engagement, values)
        if ids != sorted(getattr(procedure, name).values_list("pk", flat=True)):
            new_links[name] = ids
            changed.append(name)
    if not changed:
        return procedure
    _check_may_change(procedure, by=by, changed=changed)
    _check_open_engagement(procedure.engagement)
    listed = ", ".join(changed)
    content_changed = [name for name in changed if name not in may.CITATION_FIELDS]
    if content_changed and procedure.status in REOPENED_BY_CHANGE:
        procedure.status = REOPENED_BY_CHANGE[procedure.status]
        _clear_sign_offs(procedure)
        reason = _("Changed after sign-off, reopened: %(fields)s") % {"fields": listed}
    elif set(changed) & set(may.WORK_FIELDS) and procedure.status in STARTED_BY_WORK:
        procedure.status = STARTED_BY_WORK[procedure.status]
        reason = _("Work started: %(fields)s") % {"fields": listed}
    else:
        reason = _("Changed: %(fields)s") % {"fields": listed}
    if change_reason:
        reason = f"{reason} — {change_reason}"
    for name, ids in new_links.items():
        _set_m2m(procedure, name, ids)
    return save_tracked(procedure, by=by, reason=reason[:REASON_MAX_LENGTH])


@transaction.atomic
def procedure_delete(procedure: Procedure, *, by, reason: str = "") -> None:
    procedure = _locked(procedure)
    if not may.may_plan(by, procedure):
        raise NotPermitted(PLANNERS_ONLY)
    _check_planning(procedure.engagement)
    if (
        procedure.status != ProcedureStatus.OPEN
        or procedure.evidence.exists()
        or procedure.findings.exists()
        or procedure.review_notes.exists()
    ):
        raise Conflict(
            _(
                "Only an open procedure with no evidence, review notes or findings is removed; "
                "this one is part of the record."
            )
        )
    procedure._change_reason = checked_reason(reason) or _("Removed from the programme")
    procedure._history_user = by
    procedure.delete()


# --- work, evidence and moves --------------------------------------------------------------


def _stamp_sign_off(procedure: Procedure, source: str, user, reason: str) -> None:
    now = timezone.now()
    if procedure.status == ProcedureStatus.DONE:
        procedure.prepared_by, procedure.prepared_at = user, now
    elif procedure.status == ProcedureStatus.REVIEWED:
        procedure.reviewed_by, procedure.reviewed_at = user, now
    elif procedure.status == ProcedureStatus.IN_PROGRESS:
        _clear_sign_offs(procedure)


def procedure_transition(procedure: Procedure, *, by, to: str, reason: str = "") -> Procedure:
    reason = checked_reason(reason)
    if (
        to == ProcedureStatus.REVIEWED
        and by is not None
        and procedure.prepared_by_id == by.pk
        and may.is_reviewer(by, procedure)
    ):
        raise NotPermitted(
            _("You prepared this working paper: someone else must sign it off as reviewed.")
        )
    return apply_transition(
        procedure,
        workflow=PROCEDURE_WORKFLOW,
        to=to,
        user=by,
        reason=reason,
        before_save=_stamp_sign_off,
    )


def return_for_rework(procedure: Procedure, *, by, reason: str) -> Procedure:
    """A review note on a signed-off paper sends it back to its preparer."""
    return apply_transition(
        procedure,
        workflow=PROCEDURE_WORKFLOW,
        to=ProcedureStatus.IN_PROGRESS,
        user=by,
        reason=reason[:REASON_MAX_LENGTH],
        before_save=_stamp_sign_off,
    )


@transaction.atomic
def procedure_link_evidence(procedure: Procedure, *, by, evidence: Evidence) -> Procedure:
    """Add one item to the paper's evidence (a second call with the same item does nothing)."""
    linked = list(procedure.evidence.values_list("pk", flat=True))
    if evidence.pk in linked:
        return procedure
    return procedure_update(
        procedure,
        by=by,
        evidence=[*linked, evidence.pk],
        change_reason=_("evidence #%(pk)s filed against it") % {"pk": evidence.pk},
    )


def check_filing_against(procedure: Procedure, *, by, engagement: Engagement) -> None:
    if procedure.engagement_id != engagement.pk:
        raise ValidationError({"procedure": [_("This procedure belongs to another engagement.")]})
    if not may.may_link_evidence(by, procedure):
        raise NotPermitted(_("Only members of the audit team file evidence against a procedure."))


def procedure_file_evidence(*, by, procedure: Procedure, engagement: Engagement, **fields):
    """File an item through the evidence pipeline and link it to the procedure. Everything
    about the procedure is checked before the file is stored; a retried upload (same
    `client_reference`) returns the first item, linked once."""
    check_filing_against(procedure, by=by, engagement=engagement)
    evidence = evidence_file(by=by, engagement=engagement, **fields)
    procedure_link_evidence(procedure, by=by, evidence=evidence)
    return evidence


@transaction.atomic
def finding_cite_procedures(*, by, finding: Finding, procedures) -> list[Procedure]:
    """Make `procedures` exactly the working papers a finding rests on (each change is a
    version of the procedure it touches)."""
    wanted = {procedure.pk for procedure in procedures}
    engagement_procedures = Procedure.objects.filter(engagement_id=finding.engagement_id)
    if wanted - set(engagement_procedures.values_list("pk", flat=True)):
        raise ValidationError(
            {"procedures": [_("A finding rests on procedures of its own engagement only.")]}
        )
    touched = []
    current = set(engagement_procedures.filter(findings=finding).values_list("pk", flat=True))
    for procedure in engagement_procedures.filter(pk__in=wanted ^ current).order_by("number"):
        findings = set(procedure.findings.values_list("pk", flat=True)) ^ {finding.pk}
        touched.append(procedure_update(procedure, by=by, findings=sorted(findings)))
    return touched
