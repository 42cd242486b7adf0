"""Findings (audit observations), their recommendations and the replies to them.

Decisions worth knowing:
- Team members (citizen auditors included) draft findings while the engagement is in
  planning, fieldwork or reporting; a follow-up or closed engagement takes no new finding.
- Drafts and findings for review: any team member edits them. Once issued, only the team
  leader or a supervisor edits, and only with a `change_reason`. A closed finding is frozen.
- Issuing stamps `issued_on` (today) and `response_due` (issued_on + the SAI's reply period,
  else settings.FINDING_REPLY_DAYS). Two supervisors issuing at once: the row lock in
  `apply_transition` makes the second see `issued` and get a 409.
- An issued finding with no management comment posted by the end of `response_due` is
  deemed accepted the day after (`deemed_accepted_on = response_due + 1`); a late comment
  does not undo it. The daily job calls `finding_mark_lapsed_replies`.
- Reiteration (carry-over) creates a new draft finding "Reiterated: <title>" in the target
  engagement holding a copy of the recommendation with `reiterated_from` set. Evidence is
  not copied: it belongs to the closed engagement and stays reachable through the link.
- Responses are posted only on issued findings (409 otherwise) and never edited.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import permissions as can
from audits.choices import (
    AGENCY_RESPONSE_KINDS,
    EngagementStatus,
    FindingStatus,
    RecommendationStatus,
    ResponseKind,
)
from audits.deadlines import add_days
from audits.exceptions import Conflict, NotPermitted
from audits.models import (
    Engagement,
    Evidence,
    Finding,
    PublishedEvidence,
    Recommendation,
    Response,
    ResponseAttachment,
)
from audits.models.files import evidence_storage
from audits.querysets import PUBLISHED_FINDING_STATUSES
from audits.services.common import assign_fields, save_tracked, save_tracked_in_bulk
from audits.services.files import discard_stored, store_upload
from audits.workflows import FINDING_WORKFLOW, RECOMMENDATION_WORKFLOW, apply_transition

FINDING_FIELDS = {
    "reference",
    "title",
    "condition",
    "criteria",
    "cause",
    "effect",
    "severity",
    "amount",
}
RECOMMENDATION_FIELDS = {"text", "target_date"}
DRAFTING_ENGAGEMENT_STATUSES = {
    EngagementStatus.PLANNING,
    EngagementStatus.FIELDWORK,
    EngagementStatus.REPORTING,
}
TEAM_EDITABLE_STATUSES = {FindingStatus.DRAFT, FindingStatus.FOR_REVIEW}
# Recommendations are carried over unless they reached one of these.
SETTLED_RECOMMENDATION_STATUSES = {
    RecommendationStatus.IMPLEMENTED,
    RecommendationStatus.NOT_APPLICABLE,
}
# A reason is a sentence or two for the record (the history column itself is text).
REASON_MAX_LENGTH = 2000
REFERENCE_PREFIX = "AOM"


# --- shared checks -----------------------------------------------------------------------


def _checked_reason(reason: str, *, field: str, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({field: [_("Give a reason: this finding has been issued.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: [_("Keep the reason to %(n)d characters.") % {"n": REASON_MAX_LENGTH}]}
        )
    return reason


def _check_may_edit(finding: Finding, *, by) -> bool:
    """Who may change a finding (or its recommendations) now. True: it has been issued,
    so a change needs a reason."""
    issued = finding.status not in TEAM_EDITABLE_STATUSES
    if not issued and not can.is_team_member(by, finding):
        raise NotPermitted(_("Only members of the audit team edit a draft finding."))
    if issued and not can.is_team_leader_or_supervisor(by, finding):
        raise NotPermitted(_("Once issued, only the team leader or a supervisor edits it."))
    if finding.engagement.status == EngagementStatus.CLOSED:
        raise Conflict(_("The engagement is closed; its findings cannot change."))
    if finding.status == FindingStatus.CLOSED:
        raise Conflict(_("A closed finding cannot be changed."))
    return issued


def _evidence_ids(engagement: Engagement, evidence) -> list[int]:
    """Evidence given as ids or objects; all must belong to the finding's engagement."""
    try:
        ids = sorted({int(getattr(item, "pk", item)) for item in evidence or ()})
    except (TypeError, ValueError) as error:
        raise ValidationError({"evidence": [_("Evidence is a list of ids.")]}) from error
    found = set(
        Evidence.objects.filter(pk__in=ids, engagement=engagement).values_list("pk", flat=True)
    )
    if found != set(ids):
        raise ValidationError(
            {"evidence": [_("Evidence must belong to the finding's engagement.")]}
        )
    return ids


