from __future__ import annotations

from rest_framework import serializers

from activities.models import Activity
from activities.sources import DUPLICATE, IMPORTED, REFUSED, SKIPPED


def _minutes(seconds: int) -> float:
    return round(seconds / 60, 1)


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    """An activity's numbers (SPEC §13), all read only: activities come from files."""

    started_at = serializers.SerializerMethodField(
        help_text="When it started, with her time zone's offset."
    )
    elapsed_minutes = serializers.SerializerMethodField()
    moving_minutes = serializers.SerializerMethodField()
    run_minutes = serializers.SerializerMethodField()
    walk_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "athlete",
            "started_at",
            "local_date",
            "sport",
            "elapsed_minutes",
            "moving_minutes",
            "distance_m",
            "elevation_gain_m",
            "run_minutes",
            "walk_minutes",
            "avg_heart_rate",
            "source",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_started_at(self, obj: Activity) -> str:
        # The list is of one athlete: the view passes her, so no row loads her again.
        athlete = self.context.get("athlete") or obj.athlete
        return obj.started_at.astimezone(athlete.tz).isoformat()

    def get_elapsed_minutes(self, obj: Activity) -> float:
        return _minutes(obj.elapsed_seconds)

    def get_moving_minutes(self, obj: Activity) -> float:
        return _minutes(obj.moving_seconds)

    def get_run_minutes(self, obj: Activity) -> float:
        return _minutes(obj.run_seconds)

    def get_walk_minutes(self, obj: Activity) -> float:
        return _minutes(obj.walk_seconds)


class ActivityUploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        min_length=1,
        max_length=20,
        help_text="One or more .fit, .gpx, .tcx (optionally .gz) or .zip files (multipart).",
    )


class ImportItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=[IMPORTED, DUPLICATE, REFUSED, SKIPPED])
    detail = serializers.CharField()
    activity = ActivitySerializer(allow_null=True)


class ImportReportSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = ImportItemSerializer(many=True)
