from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes.access import AthleteNestedMixin, CoachOrStaffOnly, SignedIn, signed_in_user
from athletes.api.views import AthleteViewSet
from athletes.models import Athlete, User
from clinical import protocol
from plans import selectors, services
from plans.models import Decision, PlannedSession
from plans.workouts import FIT_CONTENT_TYPE, WORKOUT_KINDS, workout_download
from web.api.pagination import StandardPagination

from .serializers import DecisionSerializer, ErrorSerializer, OverrideSerializer, PlanSerializer


class EnrollingAthleteViewSet(AthleteViewSet):
    """``/api/v1/athletes/``: the athletes layer's endpoint, except that creating an athlete
    enrols her, so her plan starts in the same transaction as her profile."""

    def create_athlete(self, *, coach: User, data: dict[str, Any]) -> Athlete:
        return services.athlete_enrol(coach=coach, data=data, by=signed_in_user(self.request))


class AthletePlanView(AthleteNestedMixin, APIView):
    """Her stage and level this week, this week's published sessions and why, her plan's
    status, and next week once published (owner coach, the athlete, staff; SPEC §11).

    A read: it never starts a plan. Every athlete gets hers when she is enrolled; one who
    somehow has none (the hourly ``publish_weeks`` starts it) answers 404 with
    ``{"detail": "Her plan has not started yet."}``, as distinct from the 404 of an athlete
    the requester may not see."""

    permission_classes = [SignedIn]

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


class AthleteDecisionList(AthleteNestedMixin, generics.ListAPIView[Decision]):
    """Her decisions, newest first (owner coach and staff)."""

    serializer_class = DecisionSerializer
    permission_classes = [CoachOrStaffOnly]
    pagination_class = StandardPagination

    def get_queryset(self):
        return (
            selectors.decisions_visible_to(self.request.user)
            .filter(athlete=self.get_athlete())
            .order_by("-week")
        )


class DecisionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Decision]):
    """Approve or override a pending decision. Another coach's decision answers 404."""

    serializer_class = DecisionSerializer
    permission_classes = [CoachOrStaffOnly]

    def get_queryset(self):
        return selectors.decisions_visible_to(self.request.user)

    @extend_schema(request=None, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: int | None = None) -> Response:
        decision = self.get_object()
        services.decision_approve(decision=decision, by=signed_in_user(request))
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
            PlannedSession.objects.visible_to(request.user).filter(kind__in=WORKOUT_KINDS),
            pk=pk,
        )
        self.check_object_permissions(request, session)
        return workout_download(session)
