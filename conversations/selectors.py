"""Reads of the conversation, scoped to who asks, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from athletes.access import can_write_conversation, is_athlete, is_coach_side, is_signed_in
from athletes.models import Athlete, User
from checkins.models import WarningFlag, WeeklyCheckIn
from plans.models import Decision, PlanWeek

from .models import Message
from .wording import About, about, message_about

# Messages on a thread page at a time; the panel shows the last few.
PAGE_SIZE = 50
PANEL_SIZE = 3


def messages_visible_to(user: User | AnonymousUser) -> QuerySet[Message]:
    """Her thread for her, her athletes' threads for a coach, everyone's for staff; with the
    records they point at, so that their context costs no query per message."""
    return Message.objects.visible_to(user).select_related(
        "author", "checkin", "decision", "flag", "plan_week"
    )


@dataclass
class ShownMessage:
    message: Message
    mine: bool  # written by the side who is reading
    about: About | None


@dataclass
class ThreadPage:
    athlete: Athlete
    messages: list[ShownMessage]
    earlier: int | None  # the id to ask for the page before, when there is one
    unread: int = 0
    extra: dict = field(default_factory=dict)


def _shown(messages: list[Message], *, for_coach: bool, in_it: bool) -> list[ShownMessage]:
    """``in_it``: the reader is one of the two (staff reading a thread wrote none of it)."""
    return [
        ShownMessage(
            message=m,
            mine=in_it and m.from_coach == for_coach,
            about=message_about(m, for_coach=for_coach),
        )
        for m in messages
    ]


def thread_page(
    user: User, athlete: Athlete, *, before: int | None = None, size: int = PAGE_SIZE
) -> ThreadPage:
    """Her thread as ``user`` reads it (she must already be one ``user`` may see): the latest
    ``size`` messages (or those before the message ``before``), oldest first as a
    conversation reads; one query."""
    qs = messages_visible_to(user).filter(athlete=athlete).order_by("-sent_at", "-id")
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs[: size + 1])
    earlier = rows[size - 1].pk if len(rows) > size else None
    rows = rows[:size]
    rows.reverse()
    return ThreadPage(
        athlete=athlete,
        messages=_shown(
            rows,
            for_coach=reads_as_coach(user, athlete),
            in_it=can_write_conversation(user, athlete),
        ),
        earlier=earlier,
    )


def reads_as_coach(user: User, athlete: Athlete) -> bool:
    """Her thread is worded for her coach (and staff), or for her."""
    return user.pk != athlete.user_id


class UnreadMessages:
    """The unread counts of the navigation (SPEC §12): for a coach, what her athletes wrote
    that she has not read, in total and per athlete; for an athlete, what her coach wrote.
    Lazy: one query, and only on a page that shows a count."""

    def __init__(self, user: User | AnonymousUser | None) -> None:
        self.user = user

    @cached_property
    def by_athlete(self) -> dict[int, int]:
        user = self.user
        if not is_signed_in(user):
            return {}
        if is_athlete(user) and not user.is_staff:
            qs = Message.objects.filter(athlete__user=user, from_coach=True)
        elif is_coach_side(user):
            # Her own athletes only, staff included: staff read threads, they are not in them.
            qs = Message.objects.filter(athlete__coach=user, from_coach=False)
        else:
            return {}
        rows = (
            qs.filter(read_at__isnull=True)
            .values("athlete_id")
            .annotate(n=Count("id"))
            .values_list("athlete_id", "n")
        )
        return dict(rows)

    @property
    def total(self) -> int:
        return sum(self.by_athlete.values())

    def of(self, athlete_id: int) -> int:
        return self.by_athlete.get(athlete_id, 0)


def unread_for(request: HttpRequest) -> UnreadMessages:
    """The request's one ``UnreadMessages``: the navigation, the panel and the thread page
    share its single query."""
    found = getattr(request, "_unread_messages", None)
    if not isinstance(found, UnreadMessages):
        found = UnreadMessages(getattr(request, "user", None))
        setattr(request, "_unread_messages", found)  # noqa: B010
    return found


# --- What a message may be about ---------------------------------------------------------------

# How many of each kind of record the "about" list offers (the latest).
CHOICES_PER_KIND = 4


def about_choices(user: User, athlete: Athlete) -> list[About]:
    """Her recent records ``user`` may point a message at, newest first: check-ins and plan
    weeks for her; decisions and open flags too for her coach. Four queries at most."""
    for_coach = reads_as_coach(user, athlete)
    today = athlete.today()
    found: list[About] = []
    checkins = WeeklyCheckIn.objects.visible_to(user).filter(athlete=athlete).order_by("-week")
    found += [about("checkin", c, for_coach=for_coach) for c in checkins[:CHOICES_PER_KIND]]
    weeks = (
        PlanWeek.objects.visible_to(user)
        .filter(plan__athlete=athlete, week__lte=today + timedelta(weeks=1))
        .order_by("-week")
    )
    found += [about("plan_week", w, for_coach=for_coach) for w in weeks[:CHOICES_PER_KIND]]
    if for_coach:
        decisions = Decision.objects.visible_to(user).filter(athlete=athlete).order_by("-week")
        found += [about("decision", d, for_coach=True) for d in decisions[:CHOICES_PER_KIND]]
        flags = (
            WarningFlag.objects.visible_to(user)
            .filter(athlete=athlete)
            .exclude(status="resolved")
            .order_by("-week", "-id")
        )
        found += [about("flag", f, for_coach=True) for f in flags[:CHOICES_PER_KIND]]
    return found


def about_one(user: User, athlete: Athlete, kind: str, pk: object) -> About | None:
    """One record of hers ``user`` may point a message at (a "Reply about this" link), or
    None for anything else: unknown, another athlete's, or not hers to see. The rule is the
    service's (``reference_resolve``)."""
    from .services import reference_resolve  # services import this module's neighbours

    try:
        found = reference_resolve(athlete=athlete, by=user, kind=kind, pk=pk)
    except ValidationError:
        return None
    record = found[kind]
    return about(kind, record, for_coach=reads_as_coach(user, athlete))
