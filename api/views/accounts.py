from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from api.base.viewsets import ConditionalUpdateMixin, CreateMixin, ScopedViewSet
from api.serializers.accounts import MeSerializer, OrganizationSerializer, UserSerializer
from audits import permissions as can
from audits.models import Organization, User
from audits.services import accounts as services


class TokenView(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token": "..."}`."""

    throttle_classes = [AnonRateThrottle]


class OrganizationViewSet(
    mixins.ListModelMixin, CreateMixin, ConditionalUpdateMixin, ScopedViewSet
):
    queryset = Organization.objects.select_related("parent")
    serializer_class = OrganizationSerializer
    write_roles = can.ORGANIZATION_WRITERS
    filterset_fields = ["kind", "parent"]
    ordering_fields = ["name", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.organization_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organization_update(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )


class UserViewSet(mixins.ListModelMixin, CreateMixin, ConditionalUpdateMixin, ScopedViewSet):
    queryset = User.objects.select_related("organization")
    serializer_class = UserSerializer
    write_roles = can.USER_WRITERS
    filterset_fields = ["role", "organization"]
    ordering_fields = ["username", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.user_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.user_update(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(responses=MeSerializer)
    @action(detail=False, methods=["get"], write_roles=None)
    def me(self, request):
        return Response(MeSerializer(request.user).data)
