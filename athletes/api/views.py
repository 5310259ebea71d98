from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import BaseAuthenticateForm
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from athletes import selectors, services
from athletes.access import AthleteNestedMixin, CoachWritesAthleteReads, SignedIn, signed_in_user
from athletes.audit import LogsAccessMixin
from athletes.mfa import SETUP_MESSAGE, must_set_up_totp
from athletes.models import (
    ApiToken,
    Athlete,
    Clearance,
    HighFlagDelivery,
    MessageDelivery,
    ReadinessAssessment,
    User,
)
from web import ratelimit
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


class TooManyAttemptsSerializer(serializers.Serializer):
    detail = serializers.CharField()


def too_many_attempts(request: Request, *, action: str, key: str | None = None) -> Response:
    wait = ratelimit.retry_after(request._request, action=action, key=key)
    return Response(
        {"detail": f"Too many sign-in attempts. Try again in {wait} seconds."},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(wait)},
    )


def second_factor_refused(request: Request, *, user: User, code: str | None) -> Response | None:
    """None when ``code`` is right (TOTP or an unused recovery code); otherwise the answer.

    allauth's own check, with its limit: wrong codes for one account count together on the
    web's second step and here."""
    if not code:
        raise serializers.ValidationError(
            {"code": ["This account has two-factor authentication: send the code too."]}
        )
    form = BaseAuthenticateForm(data={"code": code}, user=user)
    if form.is_valid():  # a recovery code is spent, a TOTP code cannot be replayed
        form.authenticator.record_usage()
        return None
    if any(error.code == "too_many_login_attempts" for error in form.errors.as_data()["code"]):
        return too_many_attempts(request, action="login_failed", key=f"mfa-auth-user-{user.pk}")
    raise serializers.ValidationError({"code": ["Wrong code."]})


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


class TokenView(APIView):
    """Exchange e-mail and password for a token (POST); revoke the token in use (DELETE).

    Signing in is limited exactly like the web login, whatever credentials come with the
    request: per client address, and per account (the e-mail tried) across both channels.
    Over a limit it answers 429 with ``Retry-After``."""

    def get_authenticators(self):
        # A token or session sent along must not lift the limits: POST reads only its body.
        request = getattr(self, "request", None)  # the schema generator asks before a request
        if request is not None and request.method == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        # Signing in is open to anyone (rate limited); revoking needs the token being revoked.
        return [AllowAny()] if self.request.method == "POST" else [SignedIn()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description="Missing fields, a wrong e-mail or password, or (for an account "
                "with two-factor authentication) a missing or wrong `code`."
            ),
            403: OpenApiResponse(
                description="Staff require two-factor authentication for coaches and this "
                "coach has not set it up yet (on the web, under Account → Two-factor)."
            ),
            429: OpenApiResponse(
                TooManyAttemptsSerializer,
                description="Too many attempts from this address or for this account "
                "(shared with the web login); the Retry-After header says for how long.",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        django_request = request._request
        if not ratelimit.consume(django_request, action="login"):
            return too_many_attempts(request, action="login")
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        email = body.validated_data["email"].lower()
        adapter = get_adapter(django_request)
        key = adapter.login_attempts_key(django_request, email=email)
        try:
            # allauth's own: it counts the attempt under "login_failed" for the address and
            # the account, and takes it back on success.
            user = adapter.authenticate(
                django_request, email=email, password=body.validated_data["password"]
            )
        except DjangoValidationError:
            return too_many_attempts(request, action="login_failed", key=key)
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to sign in with this e-mail and password."]}
            )
        if must_set_up_totp(user):
            raise PermissionDenied(SETUP_MESSAGE)
        if get_mfa_adapter().is_mfa_enabled(user):
            refused = second_factor_refused(
                request, user=user, code=body.validated_data.get("code")
            )
            if refused is not None:
                return refused
        _, raw = services.api_token_create(user=user, name="API")
        return Response({"token": raw})

    @extend_schema(
        request=None,
        responses={
            204: None,
            400: OpenApiResponse(description="Signed in by session: no token to revoke."),
        },
    )
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
    LogsAccessMixin,
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
    access_what, access_one = "athletes", "profile"
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = selectors.athletes_visible_to(self.request.user).order_by("id")
        archived = self.request.query_params.get("archived")
        if archived is not None and self.action == "list":
            if archived not in ("true", "false"):
                raise serializers.ValidationError({"archived": ["Either true or false."]})
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


class ClearanceListCreate(
    LogsAccessMixin, AthleteNestedMixin, generics.ListCreateAPIView[Clearance]
):
    """Her clearances, newest first. Her coach and staff add them; she may read them."""

    serializer_class = ClearanceSerializer
    access_what = "clearances"
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


class AssessmentListCreate(
    LogsAccessMixin, AthleteNestedMixin, generics.ListCreateAPIView[ReadinessAssessment]
):
    """Her readiness assessments, newest first. Her coach and staff add them; she may read."""

    serializer_class = AssessmentSerializer
    access_what = "assessments"
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
