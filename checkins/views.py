"""The athlete's check-in form and history; the coach's check-in pages and CSV export."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Field, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.text import slugify

from athletes import selectors as athlete_selectors
from athletes.access import AuthedHttpRequest, athlete_required, coach_required
from athletes.audit import record_access
from athletes.models import Athlete
from web.forms import form_error_from
from web.http import post_only
from web.weeks import monday_of

from . import selectors, services, windows
from .advice import advice_for, report_advice
from .charts import chart_series, chart_summary
from .forms import CheckInForm, SymptomReportForm, initial_for
from .models import SymptomReport, WeeklyCheckIn
from .services import EDITABLE_FIELDS, is_editable


def _my_athlete(request: AuthedHttpRequest) -> Athlete:
    athlete = athlete_selectors.athlete_for_user(request.user)
    if athlete is None:
        raise Http404("Your login is not linked to an athlete profile yet.")
    return athlete


def symptom_report_url() -> str:
    """Her anytime symptom report (SPEC §11), where the check-in points when it can't be
    sent yet."""
    return reverse("checkins:my_symptom_report_create")


def _requested_week(request: HttpRequest) -> date | None:
    """The Monday of ``?week=`` (any day in it), or None when absent or not a date."""
    try:
        day = parse_date(request.GET.get("week") or "")
    except ValueError:  # looks like a date but isn't one (2026-13-45)
        return None
    return monday_of(day) if day else None


def _week_to_propose(
    athlete: Athlete, done: set[date], requested: date | None, *, coach_side: bool
) -> date | None:
    """The week the form opens on: the one asked for, if it can be sent; else the oldest open
    week without a check-in; for her coach, else the latest earlier week without one."""
    today = athlete.today()
    sendable = requested is not None and (
        windows.is_open(requested, today) or (coach_side and windows.opens_on(requested) <= today)
    )
    if sendable and requested not in done:
        return requested
    week = windows.proposed_week(today, done, first_week=athlete.delivery_date)
    if week is None and coach_side:
        week = windows.latest_missing_week(today, done, first_week=athlete.delivery_date)
    return week


def _weeks_she_can_send(athlete: Athlete, done: set[date]) -> list[date]:
    first = monday_of(athlete.delivery_date)
    return [w for w in windows.open_weeks(athlete.today()) if w not in done and w >= first]


def _submit(request: AuthedHttpRequest, athlete: Athlete, form: CheckInForm, *, done_url):
    """Send a bound form to the service; the response to give, or None to show the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        checkin = services.checkin_submit(
            athlete=athlete,
            week=form.cleaned_data["week"],
            data=form.checkin_data(),
            by=request.user,
        )
    except ValidationError as exc:
        form_error_from(form, exc)
        return None
    return redirect(done_url(checkin))


def _form_page(request, *, athlete, form, checkin, template, cancel_url, **extra):
    return render(
        request,
        template,
        {
            "athlete": athlete,
            "form": form,
            "checkin": checkin,
            "cancel_url": cancel_url,
            **extra,
        },
    )


