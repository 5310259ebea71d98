from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from activities.models import Activity
from athletes.demo import DEMO_ATHLETE_EMAIL, DEMO_COACH_EMAIL
from athletes.models import Athlete, Role, User
from checkins.models import WeeklyCheckIn

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


def test_it_creates_the_demo_coach_and_athlete_and_prints_their_logins():
    output = seed()

    coach = User.objects.get(email="coach@example.com")
    athlete = User.objects.get(email="athlete@example.com")
    assert (coach.role, athlete.role) == (Role.COACH, Role.ATHLETE)
    assert authenticate(email="coach@example.com", password="demo-coach-pass") == coach
    assert authenticate(email="athlete@example.com", password="demo-athlete-pass") == athlete
    assert "coach@example.com / demo-coach-pass" in output
    assert "athlete@example.com / demo-athlete-pass" in output


def test_it_is_idempotent():
    seed(coaches=2)
    first = sorted(User.objects.values_list("email", "role"))
    seed(coaches=2)

    assert sorted(User.objects.values_list("email", "role")) == first
    assert User.objects.filter(role=Role.COACH).count() == 2


def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_it_rejects_nonsense_counts():
    with pytest.raises(CommandError, match="--coaches must be at least 1"):
        seed(coaches=0)
    assert not User.objects.exists()


def test_if_empty_loads_the_demo_into_an_empty_database():
    out = seed(if_empty=True)

    assert "Demo data ready." in out
    assert User.objects.filter(email=DEMO_COACH_EMAIL).exists()


def test_if_empty_leaves_a_database_with_accounts_as_it_is(password):
    seed()
    maya = Athlete.objects.get(email=DEMO_ATHLETE_EMAIL)
    Athlete.objects.filter(pk=maya.pk).update(goal="A half marathon by the sea.")
    User.objects.create_user("someone@example.org", password, role=Role.COACH, name="Sam")
    checkins = WeeklyCheckIn.objects.count()

    out = seed(if_empty=True)

    assert "the demo data was left as it is" in out
    maya.refresh_from_db()
    assert maya.goal == "A half marathon by the sea."
    assert WeeklyCheckIn.objects.count() == checkins


def test_the_demo_athlete_has_activities_for_planned_vs_done():
    seed()
    athlete = Athlete.objects.get(email=DEMO_ATHLETE_EMAIL)
    first = set(Activity.objects.filter(athlete=athlete).values_list("started_at", flat=True))
    seed()

    assert first
    assert Activity.objects.filter(athlete=athlete).count() == len(first)  # replaced, not added
    assert not Activity.objects.exclude(athlete=athlete).exists()
