"""The base every endpoint builds on.

- `get_queryset()` is the model's `visible_to(caller)` before anything else, so an object
  the caller may not see is a 404 for every verb.
- Single-object GETs carry an `ETag`; PUT/PATCH with a stale `If-Match` get 412.
- `transition/` and `history/` are shared: a viewset names its transition service.
"""

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from audits.exceptions import PreconditionFailed
from audits.history import RelatedHistory, history_entries
from audits.querysets import history_visible_since
from audits.upload_handlers import limit_uploads


class RoleWritePermission(BasePermission):
    """Reads need a login; writes need one of the view's `write_roles` (if set). Where the
    view sets `roles_guard_objects = False`, the roles guard only `create`: moves and edits
    of one object are decided by its service (team leader, supervisor of the SAI, ...)."""

    message = _("Your role may not do this.")

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        roles = getattr(view, "write_roles", None)
        no_such_verb = getattr(view, "action", "") is None  # dispatch answers 405
        if request.method in SAFE_METHODS or roles is None or no_such_verb:
            return True
        if view.action != "create" and not getattr(view, "roles_guard_objects", True):
            return True
        if request.user.has_role(*roles):
            return True
        if view.kwargs.get(getattr(view, "lookup_url_kwarg", None) or "pk") is not None:
            view.get_object()  # an object the caller may not see is a 404, not a 403
        return False


def etag_for(data) -> str:
    encoded = json.dumps(data, sort_keys=True, default=str).encode()
    return '"' + hashlib.sha256(encoded).hexdigest()[:32] + '"'


def check_if_match(request, current_etag: str) -> None:
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if current_etag not in offered:
        raise PreconditionFailed()


class ScopedViewSet(viewsets.GenericViewSet):
    """`queryset` is the unscoped base (with its select_related); callers only ever get
    `queryset.visible_to(user)`."""

    permission_classes = [RoleWritePermission]
    write_roles = None

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def representation(self, instance) -> dict:
        return self.get_serializer(instance).data

    def retrieve(self, request, *args, **kwargs):
        data = self.representation(self.get_object())
        return Response(data, headers={"ETag": etag_for(data)})


class UploadLimitMixin:
    """A POST's files pass the upload limit while they arrive (`audits.upload_handlers`):
    one over it is a 413 before anything is written, even to temporary storage."""

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            limit_uploads(request)
        return super().initialize_request(request, *args, **kwargs)


class ServiceWriteMixin:
    """Creates and edits through the app's services:
    `create_service(by=, **fields)` and `update_service(obj, by=, change_reason=, **fields)`."""

    roles_guard_objects = False
    create_service = None
    update_service = None

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("change_reason", None)
        serializer.instance = type(self).create_service(by=self.request.user, **fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        serializer.instance = type(self).update_service(
            serializer.instance,
            by=self.request.user,
            change_reason=fields.pop("change_reason", ""),
            **fields,
        )


class ConditionalUpdateMixin:
    """PUT/PATCH through `perform_update`, guarded by If-Match, in one transaction.

    The object is read under a row lock, so a write committed while we waited makes the
    tag stale. A view whose queryset cannot be locked as it is read (DISTINCT, GROUP BY)
    sets `lock_as_read = False`: its object is then read, locked and read again."""

    lock_as_read = True
    _locking = False

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.select_for_update(of=("self",)) if self._locking else queryset

    def locked_object(self):
        if not self.lock_as_read:
            instance = self.get_object()
            type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
            instance.refresh_from_db()
            return instance
        self._locking = True
        try:
            return self.get_object()
        finally:
            self._locking = False

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            if request.headers.get("If-Match"):  # without one, no tag to compare
                check_if_match(request, etag_for(self.representation(instance)))
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        data = self.representation(serializer.instance)
        return Response(data, headers={"ETag": etag_for(data)})

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class CreateMixin(mixins.CreateModelMixin):
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            self.perform_create(serializer)
        data = self.representation(serializer.instance)
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(data)})


class TransitionSerializer(serializers.Serializer):
    to = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class HistoryEntrySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    user = serializers.IntegerField(allow_null=True)
    user_name = serializers.CharField(allow_null=True)
    change_reason = serializers.CharField()
    history_type = serializers.CharField(help_text="+ created, ~ changed, - deleted")
    changes = serializers.ListField(child=serializers.DictField())


class TransitionMixin:
    """`POST <object>/transition/ {"to", "reason"}` → the updated object.

    The viewset sets `transition_service(obj, *, by, to, reason)`; a move that takes more
    than a reason names a `transition_serializer` whose extra fields reach the service as
    keyword arguments."""

    transition_service = None
    transition_serializer = TransitionSerializer

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: OpenApiResponse(description="The object after the transition"),
            403: OpenApiResponse(description="Your role may not make this move"),
            409: OpenApiResponse(description="The state machine does not allow this move"),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        instance = self.get_object()
        body = self.transition_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = type(self).transition_service(instance, by=request.user, **body.validated_data)
        data = self.representation(self.get_queryset().get(pk=updated.pk))
        return Response(data, headers={"ETag": etag_for(data)})


class HistoryMixin:
    """`GET <object>/history/`: every version, newest first, with field-level changes.

    A viewset whose object has children tracked on their own (an engagement's team)
    returns them from `history_related(obj)`, and their changes appear as entries too."""

    def history_related(self, obj) -> tuple[RelatedHistory, ...]:
        return ()

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, *args, **kwargs):
        obj = self.get_object()
        since = history_visible_since(request.user, obj)
        entries = history_entries(obj, related=self.history_related(obj), since=since)
        return Response(HistoryEntrySerializer(entries, many=True).data)
