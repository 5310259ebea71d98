"""A clock for tests that live like production: time moves on hour by hour, and at the top
of every hour the hourly ``plans.tasks.publish_weeks`` runs, as Celery beat's
``crontab(minute=0)`` runs it (config/settings/base.py), with the work it queues on commit.

    with time_machine.travel(start, tick=False) as traveller:
        clock = HourlyClock(traveller, start, django_capture_on_commit_callbacks)
        clock.advance_to(friday_evening)   # every hour in between runs the task
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .publishing import publish_weeks

HOUR = timedelta(hours=1)


def top_of_next_hour(moment: datetime) -> datetime:
    """The first whole UTC hour strictly after ``moment``."""
    utc = moment.astimezone(UTC)
    return utc.replace(minute=0, second=0, microsecond=0) + HOUR


class HourlyClock:
    """Moves a frozen ``time_machine`` clock forward, running ``publish_weeks`` at every whole
    hour it passes (including the hour it lands on).

    ``before_run`` and ``after_run``, when given, are called with the hour just reached, before
    and after the task runs there: a test asserts what must hold at every hour (for example,
    before the run at her Monday 00:00, that her week was already published)."""

    def __init__(
        self,
        traveller: Any,
        start: datetime,
        capture_on_commit: Callable[..., Any],
        *,
        before_run: Callable[[datetime], None] | None = None,
        after_run: Callable[[datetime], None] | None = None,
    ) -> None:
        self.traveller = traveller
        self.now = start.astimezone(UTC)
        self.capture_on_commit = capture_on_commit
        self.before_run = before_run
        self.after_run = after_run
        self.runs = 0
        self.last_run: datetime | None = None
        traveller.move_to(self.now)

    def run_task(self) -> dict[str, int]:
        """Run ``publish_weeks`` (and its chunks) now, and what it queues on commit, as the
        workers do; returns its totals and its chunks' (``tests.plans.publishing``)."""
        with self.capture_on_commit(execute=True):
            totals = publish_weeks()
        self.runs += 1
        self.last_run = self.now
        return totals

    def advance_to(self, moment: datetime) -> None:
        moment = moment.astimezone(UTC)
        if moment < self.now:
            raise ValueError(f"The clock only moves forward: {moment} is before {self.now}.")
        hour = top_of_next_hour(self.now)
        while hour <= moment:
            self.traveller.move_to(hour)
            self.now = hour
            if self.before_run is not None:
                self.before_run(hour)
            self.run_task()
            if self.after_run is not None:
                self.after_run(hour)
            hour += HOUR
        self.traveller.move_to(moment)
        self.now = moment

    def advance(self, delta: timedelta) -> None:
        self.advance_to(self.now + delta)

    def skip(self, delta: timedelta) -> None:
        """Move on without running the task: the worker was down meanwhile."""
        self.now = self.now + delta
        self.traveller.move_to(self.now)
