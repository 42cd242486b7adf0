"""Lists across engagements: findings, recommendations, sanctions (here), grievances and
reports (in their apps, through the same `list_page`).

A list is declared, not programmed: a `ListSpec` names the scoped queryset (visible_to
first, with the joins its columns read), the API's FilterSet (one definition of every
filter for the API and the web), the filters the form shows, and the columns. The page
then gives the filter form (`<form id="filters">`), `?search=` (audits.search), sorting by
column header (`?sort=`, aria-sort), pagination, and `?export=csv`: exactly the filtered
rows, every page, streamed. A page costs the same number of queries for 3 rows as for 300.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.base.filters import restrict_to_visible
from api.views.findings import FindingFilter, RecommendationFilter
from api.views.sanctions import SanctionFilter
from audits import search
from audits.models import Finding, Recommendation, Sanction
from audits.selectors.sanctions import sanctions_with_balance

PAGE_SIZE = 50
CSV_CHUNK = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str  # the name in `?sort=` and the CSV header
    label: str
    value: Callable  # obj -> str | Decimal | date | datetime | None
    sort: str | None = None  # the ORM field to order by; None: not sortable
    kind: str = "text"  # text | money | date | status
    link: Callable | None = None  # obj -> url of the row's page


@dataclass(frozen=True)
class ListSpec:
    key: str  # findings, recommendations, ...: the list's URL name is "<key>-list"
    title: str
    queryset: Callable  # user -> the scoped queryset with its joins
    filterset_class: type
    filters: tuple  # the FilterSet's filters the form shows, in order
    columns: tuple
    default_sort: str  # a column key, "-" first for descending
    template: str = "audits/lists/list.html"
    extra_context: dict = field(default_factory=dict)


# The lists, for the tabs above each of them: (URL name, label).
LIST_TABS = (
    ("finding-list", _("Findings")),
    ("recommendation-list", _("Recommendations")),
    ("sanction-list", _("Sanctions")),
    ("grievance-list", _("Grievances")),
    ("report-list", _("Reports")),
)


def _sorting(spec: ListSpec, requested: str):
    """The column key and direction asked for, if a sortable column; else the default."""
    sortable = {column.key: column for column in spec.columns if column.sort}
    for candidate in (requested, spec.default_sort):
        key = (candidate or "").removeprefix("-")
        if key in sortable:
            return sortable[key], candidate.startswith("-")
    raise ValueError(f"{spec.key}: the default sort {spec.default_sort!r} is not a column")


def _ordered(queryset, column: Column, descending: bool):
    # The key last, in the same direction, so a page boundary never splits equal values.
    # Empty values (a draft's issue date) last either way.
    if descending:
        return queryset.order_by(F(column.sort).desc(nulls_last=True), "-pk")
    return queryset.order_by(F(column.sort).asc(nulls_last=True), "pk")


def _adapt_widgets(form, shown):
    """Checkboxes for several choices, a plain three-way select for yes/no filters."""
    for name in shown:
        form_field = form.fields[name]
        if isinstance(form_field, forms.MultipleChoiceField):
            form_field.widget = forms.CheckboxSelectMultiple(choices=form_field.choices)
        elif isinstance(form_field, forms.NullBooleanField):
            form_field.widget.choices = (
                ("", _("Any")),
                ("true", _("Yes")),
                ("false", _("No")),
            )
        elif isinstance(form_field, forms.ModelChoiceField):
            form_field.empty_label = _("Any")
        elif isinstance(form_field, forms.DecimalField) and form_field.decimal_places:
            form_field.widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        elif isinstance(form_field, forms.DecimalField):  # a year
            form_field.widget.attrs.update({"inputmode": "numeric", "step": "1"})


def _safe_cell(value):
    """A CSV cell a spreadsheet will not run as a formula; dates as ISO."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def _csv_response(spec: ListSpec, queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so a spreadsheet reads ₱ and ñ as UTF-8
        yield writer.writerow([str(column.label) for column in spec.columns])
        for obj in queryset.iterator(chunk_size=CSV_CHUNK):
            yield writer.writerow([_safe_cell(column.value(obj)) for column in spec.columns])

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.key}-{stamp}.csv"'
    return response


