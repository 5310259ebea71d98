"""When a week's check-in can be sent (SPEC §11), as pure date arithmetic.

The check-in for week W (its Monday, in her time zone) opens on W's Friday — the
``CHECKIN_OPENS_WEEKDAY`` setting, 0 = Monday … 6 = Sunday — and stays open, to send or to
change, until the end of W+1 (the Sunday of the following week). So on any day at most two
weeks are open: last week's (until this Sunday) and, from the opening weekday, this week's.

Every function takes her local ``today`` (``Athlete.today()``); none reads the clock or the
database. ``weekday`` defaults to the setting and may be passed to test another one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.formats import date_format

from web.weeks import monday_of

WEEK = timedelta(weeks=1)


def _opening_weekday(weekday: int | None) -> int:
    return settings.CHECKIN_OPENS_WEEKDAY if weekday is None else weekday


def opens_on(week: date, *, weekday: int | None = None) -> date:
    """The first day the check-in of ``week`` (any day in it) can be sent."""
    return monday_of(week) + timedelta(days=_opening_weekday(weekday))


def closes_on(week: date) -> date:
    """The last day the check-in of ``week`` can be sent or changed: the Sunday after it."""
    return monday_of(week) + WEEK + timedelta(days=6)


def is_open(week: date, today: date, *, weekday: int | None = None) -> bool:
    return opens_on(week, weekday=weekday) <= today <= closes_on(week)


def open_weeks(today: date, *, weekday: int | None = None) -> list[date]:
    """The Mondays of the weeks open on ``today``, oldest first: last week, and this week
    from its opening day."""
    this_monday = monday_of(today)
    return [w for w in (this_monday - WEEK, this_monday) if is_open(w, today, weekday=weekday)]


def next_opening(today: date, *, weekday: int | None = None) -> date:
    """The next day a week's check-in opens, after ``today``."""
    this_monday = monday_of(today)
    day = opens_on(this_monday, weekday=weekday)
    return day if day > today else opens_on(this_monday + WEEK, weekday=weekday)


def proposed_week(
    today: date,
    checked_in: Collection[date],
    *,
    first_week: date | None = None,
    weekday: int | None = None,
) -> date | None:
    """The week she most likely means: the oldest open week without a check-in (on Monday to
    Thursday that is last week; from Friday this week, unless last week is still missing).
    None when every open week has one. ``first_week`` is the earliest week a check-in can be
    for (the week of the birth); weeks before it are never proposed."""
    for week in open_weeks(today, weekday=weekday):
        if week not in checked_in and (first_week is None or week >= monday_of(first_week)):
            return week
    return None


def latest_missing_week(
    today: date, checked_in: Collection[date], *, first_week: date, limit: int = 104
) -> date | None:
    """For a coach entering history once every open week is in: the most recent earlier
    week without a check-in, back to the week of the birth (and at most ``limit`` weeks)."""
    week = monday_of(today) - 2 * WEEK
    earliest = monday_of(first_week)
    for _ in range(limit):
        if week < earliest:
            return None
        if week not in checked_in:
            return week
        week -= WEEK
    return None


# --- In words ---------------------------------------------------------------------------------


def day_month(day: date) -> str:
    return date_format(day, "j F")


def weekday_day_month(day: date) -> str:
    return date_format(day, "l j F")


def not_open_yet_message(week: date, *, weekday: int | None = None) -> str:
    return (
        f"The check-in for the week of {day_month(monday_of(week))} opens on "
        f"{weekday_day_month(opens_on(week, weekday=weekday))}. If something doesn't feel "
        "right before then, report a symptom any time."
    )


def closed_message(week: date) -> str:
    return (
        f"The check-in for the week of {day_month(monday_of(week))} closed on "
        f"{weekday_day_month(closes_on(week))}; your coach can add it for you."
    )


def week_label(week: date, today: date) -> str:
    """ "Last week, 23–29 November" or "This week, 30 November – 6 December"."""
    this_monday = monday_of(today)
    name = {this_monday: "This week", this_monday - WEEK: "Last week"}.get(week, "Week")
    end = week + timedelta(days=6)
    if end.month == week.month:
        span = f"{week.day}–{day_month(end)}"
    else:
        span = f"{day_month(week)} – {day_month(end)}"
    return f"{name}, {span}"


@dataclass(frozen=True)
class Due:
    """What is due of her check-ins on her local today, for her coach, in words.

    ``tone``: ``missing`` (a week she can still send is missing), ``open`` (this week's is
    open and not in yet), ``done`` (nothing to send today)."""

    key: str
    text: str
    tone: str

    @property
    def is_due(self) -> bool:
        return self.tone != "done"


def due_status(
    today: date,
    checked_in: Collection[date],
    *,
    first_week: date | None = None,
    weekday: int | None = None,
) -> Due:
    """Her check-ins on ``today`` in plain words. Last week's missing comes first (it closes
    this Sunday); then this week's, open from the opening weekday."""
    this_monday = monday_of(today)
    last_monday = this_monday - WEEK
    earliest = monday_of(first_week) if first_week is not None else None

    def expected(week: date) -> bool:
        return earliest is None or week >= earliest

    last_in = last_monday in checked_in
    if expected(last_monday) and not last_in:
        return Due("last_missing", "Last week's check-in is missing (open until Sunday)", "missing")
    if not is_open(this_monday, today, weekday=weekday):
        day_name = date_format(opens_on(this_monday, weekday=weekday), "l")
        lead = "Done" if last_in else "Nothing due"
        return Due("waiting", f"{lead} — this week's opens {day_name}", "done")
    if this_monday in checked_in:
        return Due("this_in", "This week's is in", "done")
    return Due("this_open", "This week's check-in is open", "open")
