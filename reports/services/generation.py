"""Requesting, generating, approving and verifying reports.

Decisions worth knowing:
- `report_request` answers at once: the Report row is `queued` and the job is handed to
  the runner when the transaction commits (`reports.jobs`).
- The job builds the data (`reports.selectors`), hashes it (`content_sha256`), renders a
  draft (DRAFT on every page) and stores it. Progress 0–100 and a heartbeat are saved as
  it goes, without a history row; status changes go through `JOB_WORKFLOW` and are kept.
- Approval renders the final version once, from the data again, and only if that data
  still hashes to the draft's `content_sha256` (else 409: generate a new version). The
  final file has no watermark and carries the verification address as a QR code on its
  last page; its SHA-256 is what `/verify/` accepts. The draft file stays as it was
  (`draft_sha256`); no stored file is ever rewritten.
- A job that stops beating for REPORTS_JOB_TIMEOUT seconds (its worker died) is marked
  `failed` on the next read or by the daily run.
"""

import datetime
import hashlib
import json
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.exceptions import Conflict, NotPermitted
from audits.models import Engagement, Finding, Organization, Sanction
from audits.models.files import evidence_storage
from audits.querysets import PUBLISHED_FINDING_STATUSES
from audits.services.common import save_tracked
from audits.workflows import apply_transition
from reports import jobs, selectors
from reports import permissions as can
from reports.choices import KIND_SUBJECTS, ReportKind, ReportStatus
from reports.models import Report, ReportBranding
from reports.rendering.documents import render
from reports.workflows import JOB_WORKFLOW

logger = logging.getLogger(__name__)

PROGRESS_SAVE_STEP = 5  # percent between two progress writes
FAILURE_REASON_MAX = 2000
SUBJECT_MODELS = {
    "engagement": Engagement,
    "agency": Organization,
    "finding": Finding,
    "sanction": Sanction,
}


# --- request -------------------------------------------------------------------------------


def check_subject(kind: str, subjects: dict):
    """`subjects` maps field name -> object (already resolved among what the caller may
    see). Returns (field, object); a missing or extra subject is a 400 naming the field."""
    if kind not in KIND_SUBJECTS:
        raise ValidationError({"kind": [_("Unknown kind of report: %(kind)s.") % {"kind": kind}]})
    given = {name for name, value in subjects.items() if value is not None}
    allowed = KIND_SUBJECTS[ReportKind(kind)]
    if len(given) != 1 or not given <= allowed:
        names = " or ".join(f"`{name}`" for name in sorted(allowed))
        field = next(iter(sorted(given - allowed)), sorted(allowed)[0])
        raise ValidationError(
            {
                field: [
                    _("A report of kind %(kind)s names exactly one %(names)s.")
                    % {"kind": kind, "names": names}
                ]
            }
        )
    name = given.pop()
    return name, subjects[name]


def _scope(field: str, subject) -> dict:
    if field == "engagement":
        return {"engagement": subject}
    if field == "agency":
        return {"agency": subject}
    if field == "finding":
        return {"finding": subject, "engagement": subject.engagement}
    return {"sanction": subject, "engagement": subject.engagement, "finding": subject.finding}


@transaction.atomic
def report_request(*, by, kind: str, **subjects) -> Report:
    field, subject = check_subject(kind, subjects)
    if field == "agency" and subject.kind != "agency":
        raise ValidationError({"agency": [_("A recommendation status report is about an agency.")]})
    if not can.may_request(by, kind, field, subject):
        raise NotPermitted(_("Your role may not generate this report."))
    if field in {"finding", "sanction"}:
        finding = subject if field == "finding" else subject.finding
        if finding.status not in PUBLISHED_FINDING_STATUSES:
            raise Conflict(_("A document is served once its finding has been issued."))
    scope = _scope(field, subject)
    # The lock on the subject's row numbers versions one at a time.
    type(subject)._default_manager.select_for_update().filter(pk=subject.pk).first()
    same = Report.objects.filter(kind=kind, **{field: subject})
    version = (same.aggregate(last=Max("version"))["last"] or 0) + 1
    report = Report(kind=kind, version=version, requested_by=by, **scope)
    save_tracked(report, by=by, reason=_("Requested"))
    jobs.enqueue(report.pk)
    return report


