"""The pages that bring everything together: the coach's dashboard and athlete overview with
its decision, the week editor, and the athlete's week and calendar feed."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from rest_framework.utils.encoders import JSONEncoder

from athletes import selectors as athlete_selectors
from athletes.access import AuthedHttpRequest, athlete_required, coach_required
from athletes.audit import record_access
from athletes.forms import AthleteForm
from athletes.models import Athlete
from athletes.views import athlete_url
from checkins import selectors as checkin_selectors
from checkins import windows
from checkins.charts import chart_series, chart_summary, chart_weeks
from checkins.services import is_editable as checkin_is_editable
from clinical import protocol
from web.forms import form_error_from
from web.http import post_only
from web.ratelimit import rate_limited
from web.weeks import monday_of

from . import selectors, services
from .calendar import render_ics
from .export import athlete_export
from .forms import OverrideForm, SessionFormSet
from .models import SESSION_FIELDS, CalendarFeed, PlannedSession, PlanWeek
from .wording import (
    coach_note,
    when_it_applies,
    why_for_coach,
    why_for_her,
    why_next_for_her,
)
from .workouts import WORKOUT_KINDS, week_workouts_download

ROSTER_PAGE_SIZE = 25


REVIEW_ATHLETES = 5
EXPIRING_SHOWN = 5
BULK_DECISIONS_SHOWN = 25
SORT_COLUMNS = (
    ("name", "Athlete"),
    ("weeks", "Wk pp"),
    ("stage", "Stage"),
    ("checkin", "Check-in"),
    ("flags", "Flags"),
)


def _sort_headers(request: HttpRequest, sort: str) -> dict[str, dict]:
    """Each sortable column's link (the filters kept, the page reset) and its aria-sort: a
    click on the sorted column reverses it."""
    headers = {}
    for key, label in SORT_COLUMNS:
        current = sort.removeprefix("-") == key
        descending = sort.startswith("-")
        target = f"-{key}" if current and not descending else key
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = target
        headers[key] = {
            "label": label,
            "url": f"?{query.urlencode()}#roster",
            "aria_sort": ("descending" if descending else "ascending") if current else "",
            "next": "descending" if target.startswith("-") else "ascending",
        }
    return headers


def _dashboard_context(request: AuthedHttpRequest) -> dict:
    """What the dashboard shows: a fixed number of queries whatever the roster's size. What
    is due is judged on each athlete's own calendar; ``this_monday`` (the server's) only
    bounds what is prefetched."""
    now = timezone.now()
    this_monday = monday_of(timezone.localdate())
    zones = selectors.roster_zones(request.user)
    search = request.GET.get("q", "").strip()[:100]
    stage = request.GET.get("stage", "")
    stage = stage if stage in protocol.STAGE_BY_KEY else ""
    flagged = request.GET.get("flagged") == "1"
    due = request.GET.get("due") == "1"
    include_archived = request.GET.get("archived") == "1"
    sort = selectors.roster_sort(request.GET.get("sort", ""))
    expiring = athlete_selectors.expiring_for_roster(
        athlete_selectors.roster_for_coach(request.user)
    )
    expiring_by_id = {a.pk: warnings for a, warnings in expiring}
    roster = selectors.dashboard_roster(
        request.user,
        zones=zones,
        now=now,
        search=search,
        stage=stage,
        flagged=flagged,
        due=due,
        include_archived=include_archived,
        sort=sort,
        expiring=expiring_by_id.keys(),
    )
    # Paged by the athletes' ids with their sort keys (sorted without reading the rows not
    # shown; the keys are selected, so that the sort names them by position: one may be a
    # constant, which PostgreSQL refuses to sort by when it is written out), then the page's
    # rows with what they show, in the same order.
    keys = roster.select_related(None).values("pk", *selectors.roster_sort_keys(roster))
    page = Paginator(keys, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [row["pk"] for row in page.object_list]
    athletes = list(selectors.roster_page(roster.filter(pk__in=ids), this_monday))
    page.object_list = athletes
    filtering = bool(search or stage or flagged or due or include_archived)
    counts = selectors.dashboard_counts(
        request.user,
        zones=zones,
        now=now,
        flags=checkin_selectors.open_flag_counts_for_request(request),
    )
    review, review_total = checkin_selectors.review_by_athlete(
        request.user, REVIEW_ATHLETES, total=counts["flags"]["athletes"]
    )
    decisions = list(selectors.open_decisions(request.user)[:BULK_DECISIONS_SHOWN])
    return {
        "page": page,
        "rows": [
            {
                "athlete": a,
                "ladder": protocol.ladder(a.stage),
                "stage": protocol.STAGE_BY_KEY.get(a.stage),
                "clearance": athlete_selectors.clearance_status(a),
                "readiness": athlete_selectors.readiness_status(a),
                "expiring": expiring_by_id.get(a.pk, []),
                "due": None
                if a.archived
                # recent_checkins: prefetched by roster_page (to_attr).
                else checkin_selectors.due_for(
                    a, {c.week for c in getattr(a, "recent_checkins", ())}
                ),
            }
            for a in athletes
        ],
        "counts": {**counts, "expiring": len(expiring)},
        "review": review,
        "review_more": review_total - len(review),
        "decisions": [{"decision": d, "held_back": d.needs_her_page} for d in decisions],
        "decisions_more": counts["pending_decisions"] - len(decisions),
        "expiring": [{"athlete": a, "warnings": w} for a, w in expiring[:EXPIRING_SHOWN]],
        "search": search,
        "stage": stage,
        "flagged": flagged,
        "due": due,
        "include_archived": include_archived,
        "sort": sort,
        "sort_headers": _sort_headers(request, sort),
        "filtering": filtering,
        "stages": protocol.STAGES,
        "has_athletes": page.paginator.count > 0 or filtering,
        "this_monday": this_monday,
    }


@coach_required
def coach_dashboard(request: AuthedHttpRequest) -> HttpResponse:
    """Counts, who needs her review (one row per athlete), decisions to approve (several at
    once), expiring records, then the roster (25 a page), sorted by need by default."""
    return render(request, "plans/coach_dashboard.html", _dashboard_context(request))


# More than any page lists at once: a bigger selection is not from the form.
BULK_APPROVE_MAX = 100


def _bulk_error(request: AuthedHttpRequest, error: str) -> HttpResponse:
    context = _dashboard_context(request)
    context["bulk_error"] = error
    return render(request, "plans/coach_dashboard.html", context, status=400)


def _names(decisions: list) -> str:
    return ", ".join(d.athlete.full_name for d in decisions)


@coach_required
@post_only(lambda request: reverse("plans:coach_dashboard"))
def decisions_approve(request: AuthedHttpRequest) -> HttpResponse:
    """Approve several decisions at once, each exactly as from her page (the same service,
    its own audit entry and her thread's note). One that would put her in an impact stage
    past a failed safety gate (as computed, or on her records now), or that advises a
    referral, is never approved here: it is left for her page and reported. Another coach's
    decision answers 404 and nothing is approved; a malformed selection answers 400."""
    raw = request.POST.getlist("decision")
    if not raw:
        return _bulk_error(request, "Choose at least one decision to approve.")
    if len(raw) > BULK_APPROVE_MAX:
        return _bulk_error(
            request, f"Choose at most {BULK_APPROVE_MAX} decisions to approve at once."
        )
    if not all(v.isascii() and v.isdigit() and len(v) < 12 for v in raw):
        return _bulk_error(request, "That selection was not understood: choose decisions again.")
    ids = list(dict.fromkeys(int(v) for v in raw))
    found = {d.pk: d for d in selectors.decisions_visible_to(request.user).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404("No such decision.")
    approved, held_back, refused = [], [], []
    for pk in ids:
        decision = found[pk]
        if decision.needs_her_page or selectors.safety_gates_failing_now(decision):
            held_back.append(decision)
            continue
        try:
            services.decision_approve(decision=decision, by=request.user)
        except ValidationError as exc:
            refused.append((decision, " ".join(exc.messages)))
        else:
            approved.append(decision)
    if approved:
        messages.success(
            request,
            f"Approved {len(approved)} decision{'s' if len(approved) != 1 else ''} as "
            f"recommended, each published to her plan: {_names(approved)}.",
        )
    if held_back:
        messages.warning(
            request,
            f"Not approved, a safety gate failed or a referral is advised: {_names(held_back)}. "
            "Open her page to approve or override.",
        )
    for decision, reason in refused:
        messages.error(request, f"Not approved for {decision.athlete.full_name}: {reason}")
    return redirect(reverse("plans:coach_dashboard") + "#decisions")


@coach_required
def athlete_create(request: AuthedHttpRequest) -> HttpResponse:
    """The coach's "new athlete" form: enrolling her also starts her plan."""
    form = AthleteForm(request.POST or None, instance=Athlete(coach=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            athlete = services.athlete_enrol(
                coach=request.user, data=form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            messages.success(request, f"{athlete.full_name} was added to your athletes.")
            return redirect(athlete_url(athlete))
    return render(request, "athletes/athlete_form.html", {"form": form, "athlete": None})


def _stage_context(athlete: Athlete, this_week: PlanWeek | None = None) -> dict:
    """Where she stands this week: her published week's stage and level when there is one.
    (Her profile's ``stage``/``level`` follow the latest published week, which from her
    Sunday on is next week's.)"""
    key, level = (this_week.stage, this_week.level) if this_week else (athlete.stage, athlete.level)
    stage = protocol.STAGE_BY_KEY.get(key)
    return {
        "stage": stage,
        "ladder": protocol.ladder(key),
        "level": level or 1,
        "level_label": stage.level(level or 1).label if stage else "",
    }


def _decision_context(decision, today: date) -> dict:
    if decision is None:
        return {"decision": None}
    initial = {
        "action": decision.action,
        "to_stage": decision.to_stage,
        "to_level": decision.to_level,
    }
    return {
        "decision": decision,
        "override_form": OverrideForm(initial=initial, auto_id="override_%s"),
        "decision_stage": protocol.STAGE_BY_KEY.get(decision.to_stage),
        "decision_applies": when_it_applies(decision, today),
    }


# The athlete page shows her recent weeks; the rest is one click away ("older check-ins").
RECENT_CHECKINS = 8
RESOLVED_FLAGS_SHOWN = 5
OPEN_FLAGS_SHOWN = 30


@coach_required
def athlete_overview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The coach's page of one athlete, around "now" (the decision, this week and next, open
    flags), then trends (the last ``CHART_WEEKS`` calendar weeks), then records. Bounded: the
    check-ins table shows ``RECENT_CHECKINS`` a page (``?checkins=2`` for older ones), so the
    page costs the same queries and about the same time at 4 or 104 weeks of history."""
    athlete = athlete_selectors.athlete_for_coach(request.user, pk, clinical=True)
    today = athlete.today()
    overview = selectors.week_overview(athlete, today)
    this_monday = overview.this_monday
    weeks = chart_weeks(this_monday)
    charted = list(checkin_selectors.checkins_for_athlete(athlete).filter(week__gte=weeks[0]))
    checkins_page = Paginator(
        checkin_selectors.checkins_for_athlete(athlete, with_revisions=True), RECENT_CHECKINS
    ).get_page(request.GET.get("checkins"))
    flags = checkin_selectors.flags_for_athlete(athlete)
    context = {
        "athlete": athlete,
        "checkins": checkins_page.object_list,
        "checkins_page": checkins_page,
        "has_checkins": checkins_page.paginator.count > 0,
        "chart": chart_series(charted, weeks, athlete_id=athlete.pk),
        "chart_summary": chart_summary(charted, weeks),
        "clearance": athlete_selectors.clearance_status(athlete),
        "readiness": athlete_selectors.readiness_status(athlete),
        "expiry_warnings": athlete_selectors.expiry_warnings_for(athlete),
        "clearances": athlete.clearances.all(),
        "assessments": athlete.assessments.all(),
        "invitation": athlete.invitations.order_by("-created_at").first(),
        "overview": overview,
        "guidance_notes": selectors.guidance_for(
            athlete, overview.this_week.stage if overview.this_week else athlete.stage
        ),
        "plan_weeks": [
            {
                "label": label,
                "monday": monday,
                "week": week,
                "why": why_for_coach(week) if week else "",
                "parts": protocol.split_daily(list(week.sessions.all())) if week else ([], []),
            }
            for label, monday, week in (
                ("This week", this_monday, overview.this_week),
                ("Next week", this_monday + timedelta(weeks=1), overview.next_week),
            )
        ],
        "this_monday": this_monday,
        # What is due concerns last week and this one only: both are in the chart's weeks.
        "due": None
        if athlete.archived
        else checkin_selectors.due_for(athlete, {c.week for c in charted}),
        "decisions": selectors.recent_decisions(athlete),
        "her_open_flags": list(
            flags.filter(status__in=("open", "acknowledged"))[:OPEN_FLAGS_SHOWN]
        ),
        "resolved_flags": list(flags.filter(status="resolved")[:RESOLVED_FLAGS_SHOWN]),
        "resolved_limit": RESOLVED_FLAGS_SHOWN,
        "symptom_reports": checkin_selectors.recent_symptom_reports(request.user, athlete),
        **_stage_context(athlete, overview.this_week),
        **_decision_context(selectors.pending_decision(athlete), today),
    }
    context["access_log"], context["access_log_more"] = athlete_selectors.access_log_latest(
        athlete, viewer=request.user
    )
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="her page")
    return render(request, "plans/athlete_overview.html", context)


def _after_decision(request: AuthedHttpRequest, decision) -> HttpResponse:
    # A distinct query string makes htmx's HX-Redirect a real navigation (a change of
    # fragment alone would not reload the page).
    overview = reverse("plans:athlete_overview", args=[decision.athlete_id])
    url = f"{overview}?decided={decision.pk}#decision"
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@coach_required
@post_only(lambda request, pk: reverse("plans:decision_override", args=[pk]))
def decision_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for_coach(request.user, pk)
    try:
        plan_week = services.decision_approve(
            decision=decision, by=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        since = (
            f", from {date_format(plan_week.applies_from, 'l')} on"
            if plan_week.applies_from
            else ""
        )
        messages.success(
            request,
            f"Approved: the week of {date_format(plan_week.week, 'j M')} is published to her "
            f"plan{since}.",
        )
    return _after_decision(request, decision)


@coach_required
def decision_override(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for_coach(request.user, pk)
    if not decision.is_pending:
        messages.info(request, "That decision has already been made.")
        return _after_decision(request, decision)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_override(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from(form, exc)
        else:
            messages.success(request, "Your decision was recorded and her week updated.")
            return _after_decision(request, decision)
    return render(
        request,
        "plans/decision_override.html",
        {"decision": decision, "athlete": decision.athlete, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _session_rows(sessions) -> list[dict]:
    return [{name: getattr(s, name) for name in SESSION_FIELDS} for s in sessions]


@coach_required
def plan_week_edit(request: AuthedHttpRequest, pk: int, week: str) -> HttpResponse:
    """The week editor. Saving replaces the week's sessions with the rows posted; an extra
    row left untouched is ignored. "Copy last week" (a POST that writes nothing) fills the
    editor with the sessions of the week before: nothing changes for her until the coach
    saves."""
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    try:
        monday = parse_date(week) if week else None
    except ValueError:  # looks like a date but isn't one (2026-13-45)
        monday = None
    plan_week = selectors.plan_week_for(athlete, monday) if monday else None
    if plan_week is None:
        raise Http404("No plan for that week.")
    previous = selectors.plan_week_for(athlete, plan_week.week - timedelta(weeks=1))
    context = {"athlete": athlete, "plan_week": plan_week, "previous": previous}
    if request.method == "POST" and request.POST.get("copy") == "previous":
        if previous is None or not previous.sessions.all():
            messages.info(request, "There are no sessions from the week before to copy.")
            formset = SessionFormSet(initial=_session_rows(plan_week.sessions.all()), prefix="s")
        else:
            messages.info(
                request,
                f"The sessions of the week of {date_format(previous.week, 'j M')} are copied "
                "below. Nothing has changed for her yet: save to replace this week's sessions.",
            )
            formset = SessionFormSet(initial=_session_rows(previous.sessions.all()), prefix="s")
        return render(
            request, "plans/plan_week_edit.html", {**context, "formset": formset, "copied": True}
        )
    if request.method == "POST":
        # No ``initial`` here: an extra row is compared with an empty row, so an untouched one
        # is skipped even if the week's sessions changed since the page was drawn (or were
        # copied from last week); every row the page sent as a session is saved.
        formset = SessionFormSet(request.POST, prefix="s")
        if formset.is_valid():
            sessions = [
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.plan_week_update_sessions(
                    plan_week=plan_week, sessions=sessions, by=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    f"Sessions for the week of {date_format(plan_week.week, 'j M')} saved.",
                )
                return redirect(reverse("plans:athlete_overview", args=[athlete.pk]) + "#plan")
        return render(
            request, "plans/plan_week_edit.html", {**context, "formset": formset}, status=400
        )
    formset = SessionFormSet(initial=_session_rows(plan_week.sessions.all()), prefix="s")
    return render(request, "plans/plan_week_edit.html", {**context, "formset": formset})


# --- The athlete ------------------------------------------------------------------------------

ENCOURAGEMENT = (
    "Recovery comes before fitness. Every walk counts as training.",
    "Progress isn't linear: a gentle week is still a step forward.",
    "Your current starting point matters more than your old personal best.",
    "Consistency over time beats any single session.",
    "Listen to your body: it gives you valuable feedback.",
    "Distance before speed, smooth paths before technical trails.",
    "Patience is often the most valuable training tool.",
)


@athlete_required
def my_week(request: AuthedHttpRequest) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_user(request.user)
    if athlete is None:
        return render(request, "plans/my_week.html", {"athlete": None})
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="her week")
    today = athlete.today()
    overview = selectors.week_overview(athlete, today)
    this_monday = overview.this_monday
    done = checkin_selectors.checkin_weeks(athlete)
    due_weeks = [
        w
        for w in windows.open_weeks(today)
        if w not in done and w >= monday_of(athlete.delivery_date)
    ]
    latest = checkin_selectors.checkin_for_week(athlete, max(done)) if done else None
    feed = CalendarFeed.objects.filter(athlete=athlete).first()
    weeks = chart_weeks(this_monday)
    recent = list(checkin_selectors.checkins_for_athlete(athlete).filter(week__gte=weeks[0]))
    plan_week = overview.this_week
    days: list[dict] = []
    daily: list = []
    if plan_week is not None:
        main, daily = protocol.split_daily(list(plan_week.sessions.all()))
        seen_notes: set[str] = set()
        for s in main:  # the same advice once a week is enough
            s.show_note = s.notes not in seen_notes
            seen_notes.add(s.notes)
        for offset in range(7):
            day = this_monday + timedelta(days=offset)
            items = [s for s in main if s.day == offset]
            days.append(
                {"date": day, "is_today": day == today, "is_past": day < today, "sessions": items}
            )
    calendar_url = (
        request.build_absolute_uri(
            reverse("plans:calendar_feed", args=[services.calendar_token(feed)])
        )
        if feed
        else None
    )
    next_main: list = []
    if overview.next_week is not None:
        next_main, _ = protocol.split_daily(list(overview.next_week.sessions.all()))
    return render(
        request,
        "plans/my_week.html",
        {
            "athlete": athlete,
            "overview": overview,
            "plan_week": plan_week,
            "why": why_for_her(plan_week) if plan_week and overview.is_current else "",
            "coach_note": coach_note(plan_week) if plan_week and overview.is_current else "",
            "next_why": why_next_for_her(overview.next_week),
            "days": days,
            "daily": daily,
            "next_main": next_main,
            "pause_guidance": protocol.PAUSE_GUIDANCE,
            "guidance_notes": selectors.guidance_for(
                athlete, plan_week.stage if plan_week else athlete.stage
            ),
            "recent_checkins": recent,
            "chart": chart_series(recent, weeks, athlete_id=athlete.pk),
            "chart_summary": chart_summary(recent, weeks),
            # Her check-in: the week she most likely means (the oldest open one not sent),
            # else this week's if it is in, else when the next opens.
            "due_week": due_weeks[0] if due_weeks else None,
            "both_weeks_due": len(due_weeks) == 2,
            "checked_in": latest if latest is not None and latest.week == this_monday else None,
            "latest_editable": latest
            if latest is not None and checkin_is_editable(latest, athlete)
            else None,
            "next_opens": windows.next_opening(today),
            "closes_tonight": today.weekday() == 6,  # last week's closes at the end of Sunday
            "this_monday": this_monday,
            "encouragement": ENCOURAGEMENT[this_monday.isocalendar()[1] % len(ENCOURAGEMENT)],
            "calendar_url": calendar_url,
            "calendar_webcal": webcal(calendar_url) if calendar_url else None,
            **_stage_context(athlete, plan_week),
        },
    )


def webcal(url: str) -> str:
    """The calendar link as a subscription: calendar apps open ``webcal://`` (then fetch it
    over https, or http on a laptop) and keep it updated, where an ``https://`` link would
    only download the file once."""
    return "webcal://" + url.split("://", 1)[1]


def _json_download(data: dict, filename: str) -> HttpResponse:
    # DRF's encoder, so that numbers (her weekly km, her sleep) read as in the API.
    response = JsonResponse(
        data, encoder=JSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@coach_required
def athlete_export_json(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="export (JSON)")
    return _json_download(athlete_export(athlete, request=request), f"athlete-{athlete.pk}.json")


@athlete_required
def my_export_json(request: AuthedHttpRequest) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_user(request.user)
    if athlete is None:
        raise Http404("No athlete profile.")
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="export (JSON)")
    return _json_download(athlete_export(athlete, request=request), "my-stridewise-data.json")


@athlete_required
@post_only(lambda request: reverse("plans:my_week") + "#calendar")
def my_calendar(request: AuthedHttpRequest) -> HttpResponse:
    """Create her calendar link, or replace it (the old link stops working)."""
    athlete = athlete_selectors.athlete_for_user(request.user)
    if athlete is None:
        raise Http404("No athlete profile.")
    if request.POST.get("rotate") == "1":
        services.calendar_rotate(athlete=athlete)
        messages.success(request, "You have a new calendar link; the old one no longer works.")
    else:
        services.calendar_feed(athlete=athlete)
        messages.success(request, "Your calendar link is ready: add it to your calendar app.")
    return redirect(reverse("plans:my_week") + "#calendar")


@rate_limited("calendar_feed", failures_only=True)
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    athlete = services.calendar_athlete(token)
    if athlete is None:
        raise Http404("Unknown or revoked calendar link.")
    start, end = services.weeks_around(athlete.today(), before=4, after=2)
    sessions = (
        PlannedSession.objects.filter(
            plan_week__plan__athlete=athlete,
            plan_week__week__gte=start,
            plan_week__week__lte=end,
        )
        .select_related("plan_week")
        .order_by("plan_week__week", "day", "order")
    )
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="calendar feed")
    body = render_ics(sessions, name=f"{athlete.first_name}'s running plan", now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="plan.ics"'
    return response


@athlete_required
def my_week_workouts(request: AuthedHttpRequest, week: str) -> HttpResponse:
    """Every walk, run-walk and run of one of her weeks as FIT workouts, in a zip (SPEC §13)."""
    athlete = athlete_selectors.athlete_for_user(request.user)
    monday = parse_date(week)
    if athlete is None or monday is None or monday.weekday() != 0:
        raise Http404("No such week.")
    # The week's own plan, or the one carried over into it (as "my week" shows it).
    plan_week = (
        PlanWeek.objects.filter(plan__athlete=athlete, week__lte=monday).order_by("-week").first()
    )
    sessions = (
        list(plan_week.sessions.filter(kind__in=WORKOUT_KINDS).select_related("plan_week"))
        if plan_week
        else []
    )
    if not sessions:
        raise Http404("No walk or run to download that week.")
    response = week_workouts_download(
        sessions, monday=monday, name=f"workouts-{monday:%Y-%m-%d}.zip"
    )
    record_access(request, instance=athlete, athlete_id=athlete.pk, what="week's workouts (zip)")
    return response