def _set_evidence(finding: Finding, ids: list[int]) -> None:
    """Replace the linked evidence without a history row per m2m signal: the caller's save
    right after records one version that carries the new links."""
    finding.skip_history_when_saving = True
    try:
        finding.evidence.set(ids)
    finally:
        del finding.skip_history_when_saving


def index_published_evidence(finding: Finding) -> None:
    """Once a finding is issued, its evidence is in the published file: list it in
    PublishedEvidence (a superset, never pruned: see the model)."""
    if finding.status not in PUBLISHED_FINDING_STATUSES:
        return
    rows = finding.evidence.values_list("pk", "submitted_at")
    PublishedEvidence.objects.bulk_create(
        [PublishedEvidence(evidence_id=pk, submitted_at=at) for pk, at in rows],
        ignore_conflicts=True,
    )


def next_finding_reference(engagement: Engagement) -> str:
    year = timezone.localdate().year
    number = engagement.findings.count() + 1
    while True:
        reference = f"{REFERENCE_PREFIX}-{year}-{number:03d}"
        if not engagement.findings.filter(reference=reference).exists():
            return reference
        number += 1


def reply_period_days(engagement: Engagement) -> int:
    return engagement.sai.reply_period_days or settings.FINDING_REPLY_DAYS


# --- findings ------------------------------------------------------------------------------


@transaction.atomic
def finding_create(*, by, engagement: Engagement, **fields) -> Finding:
    # The lock serialises reference numbering between two people drafting at once.
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if not can.is_team_member(by, engagement):
        raise NotPermitted(_("Only members of the audit team draft findings."))
    if engagement.status not in DRAFTING_ENGAGEMENT_STATUSES:
        raise Conflict(
            _("Findings are drafted during planning, fieldwork or reporting, not in %(s)s.")
            % {"s": engagement.get_status_display()}
        )
    evidence = fields.pop("evidence", None)
    finding = Finding(engagement=engagement, created_by=by)
    assign_fields(finding, fields, FINDING_FIELDS)
    if not finding.reference:
        finding.reference = next_finding_reference(engagement)
    ids = _evidence_ids(engagement, evidence) if evidence else []
    save_tracked(finding, by=by, reason=_("Finding drafted"))
    if ids:
        _set_evidence(finding, ids)
        save_tracked(finding, by=by, reason=_("Evidence linked"))
    return finding


@transaction.atomic
def finding_update(finding: Finding, *, by, change_reason: str = "", **fields) -> Finding:
    finding = Finding.objects.select_for_update().select_related("engagement").get(pk=finding.pk)
    issued = _check_may_edit(finding, by=by)
    changed = assign_fields(finding, fields, FINDING_FIELDS)
    if "evidence" in fields:
        ids = _evidence_ids(finding.engagement, fields["evidence"])
        if ids != sorted(finding.evidence.values_list("pk", flat=True)):
            changed.append("evidence")
    if not changed:
        return finding
    reason = _checked_reason(change_reason, field="change_reason", required=issued)
    if "amount" in changed:
        _check_amount_covers_notices(finding)
    if "evidence" in changed:
        _set_evidence(finding, ids)
        index_published_evidence(finding)
    reason = reason or _("Changed: %(fields)s") % {"fields": ", ".join(changed)}
    return save_tracked(finding, by=by, reason=reason[:REASON_MAX_LENGTH])


