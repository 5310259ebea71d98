"""The upload forms on "my week" and on the athlete page. They post here; a plain form
post is redirected back with the outcome in messages, and the page's script (static/js/
activities.js, which shows the upload's progress) asks for JSON and then follows the link."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from athletes import selectors as athlete_selectors
from athletes.access import AuthedHttpRequest, athlete_required, coach_required
from athletes.models import Athlete
from web.http import post_only

from . import services
from .sources import DUPLICATE, REFUSED, UploadedFiles

MAX_FILES_PER_UPLOAD = 20


def _upload(request: AuthedHttpRequest, athlete: Athlete, back: str) -> HttpResponse:
    files = request.FILES.getlist("file")
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not files or len(files) > MAX_FILES_PER_UPLOAD:
        error = (
            "Choose at least one file to upload."
            if not files
            else f"Upload at most {MAX_FILES_PER_UPLOAD} files at once (or one .zip)."
        )
        if wants_json:
            return JsonResponse({"error": error, "redirect": back}, status=400)
        messages.error(request, error)
        return redirect(back)
    report = services.activities_import(
        athlete=athlete, source=UploadedFiles(files), by=request.user
    )
    if report.imported:
        messages.success(
            request, f"{report.imported} activit{'y' if report.imported == 1 else 'ies'} imported."
        )
    for result in report.results:
        if result.status == DUPLICATE:
            messages.info(request, f"{result.name}: {result.detail}")
        elif result.status == REFUSED:
            messages.error(request, f"{result.name}: {result.detail}")
    if wants_json:
        return JsonResponse(
            {
                "imported": report.imported,
                "duplicates": report.duplicates,
                "refused": report.refused,
                "results": [
                    {"name": r.name, "status": r.status, "detail": r.detail} for r in report.results
                ],
                "redirect": back,
            },
            status=201 if report.imported else 200,
        )
    return redirect(back)


@athlete_required
@post_only(lambda request: reverse("plans:my_week") + "#activities")
def my_upload(request: AuthedHttpRequest) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_user(request.user)
    if athlete is None:
        raise Http404("No athlete profile.")
    return _upload(request, athlete, reverse("plans:my_week") + "#activities")


@coach_required
@post_only(lambda request, pk: reverse("plans:athlete_overview", args=[pk]) + "#activities")
def coach_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    return _upload(request, athlete, reverse("plans:athlete_overview", args=[pk]) + "#activities")
