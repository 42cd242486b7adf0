from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status

from api.base.viewsets import ScopedViewSet
from api.serializers.security import ApiTokenSerializer, SecurityEventSerializer
from security.filters import SecurityEventFilter
from security.models import ApiToken, SecurityEvent
from security.services.tokens import token_revoke


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, ScopedViewSet):
    """The caller's usable API tokens (the SAI admin: everybody's), never the secret.
    `DELETE` revokes one."""

    queryset = ApiToken.objects.usable()
    serializer_class = ApiTokenSerializer
    filterset_fields = ["user", "read_only"]
    ordering_fields = ["created", "expires", "last_used", "id"]

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        token_revoke(instance, by=self.request.user, request=self.request._request)


class SecurityEventViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The security log, for `sai_admin` only: logins, failed logins, lockouts, tokens,
    permission denials, downloads and admin changes. Append-only: there is no write."""

    queryset = SecurityEvent.objects.all()
    serializer_class = SecurityEventSerializer
    filterset_class = SecurityEventFilter
    ordering_fields = ["at", "id"]
    search_fields = ["username", "path", "detail"]
