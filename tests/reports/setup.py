"""A whole audit file for the report tests, built through the services on a `tests.world`
world: issued findings with recommendations, the agency's comment and the auditors'
rejoinder, a disallowance with persons liable, photo and document evidence."""

import hashlib
import io
import uuid

from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from audits.choices import EvidenceKind, FindingStatus, ResponseKind, SanctionKind
from audits.models import Evidence
from audits.models.files import evidence_storage
from audits.services.findings import finding_transition, response_create
from audits.services.sanctions import sanction_create
from tests.findings_setup import add_recommendation, make_finding

FINDING_TITLE = "Cement paid at twice the market price"
RECOMMENDATION = "Recover the overpayment of PHP 672,000 from the contractor."
AGENCY_COMMENT = "Management agrees and will deduct the overpayment from the final billing."
REJOINDER = "The auditors will validate the deduction at the next site visit."
SANCTION_REFERENCE = "ND-2026-0042"
PERSON_LIABLE = "Ma. Teresa Dela Peña"


def jpeg_bytes(color=(40, 120, 60), size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def stored_evidence(
    engagement,
    user,
    content: bytes,
    *,
    kind=EvidenceKind.PHOTO,
    content_type="image/jpeg",
    description="Dike segment, looking north",
):
    extension = "jpg" if content_type.startswith("image/") else "txt"
    name = evidence_storage().save(f"evidence/{uuid.uuid4().hex}.{extension}", ContentFile(content))
    return Evidence.objects.create(
        engagement=engagement,
        kind=kind,
        description=description,
        file=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content_type=content_type,
        submitted_by=user,
    )


def issue(world, finding):
    for actor, target in (
        ("team_leader", FindingStatus.FOR_REVIEW),
        ("supervisor", FindingStatus.ISSUED),
    ):
        finding = finding_transition(finding, by=world.users[actor], to=target)
    return finding


def audit_file(world, *, condition=None, title=FINDING_TITLE, photo=None):
    """One issued finding with everything hanging off it; returns a dict of the parts."""
    leader = world.users["team_leader"]
    photo_item = stored_evidence(world.engagement, leader, photo or jpeg_bytes())
    document = stored_evidence(
        world.engagement,
        leader,
        b"Delivery receipt no. 4471\n",
        kind=EvidenceKind.DOCUMENT,
        content_type="text/plain",
        description="Delivery receipt",
    )
    finding = make_finding(
        world,
        title=title,
        condition=condition or "The contractor billed 1,200 bags at PHP 560 each.",
        criteria="Contract No. 2026-17, item 3: PHP 280 per bag.",
        cause="No canvass of prices.",
        effect="Overpayment of PHP 336,000.",
        evidence=[photo_item.pk, document.pk],
    )
    recommendation = add_recommendation(world, finding, text=RECOMMENDATION)
    finding = issue(world, finding)
    response_create(
        by=world.users["agency_respondent"],
        finding=finding,
        kind=ResponseKind.MANAGEMENT_COMMENT,
        body=AGENCY_COMMENT,
    )
    response_create(by=leader, finding=finding, kind=ResponseKind.AUDITOR_REJOINDER, body=REJOINDER)
    sanction = sanction_create(
        by=leader,
        finding=finding,
        kind=SanctionKind.DISALLOWANCE,
        reference=SANCTION_REFERENCE,
        amount="375000.00",
        liabilities=[
            {"name": PERSON_LIABLE, "position": "Municipal Engineer", "share_percent": "100"}
        ],
    )
    return {
        "finding": finding,
        "recommendation": recommendation,
        "sanction": sanction,
        "photo": photo_item,
        "document": document,
    }


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, whitespace collapsed (lines that wrapped read as one)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_pages(data: bytes) -> list[str]:
    return [
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    ]
