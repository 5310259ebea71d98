from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from athletes.documents import check_document
from athletes.models import (
    PROFILE_FIELDS,
    Athlete,
    Clearance,
    ReadinessAssessment,
    Role,
    User,
    known_timezones,
)
from clinical.readiness import ASSESSMENT_ITEM_FIELDS


class AthleteSerializer(serializers.ModelSerializer):
    coach = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.COACH),
        required=False,
        help_text="The coach's user id. Coaches may leave it out (it is them); staff must set it.",
    )
    timezone = serializers.ChoiceField(
        choices=sorted(known_timezones()), required=False, help_text="IANA time zone name."
    )
    weeks_postpartum = serializers.IntegerField(read_only=True)
    stage = serializers.CharField(read_only=True, allow_blank=True)
    level = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Athlete
        fields = [
            "id",
            "coach",
            "user",
            *PROFILE_FIELDS,
            "archived",
            "weeks_postpartum",
            "stage",
            "level",
        ]
        read_only_fields = ["id", "user"]
        extra_kwargs = {
            "prior_weekly_km": {"coerce_to_string": False},
            "prior_longest_run_km": {"coerce_to_string": False},
        }

    def validate_coach(self, coach: User) -> User:
        requester = self.context["request"].user
        if not requester.is_staff and coach != requester:
            raise serializers.ValidationError("You can only add athletes to your own roster.")
        return coach


class DocumentField(serializers.FileField):
    """Written as an upload (PDF, PNG or JPEG up to 10 MB, multipart/form-data); read as the
    permission-checked URL where the coach, the athlete or staff download it."""

    def to_representation(self, value) -> str | None:
        if not value:
            return None
        url = reverse("athletes:clearance_document", args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ClearanceSerializer(serializers.ModelSerializer):
    document = DocumentField(required=False, allow_null=True)

    class Meta:
        model = Clearance
        fields = [
            "id",
            "cleared_on",
            "clinician_name",
            "clinician_role",
            "scope",
            "pelvic_health_assessed",
            "expires_on",
            "notes",
            "document",
        ]
        read_only_fields = ["id"]

    def validate_document(self, upload):
        if upload:
            check_document(upload)
        return upload


class AssessmentSerializer(serializers.ModelSerializer):
    passed = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReadinessAssessment
        fields = [
            "id",
            "assessed_on",
            "assessed_by",
            *ASSESSMENT_ITEM_FIELDS,
            "symptoms",
            "notes",
            "passed",
        ]
        read_only_fields = ["id", "passed"]


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)
    code = serializers.CharField(
        required=False,
        write_only=True,
        max_length=64,
        help_text="For an account with two-factor authentication: the code from the "
        "authenticator app, or one of the recovery codes.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
