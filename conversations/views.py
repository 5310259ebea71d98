"""The conversation's pages: the thread (the coach's of each athlete, the athlete's own), the
panel on the athlete page and on "my week" (``templates/conversations/_panel.html``), and
marking a thread read.

Posting works with htmx (the thread's body is swapped in place) and without JavaScript (a
form POST, then a redirect; a form error answers the page with status 400). A GET never
writes: a thread is marked read by a POST, sent by htmx as the thread is shown, or by the
"Mark as read" button without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from athletes import selectors as athlete_selectors
from athletes.access import AuthedHttpRequest, athlete_required, coach_required
from athletes.models import Athlete
from web.forms import form_error_from
from web.http import post_only

from . import selectors, services
from .forms import MessageForm
from .models import MAX_ID, REFERENCE_FIELDS


def _urls(athlete: Athlete, *, for_coach: bool) -> dict[str, str]:
    if for_coach:
        return {
            "thread_url": reverse("conversations:coach_thread", args=[athlete.pk]),
            "read_url": reverse("conversations:coach_mark_read", args=[athlete.pk]),
        }
    return {
        "thread_url": reverse("conversations:my_thread"),
        "read_url": reverse("conversations:my_mark_read"),
    }


def conversation_context(
    request: AuthedHttpRequest,
    athlete: Athlete,
    *,
    full: bool,
    form: MessageForm | None = None,
    before: int | None = None,
) -> dict[str, Any]:
    """What the thread page (``full``) or the panel shows: a fixed number of queries."""
    user = request.user
    for_coach = selectors.reads_as_coach(user, athlete)
    size = selectors.PAGE_SIZE if full else selectors.PANEL_SIZE
    page = selectors.thread_page(user, athlete, before=before, size=size)
    can_write = services.may_write(user, athlete)
    unread = selectors.unread_for(request).of(athlete.pk) if can_write else 0
    if form is None and can_write:
        initial = {}
        if full:
            chosen = _reply_about(request, athlete)
            initial = {"about": chosen.value} if chosen else {}
            choices = selectors.about_choices(user, athlete)
            if chosen and chosen.value not in {c.value for c in choices}:
                choices.insert(0, chosen)
        else:
            choices = []
        form = MessageForm(initial=initial, choices=choices, auto_id="message_%s")
    return {
        "athlete": athlete,
        "page": page,
        "form": form,
        "full": full,
        "for_coach": for_coach,
        "can_write": can_write,
        "unread": unread,
        # The panel marks read on its own only what it shows.
        "auto_read": unread and (full or unread <= selectors.PANEL_SIZE),
        # Where a plain form goes back to: the page it was on (a post keeps the one it came
        # from, so that a form shown again after an error still returns there).
        "next": _safe_next(request, request.get_full_path()).partition("#")[0],
        **_urls(athlete, for_coach=for_coach),
    }


def _reply_about(request: AuthedHttpRequest, athlete: Athlete):
    """The record of a "Reply about this" link (``?checkin=3``), if it is one of hers."""
    for kind in REFERENCE_FIELDS:
        if kind in request.GET:
            return selectors.about_one(request.user, athlete, kind, request.GET[kind])
    return None


def _before(request: AuthedHttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


def _safe_next(request: AuthedHttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _post(request: AuthedHttpRequest, athlete: Athlete, thread_url: str) -> HttpResponse:
    if not services.may_write(request.user, athlete):
        raise PermissionDenied("Staff read conversations; only she and her coach write in them.")
    # The panel's htmx form swaps the panel's body; anything else shows the thread page.
    full = not (request.htmx and request.POST.get("view") == "panel")
    choices = selectors.about_choices(request.user, athlete) if full else []
    form = MessageForm(request.POST, choices=choices, auto_id="message_%s")
    form.is_valid()  # parses only: every rule is the service's
    try:
        references: dict[str, Any] = {}
        kind, _, pk = (form.cleaned_data.get("about") or "").partition(":")
        if kind:
            references = services.reference_resolve(
                athlete=athlete, by=request.user, kind=kind, pk=pk
            )
        services.message_post(
            athlete=athlete, by=request.user, body=form.cleaned_data.get("body", ""), **references
        )
    except ValidationError as exc:
        form_error_from(form, _about_errors(exc))
        context = conversation_context(request, athlete, full=full, form=form)
        if request.htmx:
            return render(request, "conversations/_body.html", context, status=422)
        return render(request, "conversations/thread.html", context, status=400)
    if request.htmx:
        context = conversation_context(request, athlete, full=full)
        return render(request, "conversations/_body.html", context)
    return redirect(_safe_next(request, thread_url))


def _about_errors(exc: ValidationError) -> ValidationError:
    """The service names the record's kind ("checkin"); the form has one field, "about"."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {
            ("about" if key in (*REFERENCE_FIELDS, "reference") else key): errors
            for key, errors in exc.error_dict.items()
        }
    )


def _thread(request: AuthedHttpRequest, athlete: Athlete, *, for_coach: bool) -> HttpResponse:
    thread_url = _urls(athlete, for_coach=for_coach)["thread_url"]
    if request.method == "POST":
        return _post(request, athlete, thread_url)
    context = conversation_context(request, athlete, full=True, before=_before(request))
    return render(request, "conversations/thread.html", context)


def _mark_read(request: AuthedHttpRequest, athlete: Athlete, default: str) -> HttpResponse:
    services.thread_mark_read(athlete=athlete, by=request.user)
    if request.htmx:
        # Nothing in place of the form, and the navigation's count brought up to date.
        return render(request, "conversations/_unread_total.html", {"oob": True})
    return redirect(_safe_next(request, default))


# --- The coach's ------------------------------------------------------------------------------


@coach_required
@require_http_methods(["GET", "HEAD", "POST"])
def coach_thread(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    return _thread(request, athlete, for_coach=True)


@coach_required
@post_only(lambda request, pk: reverse("conversations:coach_thread", args=[pk]))
def coach_mark_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_selectors.athlete_for_coach(request.user, pk)
    return _mark_read(request, athlete, reverse("conversations:coach_thread", args=[pk]))


# --- The athlete's ----------------------------------------------------------------------------


def _her(request: AuthedHttpRequest) -> Athlete:
    athlete = athlete_selectors.athlete_for_user(request.user)
    if athlete is None:
        raise Http404("No athlete profile.")
    return athlete


@athlete_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_thread(request: AuthedHttpRequest) -> HttpResponse:
    return _thread(request, _her(request), for_coach=False)


@athlete_required
@post_only(lambda request: reverse("conversations:my_thread"))
def my_mark_read(request: AuthedHttpRequest) -> HttpResponse:
    return _mark_read(request, _her(request), reverse("conversations:my_thread"))
