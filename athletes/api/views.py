from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from athletes import selectors, services
from athletes.access import AthleteNestedMixin, CoachWritesAthleteReads, SignedIn, signed_in_user
from athletes.models import (
    ApiToken,
    Athlete,
    Clearance,
    HighFlagDelivery,
    MessageDelivery,
    ReadinessAssessment,
    User,
)
from web.api.pagination import StandardPagination

from .serializers import (
    AssessmentSerializer,
    AthleteSerializer,
    ClearanceSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    athlete_id = serializers.IntegerField(allow_null=True)


class MeView(APIView):
    """Who is signed in: id, e-mail, role and, for an athlete, her profile id."""

    permission_classes = [SignedIn]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        profile = selectors.athlete_for_user(user) if user.role == "athlete" else None
        data = {
            "id": user.pk,
            "email": user.email,
            "role": user.role,
            "athlete_id": profile.pk if profile is not None else None,
        }
        return Response(MeSerializer(data).data)


class NotificationPreferencesSerializer(serializers.Serializer):
    high_flags = serializers.ChoiceField(
        choices=HighFlagDelivery.choices,
        required=False,
        help_text="High-priority warning signs (coaches): e-mailed at once, or in the daily "
        "digest only.",
    )
    messages = serializers.ChoiceField(
        choices=MessageDelivery.choices,
        required=False,
        help_text="New messages: e-mailed at once, at most hourly, or never.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                dict.fromkeys(sorted(unknown), "Not a notification preference.")
            )
        return attrs


class NotificationPreferencesView(APIView):
    """Her e-mail notification preferences (SPEC §12): GET reads them (the defaults if she
    never chose), PATCH changes the fields given."""

    permission_classes = [SignedIn]

    @staticmethod
    def _data(prefs) -> dict[str, str]:
        return {"high_flags": prefs.high_flags, "messages": prefs.messages}

    @extend_schema(responses=NotificationPreferencesSerializer)
    def get(self, request: Request) -> Response:
        prefs = selectors.notification_preferences_for(signed_in_user(request))
        return Response(NotificationPreferencesSerializer(self._data(prefs)).data)

    @extend_schema(
        request=NotificationPreferencesSerializer, responses=NotificationPreferencesSerializer
    )
    def patch(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = NotificationPreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        prefs = services.notification_preferences_update(
            user=user, data=dict(serializer.validated_data)
        )
        return Response(NotificationPreferencesSerializer(self._data(prefs)).data)


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenView(APIView):
    """Exchange e-mail and password for a token (POST); revoke the token in use (DELETE)."""

    throttle_classes = [TokenThrottle]

    def get_permissions(self):
        # Signing in is open to anyone (throttled); revoking needs the token being revoked.
        return [AllowAny()] if self.request.method == "POST" else [SignedIn()]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=body.validated_data["email"].lower(),
            password=body.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to sign in with this e-mail and password."]}
            )
        _, raw = services.api_token_create(user=user, name="API")
        return Response({"token": raw})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send the token to revoke in the Authorization header."]}
            )
        services.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("archived", bool, description="Only (un)archived.")]
    ),
    destroy=extend_schema(description="Erase her profile, login and every record about her."),
)
class AthleteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Athlete],
):
    """Coaches: their athletes. Athletes: themselves (read only). Staff: everyone."""

    serializer_class = AthleteSerializer
    permission_classes = [CoachWritesAthleteReads]
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = selectors.athletes_visible_to(self.request.user).order_by("id")
        archived = self.request.query_params.get("archived")
        if archived in ("true", "false"):
            qs = qs.filter(archived=archived == "true")
        return qs

    def perform_create(self, serializer: BaseSerializer[Athlete]) -> None:
        data = dict(serializer.validated_data)
        coach = data.pop("coach", None)
        user = signed_in_user(self.request)
        if coach is None:
            if user.is_staff and user.role != "coach":
                raise serializers.ValidationError({"coach": ["Staff must say which coach."]})
            coach = user
        serializer.instance = self.create_athlete(coach=coach, data=data)

    def create_athlete(self, *, coach: User, data: dict[str, Any]) -> Athlete:
        """Her profile alone. The API registers the plans layer's subclass, which enrols her
        (profile and plan in one transaction) instead."""
        return services.athlete_create(coach=coach, data=data)

    def perform_update(self, serializer: BaseSerializer[Athlete]) -> None:
        athlete = serializer.instance
        if athlete is None:  # DRF's update() always passes the athlete it looked up
            raise TypeError("perform_update needs the athlete being updated.")
        serializer.instance = services.athlete_update(
            athlete=athlete, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance: Athlete) -> None:
        services.athlete_erase(athlete=instance, by=signed_in_user(self.request))


class ClearanceListCreate(AthleteNestedMixin, generics.ListCreateAPIView[Clearance]):
    """Her clearances, newest first. Her coach and staff add them; she may read them."""

    serializer_class = ClearanceSerializer
    permission_classes = [CoachWritesAthleteReads]
    pagination_class = StandardPagination

    def get_queryset(self):
        return selectors.clearances_for(self.get_athlete())

    @transaction.atomic
    def perform_create(self, serializer: BaseSerializer[Clearance]) -> None:
        data = dict(serializer.validated_data)
        document = data.pop("document", None)
        serializer.instance = services.clearance_create(
            athlete=self.get_athlete(),
            data=data,
            document=document,
            by=signed_in_user(self.request),
        )


class AssessmentListCreate(AthleteNestedMixin, generics.ListCreateAPIView[ReadinessAssessment]):
    """Her readiness assessments, newest first. Her coach and staff add them; she may read."""

    serializer_class = AssessmentSerializer
    permission_classes = [CoachWritesAthleteReads]
    pagination_class = StandardPagination

    def get_queryset(self):
        return selectors.assessments_for(self.get_athlete())

    def perform_create(self, serializer: BaseSerializer[ReadinessAssessment]) -> None:
        serializer.instance = services.assessment_create(
            athlete=self.get_athlete(),
            data=dict(serializer.validated_data),
            by=signed_in_user(self.request),
        )
