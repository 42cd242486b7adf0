"""Filing a grievance, with or without an account.

- Up to five attachments, each through the evidence pipeline's checks (type by content,
  size limit, SHA-256); a grievance that is refused leaves no stored file behind.
- Duplicates: the same description (case and spacing aside) from the same client within
  a day returns the grievance already filed (`was_duplicate = True`), not a second one.
  The client is known only by a keyed hash of its address.
- Verification is due 3 working days after the day of receipt (grievances.workdays).
"""

import datetime
import hashlib
import hmac
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.choices import OrganizationKind
from audits.exceptions import DomainError
from audits.models.files import evidence_storage
from audits.services.files import discard_stored, store_upload
from grievances.models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_ATTACHMENTS,
    Grievance,
    GrievanceAttachment,
    GrievanceContact,
)
from grievances.tracking import new_code
from grievances.workdays import working_calendar

VERIFY_WORKING_DAYS = 3
DUPLICATE_WINDOW = datetime.timedelta(days=1)
ATTACHMENT_FOLDER = "grievances"
SIX_PLACES = Decimal("0.000001")


def client_digest(client: str) -> str:
    """A keyed hash of the client's address: enough to recognise a repeat, useless to
    anyone who reads the database without the key."""
    if not client:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"grievance-client:{client}".encode(), hashlib.sha256).hexdigest()


def description_digest(description: str) -> str:
    return hashlib.sha256(" ".join(description.lower().split()).encode()).hexdigest()


def refuse_null_characters(**values) -> None:
    """PostgreSQL cannot store NUL in text: refused here for every channel."""
    for field, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError({field: [_("Null characters are not allowed.")]})


def _checked_description(description) -> str:
    description = str(description or "").strip()
    if not description:
        raise ValidationError({"description": [_("Describe the problem.")]})
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {
                "description": [
                    _("Keep the description to %(n)d characters.") % {"n": DESCRIPTION_MAX_LENGTH}
                ]
            }
        )
    return description


def _degree(value, field: str):
    """A coordinate as phones give it (many decimals), kept to six places (about 10 cm)."""
    if value is None or value == "":
        return None
    try:
        degree = Decimal(str(value)).quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: [_("Give a number of degrees.")]}) from error
    if not degree.is_finite():
        raise ValidationError({field: [_("Give a number of degrees.")]})
    return degree


def _recent_duplicate(client: str, digest: str, now) -> Grievance | None:
    if not client:
        return None
    return (
        Grievance.objects.filter(
            client_digest=client,
            description_digest=digest,
            submitted_at__gte=now - DUPLICATE_WINDOW,
        )
        .order_by("-submitted_at")
        .first()
    )


def _unused_code() -> str:
    while True:
        code = new_code()
        if not Grievance.objects.filter(tracking_code=code).exists():
            return code


def _store_attachments(attachments, storage, stored_names: list) -> list:
    infos = []
    for number, upload in enumerate(attachments, start=1):
        try:
            info = store_upload(upload, storage=storage, folder=ATTACHMENT_FOLDER)
        except DomainError as error:
            raise type(error)(
                _("files: attachment %(n)d (%(name)s): %(message)s")
                % {"n": number, "name": getattr(upload, "name", ""), "message": error.message}
            ) from error
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error
        stored_names.append(info.name)
        infos.append(info)
    return infos


def grievance_file(
    *,
    description,
    category,
    channel: str,
    agency=None,
    location: str = "",
    latitude=None,
    longitude=None,
    anonymous: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    attachments=(),
    client: str = "",
    by=None,
    open311_client=None,
) -> Grievance:
    """File a grievance; returns it with `was_duplicate` set. `client` is the caller's
    address (or app and address) for duplicate detection."""
    refuse_null_characters(
        description=description,
        location=location,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    description = _checked_description(description)
    attachments = [upload for upload in attachments or () if upload]
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": [_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}]}
        )
    if category is None or not category.active:
        raise ValidationError({"category": [_("Choose one of the categories offered.")]})
    if agency is not None and agency.kind != OrganizationKind.AGENCY:
        raise ValidationError({"agency": [_("Choose a government agency.")]})
    latitude, longitude = _degree(latitude, "latitude"), _degree(longitude, "longitude")
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": [_("Give both latitude and longitude, or neither.")]})

    now = timezone.now()
    digest_client, digest_text = client_digest(client), description_digest(description)
    duplicate = _recent_duplicate(digest_client, digest_text, now)
    if duplicate is not None:
        duplicate.was_duplicate = True
        return duplicate

    received_on = timezone.localdate(now)
    grievance = Grievance(
        tracking_code=_unused_code(),
        description=description,
        category=category,
        agency=agency,
        location=str(location or "").strip(),
        latitude=latitude,
        longitude=longitude,
        anonymous=bool(anonymous),
        channel=channel,
        submitted_at=now,
        submitted_by=by if getattr(by, "is_authenticated", False) else None,
        open311_client=open311_client,
        client_digest=digest_client,
        description_digest=digest_text,
        verify_due=working_calendar(received_on).add_working_days(received_on, VERIFY_WORKING_DAYS),
    )
    contact = GrievanceContact(
        name=str(contact_name or "").strip(),
        email=str(contact_email or "").strip(),
        phone=str(contact_phone or "").strip(),
    )
    grievance.full_clean()
    try:
        contact.full_clean(exclude=["grievance"])
    except ValidationError as error:  # named as the caller sent them: contact_email, ...
        raise ValidationError(
            {f"contact_{field}": messages for field, messages in error.message_dict.items()}
        ) from error

    storage = evidence_storage()
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            infos = _store_attachments(attachments, storage, stored_names)
            grievance._change_reason = _("Grievance filed")
            if grievance.submitted_by is not None:
                grievance._history_user = grievance.submitted_by
            grievance.save()
            if not contact.is_empty:
                contact.grievance = grievance
                contact.save()
            for info in infos:
                GrievanceAttachment.objects.create(grievance=grievance, **info.model_fields())
    except BaseException:
        discard_stored(storage, *stored_names)
        raise
    grievance.was_duplicate = False
    return grievance
