from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.parsers import FormParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.base.filters import ChoicesFilter
from api.base.parsers import BoundedJSONParser, StrictMultiPartParser
from api.base.viewsets import HistoryMixin, ScopedViewSet, UploadLimitMixin, etag_for
from api.serializers.evidence import EvidenceCreateSerializer, EvidenceSerializer
from audits.choices import EvidenceKind, Role
from audits.evidence_files import serve_evidence_file, serve_evidence_preview
from audits.exceptions import DuplicateEvidence
from audits.models import Evidence, EvidenceAccess
from audits.services.evidence import evidence_file
from programme.services.procedures import procedure_file_evidence

# Roles that can be on an engagement team; the service decides per engagement.
EVIDENCE_FILER_ROLES = {Role.SUPERVISOR, Role.AUDITOR, Role.CSO_AUDITOR}


class EvidenceFilter(filters.FilterSet):
    kind = ChoicesFilter(choices=EvidenceKind.choices)

    class Meta:
        model = Evidence
        fields = ["engagement", "kind", "submitted_by", "content_type"]


class FileRenderer(BaseRenderer):
    """Lets a client that asks for `image/*` or `application/pdf` get the file; errors
    on these endpoints still come back as JSON."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


NOT_IN_SCHEMA = extend_schema(exclude=True)


@extend_schema_view(update=NOT_IN_SCHEMA, partial_update=NOT_IN_SCHEMA, destroy=NOT_IN_SCHEMA)
class EvidenceViewSet(UploadLimitMixin, mixins.ListModelMixin, HistoryMixin, ScopedViewSet):
    """Field evidence. Filed with a multipart POST; never changed or deleted (405):
    a correction is a new item with `supersedes`."""

    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    write_roles = EVIDENCE_FILER_ROLES
    filterset_class = EvidenceFilter
    ordering_fields = ["submitted_at", "captured_at", "size"]
    parser_classes = [StrictMultiPartParser, FormParser, BoundedJSONParser]

    roles_guard_objects = False  # PATCH/PUT/DELETE: 404 or 405, never 403

    def get_queryset(self):
        user = self.request.user
        return super().get_queryset().with_visible_chain(user).in_list_order(user)

    @extend_schema(
        request={"multipart/form-data": EvidenceCreateSerializer},
        responses={
            201: EvidenceSerializer,
            200: OpenApiResponse(EvidenceSerializer, description="A retry: the first item"),
            409: OpenApiResponse(
                description="The same bytes are already filed on this engagement: the body "
                "names the existing item (`id`, `url`, `sha256`)"
            ),
            413: OpenApiResponse(description="The file is over the size limit"),
            415: OpenApiResponse(description="This type of file is not accepted"),
        },
    )
    def create(self, request, *args, **kwargs):
        form = EvidenceCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        upload = values.pop("file")
        engagement = values.pop("engagement")
        procedure = values.pop("procedure", None)
        try:
            if procedure is None:
                evidence = evidence_file(
                    by=request.user, engagement=engagement, upload=upload, **values
                )
            else:  # filed against a task of the audit programme
                evidence = procedure_file_evidence(
                    by=request.user,
                    procedure=procedure,
                    engagement=engagement,
                    upload=upload,
                    **values,
                )
        except DuplicateEvidence as duplicate:
            existing = duplicate.existing
            body = {
                "detail": duplicate.message,
                "id": existing.pk,
                "url": reverse("evidence-detail", args=[existing.pk], request=request),
                "sha256": existing.sha256,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        created = not getattr(evidence, "was_already_filed", False)
        data = self.representation(self.get_queryset().get(pk=evidence.pk))
        return Response(
            data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"ETag": etag_for(data)},
        )

    def _immutable(self, request, *args, **kwargs):
        self.get_object()  # an item the caller may not see stays a 404
        raise MethodNotAllowed(request.method)

    update = partial_update = destroy = _immutable

    @extend_schema(
        responses={(200, "*/*"): OpenApiTypes.BINARY},
        description="The stored bytes, exactly; recorded as a download.",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, FileRenderer])
    def file(self, request, *args, **kwargs):
        return serve_evidence_file(
            request, self.get_object(), action=EvidenceAccess.Action.DOWNLOAD
        )

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        description="A small JPEG preview of a photo (404 if there is none); recorded as a view.",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, FileRenderer])
    def preview(self, request, *args, **kwargs):
        return serve_evidence_preview(request, self.get_object())
