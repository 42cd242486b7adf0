"""Evidence pages: the phone filing page, one item's page, and its file and preview.

Every page finds the evidence through `visible_to()` first (404 otherwise); files are
served only by these views, each serving recorded in the chain of custody."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie

from audits import permissions as can
from audits.evidence_files import serve_evidence_file, serve_evidence_preview
from audits.exceptions import FileTooLarge
from audits.forms.evidence import EvidenceForm
from audits.models import Engagement, Evidence, EvidenceAccess
from audits.services.evidence import FILING_STATUSES, evidence_file
from audits.upload_handlers import limit_uploads
from audits.views.service_errors import SERVICE_ERRORS, add_service_error
from programme.models import Procedure
from programme.services.procedures import procedure_file_evidence


def _visible_evidence(request, pk) -> Evidence:
    visible = Evidence.objects.visible_to(request.user).select_related(
        "engagement", "submitted_by", "supersedes"
    )
    return get_object_or_404(visible, pk=pk)


def _filing_engagement(request, engagement_pk) -> Engagement:
    engagement = get_object_or_404(Engagement.objects.visible_to(request.user), pk=engagement_pk)
    if not can.can_file_evidence(request.user, engagement):
        raise Http404  # the page is for the team; others have nothing to do here
    return engagement


@csrf_exempt  # the token is checked below, after the upload limit is in place
@login_required
def evidence_new(request, engagement_pk):
    """The phone page. Its script posts to the API with progress and an offline queue;
    without a script the form posts here."""
    if request.method == "POST":
        limit_uploads(request)
        try:
            request.POST  # read the body now, under the limit  # noqa: B018
        except FileTooLarge as error:
            engagement = _filing_engagement(request, engagement_pk)
            return _render_form(
                request, engagement, EvidenceForm(), None, status=error.status_code,
                upload_error=error.message,
            )  # fmt: skip
    return _evidence_new(request, engagement_pk)


@csrf_protect
@ensure_csrf_cookie
def _evidence_new(request, engagement_pk):
    engagement = _filing_engagement(request, engagement_pk)
    supersedes = _superseded_item(request, engagement)
    procedure = _task_of(request, engagement)
    status = 200
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = _file_from_form(request, engagement, form, supersedes, procedure)
            except SERVICE_ERRORS as error:
                add_service_error(form, error)
                status = getattr(error, "status_code", 400)
            else:
                messages.success(
                    request,
                    _(
                        "Your evidence was filed. Its SHA-256 fingerprint, %(sha256)s, "
                        "shows later that the file was not changed."
                    )
                    % {"sha256": evidence.sha256},
                )
                return redirect("evidence-page", pk=evidence.pk)
        else:
            status = 400
    else:
        form = EvidenceForm(
            initial={
                "supersedes": supersedes.pk if supersedes else None,
                "procedure": procedure.pk if procedure else None,
            }
        )
    return _render_form(request, engagement, form, supersedes, status=status, procedure=procedure)


def _render_form(request, engagement, form, supersedes, *, status, upload_error="", procedure=None):
    context = {
        "procedure": procedure,
        "upload_error": upload_error,
        "engagement": engagement,
        "form": form,
        "supersedes": supersedes,
        "may_file_now": engagement.status in FILING_STATUSES,
        "max_bytes": settings.EVIDENCE_MAX_UPLOAD_BYTES,
    }
    return render(request, "audits/evidence/new.html", context, status=status)


def _superseded_item(request, engagement):
    pk = request.POST.get("supersedes") or request.GET.get("supersedes")
    if not pk:
        return None
    try:
        return Evidence.objects.visible_to(request.user).get(pk=int(pk), engagement=engagement)
    except (ValueError, Evidence.DoesNotExist) as error:
        raise Http404 from error


def _task_of(request, engagement):
    """The programme procedure the item is filed against (`?procedure=`), if any."""
    pk = request.POST.get("procedure") or request.GET.get("procedure")
    if not pk:
        return None
    try:
        return Procedure.objects.visible_to(request.user).get(pk=int(pk), engagement=engagement)
    except (ValueError, Procedure.DoesNotExist) as error:
        raise Http404 from error


def _file_from_form(request, engagement, form, supersedes, procedure=None):
    data = form.cleaned_data
    file = evidence_file
    if procedure is not None:
        file = functools.partial(procedure_file_evidence, procedure=procedure)
    return file(
        by=request.user,
        engagement=engagement,
        kind=data["kind"],
        upload=data["file"],
        description=data["description"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        captured_at=data["captured_at"],
        supersedes=supersedes,
        client_reference=data["client_reference"],
    )


@login_required
def evidence_page(request, pk):
    evidence = _visible_evidence(request, pk)
    visible = Evidence.objects.visible_to(request.user)
    may_see_custody = Engagement.objects.with_full_access(request.user).filter(
        pk=evidence.engagement_id
    )
    context = {
        "evidence": evidence,
        "supersedes": visible.filter(pk=evidence.supersedes_id).first(),
        "superseded_by": visible.filter(supersedes=evidence).first(),
        "may_correct": can.can_file_evidence(request.user, evidence.engagement)
        and evidence.engagement.status in FILING_STATUSES,
        "accesses": (
            evidence.accesses.select_related("user")[:100] if may_see_custody.exists() else None
        ),
        "inline": evidence.content_type in {"image/jpeg", "image/png", "application/pdf"},
    }
    return render(request, "audits/evidence/detail.html", context)


@login_required
def evidence_file_view(request, pk):
    evidence = _visible_evidence(request, pk)
    action = EvidenceAccess.Action.DOWNLOAD if "download" in request.GET else None
    return serve_evidence_file(request, evidence, action=action)


@login_required
def evidence_preview_view(request, pk):
    return serve_evidence_preview(request, _visible_evidence(request, pk))


def engagement_evidence(user, engagement) -> dict:
    """The evidence section of the engagement page: what the user may see, and for those
    with the full file, the chain-of-custody log."""
    items = (
        Evidence.objects.visible_to(user)
        .filter(engagement=engagement)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("superseded_by", queryset=Evidence.objects.only("pk")))
    )
    full_access = Engagement.objects.with_full_access(user).filter(pk=engagement.pk).exists()
    custody = (
        EvidenceAccess.objects.filter(engagement=engagement).select_related("user")[:200]
        if full_access
        else None
    )
    return {
        "items": items,
        "custody": custody,
        "may_file": can.can_file_evidence(user, engagement)
        and engagement.status in FILING_STATUSES,
    }
