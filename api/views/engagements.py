from django.db import transaction
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from api.base.filters import ChoicesFilter
from api.base.viewsets import (
    ConditionalUpdateMixin,
    CreateMixin,
    HistoryMixin,
    ScopedViewSet,
    ServiceWriteMixin,
    TransitionMixin,
)
from api.serializers.engagements import EngagementSerializer, MemberSerializer
from audits import permissions as can
from audits.choices import EngagementStatus
from audits.exceptions import NotPermitted
from audits.history import RelatedHistory
from audits.models import Engagement, EngagementMember
from audits.services import engagements as services


class EngagementFilter(filters.FilterSet):
    status = ChoicesFilter(choices=EngagementStatus.choices)

    class Meta:
        model = Engagement
        fields = ["status", "auditee", "sai"]


class EngagementViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    CreateMixin,
    ConditionalUpdateMixin,
    TransitionMixin,
    HistoryMixin,
    ScopedViewSet,
):
    queryset = Engagement.objects.all()
    serializer_class = EngagementSerializer
    write_roles = can.ENGAGEMENT_CREATORS
    filterset_class = EngagementFilter
    ordering_fields = ["reference", "created_at", "period_start"]
    create_service = staticmethod(services.engagement_create)
    update_service = staticmethod(services.engagement_update)
    transition_service = staticmethod(services.engagement_transition)

    def history_related(self, engagement):
        team = EngagementMember.history.filter(engagement_id=engagement.pk)
        return (RelatedHistory("team", team, ("user_id", "role")),)


class MemberViewSet(mixins.ListModelMixin, ScopedViewSet):
    """`/engagements/{id}/members/`: the team, listed (paginated, like every list) to
    whoever sees the engagement and changed by its team leader or a supervisor. Team
    changes show in the engagement's `history/` as entries on the field `team`."""

    serializer_class = MemberSerializer

    def engagement(self) -> Engagement:
        if not hasattr(self, "_engagement"):
            visible = Engagement.objects.visible_to(self.request.user)
            self._engagement = get_object_or_404(visible, pk=self.kwargs["engagement_pk"])
        return self._engagement

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return EngagementMember.objects.none()
        return self.engagement().members.select_related("user")

    @extend_schema(request=MemberSerializer, responses={201: MemberSerializer})
    def create(self, request, *args, **kwargs):
        if not can.can_manage_team(request.user, self.engagement()):
            # Before validating, so a refused caller learns nothing about user ids.
            raise NotPermitted(services.TEAM_MANAGERS_ONLY)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_add(
            self.engagement(), by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            services.member_remove(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
