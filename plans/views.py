"""The pages that bring everything together: the coach's dashboard and athlete overview, and
the athlete's week."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from athletes import selectors as athlete_selectors
from athletes.access import athlete_required, coach_required
from checkins import selectors as checkin_selectors
from checkins.charts import chart_series, chart_summary

ROSTER_PAGE_SIZE = 25


@coach_required
def coach_dashboard(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    include_archived = request.GET.get("archived") == "1"
    roster = athlete_selectors.roster_for_coach(
        request.user, search=search, include_archived=include_archived
    )
    page = Paginator(roster, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = athlete_selectors.with_clinical_records(
        roster.filter(pk__in=[a.pk for a in page.object_list])
    )
    page.object_list = [
        {
            "athlete": athlete,
            "clearance": athlete_selectors.clearance_status(athlete),
            "readiness": athlete_selectors.readiness_status(athlete),
        }
        for athlete in rows
    ]
    return render(
        request,
        "plans/coach_dashboard.html",
        {
            "page": page,
            "search": search,
            "include_archived": include_archived,
            "has_athletes": page.paginator.count > 0 or bool(search) or include_archived,
        },
    )


@coach_required
def athlete_overview(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_coach(request.user, pk, clinical=True)
    checkins = list(checkin_selectors.checkins_for_athlete(athlete, with_revisions=True))
    return render(
        request,
        "plans/athlete_overview.html",
        {
            "athlete": athlete,
            "checkins": checkins,
            "chart": chart_series(checkins),
            "chart_summary": chart_summary(checkins),
            "clearance": athlete_selectors.clearance_status(athlete),
            "readiness": athlete_selectors.readiness_status(athlete),
            "clearances": athlete.clearances.all(),
            "assessments": athlete.assessments.all(),
            "invitation": athlete.invitations.order_by("-created_at").first(),
        },
    )


@athlete_required
def my_week(request: HttpRequest) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_user(request.user)
    return render(request, "plans/my_week.html", {"athlete": athlete})