# --- the job -------------------------------------------------------------------------------


def branding_for(sai_id) -> dict:
    branding = ReportBranding.objects.filter(sai_id=sai_id).first() if sai_id else None
    if branding is None:
        return {"logo": None, "signatory_title": ""}
    return {
        "logo": f"default:{branding.logo.name}" if branding.logo else None,
        "signatory_title": branding.signatory_title,
    }


def open_image(name: str) -> bytes:
    """Pictures named in report data: `default:<name>` (a logo) or an evidence file."""
    storage_name, _sep, path = name.partition(":")
    storage = default_storage if storage_name == "default" and path else evidence_storage()
    with storage.open(path if path else name, "rb") as handle:
        return handle.read()


def build_data(report: Report, *, progress=None) -> dict:
    """The report's content as plain data, read from the audit file now."""
    report_date = timezone.localtime(report.requested_at).date()
    engagement = report.engagement
    sai_id = (
        engagement.sai_id if engagement else getattr(report.requested_by, "organization_id", None)
    )
    common = {"report_date": report_date, "branding": branding_for(sai_id)}
    if report.kind in {ReportKind.AUDIT_REPORT, ReportKind.CITIZEN_REPORT}:
        data = selectors.audit_report_data(engagement, progress=progress, **common)
        data["kind"] = report.kind
    elif report.kind == ReportKind.RECOMMENDATION_STATUS:
        data = selectors.recommendation_status_data(
            engagement=engagement,
            agency=report.agency,
            user=report.requested_by,
            progress=progress,
            **common,
        )
    elif report.kind == ReportKind.OBSERVATION_MEMORANDUM:
        data = selectors.observation_memorandum_data(report.finding, **common)
    else:
        data = selectors.notice_data(report.sanction, **common)
    data["version"] = report.version
    return data


def content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _store_pdf(report: Report, pdf: bytes, *, final: bool) -> tuple[str, str]:
    scope = report.engagement.reference if report.engagement_id else f"agency-{report.agency_id}"
    safe_scope = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in scope)[:60]
    stage = "final" if final else "draft"
    name = f"reports/{safe_scope}/{report.kind}-v{report.version}-{stage}-{uuid.uuid4().hex}.pdf"
    stored = default_storage.save(name, ContentFile(pdf))
    return stored, hashlib.sha256(pdf).hexdigest()


class _Pulse:
    """Saves progress (and the heartbeat) every few percent, without a history row."""

    def __init__(self, report: Report):
        self.report = report
        self.saved = report.progress

    def __call__(self, percent: float) -> None:
        percent = max(0, min(int(percent), 99))
        if percent - self.saved < PROGRESS_SAVE_STEP:
            return
        self.saved = percent
        report = self.report
        report.progress = percent
        report.heartbeat_at = timezone.now()
        report.skip_history_when_saving = True
        try:
            report.save(update_fields=["progress", "heartbeat_at"])
        finally:
            del report.skip_history_when_saving


def _move(report: Report, to: str, reason: str, **fields) -> Report:
    def set_fields(locked, source, user, why):
        for name, value in fields.items():
            setattr(locked, name, value)

    return apply_transition(
        report, workflow=JOB_WORKFLOW, to=to, user=None, reason=reason, before_save=set_fields
    )


