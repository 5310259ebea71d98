"""Her messages in her data export (plans.export): her right of access covers what she and
her coach wrote to each other."""

from __future__ import annotations

from typing import Any

from athletes.models import Athlete

from .api.serializers import MessageSerializer
from .models import Message


def messages_section(athlete: Athlete, context: dict[str, Any]) -> dict[str, Any]:
    """``{"messages": [...]}``, oldest first, as the API shows them to her; one query."""
    rows = (
        Message.objects.filter(athlete=athlete)
        .select_related("author", "checkin", "decision", "flag", "plan_week")
        .order_by("sent_at", "id")
    )
    serializer = MessageSerializer(rows, many=True, context={**context, "for_coach": False})
    return {"messages": serializer.data}
