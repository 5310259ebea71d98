"""The pages that bring everything together: the coach's dashboard and the athlete's week."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from athletes.access import athlete_required, coach_required


@coach_required
def coach_dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/coach_dashboard.html")


@athlete_required
def my_week(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/my_week.html")
