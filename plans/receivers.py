"""How the plans layer reacts to the layers below it (wired in PlansConfig.ready)."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError

from .tasks import decide_after_checkin

logger = logging.getLogger(__name__)


def queue_decision(sender, checkin_id: int, athlete_id: int, **kwargs) -> None:
    """After a check-in is committed, queue next week's decision. With the broker down the
    check-in is already saved; the daily ``close_weeks`` run computes the decision."""
    try:
        decide_after_checkin.delay(checkin_id)
    except BrokerError:
        logger.warning(
            "could not queue decide_after_checkin checkin=%s athlete=%s: broker unreachable",
            checkin_id,
            athlete_id,
        )


def planned_sessions(athlete, week):
    from .selectors import planned_sessions_count

    return planned_sessions_count(athlete, week)