def _query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def list_page(request, spec: ListSpec):
    queryset = spec.queryset(request.user)
    words = search.clean_words(request.GET.get("search", ""))
    if words:
        queryset = search.text_search(queryset, words)
    filterset = spec.filterset_class(request.GET, queryset=queryset, request=request)
    restrict_to_visible(filterset, request)
    form = filterset.form
    _adapt_widgets(form, spec.filters)
    queryset = filterset.qs if filterset.is_valid() else queryset.none()
    column, descending = _sorting(spec, request.GET.get("sort", ""))
    queryset = _ordered(queryset, column, descending)

    if request.GET.get("export") == "csv":
        return _csv_response(spec, queryset)

    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = _query_without(request, "page", "sort", "export")
    headers = []
    for each in spec.columns:
        current = each.sort and each is column
        next_sort = f"-{each.key}" if current and not descending else each.key
        headers.append(
            {
                "label": each.label,
                "kind": each.kind,
                "href": f"?{kept}&sort={next_sort}" if each.sort else None,
                "aria_sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    current_sort = f"{'-' if descending else ''}{column.key}"
    directions = (("", _("%(column)s, ascending")), ("-", _("%(column)s, descending")))
    sort_choices = []
    for each in spec.columns:
        for sign, wording in directions if each.sort else ():
            value = f"{sign}{each.key}"
            sort_choices.append((value, wording % {"column": each.label}, value == current_sort))
    rows = [
        (
            obj.pk,
            [
                {
                    "value": each.value(obj),
                    "kind": each.kind,
                    "label": each.label,
                    "link": each.link(obj) if each.link else None,
                    "status": getattr(obj, "status", "") if each.kind == "status" else "",
                }
                for each in spec.columns
            ],
        )
        for obj in page.object_list
    ]
    return render(
        request,
        spec.template,
        {
            "spec": spec,
            "title": spec.title,
            "tabs": [
                (reverse(name), label, name == f"{spec.key}-list") for name, label in LIST_TABS
            ],
            "form": form,
            "shown_fields": [form[name] for name in spec.filters],
            "search_words": words,
            "applied": sum(1 for name in (*spec.filters, "search") if request.GET.get(name)),
            "headers": headers,
            "sort_choices": sort_choices,
            "rows": rows,
            "page": page,
            "page_query": _query_without(request, "page", "export"),
            "export_query": _query_without(request, "page", "export"),
            **spec.extra_context,
        },
    )


AGENCY_COLUMN = Column(
    "agency", _("Agency"), lambda obj: obj.engagement.auditee.name, "engagement__auditee__name"
)


def _finding_url(obj):
    return reverse("finding-detail", args=[obj.pk])


def _engagement_url(obj):
    return reverse("engagement-detail", args=[obj.engagement_id])


FINDINGS = ListSpec(
    key="finding",
    title=_("Findings"),
    queryset=lambda user: Finding.objects.visible_to(user).select_related("engagement__auditee"),
    filterset_class=FindingFilter,
    filters=("status", "severity", "agency", "year", "amount_min", "amount_max", "overdue"),
    columns=(
        Column("reference", _("Reference"), lambda f: f.reference, "reference", link=_finding_url),
        Column("title", _("Title"), lambda f: f.title, "title"),
        Column(
            "engagement",
            _("Engagement"),
            lambda f: f.engagement.reference,
            "engagement__reference",
            link=_engagement_url,
        ),
        Column(
            "agency", _("Agency"), lambda f: f.engagement.auditee.name, "engagement__auditee__name"
        ),
        Column("severity", _("Severity"), lambda f: f.get_severity_display(), "severity"),
        Column("status", _("Status"), lambda f: f.get_status_display(), "status", "status"),
        Column("amount", _("Amount"), lambda f: f.amount, "amount", "money"),
        Column("issued_on", _("Issued on"), lambda f: f.issued_on, "issued_on", "date"),
        Column("response_due", _("Reply due"), lambda f: f.response_due, "response_due", "date"),
    ),
    default_sort="-issued_on",
)

RECOMMENDATIONS = ListSpec(
    key="recommendation",
    title=_("Recommendations"),
    queryset=lambda user: Recommendation.objects.visible_to(user).select_related(
        "finding", "engagement__auditee"
    ),
    filterset_class=RecommendationFilter,
    filters=("status", "severity", "agency", "year", "overdue"),
    columns=(
        Column(
            "finding",
            _("Finding"),
            lambda r: r.finding.reference,
            "finding__reference",
            link=lambda r: reverse("finding-detail", args=[r.finding_id]),
        ),
        Column("text", _("Recommendation"), lambda r: r.text),
        Column(
            "engagement",
            _("Engagement"),
            lambda r: r.engagement.reference,
            "engagement__reference",
            link=_engagement_url,
        ),
        Column(
            "agency", _("Agency"), lambda r: r.engagement.auditee.name, "engagement__auditee__name"
        ),
        Column("status", _("Status"), lambda r: r.get_status_display(), "status", "status"),
        Column("target_date", _("Target date"), lambda r: r.target_date, "target_date", "date"),
    ),
    default_sort="target_date",
)

SANCTIONS = ListSpec(
    key="sanction",
    title=_("Sanctions"),
    queryset=lambda user: sanctions_with_balance(
        Sanction.objects.visible_to(user).select_related("finding", "engagement__auditee")
    ),
    filterset_class=SanctionFilter,
    filters=("status", "kind", "agency", "year", "amount_min", "amount_max", "overdue"),
    columns=(
        Column(
            "reference",
            _("Reference"),
            lambda s: s.reference,
            "reference",
            link=lambda s: reverse("sanction-detail", args=[s.pk]),
        ),
        Column("kind", _("Kind"), lambda s: s.get_kind_display(), "kind"),
        Column(
            "finding",
            _("Finding"),
            lambda s: s.finding.reference,
            "finding__reference",
            link=lambda s: reverse("finding-detail", args=[s.finding_id]),
        ),
        Column(
            "agency", _("Agency"), lambda s: s.engagement.auditee.name, "engagement__auditee__name"
        ),
        Column("status", _("Status"), lambda s: s.get_status_display(), "status", "status"),
        Column("amount", _("Amount"), lambda s: s.amount, "amount", "money"),
        Column("balance", _("Balance"), lambda s: s.balance, "balance", "money"),
        Column("issued_on", _("Issued on"), lambda s: s.issued_on, "issued_on", "date"),
    ),
    default_sort="-issued_on",
)


@login_required
def finding_list(request):
    return list_page(request, FINDINGS)


@login_required
def recommendation_list(request):
    return list_page(request, RECOMMENDATIONS)


@login_required
def sanction_list(request):
    return list_page(request, SANCTIONS)
