from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from activities import selectors, services
from activities.models import Activity
from activities.sources import UploadedFiles
from athletes.access import AthleteNestedMixin, SignedIn, signed_in_user
from athletes.audit import LogsAccessMixin
from web.api.pagination import StandardPagination

from .serializers import ActivitySerializer, ActivityUploadSerializer, ImportReportSerializer


class UploadErrorsSerializer(serializers.Serializer):
    """A request refused before any file was read: no ``file`` part, or not a file."""

    file = serializers.JSONField(
        help_text="What was wrong with the file part: messages, or messages by file position."
    )


# A 400 is either every file refused (the report says why, file by file) or no file at all.
UPLOAD_REFUSED = PolymorphicProxySerializer(
    component_name="ActivityUploadRefused",
    serializers=[ImportReportSerializer, UploadErrorsSerializer],
    resource_type_field_name=None,
)


def report_status(report: services.ImportReport) -> int:
    """201 when something new was stored; 400 when files were refused and nothing was; 200
    when everything was already there."""
    if report.imported:
        return status.HTTP_201_CREATED
    if report.refused or not report.duplicates:
        return status.HTTP_400_BAD_REQUEST
    return status.HTTP_200_OK


class AthleteActivityListCreate(
    LogsAccessMixin, AthleteNestedMixin, generics.ListAPIView[Activity]
):
    """Her activities, newest first (SPEC §13). The athlete herself, her coach and staff may
    read and upload; anyone else's athlete answers 404.

    POST takes multipart ``file`` (one or several): activity files (``.fit``, ``.gpx``,
    ``.tcx``, each optionally ``.gz``) or ``.zip`` exports. Each file is imported or refused on
    its own; the answer lists every file with what became of it.
    """

    serializer_class = ActivitySerializer
    permission_classes = [SignedIn]
    access_what = "activities"
    pagination_class = StandardPagination
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.activities_for_athlete(self.get_athlete())

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "athlete": self.get_athlete()}

    @extend_schema(
        request={"multipart/form-data": ActivityUploadSerializer},
        responses={
            201: ImportReportSerializer,
            200: ImportReportSerializer,
            400: UPLOAD_REFUSED,
        },
    )
    def post(self, request, *args, **kwargs):
        upload = ActivityUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        report = services.activities_import(
            athlete=self.get_athlete(),
            source=UploadedFiles(upload.validated_data["file"]),
            by=signed_in_user(request),
        )
        body = ImportReportSerializer(
            {
                "imported": report.imported,
                "duplicates": report.duplicates,
                "refused": report.refused,
                "results": [
                    {
                        "name": r.name,
                        "status": r.status,
                        "detail": r.detail,
                        "activity": r.activity,
                    }
                    for r in report.results
                ],
            },
            context=self.get_serializer_context(),
        )
        return Response(body.data, status=report_status(report))
