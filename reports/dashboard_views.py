"""The dashboards: /dashboard/ (logged in: SAI admin, supervisors, auditors, oversight,
each counting only what they may see) and /public/dashboard/ (anyone: the published
part). Each chart is also its own URL, an SVG image drawn from the same `Chart` as the
table beside it.

Why an <img> per chart and not inline SVG: reportlab's SVG styles its shapes with
style="" attributes, which the site's Content-Security-Policy (style-src 'self') forbids
in a page. Served as its own image/svg+xml response, the chart gets a policy of its own
(nothing may load, no script runs in an <img> anyway; inline styles allowed), and the
page keeps its strict one.
"""

from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports import dashboard as selectors
from reports.permissions import may_see_dashboard
from reports.rendering import charts

SVG_POLICY = {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]}


def _scope(request, public: bool) -> selectors.Scope:
    if public:
        return selectors.Scope(None)
    if not may_see_dashboard(request.user):
        raise PermissionDenied
    return selectors.Scope(request.user)


def _page(request, *, public: bool):
    scope = _scope(request, public)
    chart_url = "public-dashboard-chart" if public else "dashboard-chart"
    figures = [
        {
            "name": name,
            "chart": chart,
            "table": selectors.table(chart),
            "url": reverse(chart_url, args=[name]),
        }
        for name, chart in selectors.dashboard(scope)
    ]
    return render(request, "reports/dashboard.html", {"figures": figures, "public": public})


def _chart(request, name, *, public: bool):
    if name not in selectors.CHARTS:
        raise Http404
    chart = selectors.chart(_scope(request, public), name)
    response = HttpResponse(charts.svg(chart), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
@never_cache
def dashboard(request):
    return _page(request, public=False)


@require_GET
@csp(SVG_POLICY)
@login_required
@never_cache
def dashboard_chart(request, name):
    return _chart(request, name, public=False)


@require_GET
def public_dashboard(request):
    return _page(request, public=True)


@require_GET
@csp(SVG_POLICY)
def public_dashboard_chart(request, name):
    return _chart(request, name, public=True)
