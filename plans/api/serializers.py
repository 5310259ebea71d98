from __future__ import annotations

from rest_framework import serializers

from clinical import protocol
from clinical.gates import SAFETY_GATE_WORDS
from plans.models import ACTION_CHOICES, SESSION_FIELDS, Decision, PlannedSession, PlanWeek
from web.api.fields import BlankAsNullChoiceField


class GateSerializer(serializers.Serializer):
    key = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField()

    class Meta:
        model = PlannedSession
        fields = ["id", *SESSION_FIELDS, "description"]

    def get_description(self, session: PlannedSession) -> str:
        return protocol.describe(session)


class PlanWeekSerializer(serializers.ModelSerializer):
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta:
        model = PlanWeek
        fields = ["week", "stage", "level", "reason", "applies_from", "sessions"]
        extra_kwargs = {
            "reason": {
                "help_text": "Why the week holds what it holds: started, advanced, held, "
                "stepped_back, paused or carried_over (SPEC §11)."
            },
            "applies_from": {
                "help_text": "Set when the week was changed after it began (a pause, or a "
                "decision approved mid-week): the sessions of the days before are as they were."
            },
        }


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    athlete = serializers.IntegerField()
    protocol_version = serializers.CharField()
    started_on = serializers.DateField()
    stage = serializers.CharField()
    stage_name = serializers.CharField()
    level = serializers.IntegerField()
    guidance = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["active", "paused", "carried_over", "stepped_back"],
        help_text="paused while a pause after a red flag holds (only the coach's override "
        "lifts it); otherwise from this week's reason.",
    )
    paused_since = serializers.DateField(
        allow_null=True, help_text="The day a red flag paused her, while the pause holds."
    )
    week = PlanWeekSerializer(allow_null=True, help_text="This week's published sessions.")
    next_week = PlanWeekSerializer(
        allow_null=True,
        help_text="Next week's sessions once published (from her Sunday, or when her coach "
        "decides it); null before.",
    )


class DecisionSerializer(serializers.ModelSerializer):
    gates = GateSerializer(many=True, read_only=True)
    applies_from = serializers.DateField(
        source="starts_on",
        read_only=True,
        help_text="The first day it takes (or took) effect: its week's Monday, or a later day "
        "when her week had begun.",
    )
    final_action = BlankAsNullChoiceField(
        choices=ACTION_CHOICES,
        help_text="What was decided in the end (the coach's override, or the recommendation "
        "approved); null while pending.",
    )
    final_stage = BlankAsNullChoiceField(
        choices=protocol.STAGE_CHOICES,
        help_text="The stage decided in the end; null while pending.",
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "athlete",
            "week",
            "applies_from",
            "trigger",
            "action",
            "from_stage",
            "from_level",
            "to_stage",
            "to_level",
            "gates",
            "summary",
            "refer",
            "status",
            "final_action",
            "final_stage",
            "final_level",
            "note",
            "clinician_attestation",
            "overridden_safety_gates",
            "decided_by",
            "decided_at",
            "computed_at",
            "protocol_version",
        ]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    note = serializers.CharField(
        default="",
        allow_blank=True,
        help_text="Optional: a word for her, sent to her conversation as your message.",
    )


class OverrideSerializer(serializers.Serializer):
    """Parses the body into the values ``services.decision_override`` takes; the service
    judges them, and its ``ValidationError`` answers 400 with field errors."""

    action = serializers.ChoiceField(choices=ACTION_CHOICES)
    to_stage = serializers.ChoiceField(choices=protocol.STAGE_CHOICES)
    to_level = serializers.IntegerField(help_text="A level of ``to_stage``.")
    note = serializers.CharField(
        default="",
        allow_blank=True,
        help_text="Required: why you override. Sent to her conversation as your message.",
    )
    clinician_attestation = serializers.CharField(
        default="",
        allow_blank=True,
        help_text="Required when the override moves her into running past a failed safety "
        f"gate ({SAFETY_GATE_WORDS}).",
    )
