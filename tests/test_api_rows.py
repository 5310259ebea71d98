"""API list rows (``web.api.serializers.RowListSerializer``) answer exactly what DRF's own
row-by-row path answers, value for value, for every kind of field and for empty values."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from checkins.api.serializers import CheckInSerializer, FlagSerializer
from checkins.models import WarningFlag, WeeklyCheckIn
from tests.checkins.factories import CheckInFactory
from tests.factories import AthleteFactory, UserFactory
from web.api.serializers import RowListSerializer
from web.weeks import monday_of

pytestmark = pytest.mark.django_db


def _drf(serializer_class, rows) -> bytes:
    """DRF's own path: the child's to_representation, row by row."""
    return JSONRenderer().render([serializer_class(row).data for row in rows])


def _ours(serializer_class, rows) -> bytes:
    many = serializer_class(rows, many=True)
    assert isinstance(many, RowListSerializer)
    return JSONRenderer().render(many.data)


def test_check_in_rows_are_what_drf_answers():
    athlete = AthleteFactory()
    monday = monday_of(athlete.today())
    CheckInFactory(athlete=athlete, week=monday, sleep_hours=Decimal("6.5"), effort=None)
    CheckInFactory(
        athlete=athlete,
        week=monday - timedelta(weeks=1),
        submitted_by=None,
        sessions_planned=None,
        leakage=True,
        pain=4,
    )
    CheckInFactory(athlete=athlete, week=monday - timedelta(weeks=2), submitted_by=athlete.coach)
    rows = list(WeeklyCheckIn.objects.filter(athlete=athlete).order_by("-week"))

    ours = _ours(CheckInSerializer, rows)

    assert ours == _drf(CheckInSerializer, rows)
    answered = json.loads(ours)
    assert len(answered) == 3
    assert set(answered[0]) == set(CheckInSerializer().fields)  # no field left out
    assert answered[1]["submitted_by"] is None
    assert answered[2]["submitted_by"] == athlete.coach.pk
    assert answered[0]["sleep_hours"] == 6.5


def test_flag_rows_are_what_drf_answers():
    athlete = AthleteFactory()
    coach = athlete.coach
    week = monday_of(athlete.today())
    checkin = CheckInFactory(athlete=athlete, week=week)
    WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="pain",
        severity="high",
        week=week,
        summary="Pain 7/10.",
        evidence={"pain": 7, "weeks": ["2026-01-05"]},
    )
    WarningFlag.objects.create(
        athlete=athlete,
        rule="missed_checkins",
        severity="low",
        week=week - timedelta(weeks=1),
        summary="No check-in.",
        status="resolved",
        acknowledged_by=coach,
        acknowledged_at=timezone.now(),
        resolved_by=coach,
        resolved_at=timezone.now(),
        resolution_note="Called her.",
    )
    rows = list(WarningFlag.objects.filter(athlete=athlete).order_by("pk"))

    assert _ours(FlagSerializer, rows) == _drf(FlagSerializer, rows)


def test_a_field_it_cannot_read_plainly_keeps_drfs_path():
    """A dotted source, a method field and a child with its own to_representation."""

    class Dotted(serializers.ModelSerializer):
        coach_email = serializers.CharField(source="athlete.coach.email")
        shout = serializers.SerializerMethodField()

        class Meta:
            model = WeeklyCheckIn
            fields = ["id", "week", "coach_email", "shout"]
            list_serializer_class = RowListSerializer

        def get_shout(self, obj) -> str:
            return f"pain {obj.pain}!"

    class Own(Dotted):
        class Meta(Dotted.Meta):
            pass

        def to_representation(self, instance):
            return {"only": instance.pk}

    athlete = AthleteFactory(coach=UserFactory(email="coach.rows@example.org"))
    CheckInFactory(athlete=athlete, week=monday_of(athlete.today()), pain=2)
    rows = list(WeeklyCheckIn.objects.filter(athlete=athlete))

    assert _ours(Dotted, rows) == _drf(Dotted, rows)
    assert json.loads(_ours(Dotted, rows))[0]["coach_email"] == "coach.rows@example.org"
    assert json.loads(_ours(Own, rows)) == [{"only": rows[0].pk}]