def _handle_edit(request, checkin: WeeklyCheckIn, *, done_url, template, cancel_url):
    athlete = checkin.athlete
    if not is_editable(checkin, athlete):
        messages.warning(request, "That week can no longer be changed.")
        return redirect(cancel_url)
    initial = {name: getattr(checkin, name) for name in EDITABLE_FIELDS}
    initial["week"] = checkin.week
    form = CheckInForm(request.POST or None, initial=initial)
    form.fields["week"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.checkin_update(
                checkin=checkin, data=form.checkin_data(), by=request.user
            )
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            return redirect(done_url(checkin))
    return _form_page(
        request,
        athlete=athlete,
        form=form,
        checkin=checkin,
        template=template,
        cancel_url=cancel_url,
    )


# --- The athlete --------------------------------------------------------------------------


def _caught_up(request: AuthedHttpRequest, athlete: Athlete, done: set[date]) -> HttpResponse:
    """Every open week has her check-in: say when the next opens, and what she can do now."""
    latest = selectors.checkin_for_week(athlete, max(done)) if done else None
    return render(
        request,
        "checkins/my_checkin_caught_up.html",
        {
            "athlete": athlete,
            "next_opens": windows.next_opening(athlete.today()),
            "latest": latest if latest is not None and is_editable(latest, athlete) else None,
            "symptom_report_url": symptom_report_url(),
        },
    )


@athlete_required
def my_checkin(request: AuthedHttpRequest) -> HttpResponse:
    """Her check-in, on the week she most likely means; only open weeks are offered."""
    athlete = _my_athlete(request)
    done = selectors.checkin_weeks(athlete)
    requested = _requested_week(request)
    if request.method == "GET" and requested in done:
        existing = selectors.checkin_for_week(athlete, requested)
        if existing is not None and is_editable(existing, athlete):
            return redirect("checkins:my_checkin_edit", pk=existing.pk)
        messages.info(request, "You have already checked in for that week.")
        return redirect("checkins:my_history")
    week = _week_to_propose(athlete, done, requested, coach_side=False)
    if request.method == "GET" and week is None:
        return _caught_up(request, athlete, done)
    today = athlete.today()
    choices = [(w, windows.week_label(w, today)) for w in _weeks_she_can_send(athlete, done)]
    previous = athlete.checkins.order_by("-week").first()
    only_last_week = [w for w, _ in choices] == [monday_of(today) - windows.WEEK]
    form = CheckInForm(
        request.POST or None,
        initial=initial_for(athlete, week=week, previous=previous),
        weeks=choices,
        # Monday to Thursday: say when this week's opens, so she isn't left wondering.
        this_week_opens=windows.next_opening(today) if only_last_week else None,
    )
    response = _submit(
        request,
        athlete,
        form,
        done_url=lambda c: reverse("checkins:my_checkin_done", args=[c.pk]),
    )
    if response is not None:
        return response
    return _form_page(
        request,
        athlete=athlete,
        form=form,
        checkin=None,
        template="checkins/my_checkin.html",
        cancel_url=reverse("plans:my_week"),
        heading="How was last week?" if only_last_week else "How was your week?",
        symptom_report_url=symptom_report_url(),
    )


@athlete_required
def my_checkin_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = selectors.checkin_for(request.user, pk)
    return _handle_edit(
        request,
        checkin,
        done_url=lambda c: reverse("checkins:my_checkin_done", args=[c.pk]) + "?edited=1",
        template="checkins/my_checkin.html",
        cancel_url=reverse("checkins:my_history"),
    )


@athlete_required
def my_checkin_done(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = selectors.checkin_for(request.user, pk)
    athlete = checkin.athlete
    return render(
        request,
        "checkins/my_checkin_done.html",
        {
            "athlete": athlete,
            "checkin": checkin,
            "advice": advice_for(checkin, athlete),
            "edited": request.GET.get("edited") == "1",
            "editable": is_editable(checkin, athlete),
            # Next week is published by her Sunday (SPEC §11), approved or not; a late
            # check-in for last week may change this week instead.
            "for_this_week": checkin.week == monday_of(athlete.today()),
        },
    )


@athlete_required
def my_history(request: AuthedHttpRequest) -> HttpResponse:
    athlete = _my_athlete(request)
    checkins = list(selectors.checkins_for_athlete(athlete))
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="her check-ins")
    return render(
        request,
        "checkins/my_history.html",
        {
            "athlete": athlete,
            "rows": [(c, is_editable(c, athlete)) for c in checkins],
            "chart": chart_series(checkins),
            "chart_summary": chart_summary(checkins),
            "checkins": checkins,
            "symptom_reports": selectors.recent_symptom_reports(request.user, athlete),
        },
    )


# --- Anytime symptom reports -------------------------------------------------------------------


def _handle_report(
    request: AuthedHttpRequest, athlete: Athlete
) -> tuple[SymptomReportForm, SymptomReport | None]:
    """Parse the form and hand it to the service; a refusal is shown on the form."""
    form = SymptomReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.symptom_report_submit(
                athlete=athlete, data=form.report_data(), by=request.user
            )
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            return form, report
    return form, None


@athlete_required
def my_symptom_report_create(request: AuthedHttpRequest) -> HttpResponse:
    athlete = _my_athlete(request)
    form, report = _handle_report(request, athlete)
    if report is not None:
        return redirect("checkins:my_symptom_report", pk=report.pk)
    return render(
        request,
        "checkins/my_symptom_report_form.html",
        {"athlete": athlete, "form": form, "cancel_url": reverse("plans:my_week")},
    )


@athlete_required
def my_symptom_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """What she reported, the advice of SPEC §6 at once, and what happens next."""
    report = selectors.symptom_report_for(request.user, pk)
    record_access(request, instance=report, athlete_id=report.athlete_id, what="symptom report")
    return render(
        request,
        "checkins/my_symptom_report.html",
        {
            "athlete": report.athlete,
            "report": report,
            "advice": report_advice(report, report.athlete),
        },
    )


@coach_required
def coach_symptom_report_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    form, report = _handle_report(request, athlete)
    if report is not None:
        # The message rides in a cookie: it says what follows, never what she reported.
        if report_advice(report, athlete).red_flags:
            messages.warning(
                request,
                "Symptom report saved on her behalf. It is a red flag: her plan is paused from "
                "today (gentle walking and pelvic floor work only) until you have talked with "
                "her, and she should see a pelvic health physio or her GP.",
            )
        else:
            messages.success(request, "Symptom report saved on her behalf.")
        return redirect("plans:athlete_overview", pk=athlete.pk)
    return render(
        request,
        "checkins/coach_symptom_report_form.html",
        {
            "athlete": athlete,
            "form": form,
            "cancel_url": reverse("plans:athlete_overview", args=[athlete.pk]),
        },
    )


# --- The coach ----------------------------------------------------------------------------


@coach_required
def coach_checkin_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Her coach enters a week for her: an open one she hasn't sent, or history."""
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    done = selectors.checkin_weeks(athlete)
    requested = _requested_week(request)
    if request.method == "GET" and requested in done:
        existing = selectors.checkin_for_week(athlete, requested)
        if existing is not None:
            return redirect("checkins:coach_checkin_detail", pk=existing.pk)
    week = _week_to_propose(athlete, done, requested, coach_side=True)
    previous = athlete.checkins.order_by("-week").first()
    form = CheckInForm(
        request.POST or None, initial=initial_for(athlete, week=week, previous=previous)
    )
    response = _submit(
        request,
        athlete,
        form,
        done_url=lambda c: reverse("checkins:coach_checkin_detail", args=[c.pk]),
    )
    if response is not None:
        messages.success(request, "Check-in saved on her behalf.")
        return response
    return _form_page(
        request,
        athlete=athlete,
        form=form,
        checkin=None,
        template="checkins/coach_checkin_form.html",
        cancel_url=reverse("plans:athlete_overview", args=[athlete.pk]),
    )


@coach_required
def coach_checkin_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = selectors.checkin_for(request.user, pk)
    return _handle_edit(
        request,
        checkin,
        done_url=lambda c: reverse("checkins:coach_checkin_detail", args=[c.pk]),
        template="checkins/coach_checkin_form.html",
        cancel_url=reverse("checkins:coach_checkin_detail", args=[checkin.pk]),
    )


@coach_required
def coach_checkin_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = selectors.checkin_for(request.user, pk)
    revisions = list(checkin.revisions.select_related("revised_by"))
    record_access(request, instance=checkin, athlete_id=checkin.athlete_id, what="check-in")
    for revision in revisions:
        revision.changes = [
            (_label(name), _display(revision.values.get(name))) for name in revision.changed_fields
        ]
    return render(
        request,
        "checkins/coach_checkin_detail.html",
        {
            "checkin": checkin,
            "athlete": checkin.athlete,
            "revisions": revisions,
            "advice": advice_for(checkin, checkin.athlete),
            "editable": is_editable(checkin, checkin.athlete),
            "fields": EDITABLE_FIELDS,
        },
    )


def _label(name: str) -> str:
    field = WeeklyCheckIn._meta.get_field(name)
    if not isinstance(field, Field):  # a reverse relation: no answer of hers
        raise TypeError(f"{name} is not a field of a check-in.")
    return field.verbose_name.capitalize()


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


CSV_COLUMNS = ("week", "sessions_planned", *EDITABLE_FIELDS, "submitted_by", "updated_at")


@coach_required
def coach_checkins_csv(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    filename = f"checkins-{slugify(athlete.full_name) or athlete.pk}.csv"
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="check-ins (CSV)")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for c in selectors.checkins_for_athlete(athlete).order_by("week"):
        row = []
        for column in CSV_COLUMNS:
            if column == "submitted_by":
                value = c.submitted_by.role if c.submitted_by else ""
            else:
                value = getattr(c, column)
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                value = "'" + value  # keep spreadsheet apps from running free text
            row.append("" if value is None else value)
        writer.writerow(row)
    return response


# --- The coach's review queue -----------------------------------------------------------------


FLAG_PAGE_SIZE = 25


def _resolved_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """``before=<resolved_at ISO>_<id>``: where an older page of resolved flags starts.
    Anything unreadable means the newest page (a stale or hand-made link is no error)."""
    if not raw or "_" not in raw:
        return None
    stamp, _, pk = raw.rpartition("_")
    try:
        when = datetime.fromisoformat(stamp)
        return (when if when.tzinfo else when.replace(tzinfo=UTC)), int(pk)
    except ValueError:
        return None


def _resolved_page(request: AuthedHttpRequest) -> tuple[list, dict]:
    """Resolved flags, newest first, FLAG_PAGE_SIZE at a time by keyset (``before=``): each
    page reads its rows from the index (status, resolved_at, id) and stops, never counting or
    sorting the coach's whole history."""
    flags = (
        selectors.flags_visible_to(request.user)
        .filter(status="resolved")
        .order_by("-resolved_at", "-id")
    )
    cursor = _resolved_cursor(request.GET.get("before"))
    if cursor is not None:
        when, pk = cursor
        flags = flags.filter(Q(resolved_at__lt=when) | Q(resolved_at=when, id__lt=pk))
    rows = list(flags[: FLAG_PAGE_SIZE + 1])
    older = None
    if len(rows) > FLAG_PAGE_SIZE:
        rows = rows[:FLAG_PAGE_SIZE]
        last = rows[-1]
        if last.resolved_at is not None:  # always set on a resolved flag (a constraint)
            older = f"{last.resolved_at.isoformat()}_{last.pk}"
    return rows, {"older": older, "is_first": cursor is None}


def _queue_page(request: AuthedHttpRequest, *, errors: dict | None = None, status: int = 200):
    show = request.GET.get("show", "open")
    page = keyset = None
    counts = selectors.open_flag_counts_for_request(request)
    if show == "resolved":
        flags, keyset = _resolved_page(request)
        listed = len(flags)
    else:
        show = "open"
        # Paged by the flags' ids (sorted without reading the rows not shown), then the page's
        # rows; the queue is the flags the counts count (open_flag_counts): not counted twice.
        paginator = Paginator(selectors.review_queue_keys(request.user), FLAG_PAGE_SIZE)
        paginator.count = counts["total"]
        page = paginator.get_page(request.GET.get("page"))
        flags = list(selectors.review_queue_page(request.user, page.object_list))
        listed = paginator.count
    # One row for the queue, on the coach's own account: what was listed, not whose.
    record_access(
        request,
        instance=request.user,
        athlete_id=None,
        what=f"warning flags ({show}, {listed} listed)",
    )
    return render(
        request,
        "checkins/coach_flags.html",
        {
            "flags": flags,
            "page": page,
            "keyset": keyset,
            "show": show,
            "counts": counts,
            "errors": errors or {},
        },
        status=status,
    )


@coach_required
def coach_flags(request: AuthedHttpRequest) -> HttpResponse:
    return _queue_page(request)


def _back(request: AuthedHttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return reverse("checkins:coach_flags")


def _flag_row(request: AuthedHttpRequest, flag, *, error: str = "") -> HttpResponse:
    """The flag's row for htmx, with the open-flag counts swapped out of band (read after the
    change, by the ``flag_badge`` context processor)."""
    back = _back(request)
    return render(
        request,
        "checkins/_flag_row_swap.html",
        {
            "flag": flag,
            "error": error,
            "next": back,
            "on_queue": back.startswith(reverse("checkins:coach_flags")),
        },
    )


@coach_required
@post_only(lambda request, pk: reverse("checkins:coach_flags"))
def flag_acknowledge(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_for(request.user, pk)
    try:
        flag = services.flag_acknowledge(flag=flag, by=request.user)
    except ValidationError as exc:
        if request.htmx:
            return _flag_row(request, flag, error=" ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request))
    if request.htmx:
        return _flag_row(request, selectors.flag_for(request.user, pk))
    messages.success(request, "Flag acknowledged.")
    return redirect(_back(request))


@coach_required
@post_only(lambda request, pk: reverse("checkins:coach_flags"))
def flag_resolve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_for(request.user, pk)
    try:
        services.flag_resolve(flag=flag, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        message = " ".join(exc.messages)
        if request.htmx:
            return _flag_row(request, flag, error=message)
        if hasattr(exc, "error_dict") and "note" in exc.error_dict:
            # Shown beside this flag's note field, on the queue it was sent from.
            return _queue_page(request, errors={flag.pk: message}, status=400)
        messages.error(request, message)
        return _queue_page(request, status=400)
    if request.htmx:
        return _flag_row(request, selectors.flag_for(request.user, pk))
    messages.success(request, "Flag resolved. It stays in her history.")
    return redirect(_back(request))