def _check_amount_covers_notices(finding: Finding) -> None:
    from audits.services.sanctions import amount_in_force

    finding.full_clean()  # the amount as a Decimal, or the field's own 400
    if finding.amount is None:
        return
    in_force = amount_in_force(finding)
    if finding.amount < in_force:
        raise ValidationError(
            {
                "amount": [
                    _("The notices in force on this finding already total %(total)s.")
                    % {"total": in_force}
                ]
            }
        )


def _with_the_move(finding: Finding, source: str, user, reason: str) -> None:
    """An issued finding gets its dates; a published one lists its evidence."""
    if finding.status == FindingStatus.ISSUED:
        finding.issued_on = timezone.localdate()
        finding.response_due = add_days(finding.issued_on, reply_period_days(finding.engagement))
    index_published_evidence(finding)


def finding_transition(finding: Finding, *, by, to: str, reason: str = "") -> Finding:
    reason = _checked_reason(reason, field="reason", required=False)
    return apply_transition(
        finding,
        workflow=FINDING_WORKFLOW,
        to=to,
        user=by,
        reason=reason,
        before_save=_with_the_move,
    )


@transaction.atomic
def finding_mark_lapsed_replies(*, today: datetime.date) -> list[Finding]:
    """Deem accepted every issued finding whose reply period ended before `today` with no
    management comment posted by then. Running it twice marks nothing twice."""
    comment_in_time = Response.objects.filter(
        finding=OuterRef("pk"),
        kind=ResponseKind.MANAGEMENT_COMMENT,
        created_at__date__lte=OuterRef("response_due"),
    )
    lapsed = list(
        Finding.objects.select_for_update()
        .filter(
            status=FindingStatus.ISSUED, response_due__lt=today, deemed_accepted_on__isnull=True
        )
        .exclude(Exists(comment_in_time))
        .order_by("pk")
    )
    now = timezone.now()
    for finding in lapsed:  # locked: a comment posted meanwhile waits for this run
        finding.deemed_accepted_on = add_days(finding.response_due, 1)
        finding.updated_at = now
        finding.full_clean(
            exclude=["engagement", "created_by", "evidence"],
            validate_unique=False,
            validate_constraints=False,
        )
        finding._change_reason = _("No reply by %(date)s: deemed accepted") % {
            "date": finding.response_due
        }
    save_tracked_in_bulk(lapsed, fields=["deemed_accepted_on", "updated_at"])
    return lapsed


# --- recommendations -----------------------------------------------------------------------