def report_generate(report_id: int) -> Report:
    """Run one job to its end: `done` with a draft file, or `failed` with the reason."""
    report = Report.objects.select_related(
        "engagement",
        "engagement__sai",
        "engagement__auditee",
        "engagement__auditee__parent",
        "agency",
        "finding",
        "finding__engagement",
        "sanction",
        "requested_by",
    ).get(pk=report_id)
    if report.status not in {ReportStatus.QUEUED, ReportStatus.RUNNING}:
        return report
    now = timezone.now()
    report = _move(
        report,
        ReportStatus.RUNNING,
        _("Generation started"),
        started_at=now,
        heartbeat_at=now,
        progress=0,
    )
    pulse = _Pulse(report)
    try:
        data = build_data(report, progress=lambda fraction: pulse(20 * fraction))
        pulse(20)
        pdf, notes = render(
            data,
            draft=True,
            open_image=open_image,
            progress=lambda fraction: pulse(20 + 75 * fraction),
        )
        name, digest = _store_pdf(report, pdf, final=False)
    except Exception as error:  # noqa: BLE001 - any failure ends the job `failed`, with why
        logger.exception("report %s failed", report_id)
        reason = f"{type(error).__name__}: {error}"[:FAILURE_REASON_MAX]
        return _move(
            report,
            ReportStatus.FAILED,
            _("Generation failed"),
            failure_reason=reason,
            finished_at=timezone.now(),
        )
    return _move(
        report,
        ReportStatus.DONE,
        _("Draft generated"),
        file=name,
        sha256=digest,
        size=len(pdf),
        content_sha256=content_hash(data),
        notes=notes,
        progress=100,
        finished_at=timezone.now(),
    )


def report_fail_stale(*, now: datetime.datetime | None = None) -> int:
    """Mark `failed` every job whose worker stopped answering. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.REPORTS_JOB_TIMEOUT)
    stale = Report.objects.filter(
        Q(status=ReportStatus.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=ReportStatus.QUEUED, requested_at__lt=cutoff)
    )
    count = 0
    for report in stale:
        try:
            _move(
                report,
                ReportStatus.FAILED,
                _("No sign of life from the worker"),
                failure_reason=_("The worker stopped responding; generate the report again."),
                finished_at=now,
            )
            count += 1
        except Conflict:  # it moved on meanwhile
            continue
    return count


# --- approval and verification ---------------------------------------------------------------


def verify_url(sha256: str) -> str:
    return settings.REPORTS_PUBLIC_URL.rstrip("/") + reverse("report-verify-hash", args=[sha256])


def report_approve(report: Report, *, by) -> Report:
    """Freeze the report: render the final version once (no watermark, QR code with the
    verification address), store it and record its SHA-256."""
    if not can.may_approve(by, report):
        raise NotPermitted(_("Only a supervisor of the audit institution approves reports."))
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.approved_at is not None:
            raise Conflict(_("This report is already approved; it cannot change."))
        if locked.status != ReportStatus.DONE:
            raise Conflict(_("Only a report that has been generated can be approved."))
        report = Report.objects.select_related(
            "engagement",
            "engagement__sai",
            "engagement__auditee",
            "agency",
            "finding",
            "sanction",
            "requested_by",
        ).get(pk=locked.pk)
        data = build_data(report)
        if content_hash(data) != report.content_sha256:
            raise Conflict(
                _(
                    "The audit file has changed since this draft was generated: generate a new "
                    "version and approve that one."
                )
            )
        approved_at = timezone.now()
        data["approval"] = {
            "by": by.full_name or by.username,
            "date": timezone.localtime(approved_at).date().isoformat(),
        }
        # The QR code names the page for this file; the file's own hash cannot be inside
        # it, so the page looks the file up by its hash (verify_url) and we print the
        # report's permanent page, which shows that hash.
        address = settings.REPORTS_PUBLIC_URL.rstrip("/") + reverse(
            "report-verify-report", args=[report.pk]
        )
        pdf, notes = render(data, draft=False, verify_url=address, open_image=open_image)
        name, digest = _store_pdf(report, pdf, final=True)
        report.draft_sha256 = report.sha256
        report.file = name
        report.sha256 = digest
        report.size = len(pdf)
        report.notes = notes
        report.approved_by = by
        report.approved_at = approved_at
        return save_tracked(report, by=by, reason=_("Approved: final version frozen"))


def report_for_hash(sha256: str) -> Report | None:
    """The approved report whose final file has this SHA-256, or None ("not issued")."""
    sha256 = (sha256 or "").strip().lower()
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        return None
    return (
        Report.objects.approved()
        .select_related("engagement", "engagement__sai", "agency", "approved_by")
        .filter(sha256=sha256)
        .first()
    )
