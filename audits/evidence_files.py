"""Serving stored files (evidence and response attachments), shared by the API and the
web pages.

The caller must already have found the object through `visible_to()` (a 404 otherwise).
Each serving of evidence is recorded in the chain of custody."""

from django.http import FileResponse, Http404

from audits.filetypes import INLINE_TYPES, JPEG, download_name
from audits.models import EvidenceAccess
from audits.models.files import evidence_storage
from audits.services.evidence import evidence_record_access


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _safe_headers(response, inline: bool):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even if a browser were to render it, it must not run anything or reach out.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def serve_evidence_file(request, evidence, *, action=None) -> FileResponse:
    """The exact stored bytes: inline for images and PDF, as an attachment otherwise."""
    inline = evidence.content_type in INLINE_TYPES
    if action is None:
        action = EvidenceAccess.Action.VIEW if inline else EvidenceAccess.Action.DOWNLOAD
    stream = _open(evidence.file.name)
    evidence_record_access(evidence, by=request.user, action=action, ip=client_ip(request))
    response = FileResponse(
        stream,
        as_attachment=not inline,
        filename=download_name(
            evidence.original_filename, evidence.content_type, f"evidence-{evidence.pk}"
        ),
        content_type=evidence.content_type,
    )
    return _safe_headers(response, inline)


def serve_evidence_preview(request, evidence) -> FileResponse:
    if not evidence.preview:
        raise Http404
    stream = _open(evidence.preview.name)
    evidence_record_access(
        evidence, by=request.user, action=EvidenceAccess.Action.VIEW, ip=client_ip(request)
    )
    response = FileResponse(stream, content_type=JPEG)
    return _safe_headers(response, inline=True)


def serve_attachment(attachment) -> FileResponse:
    """A response attachment, always as a download."""
    response = FileResponse(
        _open(attachment.file.name),
        as_attachment=True,
        filename=download_name(
            attachment.original_filename, attachment.content_type, f"attachment-{attachment.pk}"
        ),
        content_type=attachment.content_type or "application/octet-stream",
    )
    return _safe_headers(response, inline=False)


def _open(name):
    try:
        return evidence_storage().open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
