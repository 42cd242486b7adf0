from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from api.base.viewsets import ConditionalUpdateMixin, CreateMixin, ScopedViewSet
from api.serializers.accounts import MeSerializer, OrganizationSerializer, UserSerializer
from api.serializers.security import TokenCreatedSerializer, TokenRequestSerializer
from audits import permissions as can
from audits.models import Organization, User
from audits.services import accounts as services
from security.permissions import SECOND_FACTOR_ROLES
from security.services.tokens import token_create


def _check_second_factor(user, code: str) -> None:
    """With REQUIRE_2FA, `sai_admin` and `supervisor` add the code from their app."""
    if not (settings.REQUIRE_2FA and user.has_role(*SECOND_FACTOR_ROLES)):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise PermissionDenied(_("Set up the second factor on the web before asking for a token."))
    if not (code.isdigit() and device.verify_token(code)):
        raise ValidationError({"otp": [_("A valid code from your authenticator app is required.")]})


class TokenView(APIView):
    """`POST {"username", "password"}` → `{"token": "..."}` (and its `id`, `expires`,
    `read_only`). Repeated failures lock out the account and the client address (429)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenCreatedSerializer,
            429: OpenApiResponse(description="Locked out after repeated failed logins"),
        },
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        credentials = body.validated_data
        user = authenticate(
            request=request._request,
            username=credentials["username"],
            password=credentials["password"],
        )
        if user is None:
            raise ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]}
            )
        _check_second_factor(user, credentials.get("otp", "").strip())
        token, secret = token_create(
            user=user, read_only=credentials["read_only"], request=request._request
        )
        return Response(
            {
                "token": secret,
                "id": token.pk,
                "expires": token.expires,
                "read_only": token.read_only,
            }
        )


class OrganizationViewSet(
    mixins.ListModelMixin, CreateMixin, ConditionalUpdateMixin, ScopedViewSet
):
    queryset = Organization.objects.all()  # `parent` shows as an id: no join
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
    queryset = User.objects.all()  # the list shows the organisation's id only: no join
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
