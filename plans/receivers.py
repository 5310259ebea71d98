"""How the plans layer reacts to the layers below it (wired in PlansConfig.ready)."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError

from checkins.services import checkin_set_planned

from .selectors import planned_sessions_count
from .tasks import decide_after_checkin

logger = logging.getLogger(__name__)


def start_plan(sender, athlete, **kwargs) -> None:
    from . import services

    services.plan_start(athlete=athlete)


def queue_decision(
    sender,
    checkin_id: int,
    athlete_id: int,
    week,
    created: bool = False,
    live: bool = False,
    **kwargs,
) -> None:
    """After a check-in is committed: on a new one, record how many sessions her plan held
    that week; then, for a live check-in (its week still open), queue next week's decision,
    which reads that number (compliance), so it is written first. History a coach entered
    for a closed week decides nothing for the future (SPEC §11). With the broker down the
    check-in is already saved; the hourly ``close_weeks`` run computes the decision."""
    if created:
        checkin_set_planned(checkin_id=checkin_id, planned=planned_sessions_count(athlete_id, week))
    if not live:
        return
    try:
        decide_after_checkin.delay(checkin_id)
    except BrokerError:
        logger.warning(
            "could not queue decide_after_checkin checkin=%s athlete=%s: broker unreachable",
            checkin_id,
            athlete_id,
        )
