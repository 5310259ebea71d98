"""How the plans layer reacts to the layers below it (wired in PlansConfig.ready)."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError

from athletes.models import Athlete
from athletes.selectors import athlete_facts
from checkins.models import WeeklyCheckIn
from checkins.services import checkin_set_planned
from clinical.facts import CheckInFacts
from clinical.symptoms import red_flags

from .publication import pause_now
from .selectors import planned_week
from .tasks import decide_after_checkin

logger = logging.getLogger(__name__)


def start_plan(sender, athlete, **kwargs) -> None:
    from . import services

    services.plan_start(athlete=athlete)


def on_checkin_committed(
    sender,
    checkin_id: int,
    athlete_id: int,
    week,
    created: bool = False,
    live: bool = False,
    red_flags_before: list[str] | None = None,
    **kwargs,
) -> None:
    """After a check-in is committed, in this order:

    1. on a new one, record how many sessions her plan held that week (the decision reads it);
    2. for a live check-in (its week still open; history a coach entered for a closed week
       decides nothing for the future, SPEC §11): a red flag pauses her plan at once, in this
       request (safety takes effect at once). On an edit, only a red flag it did not hold
       before: the one it held already paused her, and a coach who has since lifted that
       pause is not overruled by a change to her notes;
    3. then queue next week's decision. With the broker down the check-in is already saved;
       the hourly ``publish_weeks`` run computes the decision.
    """
    if created:
        checkin_set_planned(checkin_id=checkin_id, planned=planned_week(athlete_id, week))
    if not live:
        return
    checkin = WeeklyCheckIn.objects.select_related("athlete").filter(pk=checkin_id).first()
    if checkin is not None and not checkin.athlete.archived:
        athlete = checkin.athlete
        found = red_flags(CheckInFacts.of(checkin), athlete_facts(athlete))
        if [flag for flag in found if flag not in (red_flags_before or [])]:
            pause_now(athlete=athlete, red_flags=found, on=athlete.today(), checkin=checkin)
    try:
        decide_after_checkin.delay(checkin_id)
    except BrokerError:
        logger.warning(
            "could not queue decide_after_checkin checkin=%s athlete=%s: broker unreachable",
            checkin_id,
            athlete_id,
        )


def on_symptom_reported(
    sender, report_id: int, athlete_id: int, red_flags: list[str], reported_on, **kwargs
) -> None:
    """A red flag in an anytime symptom report pauses her plan at once, in the request that
    reported it (SPEC §11)."""
    if not red_flags:
        return
    athlete = Athlete.objects.filter(pk=athlete_id, archived=False).first()
    if athlete is not None:
        pause_now(athlete=athlete, red_flags=red_flags, on=reported_on)
