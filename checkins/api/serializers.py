from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from athletes.models import Athlete
from checkins.advice import advice_message, red_flag_names, report_advice
from checkins.models import CheckInRevision, SymptomReport, WarningFlag, WeeklyCheckIn
from checkins.services import EDITABLE_FIELDS, REPORT_FIELDS
from clinical.advice import Advice
from clinical.symptoms import SYMPTOMS
from web.api.serializers import RowListSerializer
from web.weeks import monday_of


class CheckInSerializer(serializers.ModelSerializer):
    week = serializers.DateField(
        help_text="Any date inside the week; stored and returned as that week's Monday "
        "(in the athlete's time zone). A week's check-in opens on its Friday (the "
        "CHECKIN_OPENS_WEEKDAY setting) and can be sent until the end of the following week; "
        "her coach or staff may also send an older week after the birth, as history. "
        "Cannot be changed afterwards."
    )

    class Meta:
        model = WeeklyCheckIn
        fields = [
            "id",
            "athlete",
            "week",
            "sessions_planned",
            *EDITABLE_FIELDS,
            "submitted_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "athlete",
            "sessions_planned",
            "submitted_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"sleep_hours": {"coerce_to_string": False}}
        list_serializer_class = RowListSerializer
        # The (athlete, week) uniqueness is judged by the service, after the week is
        # normalised to its Monday; DRF's own check would see the raw date.
        validators: list = []

    def validate_week(self, value):
        # Any day of its own week names the same week (SPEC §6); another week is refused.
        if self.instance is not None and monday_of(value) != self.instance.week:
            raise serializers.ValidationError("The week of a check-in can't be changed.")
        return value

    def checkin_data(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in EDITABLE_FIELDS}


class CheckInRevisionSerializer(serializers.ModelSerializer):
    """The values of a check-in before one edit (``values``), which fields the edit changed,
    who made it and when."""

    class Meta:
        model = CheckInRevision
        fields = ["id", "values", "changed_fields", "revised_by", "revised_at"]
        read_only_fields = fields


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = WarningFlag
        fields = [
            "id",
            "athlete",
            "rule",
            "severity",
            "week",
            "summary",
            "evidence",
            "status",
            "checkin",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "notified_at",
            "created_at",
        ]
        read_only_fields = fields
        list_serializer_class = RowListSerializer


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What was done or decided.")


# --- Anytime symptom reports -------------------------------------------------------------------


class ReportFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = WarningFlag
        fields = ["id", "rule", "severity", "summary"]
        read_only_fields = fields


class SymptomReportSerializer(serializers.ModelSerializer):
    """An anytime symptom report (SPEC §11). A request sends what she noticed: any of the six
    symptoms, ``pain`` 0–10 and where, a note; the rest is set by the server."""

    flags = ReportFlagSerializer(
        many=True,
        read_only=True,
        help_text="The warning flags this report raised, most severe first. A symptom already "
        "flagged that week raises nothing again.",
    )

    class Meta:
        model = SymptomReport
        fields = [
            "id",
            "athlete",
            "reported_at",
            "week",
            *REPORT_FIELDS,
            "submitted_by",
            "flags",
        ]
        read_only_fields = ["id", "athlete", "reported_at", "week", "submitted_by", "flags"]
        extra_kwargs = {
            **{name: {"help_text": question} for name, question in SYMPTOMS},
            "pain": {"help_text": "Pain (not soreness): 0 = none, 10 = the worst imaginable."},
            "pain_location": {"help_text": "Where it hurts, e.g. pubic bone, scar."},
        }

    def report_data(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in REPORT_FIELDS}


class AdviceSerializer(serializers.Serializer):
    """What she is told at once (SPEC §6): advice, never a diagnosis."""

    stop_running = serializers.BooleanField(
        help_text="A red flag: stop running and contact a pelvic health physio or GP."
    )
    red_flags = serializers.ListField(
        child=serializers.CharField(),
        help_text='The red flags she reported, in plain words (e.g. "leaking").',
    )
    early_bleeding = serializers.BooleanField(
        help_text="Bleeding in the early weeks after birth: advice on when to call for help."
    )
    message = serializers.CharField(help_text="The advice in a few plain sentences.")

    @staticmethod
    def of(advice: Advice, athlete: Athlete) -> dict:
        return {
            "stop_running": bool(advice.red_flags),
            "red_flags": red_flag_names(advice),
            "early_bleeding": advice.early_bleeding,
            "message": advice_message(advice, athlete),
        }


class SymptomReportCreatedSerializer(SymptomReportSerializer):
    """The stored report, with the advice she is shown at once."""

    advice = serializers.SerializerMethodField()

    class Meta(SymptomReportSerializer.Meta):
        fields = [*SymptomReportSerializer.Meta.fields, "advice"]
        read_only_fields = [*SymptomReportSerializer.Meta.read_only_fields, "advice"]

    @extend_schema_field(AdviceSerializer)
    def get_advice(self, report: SymptomReport) -> dict:
        return AdviceSerializer.of(report_advice(report, report.athlete), report.athlete)
