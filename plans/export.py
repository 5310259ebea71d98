"""Everything recorded about one athlete, as JSON (her right of access / portability).

Each record is written by the API's own serializer, so the export shows her data exactly as
the API does (the same fields, names and formats); only what the API does not show is added:
when her profile was created, the earlier values of each edited check-in, and her access log
(who opened or changed her record, when and how: GDPR art. 15(1)(c) gives her the right to
know who her data was disclosed to; the log names the fields changed, never their values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import serializers

from activities.api.serializers import ActivitySerializer
from athletes.api.serializers import AssessmentSerializer, AthleteSerializer, ClearanceSerializer
from athletes.models import Athlete
from athletes.selectors import access_log_entries, access_log_rows
from checkins.api.serializers import (
    CheckInRevisionSerializer,
    CheckInSerializer,
    FlagSerializer,
    SymptomReportSerializer,
)
from checkins.models import CheckInRevision
from checkins.selectors import with_report_flags

from .api.serializers import DecisionSerializer, PlanWeekSerializer
from .models import PlannedSession, PlanWeek

# Sections the layers above add to her export (they may not be imported here): each takes her
# and the serializers' context and returns {section name: records}, in a fixed number of
# queries. ``conversations`` adds her messages (its AppConfig.ready()).
ExportSection = Callable[[Athlete, dict[str, Any]], dict[str, Any]]
EXTRA_SECTIONS: list[ExportSection] = []


def export_section_add(section: ExportSection) -> None:
    if section not in EXTRA_SECTIONS:
        EXTRA_SECTIONS.append(section)


class _AthleteRecord(AthleteSerializer):
    class Meta(AthleteSerializer.Meta):
        fields = [*AthleteSerializer.Meta.fields, "created_at"]


class _CheckInRecord(CheckInSerializer):
    revisions = CheckInRevisionSerializer(many=True, read_only=True)

    class Meta(CheckInSerializer.Meta):
        fields = [*CheckInSerializer.Meta.fields, "revisions"]


def athlete_export(athlete: Athlete, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """A fixed handful of queries whatever the size of her history (one per kind of record,
    and one each for check-in revisions and planned sessions). With ``request``, links (her
    clearance documents) are absolute."""
    context = {"request": request}

    def many(serializer: type[serializers.Serializer], rows) -> list:
        # Stubs: Serializer(many=True) is a Serializer (data a dict); DRF makes a ListSerializer.
        return serializer(rows, many=True, context=context).data  # type: ignore[return-value]

    checkins = athlete.checkins.order_by("week").prefetch_related(
        Prefetch("revisions", queryset=CheckInRevision.objects.order_by("revised_at", "id"))
    )
    plan_weeks = (
        PlanWeek.objects.filter(plan__athlete=athlete)
        .order_by("week")
        .prefetch_related(
            Prefetch("sessions", queryset=PlannedSession.objects.order_by("day", "order"))
        )
    )
    data = {
        "exported_at": timezone.now().isoformat(),
        "athlete": _AthleteRecord(athlete, context=context).data,
        "clearances": many(ClearanceSerializer, athlete.clearances.order_by("cleared_on", "id")),
        "assessments": many(
            AssessmentSerializer, athlete.assessments.order_by("assessed_on", "id")
        ),
        "checkins": many(_CheckInRecord, checkins),
        "symptom_reports": many(
            SymptomReportSerializer,
            with_report_flags(athlete.symptom_reports.order_by("reported_at", "id")),
        ),
        "plan_weeks": many(PlanWeekSerializer, plan_weeks),
        "decisions": many(DecisionSerializer, athlete.decisions.order_by("week")),
        "flags": many(FlagSerializer, athlete.flags.order_by("week", "id")),
        # The numbers kept of her activity files (SPEC §13); the files themselves never were.
        "activities": ActivitySerializer(
            athlete.activities.order_by("started_at", "id"),
            many=True,
            context={**context, "athlete": athlete},
        ).data,
        "access_log": [
            {
                "at": row.at.isoformat(),
                "by": row.who,
                "did": row.did,
                "record": row.record,
                "what": row.what,
                "channel": row.channel,
            }
            for row in access_log_rows(
                access_log_entries(athlete).order_by("timestamp", "id"), athlete, viewer=None
            )
        ],
    }
    for section in EXTRA_SECTIONS:
        data.update(section(athlete, context))
    return data
