from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes import selectors as athlete_selectors
from athletes.access import AthleteNestedMixin, CoachOrStaffOnly, SignedIn, signed_in_user
from athletes.api.views import AthleteViewSet
from athletes.audit import LogsAccessMixin, record_access
from athletes.models import Athlete, User
from clinical import protocol
from plans import selectors, services
from plans.models import Decision, PlannedSession
from plans.workouts import FIT_CONTENT_TYPE, WORKOUT_KINDS, workout_download
from web.api.pagination import StandardPagination

from .serializers import (
    ApproveSerializer,
    DecisionSerializer,
    ErrorSerializer,
    OverrideSerializer,
    PlanSerializer,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("archived", bool, description="Only (un)archived."),
            OpenApiParameter(
                "sort",
                str,
                enum=[
                    *selectors.ROSTER_SORTS,
                    *(f"-{k}" for k in selectors.ROSTER_SORTS if k != "need"),
                ],
                description="Sort as the dashboard's roster does: `need` (an open high flag, "
                "a decision awaiting her coach, a check-in due where she lives, an expiring "
                "clearance or readiness, then name) or by a column, `-` for descending. "
                "Without it, by id. Anything else answers 400.",
            ),
        ]
    ),
)
class EnrollingAthleteViewSet(AthleteViewSet):
    """``/api/v1/athletes/``: the athletes layer's endpoint, except that creating an athlete
    enrols her, so her plan starts in the same transaction as her profile; the list sorts as
    the dashboard does with ``?sort=``."""

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list" or "sort" not in self.request.query_params:
            return qs
        sort = self.request.query_params["sort"]
        if selectors.roster_sort(sort) != sort:
            raise serializers.ValidationError(
                {
                    "sort": [
                        f"Sort by one of: {', '.join(selectors.ROSTER_SORTS)} ('-' first "
                        "to reverse a column)."
                    ]
                }
            )
        zones = list(qs.order_by().values_list("timezone", flat=True).distinct())
        expiring = [a.pk for a, _ in athlete_selectors.expiring_for_roster(qs)]
        return selectors.roster_sorted(
            qs, zones=zones, now=timezone.now(), sort=sort, expiring=expiring
        )

    def create_athlete(self, *, coach: User, data: dict[str, Any]) -> Athlete:
        return services.athlete_enrol(coach=coach, data=data, by=signed_in_user(self.request))


class AthletePlanView(LogsAccessMixin, AthleteNestedMixin, APIView):
    """Her stage and level this week, this week's published sessions and why, her plan's
    status, and next week once published (owner coach, the athlete, staff; SPEC §11).

    A read: it never starts a plan. Every athlete gets hers when she is enrolled; one who
    somehow has none (the hourly ``publish_weeks`` starts it) answers 404 with
    ``{"detail": "Her plan has not started yet."}``, as distinct from the 404 of an athlete
    the requester may not see."""

    permission_classes = [SignedIn]
    access_what = "plan"

    @extend_schema(responses={200: PlanSerializer, 404: ErrorSerializer})
    def get(self, request: Request, athlete_id: int) -> Response:
        athlete = self.get_athlete()
        plan = getattr(athlete, "plan", None)
        if plan is None or athlete.stage not in protocol.STAGE_BY_KEY:
            raise NotFound("Her plan has not started yet.")
        overview = selectors.week_overview(athlete, athlete.today())
        this_week = overview.this_week
        stage_key = this_week.stage if this_week else athlete.stage
        stage = protocol.stage(stage_key)
        data = {
            "athlete": athlete.pk,
            "protocol_version": plan.protocol_version,
            "started_on": plan.started_on,
            "stage": stage_key,
            "stage_name": stage.name,
            "level": this_week.level if this_week else athlete.level,
            "guidance": stage.guidance,
            "status": overview.status,
            "paused_since": overview.pause.started_on if overview.pause else None,
            "week": this_week,
            "next_week": overview.next_week,
        }
        return Response(PlanSerializer(data).data)


class AthleteDecisionList(LogsAccessMixin, AthleteNestedMixin, generics.ListAPIView[Decision]):
    """Her decisions, newest first (owner coach and staff)."""

    serializer_class = DecisionSerializer
    access_what, access_one = "decisions", "decision"
    permission_classes = [CoachOrStaffOnly]
    pagination_class = StandardPagination

    def get_queryset(self):
        return (
            selectors.decisions_visible_to(self.request.user)
            .filter(athlete=self.get_athlete())
            .order_by("-week")
        )


class DecisionViewSet(
    LogsAccessMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Decision]
):
    """Approve or override a pending decision. Another coach's decision answers 404."""

    serializer_class = DecisionSerializer
    access_what, access_one = "decisions", "decision"
    permission_classes = [CoachOrStaffOnly]

    def get_queryset(self):
        return selectors.decisions_visible_to(self.request.user)

    @extend_schema(request=ApproveSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: int | None = None) -> Response:
        decision = self.get_object()
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decision_approve(
            decision=decision, by=signed_in_user(request), **body.validated_data
        )
        decision.refresh_from_db()
        return Response(DecisionSerializer(decision).data)

    @extend_schema(request=OverrideSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: int | None = None) -> Response:
        decision = self.get_object()
        body = OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decision_override(
            decision=decision, by=signed_in_user(request), **body.validated_data
        )
        decision.refresh_from_db()
        return Response(DecisionSerializer(decision).data)


class PlanSessionWorkout(APIView):
    """``GET /api/v1/plan-sessions/{id}/workout.fit``: one planned walk, run-walk or run as a
    structured FIT workout her watch follows step by step (SPEC §13). Her coach, she and staff
    may download it; anyone else's session, or a kind a watch doesn't time (strength, pelvic
    floor…), answers 404."""

    permission_classes = [SignedIn]

    @extend_schema(responses={(200, FIT_CONTENT_TYPE): OpenApiTypes.BINARY, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> HttpResponse:
        session = get_object_or_404(
            PlannedSession.objects.visible_to(request.user)
            .filter(kind__in=WORKOUT_KINDS)
            .select_related("plan_week__plan"),
            pk=pk,
        )
        self.check_object_permissions(request, session)
        response = workout_download(session)
        record_access(
            request,
            instance=session,
            athlete_id=session.plan_week.plan.athlete_id,
            what="planned workout (FIT)",
        )
        return response
