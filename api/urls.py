from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views.accounts import OrganizationViewSet, TokenView, UserViewSet
from api.views.engagements import EngagementViewSet, MemberViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("users", UserViewSet, basename="user")
router.register("engagements", EngagementViewSet, basename="engagement")

member_list = MemberViewSet.as_view({"get": "list", "post": "create"})
member_detail = MemberViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("engagements/<int:engagement_pk>/members/", member_list, name="engagement-members"),
    path(
        "engagements/<int:engagement_pk>/members/<int:pk>/",
        member_detail,
        name="engagement-member-detail",
    ),
    path("", include(router.urls)),
]