def _locked_finding(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("engagement").get(pk=finding.pk)


@transaction.atomic
def recommendation_create(*, by, finding: Finding, text: str, target_date=None) -> Recommendation:
    finding = _locked_finding(finding)
    issued = _check_may_edit(finding, by=by)
    recommendation = Recommendation(
        finding=finding, engagement=finding.engagement, text=text, target_date=target_date
    )
    reason = _("Recommendation added after issue") if issued else _("Recommendation added")
    return save_tracked(recommendation, by=by, reason=reason)


@transaction.atomic
def recommendation_update(
    recommendation: Recommendation, *, by, change_reason: str = "", **fields
) -> Recommendation:
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    finding = _locked_finding(recommendation.finding)
    issued = _check_may_edit(finding, by=by)
    changed = assign_fields(recommendation, fields, RECOMMENDATION_FIELDS)
    if not changed:
        return recommendation
    reason = _checked_reason(change_reason, field="change_reason", required=issued)
    reason = reason or _("Changed: %(fields)s") % {"fields": ", ".join(changed)}
    return save_tracked(recommendation, by=by, reason=reason[:REASON_MAX_LENGTH])


def recommendation_transition(
    recommendation: Recommendation, *, by, to: str, reason: str = ""
) -> Recommendation:
    reason = _checked_reason(reason, field="reason", required=False)
    return apply_transition(
        recommendation, workflow=RECOMMENDATION_WORKFLOW, to=to, user=by, reason=reason
    )


def _check_reiteration_target(recommendation: Recommendation, into: Engagement) -> None:
    source = recommendation.engagement
    if into.pk == source.pk or not (
        into.follow_up_of_id == source.pk or into.auditee_id == source.auditee_id
    ):
        raise ValidationError(
            {
                "engagement": [
                    _(
                        "Reiterate into a follow-up of this engagement or another open "
                        "engagement of the same auditee."
                    )
                ]
            }
        )
    if into.status not in DRAFTING_ENGAGEMENT_STATUSES:
        raise Conflict(_("The target engagement no longer takes new findings."))


@transaction.atomic
def recommendation_reiterate(
    recommendation: Recommendation, *, by, into_engagement: Engagement
) -> Recommendation:
    recommendation = (
        Recommendation.objects.select_for_update()
        .select_related("finding", "engagement")
        .get(pk=recommendation.pk)
    )
    into = Engagement.objects.select_for_update().get(pk=into_engagement.pk)
    if not can.is_team_auditor_or_supervisor(by, into):
        raise NotPermitted(_("Only the auditors of the target team carry recommendations over."))
    if recommendation.engagement.status != EngagementStatus.CLOSED:
        raise Conflict(_("Recommendations are carried over once their engagement is closed."))
    if recommendation.status in SETTLED_RECOMMENDATION_STATUSES:
        raise Conflict(_("Only a recommendation not fully implemented is reiterated."))
    _check_reiteration_target(recommendation, into)
    if recommendation.reiterations.filter(engagement=into).exists():
        raise Conflict(_("This recommendation was already reiterated into that engagement."))
    original = recommendation.finding
    title = _("Reiterated: %(title)s") % {"title": original.title}
    finding = Finding(
        engagement=into,
        created_by=by,
        reference=next_finding_reference(into),
        title=title[: Finding._meta.get_field("title").max_length],
        condition=original.condition,
        criteria=original.criteria,
        cause=original.cause,
        effect=original.effect,
        severity=original.severity,
        amount=original.amount,
    )
    reason = _("Reiterated from %(reference)s") % {"reference": original.reference}
    save_tracked(finding, by=by, reason=reason[:REASON_MAX_LENGTH])
    copy = Recommendation(
        finding=finding,
        engagement=into,
        text=recommendation.text,
        reiterated_from=recommendation,
    )
    return save_tracked(copy, by=by, reason=reason[:REASON_MAX_LENGTH])


# --- responses -----------------------------------------------------------------------------


def _check_may_respond(finding: Finding, *, by, kind: str) -> None:
    if kind in AGENCY_RESPONSE_KINDS:
        if not can.is_auditee_respondent(by, finding):
            raise NotPermitted(_("Only respondents of the audited agency post this reply."))
    elif kind == ResponseKind.AUDITOR_REJOINDER:
        if not can.is_team_auditor(by, finding):
            raise NotPermitted(_("Only the auditors of the team write a rejoinder."))
    else:
        raise ValidationError({"kind": [_("Unknown kind of response.")]})
    if finding.status != FindingStatus.ISSUED:
        raise Conflict(_("Replies are posted only on an issued finding."))


def _store_attachments(response: Response, uploads, *, storage, stored: list) -> None:
    for upload in uploads:
        info = store_upload(upload, storage=storage, folder="responses")
        stored.append(info.name)
        attachment = ResponseAttachment(
            response=response, engagement_id=response.engagement_id, **info.model_fields()
        )
        attachment.full_clean()
        attachment.save()


def response_create(
    *, by, finding: Finding, kind: str, body: str, recommendation=None, attachments=()
) -> Response:
    """Post a reply. A refused reply leaves no row and no file behind."""
    storage = evidence_storage()
    stored: list[str] = []
    try:
        with transaction.atomic():
            finding = Finding.objects.select_related("engagement").get(pk=finding.pk)
            _check_may_respond(finding, by=by, kind=kind)
            if recommendation is not None and recommendation.finding_id != finding.pk:
                raise ValidationError(
                    {"recommendation": [_("This recommendation belongs to another finding.")]}
                )
            response = Response(
                finding=finding,
                engagement=finding.engagement,
                recommendation=recommendation,
                kind=kind,
                body=body,
                author=by,
            )
            save_tracked(response, by=by, reason=_("Posted"))
            _store_attachments(response, attachments, storage=storage, stored=stored)
    except BaseException:
        discard_stored(storage, *stored)
        raise
    return response
