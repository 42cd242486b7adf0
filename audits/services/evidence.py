"""Filing field evidence and keeping its chain of custody.

Evidence is never changed or deleted once filed; a correction is a new item that
`supersedes` the old one. Every view and download of a file is an `EvidenceAccess` row.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import permissions as can
from audits.choices import EngagementStatus
from audits.exceptions import Conflict, DuplicateEvidence, NotPermitted
from audits.filetypes import IMAGE_TYPES
from audits.models import Engagement, Evidence, EvidenceAccess, ResponseAttachment
from audits.models.files import evidence_storage
from audits.photos import COORDINATE_STEP, read_photo
from audits.services.common import save_tracked
from audits.services.files import discard_stored, file_sha256, store_upload

FILING_STATUSES = {EngagementStatus.FIELDWORK, EngagementStatus.REPORTING}
EVIDENCE_FOLDER = "evidence"
PREVIEW_FOLDER = "previews"
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)
FILE_FIELDS = ["file", "sha256", "size", "content_type", "original_filename", "preview"]


def evidence_file(
    *,
    by,
    engagement,
    kind: str,
    upload,
    description: str = "",
    latitude=None,
    longitude=None,
    captured_at=None,
    supersedes: Evidence | None = None,
    client_reference: str = "",
) -> Evidence:
    """File one item. Everything is checked before the file is stored; if anything fails
    after that, the stored file and its preview are removed again."""
    if not can.can_file_evidence(by, engagement):
        raise NotPermitted(_("Only members of the engagement team file evidence."))
    if engagement.status not in FILING_STATUSES:
        raise Conflict(
            _("Evidence is filed during fieldwork or reporting; this engagement is in %(s)s.")
            % {"s": engagement.get_status_display()}
        )
    if client_reference:
        already = _already_filed(by, engagement, client_reference)
        if already is not None:
            return already
    evidence = Evidence(
        engagement=engagement,
        kind=kind,
        description=description or "",
        latitude=_coordinate(latitude, "latitude"),
        longitude=_coordinate(longitude, "longitude"),
        captured_at=captured_at,
        supersedes=supersedes,
        submitted_by=by,
        client_reference=client_reference or "",
    )
    _check_before_storing(evidence)
    storage = evidence_storage()
    stored = store_upload(upload, storage=storage, folder=EVIDENCE_FOLDER)
    preview_name = ""
    try:
        for name, value in stored.model_fields().items():
            setattr(evidence, name, value)
        if stored.content_type in IMAGE_TYPES:
            preview_name = _read_photo_into(evidence, storage)
        with transaction.atomic():
            _check_not_filed_yet(evidence)
            _save_new(evidence, by=by)
    except DuplicateEvidence:
        discard_stored(storage, stored.name, preview_name)
        # The same bytes under the same client_reference: a retry; the first one stands.
        already = _already_filed(by, engagement, client_reference) if client_reference else None
        if already is not None:
            return already
        raise
    except (ValidationError, IntegrityError):
        discard_stored(storage, stored.name, preview_name)
        # The phone may retry while its first copy is still arriving: that one stands.
        already = _already_filed(by, engagement, client_reference) if client_reference else None
        if already is not None:
            return already
        raise
    except BaseException:
        discard_stored(storage, stored.name, preview_name)
        raise
    return evidence


def _check_not_filed_yet(evidence: Evidence) -> None:
    """The same bytes twice on one engagement: 409 naming the first item. The engagement's
    row lock makes two uploads of the same file at once see each other."""
    Engagement.objects.select_for_update().filter(pk=evidence.engagement_id).first()
    existing = (
        Evidence.objects.filter(engagement_id=evidence.engagement_id, sha256=evidence.sha256)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        raise DuplicateEvidence(existing)


def _already_filed(by, engagement, client_reference) -> Evidence | None:
    """A retried upload from the same device: the first one stands (and is marked
    `was_already_filed` so the API can answer 200 instead of 201)."""
    existing = Evidence.objects.filter(submitted_by=by, client_reference=client_reference).first()
    if existing is None:
        return None
    if existing.engagement_id != engagement.pk:
        raise ValidationError(
            {"client_reference": [_("This reference was already used for another engagement.")]}
        )
    existing.was_already_filed = True
    return existing


def _coordinate(value, name) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({name: [_("Enter a number.")]}) from error
    return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)


def _check_before_storing(evidence: Evidence) -> None:
    errors = {}
    try:
        evidence.clean_fields(exclude=FILE_FIELDS)
    except ValidationError as error:
        errors.update(error.message_dict)
    if (evidence.latitude is None) != (evidence.longitude is None):
        errors.setdefault("longitude", []).append(
            _("Give both latitude and longitude, or neither.")
        )
    if evidence.captured_at is not None:
        if timezone.is_naive(evidence.captured_at):
            evidence.captured_at = timezone.make_aware(evidence.captured_at)
        if evidence.captured_at > timezone.now() + CLOCK_SKEW:
            errors.setdefault("captured_at", []).append(
                _("The capture time cannot be in the future.")
            )
    supersedes = evidence.supersedes
    if supersedes is not None:
        if supersedes.engagement_id != evidence.engagement_id:
            errors.setdefault("supersedes", []).append(
                _("A correction must belong to the same engagement as what it corrects.")
            )
        elif Evidence.objects.filter(supersedes=supersedes).exists():
            errors.setdefault("supersedes", []).append(_already_superseded_message())
    if errors:
        raise ValidationError(errors)


def _already_superseded_message() -> str:
    return _("This evidence has already been corrected; correct the newest item instead.")


def _read_photo_into(evidence: Evidence, storage) -> str:
    """Fill empty capture time and position from EXIF; store the preview; its name."""
    with storage.open(evidence.file.name, "rb") as stream:
        facts = read_photo(stream)
    camera_time = facts.captured_at
    # A camera clock set in the future is ignored rather than refusing the photo.
    if evidence.captured_at is None and camera_time and camera_time <= timezone.now() + CLOCK_SKEW:
        evidence.captured_at = camera_time
    if evidence.latitude is None and facts.latitude is not None and facts.longitude is not None:
        evidence.latitude, evidence.longitude = facts.latitude, facts.longitude
    if not facts.preview_jpeg:
        return ""
    today = timezone.localdate()
    name = f"{PREVIEW_FOLDER}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.jpg"
    name = storage.save(name, ContentFile(facts.preview_jpeg))
    evidence.preview = name
    return name


def _save_new(evidence: Evidence, *, by) -> None:
    if evidence.supersedes_id:
        # Lock the item being corrected so two corrections cannot both claim it.
        Evidence.objects.select_for_update().filter(pk=evidence.supersedes_id).first()
        if Evidence.objects.filter(supersedes_id=evidence.supersedes_id).exists():
            raise ValidationError({"supersedes": [_already_superseded_message()]})
    reason = (
        _("Filed as a correction of #%(pk)s") % {"pk": evidence.supersedes_id}
        if evidence.supersedes_id
        else _("Filed")
    )
    try:
        with transaction.atomic():
            save_tracked(evidence, by=by, reason=reason)
    except IntegrityError as error:
        if not evidence.supersedes_id:
            raise
        # A concurrent correction of the same item won the race.
        raise ValidationError({"supersedes": [_already_superseded_message()]}) from error


def evidence_record_access(evidence: Evidence, *, by, action: str, ip=None) -> EvidenceAccess:
    """One line of the chain of custody: who looked at or downloaded the file, and when."""
    access = EvidenceAccess(
        evidence=evidence,
        engagement_id=evidence.engagement_id,
        user=by,
        action=action,
        ip_address=ip or None,
    )
    access.full_clean()
    access.save()
    return access


@dataclass
class VerificationProblem:
    model: str
    pk: int
    name: str
    problem: str  # "missing", "hash mismatch", "size mismatch"
    expected: str = ""
    actual: str = ""


@dataclass
class VerificationReport:
    checked: int = 0
    problems: list[VerificationProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_stored_files(querysets, *, on_progress=None) -> VerificationReport:
    """Re-hash every stored file of the given `StoredFile` querysets against its record.
    `on_progress(checked, total, problem_or_None)` is called after each file."""
    storage = evidence_storage()
    report = VerificationReport()
    total = sum(queryset.count() for queryset in querysets)
    for queryset in querysets:
        label = queryset.model._meta.label
        rows = queryset.order_by("pk").values_list("pk", "file", "sha256", "size")
        for pk, name, expected_hash, expected_size in rows.iterator(chunk_size=500):
            problem = _verify_one(storage, label, pk, name, expected_hash, expected_size)
            report.checked += 1
            if problem:
                report.problems.append(problem)
            if on_progress:
                on_progress(report.checked, total, problem)
    return report


def _verify_one(storage, label, pk, name, expected_hash, expected_size):
    try:
        actual_hash, actual_size = file_sha256(storage, name)
    except (FileNotFoundError, OSError):
        return VerificationProblem(label, pk, name, "missing")
    if actual_hash != expected_hash:
        return VerificationProblem(label, pk, name, "hash mismatch", expected_hash, actual_hash)
    if actual_size != expected_size:
        return VerificationProblem(
            label, pk, name, "size mismatch", str(expected_size), str(actual_size)
        )
    return None


def evidence_verify_all(*, on_progress=None) -> VerificationReport:
    """Every evidence file and response attachment against its recorded SHA-256."""
    return verify_stored_files(
        [Evidence.objects.all(), ResponseAttachment.objects.all()], on_progress=on_progress
    )
