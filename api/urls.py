from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views.accounts import OrganizationViewSet, TokenView, UserViewSet
from api.views.engagements import EngagementViewSet, MemberViewSet
from api.views.evidence import EvidenceViewSet
from api.views.findings import FindingViewSet, RecommendationViewSet, ResponseViewSet
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
    path("", include(router.urls)),
]
