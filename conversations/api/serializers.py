from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import BODY_MAX_LENGTH, MAX_ID, REFERENCE_FIELDS, Message
from ..wording import message_about


class ReferenceSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(REFERENCE_FIELDS))
    id = serializers.IntegerField()
    text = serializers.CharField(help_text="The context the thread shows, worded for the reader.")


class MessageSerializer(serializers.ModelSerializer):
    """A message of her thread (SPEC §9, §12). Send ``body`` and at most one of ``checkin``,
    ``decision``, ``flag``, ``plan_week`` (the id of one of her records you may see); every
    rule is checked by the service, which answers 400 with field errors."""

    body = serializers.CharField(
        trim_whitespace=False,
        allow_blank=True,
        help_text=f"Plain text, 1 to {BODY_MAX_LENGTH:,} characters.",
    )
    checkin = serializers.IntegerField(
        source="checkin_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    decision = serializers.IntegerField(
        source="decision_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    flag = serializers.IntegerField(
        source="flag_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    plan_week = serializers.IntegerField(
        source="plan_week_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    author = serializers.SerializerMethodField()
    side = serializers.SerializerMethodField()
    reference = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "body",
            "checkin",
            "decision",
            "flag",
            "plan_week",
            "reference",
            "author",
            "side",
            "sent_at",
            "read_at",
        ]
        read_only_fields = ["id", "sent_at", "read_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, message: Message) -> str | None:
        return message.author.get_full_name() if message.author else None

    @extend_schema_field(serializers.ChoiceField(choices=["coach", "athlete"]))
    def get_side(self, message: Message) -> str:
        return "coach" if message.from_coach else "athlete"

    @extend_schema_field(ReferenceSerializer(allow_null=True))
    def get_reference(self, message: Message) -> dict[str, Any] | None:
        about = message_about(message, for_coach=self.context.get("for_coach", True))
        if about is None:
            return None
        return {"type": about.kind, "id": about.pk, "text": about.text}

    def references(self) -> dict[str, int]:
        """The one record named, as (kind, id); several are refused by the service."""
        data = self.validated_data
        return {
            name: data[f"{name}_id"]
            for name in REFERENCE_FIELDS
            if data.get(f"{name}_id") is not None
        }
