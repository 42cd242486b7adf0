"""Report pages (logged in) and the public ones: verification, published reports, open data."""

from django.urls import path

from reports import dashboard_views, views

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/new/", views.report_new, name="report-new"),
    path("reports/<int:pk>/", views.report_page, name="report-page"),
    path("reports/<int:pk>/file/", views.report_page_file, name="report-page-file"),
    path("reports/<int:pk>/approve/", views.report_approve_page, name="report-approve-page"),
    path("verify/", views.verify, name="report-verify"),
    path("verify/report/<int:pk>/", views.verify_report, name="report-verify-report"),
    path("verify/<str:sha256>/", views.verify_hash, name="report-verify-hash"),
    path("published/", views.published, name="reports-published"),
    path("published/<int:pk>/file/", views.published_file, name="reports-published-file"),
    path("open-data/", views.open_data_page, name="open-data"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path(
        "dashboard/charts/<slug:name>.svg",
        dashboard_views.dashboard_chart,
        name="dashboard-chart",
    ),
    path("public/dashboard/", dashboard_views.public_dashboard, name="public-dashboard"),
    path(
        "public/dashboard/charts/<slug:name>.svg",
        dashboard_views.public_dashboard_chart,
        name="public-dashboard-chart",
    ),
]
