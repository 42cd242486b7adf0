"""Web pages. Each area adds its own list of paths here."""

from django.contrib.auth import views as auth_views
from django.urls import path

from audits.models import Finding, Recommendation, Sanction
from audits.views import (
    engagements,
    evidence,
    findings,
    home,
    language,
    lists,
    manage,
    reminders,
    sanctions,
    search,
    versions,
)

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("language/", language.language_set, name="language-set"),
    path("engagements/new/", engagements.engagement_create, name="engagement-create"),
    path("engagements/<int:pk>/", engagements.engagement_detail, name="engagement-detail"),
    path("engagements/<int:pk>/edit/", engagements.engagement_edit, name="engagement-edit"),
    path(
        "engagements/<int:pk>/transition/",
        engagements.engagement_transition,
        name="engagement-transition",
    ),
    path("engagements/<int:pk>/members/", engagements.member_add, name="engagement-member-add"),
    path(
        "engagements/<int:pk>/members/<int:member_pk>/remove/",
        engagements.member_remove,
        name="engagement-member-remove",
    ),
    # Field evidence (issue 3)
    path(
        "engagements/<int:engagement_pk>/evidence/new/",
        evidence.evidence_new,
        name="evidence-new",
    ),
    path("evidence/<int:pk>/", evidence.evidence_page, name="evidence-page"),
    path("evidence/<int:pk>/file/", evidence.evidence_file_view, name="evidence-page-file"),
    path(
        "evidence/<int:pk>/preview/", evidence.evidence_preview_view, name="evidence-page-preview"
    ),
    # Findings, recommendations, replies (issue 4)
    path("engagements/<int:engagement_pk>/findings/new/", findings.finding_new, name="finding-new"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/transition/", findings.finding_transition, name="finding-transition"),
    path(
        "findings/<int:pk>/recommendations/",
        findings.recommendation_add,
        name="recommendation-add",
    ),
    path("findings/<int:pk>/responses/", findings.response_add, name="response-add"),
    path("findings/<int:pk>/sanctions/", findings.sanction_add, name="sanction-add"),
    path(
        "recommendations/<int:pk>/transition/",
        findings.recommendation_transition,
        name="recommendation-transition",
    ),
    path(
        "responses/attachments/<int:pk>/",
        findings.response_attachment,
        name="response-attachment",
    ),
    # Sanction ledger (issue 4)
    path("sanctions/<int:pk>/", sanctions.sanction_detail, name="sanction-detail"),
    path("sanctions/<int:pk>/payments/", sanctions.payment_add, name="sanction-payment"),
    path(
        "sanctions/<int:pk>/transition/",
        sanctions.sanction_transition,
        name="sanction-transition",
    ),
    # Version comparison (issue 4)
    path(
        "findings/<int:pk>/history/",
        versions.object_history,
        {"model": Finding},
        name="finding-history",
    ),
    path(
        "recommendations/<int:pk>/history/",
        versions.object_history,
        {"model": Recommendation},
        name="recommendation-history",
    ),
    path(
        "sanctions/<int:pk>/history/",
        versions.object_history,
        {"model": Sanction},
        name="sanction-history",
    ),
    # The SAI administrator's users and organisations (issue 9)
    path("manage/users/", manage.user_list, name="manage-users"),
    path("manage/users/new/", manage.user_new, name="manage-user-new"),
    path("manage/users/<int:pk>/", manage.user_edit, name="manage-user"),
    path("manage/organisations/", manage.organization_list, name="manage-organisations"),
    path("manage/organisations/new/", manage.organization_new, name="manage-organisation-new"),
    path("manage/organisations/<int:pk>/", manage.organization_edit, name="manage-organisation"),
    # Reminder digests and reiterating a recommendation (issue 9)
    path("reminders/", reminders.reminder_list, name="reminders"),
    path(
        "recommendations/<int:pk>/reiterate/",
        findings.recommendation_reiterate,
        name="recommendation-reiterate",
    ),
    # Lists across engagements and search (issue 9)
    path("findings/", lists.finding_list, name="finding-list"),
    path("recommendations/", lists.recommendation_list, name="recommendation-list"),
    path("sanctions/", lists.sanction_list, name="sanction-list"),
    path("search/", search.search_page, name="search"),
]
