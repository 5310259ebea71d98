from __future__ import annotations

from rest_framework import serializers

from checkins.models import WarningFlag, WeeklyCheckIn
from checkins.services import EDITABLE_FIELDS
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


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What was done or decided.")
