from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views.accounts import OrganizationViewSet, TokenView, UserViewSet
from api.views.engagements import EngagementViewSet, MemberViewSet
from api.views.evidence import EvidenceViewSet
from api.views.findings import FindingViewSet, RecommendationViewSet, ResponseViewSet
from api.views.grievances import GrievanceViewSet
from api.views.open_data import OpenFindingsView, OpenRecommendationsView, OpenSanctionsView
from api.views.programme import ProcedureViewSet, ProgrammeTemplateViewSet, ReviewNoteViewSet
from api.views.reports import ReportViewSet
from api.views.sanctions import SanctionViewSet
from api.views.security import ApiTokenViewSet, SecurityEventViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("users", UserViewSet, basename="user")
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("findings", FindingViewSet, basename="finding")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("responses", ResponseViewSet, basename="response")
router.register("sanctions", SanctionViewSet, basename="sanction")
router.register("grievances", GrievanceViewSet, basename="grievance")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("review-notes", ReviewNoteViewSet, basename="review-note")
router.register("programme-templates", ProgrammeTemplateViewSet, basename="programme-template")
router.register("reports", ReportViewSet, basename="report")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
router.register("security-events", SecurityEventViewSet, basename="security-event")

member_list = MemberViewSet.as_view({"get": "list", "post": "create"})
member_detail = MemberViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("engagements/<int:engagement_pk>/members/", member_list, name="engagement-members"),
    path(
        "engagements/<int:engagement_pk>/members/<int:pk>/",
        member_detail,
        name="engagement-member-detail",
    ),
    path("open-data/findings/", OpenFindingsView.as_view(), name="open-data-findings"),
    path(
        "open-data/recommendations/",
        OpenRecommendationsView.as_view(),
        name="open-data-recommendations",
    ),
    path("open-data/sanctions/", OpenSanctionsView.as_view(), name="open-data-sanctions"),
    path("", include(router.urls)),
]
