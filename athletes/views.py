"""The coach's pages for profiles, clearances and assessments; the invitation and documents.
(Adding an athlete also starts her plan, so that page lives in ``plans.views``.)"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from clinical.thresholds import ASSESSMENT_VALID_WEEKS
from web.forms import form_error_from
from web.http import post_only
from web.ratelimit import rate_limited

from . import selectors, services
from .access import AuthedHttpRequest, coach_required, signed_in_required
from .audit import record_access
from .forms import (
    AssessmentForm,
    AthleteForm,
    ClearanceForm,
    InvitationAcceptForm,
    NotificationPreferencesForm,
)
from .models import Athlete, Clearance, ReadinessAssessment


def athlete_url(athlete: Athlete) -> str:
    return reverse("plans:athlete_overview", args=[athlete.pk])


@coach_required
def athlete_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = selectors.athlete_for_coach(request.user, pk)
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="profile form")
    form = AthleteForm(request.POST or None, instance=athlete)
    if request.method == "POST" and form.is_valid():
        try:
            services.athlete_update(athlete=athlete, data=form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            messages.success(request, "Profile saved.")
            return redirect(athlete_url(athlete))
    if request.method == "POST":
        # The bound form changed the instance in memory; show the page with the saved name.
        athlete.refresh_from_db()
    return render(request, "athletes/athlete_form.html", {"form": form, "athlete": athlete})


ACCESS_LOG_PAGE_SIZE = 50


@coach_required
def athlete_access_log(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Every row of her access log, 50 a page (her page shows the latest 20)."""
    athlete = selectors.athlete_for_coach(request.user, pk)
    page = Paginator(selectors.access_log_entries(athlete), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "athletes/athlete_access_log.html",
        {
            "athlete": athlete,
            "page": page,
            "rows": selectors.access_log_rows(page.object_list, athlete, viewer=request.user),
            "retention_years": settings.AUDIT_LOG_RETENTION_DAYS // 365,
        },
    )


@coach_required
@post_only(lambda request, pk: reverse("plans:athlete_overview", args=[pk]))
def athlete_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = selectors.athlete_for_coach(request.user, pk)
    archive = request.POST.get("archived", "true") != "false"
    services.athlete_set_archived(athlete=athlete, archived=archive)
    if archive:
        messages.success(request, f"{athlete.full_name} was archived. Her records are kept.")
    else:
        messages.success(request, f"{athlete.full_name} is back on your roster.")
    return redirect(athlete_url(athlete))


@coach_required
def athlete_erase(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = selectors.athlete_for_coach(request.user, pk)
    error = None
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip().lower() == athlete.full_name.lower():
            name = athlete.full_name
            services.athlete_erase(athlete=athlete, by=request.user)
            messages.success(request, f"All of {name}'s data was erased.")
            return redirect("plans:coach_dashboard")
        error = "Type her full name exactly as shown to confirm."
    return render(request, "athletes/athlete_erase.html", {"athlete": athlete, "error": error})


@coach_required
def clearance_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = selectors.athlete_for_coach(request.user, pk)
    form = ClearanceForm(
        request.POST or None, request.FILES or None, instance=Clearance(athlete=athlete)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "document"}
        try:
            services.clearance_create(
                athlete=athlete,
                data=data,
                document=form.cleaned_data.get("document") or None,
                by=request.user,
            )
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            messages.success(request, "Clearance recorded.")
            return redirect(athlete_url(athlete))
    return render(request, "athletes/clearance_form.html", {"form": form, "athlete": athlete})


@coach_required
def assessment_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = selectors.athlete_for_coach(request.user, pk)
    form = AssessmentForm(request.POST or None, instance=ReadinessAssessment(athlete=athlete))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                athlete=athlete, data=form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            if assessment.passed:
                messages.success(
                    request,
                    f"Assessment recorded: passed. It counts for {ASSESSMENT_VALID_WEEKS} weeks.",
                )
            else:
                messages.warning(
                    request,
                    "Assessment recorded: not passed yet. Keep building strength and retest.",
                )
            return redirect(athlete_url(athlete))
    return render(request, "athletes/assessment_form.html", {"form": form, "athlete": athlete})


@coach_required
@post_only(lambda request, pk: reverse("plans:athlete_overview", args=[pk]) + "#invite-title")
def invitation_send(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = selectors.athlete_for_coach(request.user, pk)
    try:
        invitation = services.invitation_send(athlete=athlete, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.email}. The link works once, for 14 days.",
        )
    return redirect(athlete_url(athlete))


@rate_limited("invitation_accept")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError as exc:
        return render(request, "athletes/invitation_invalid.html", {"reason": str(exc)}, status=400)
    athlete = invitation.athlete
    if request.user.is_authenticated:
        # Never swap one person's session for another's: she signs out first, on purpose.
        return render(
            request,
            "athletes/invitation_signed_in.html",
            {"athlete": athlete, "coach": athlete.coach},
            status=409 if request.method == "POST" else 200,
        )
    form = InvitationAcceptForm(
        request.POST or None, athlete=athlete, invited_email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationError as exc:
            return render(
                request, "athletes/invitation_invalid.html", {"reason": str(exc)}, status=400
            )
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {athlete.first_name}. Your account is ready.")
            return redirect("plans:my_week")
    return render(
        request,
        "athletes/invitation_accept.html",
        {"form": form, "athlete": athlete, "coach": athlete.coach},
    )


@signed_in_required
def clearance_document(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """The clearance's document, as an attachment, for its coach, its athlete or staff."""
    clearance = selectors.clearance_for_download(request.user, pk)
    record_access(
        request, instance=clearance, athlete_id=clearance.athlete_id, what="clearance document"
    )
    response = FileResponse(
        clearance.document.open("rb"),
        as_attachment=True,
        filename=clearance.document_name or f"clearance-{clearance.pk}",
        content_type=clearance.document_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in_required
def notification_preferences(request: AuthedHttpRequest) -> HttpResponse:
    """Her account's e-mail choices (SPEC §12). GET shows them, POST saves them."""
    prefs = selectors.notification_preferences_for(request.user)
    form = NotificationPreferencesForm(request.POST or None, instance=prefs, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_update(
                user=request.user, data={name: form.cleaned_data[name] for name in form.fields}
            )
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            messages.success(request, "Your notification preferences are saved.")
            return redirect("athletes:notification_preferences")
    return render(request, "athletes/notification_preferences.html", {"form": form})
