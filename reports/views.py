"""Report pages: generate (buttons on the engagement, finding and sanction pages), follow
a job's progress, download, approve; and the public pages: verification, the list of
published reports, open data."""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from api.views.reports import SUBJECTS, ReportFilter, report_file_response
from audits.models import Organization
from audits.views.lists import Column, ListSpec, list_page
from audits.views.service_errors import SERVICE_ERRORS, error_text
from reports import permissions as can
from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.open_data import DATASETS
from reports.services import generation as services

MAX_VERIFY_UPLOAD = 200 * 1024 * 1024


def _visible_report(request, pk) -> Report:
    services.report_fail_stale()
    reports = Report.objects.visible_to(request.user).select_related(
        "engagement", "agency", "finding", "sanction", "requested_by", "approved_by"
    )
    return get_object_or_404(reports, pk=pk)


def _subject(report) -> str:
    """What the report is about, in a word: the engagement, agency, finding or notice."""
    if report.engagement_id:
        return report.engagement.reference
    if report.agency_id:
        return report.agency.name
    if report.finding_id:
        return report.finding.reference
    return report.sanction.reference if report.sanction_id else ""


REPORTS = ListSpec(
    key="report",
    title=gettext_lazy("Reports"),
    queryset=lambda user: Report.objects.visible_to(user).select_related(
        "engagement", "agency", "finding", "sanction"
    ),
    filterset_class=ReportFilter,
    filters=("kind", "status", "approved", "agency", "year"),
    columns=(
        Column(
            "kind",
            gettext_lazy("Report"),
            lambda r: r.get_kind_display(),
            "kind",
            link=lambda r: reverse("report-page", args=[r.pk]),
        ),
        Column("subject", gettext_lazy("About"), _subject),
        Column("version", gettext_lazy("Version"), lambda r: r.version, "version"),
        Column(
            "status", gettext_lazy("Status"), lambda r: r.get_status_display(), "status", "status"
        ),
        Column(
            "requested_at",
            gettext_lazy("Requested"),
            lambda r: r.requested_at,
            "requested_at",
            "date",
        ),
        Column(
            "approved_at", gettext_lazy("Approved"), lambda r: r.approved_at, "approved_at", "date"
        ),
    ),
    default_sort="-requested_at",
)


@login_required
def report_list(request):
    """Every report the caller may see, filtered, sorted, paged or exported."""
    return list_page(request, REPORTS)


@login_required
@require_POST
def report_new(request):
    """The generate buttons post `kind` and one subject id."""
    kind = request.POST.get("kind", "")
    subjects = {}
    for name, model in SUBJECTS.items():
        value = request.POST.get(name)
        if not value:
            continue
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise Http404
        subjects[name] = get_object_or_404(model.objects.visible_to(request.user), pk=value)
    try:
        report = services.report_request(by=request.user, kind=kind, **subjects)
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = "home"
        return redirect(back)
    messages.success(request, _("The report is being generated."))
    return redirect("report-page", report.pk)


@login_required
def report_page(request, pk):
    report = _visible_report(request, pk)
    may_approve = (
        report.status == ReportStatus.DONE
        and not report.approved
        and can.may_approve(request.user, report)
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "may_approve": may_approve,
            "running": report.status in {ReportStatus.QUEUED, ReportStatus.RUNNING},
            "versions": Report.objects.visible_to(request.user)
            .filter(
                kind=report.kind,
                engagement=report.engagement,
                agency=report.agency,
                finding=report.finding,
                sanction=report.sanction,
            )
            .order_by("-version")[:20],
        },
    )


@login_required
def report_page_file(request, pk):
    return report_file_response(_visible_report(request, pk))


@login_required
@require_POST
def report_approve_page(request, pk):
    report = _visible_report(request, pk)
    try:
        services.report_approve(report, by=request.user)
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Approved: the final version is frozen and verifiable."))
    return redirect("report-page", report.pk)


# --- public pages --------------------------------------------------------------------------


class VerifyForm(forms.Form):
    sha256 = forms.CharField(
        label=gettext_lazy("SHA-256 of the file"), required=False, max_length=200
    )
    file = forms.FileField(label=gettext_lazy("or the PDF itself"), required=False)


def _file_sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def verify(request):
    """Drop a PDF or type a hash; both lead to /verify/<sha256>/."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is not None and upload.size <= MAX_VERIFY_UPLOAD:
            return redirect("report-verify-hash", _file_sha256(upload))
        typed = (form.cleaned_data.get("sha256") or "").strip().lower()
        if typed:
            if len(typed) == 64 and all(ch in "0123456789abcdef" for ch in typed):
                return redirect("report-verify-hash", typed)
            form.add_error("sha256", _("A SHA-256 is 64 hexadecimal characters."))
        elif upload is None:
            form.add_error(None, _("Choose a file or type its SHA-256."))
    return render(request, "reports/verify.html", {"form": form})


def verify_hash(request, sha256):
    report = services.report_for_hash(sha256)
    return render(
        request,
        "reports/verify_result.html",
        {"report": report, "sha256": sha256, "form": VerifyForm()},
        status=200,
    )


def verify_report(request, pk):
    """The address in an approved report's QR code: what was issued under it."""
    report = get_object_or_404(
        Report.objects.approved().select_related("engagement", "engagement__sai", "agency"),
        pk=pk,
    )
    return render(
        request,
        "reports/verify_result.html",
        {"report": report, "sha256": report.sha256, "form": VerifyForm(), "by_address": True},
    )


def published(request):
    reports = (
        Report.objects.published()
        .select_related("engagement", "engagement__auditee", "engagement__sai")
        .order_by("-approved_at")
    )
    return render(request, "reports/published.html", {"reports": reports[:500]})


def published_file(request, pk):
    return report_file_response(get_object_or_404(Report.objects.published(), pk=pk))


def open_data_page(request):
    agencies = Organization.objects.filter(kind="agency").order_by("name")
    statuses = {name: choices for name, (_selector, choices) in DATASETS.items()}
    return render(
        request,
        "reports/open_data.html",
        {
            "agencies": agencies,
            "statuses": statuses,
            "datasets": [
                (name, reverse(f"open-data-{name}"))
                for name in ("findings", "recommendations", "sanctions")
            ],
        },
    )


def generate_buttons(user, **subject) -> list[dict]:
    """The kinds this user may generate for one subject (engagement, finding or sanction),
    for the buttons on that object's page."""
    ((field, obj),) = subject.items()
    return [
        {"kind": kind, "label": ReportKind(kind).label, "field": field, "id": obj.pk}
        for (kind, subject_field) in can.REQUESTERS
        if subject_field == field and can.may_request(user, kind, field, obj)
    ]
