"""Findings in any state, built through the services (so history is real), on a
`tests.world` world."""

from django.core.files.uploadedfile import SimpleUploadedFile

from audits.choices import EvidenceKind, FindingStatus
from audits.models import Evidence
from audits.services.findings import finding_create, finding_transition, recommendation_create

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

COMPLETING_RECOMMENDATION = "Recover the amount overpaid."

# The moves, in order, that bring a new draft to each status: (who, target, reason).
PATH = {
    FindingStatus.DRAFT: [],
    FindingStatus.FOR_REVIEW: [("team_leader", FindingStatus.FOR_REVIEW, "")],
    FindingStatus.ISSUED: [
        ("team_leader", FindingStatus.FOR_REVIEW, ""),
        ("supervisor", FindingStatus.ISSUED, ""),
    ],
    FindingStatus.CLOSED: [
        ("team_leader", FindingStatus.FOR_REVIEW, ""),
        ("supervisor", FindingStatus.ISSUED, ""),
        ("team_leader", FindingStatus.CLOSED, "Settled at the exit conference"),
    ],
}


def make_finding(world, status=FindingStatus.DRAFT, *, engagement=None, **fields):
    fields.setdefault("title", "Cement paid at twice the market price")
    fields.setdefault("condition", "The contractor billed 1,200 bags at PHP 560 each.")
    fields.setdefault("criteria", "The approved unit price is PHP 280 a bag.")
    fields.setdefault("cause", "Nobody compared the bill with the approved price list.")
    fields.setdefault("effect", "PHP 336,000 was overpaid.")
    fields.setdefault("amount", "1250000.00")
    finding = finding_create(
        by=world.users["team_leader"], engagement=engagement or world.engagement, **fields
    )
    if PATH[status]:  # a finding leaves the team complete, with a recommendation
        recommendation_create(
            by=world.users["team_leader"], finding=finding, text=COMPLETING_RECOMMENDATION
        )
    for actor, target, reason in PATH[status]:
        finding = finding_transition(finding, by=world.users[actor], to=target, reason=reason)
    return finding


def add_recommendation(world, finding, text="Recover the overpayment from the contractor."):
    # Recommendations are added while the finding is a draft, as the team writes it.
    return recommendation_create(by=world.users["team_leader"], finding=finding, text=text)


def make_evidence(engagement, user, description="Delivery receipt") -> Evidence:
    return Evidence.objects.create(
        engagement=engagement,
        kind=EvidenceKind.DOCUMENT,
        description=description,
        file="evidence/test.pdf",
        sha256="0" * 64,
        size=len(PDF_BYTES),
        content_type="application/pdf",
        submitted_by=user,
    )


def pdf_upload(name="reply.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
