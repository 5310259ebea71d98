"""The activity panels of "my week" and of the athlete page (SPEC §13): upload, planned vs
done, recent activities. Inclusion tags, so that each page includes its panel in one line;
each reads through selectors in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.urls import reverse

from activities.selectors import activities_for_athlete
from athletes.models import Athlete
from web.weeks import monday_of

from ..compliance import compliance_for

register = template.Library()

RECENT_ACTIVITIES = 8
COMPLIANCE_WEEKS = 6


@register.inclusion_tag("plans/_watch_my_week.html", takes_context=True)
def my_week_watch(context: template.Context, athlete: Athlete) -> dict:
    this_monday = monday_of(athlete.today())
    (week,) = compliance_for(athlete, [this_monday])
    return {
        "csrf_token": context.get("csrf_token"),
        "athlete": athlete,
        "today": athlete.today(),
        "week": week,
        "this_monday": this_monday,
        "activities": list(activities_for_athlete(athlete)[:RECENT_ACTIVITIES]),
        "upload_url": reverse("activities:my_upload"),
        "zip_url": reverse("plans:my_week_workouts", args=[this_monday.isoformat()]),
    }


@register.inclusion_tag("plans/_watch_athlete.html", takes_context=True)
def athlete_watch(context: template.Context, athlete: Athlete) -> dict:
    this_monday = monday_of(athlete.today())
    weeks = compliance_for(
        athlete, [this_monday - timedelta(weeks=n) for n in range(COMPLIANCE_WEEKS)]
    )
    return {
        "csrf_token": context.get("csrf_token"),
        "athlete": athlete,
        "today": athlete.today(),
        "this_week": weeks[0],
        "weeks": weeks,
        "activities": list(activities_for_athlete(athlete)[:RECENT_ACTIVITIES]),
        "upload_url": reverse("activities:coach_upload", args=[athlete.pk]),
    }
