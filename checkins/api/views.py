from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from athletes.access import AthleteNestedMixin, CoachOrStaffOnly, SignedIn, signed_in_user
from athletes.audit import LogsAccessMixin
from checkins import selectors, services
from checkins.models import FlagStatus, Rule, Severity, SymptomReport, WarningFlag, WeeklyCheckIn
from web.api.pagination import StandardPagination

from .serializers import (
    CheckInSerializer,
    FlagSerializer,
    ResolveSerializer,
    SymptomReportCreatedSerializer,
    SymptomReportSerializer,
)


class AthleteCheckInListCreate(
    LogsAccessMixin, AthleteNestedMixin, generics.ListCreateAPIView[WeeklyCheckIn]
):
    """Her check-ins, newest first. The athlete herself, her coach and staff may read and
    submit; anyone else's athlete answers 404."""

    serializer_class = CheckInSerializer
    permission_classes = [SignedIn]
    access_what = "check-ins"
    pagination_class = StandardPagination
    paged_relation = "checkins"  # counted with her lookup

    def get_queryset(self):
        return self.get_athlete().checkins.order_by("-week")

    def perform_create(self, serializer: BaseSerializer[WeeklyCheckIn]) -> None:
        if not isinstance(serializer, CheckInSerializer):  # DRF passes the serializer_class's
            raise TypeError("perform_create needs a CheckInSerializer.")
        serializer.instance = services.checkin_submit(
            athlete=self.get_athlete(),
            week=serializer.validated_data["week"],
            data=serializer.checkin_data(),
            by=signed_in_user(self.request),
        )


class CheckInDetail(LogsAccessMixin, generics.RetrieveUpdateAPIView[WeeklyCheckIn]):
    """One check-in; PATCH within its edit window (to the end of the following week)."""

    serializer_class = CheckInSerializer
    access_what = "check-in"
    permission_classes = [SignedIn]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.checkins_visible_to(self.request.user)

    def perform_update(self, serializer: BaseSerializer[WeeklyCheckIn]) -> None:
        checkin = serializer.instance
        # DRF's update() passes the serializer_class's, made for the check-in it looked up.
        if not isinstance(serializer, CheckInSerializer) or checkin is None:
            raise TypeError("perform_update needs a CheckInSerializer of a check-in.")
        serializer.instance = services.checkin_update(
            checkin=checkin, data=serializer.checkin_data(), by=signed_in_user(self.request)
        )


class AthleteSymptomReportListCreate(
    LogsAccessMixin, AthleteNestedMixin, generics.ListCreateAPIView[SymptomReport]
):
    """Her anytime symptom reports, newest first (SPEC §11). The athlete herself, her coach
    and staff may read and report; anyone else's athlete answers 404.

    A report needs a symptom, or pain high enough to raise a flag: an empty one answers 400
    and writes nothing. It raises its warning flags at once, and the response to a POST
    carries the advice she is shown.
    """

    serializer_class = SymptomReportSerializer
    access_what = "symptom reports"
    permission_classes = [SignedIn]
    pagination_class = StandardPagination

    def get_queryset(self):
        return selectors.symptom_reports_for_athlete(self.request.user, self.get_athlete())

    @extend_schema(request=SymptomReportSerializer, responses={201: SymptomReportCreatedSerializer})
    def post(self, request, *args, **kwargs):
        serializer = SymptomReportSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        user = signed_in_user(request)
        report = services.symptom_report_submit(
            athlete=self.get_athlete(), data=serializer.report_data(), by=user
        )
        report = selectors.symptom_report_for(user, report.pk)
        body = SymptomReportCreatedSerializer(report, context=self.get_serializer_context())
        return Response(body.data, status=status.HTTP_201_CREATED)


class FlagViewSet(
    LogsAccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[WarningFlag],
):
    """Warning flags of the coach's athletes (staff: everyone's), most severe and oldest first.

    Filters: ``status``, ``severity``, ``athlete`` (id), ``rule``. Another coach's flag
    answers 404.
    """

    serializer_class = FlagSerializer
    access_what, access_one = "warning flags", "warning flag"
    permission_classes = [CoachOrStaffOnly]
    pagination_class = StandardPagination
    FILTERS = {
        "status": [s for s, _ in FlagStatus.choices],
        "severity": [s for s, _ in Severity.choices],
        "rule": [r for r, _ in Rule.choices],
    }

    def get_queryset(self):
        qs = selectors.flags_visible_to(self.request.user).annotate(
            severity_rank=selectors.SEVERITY_ORDER
        )
        if self.action != "list":
            return qs
        params = self.request.query_params
        errors = {}
        for name, allowed in self.FILTERS.items():
            value = params.get(name)
            if value is None:
                continue
            if value not in allowed:
                errors[name] = [f"Choose one of: {', '.join(allowed)}."]
            else:
                qs = qs.filter(**{name: value})
        athlete = params.get("athlete")
        if athlete is not None:
            if not (athlete.isascii() and athlete.isdigit()):  # "²" is a digit, not a number
                errors["athlete"] = ["An athlete id (a whole number)."]
            else:
                qs = qs.filter(athlete_id=int(athlete))
        if errors:
            raise serializers.ValidationError(errors)
        return qs.order_by("-severity_rank", "created_at", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=FILTERS["status"]),
            OpenApiParameter("severity", str, enum=FILTERS["severity"]),
            OpenApiParameter("rule", str, enum=FILTERS["rule"]),
            OpenApiParameter("athlete", {"type": "integer", "minimum": 0}),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: int | None = None) -> Response:
        user = signed_in_user(request)
        flag = services.flag_acknowledge(flag=self.get_object(), by=user)
        return Response(FlagSerializer(selectors.flag_for(user, flag.pk)).data)

    @extend_schema(request=ResolveSerializer, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: int | None = None) -> Response:
        user = signed_in_user(request)
        flag = self.get_object()
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        flag = services.flag_resolve(flag=flag, by=user, note=body.validated_data["note"])
        return Response(FlagSerializer(selectors.flag_for(user, flag.pk)).data)
