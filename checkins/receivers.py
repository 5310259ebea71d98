"""The check-ins layer's own reaction to a committed check-in: its warning rules, queued by
``services._announce`` after every receiver of ``checkin_committed`` has run."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError

from .tasks import evaluate_checkin

logger = logging.getLogger(__name__)


def queue_warning_evaluation(*, checkin_id: int, athlete_id: int, week) -> None:
    """Queue the warning rules for the committed check-in. If the broker is down the check-in
    is already saved; the failure is logged (IDs only) and the daily scan raises the flags."""
    try:
        evaluate_checkin.delay(athlete_id, week.isoformat())
    except BrokerError:
        logger.warning(
            "could not queue evaluate_checkin checkin=%s athlete=%s: broker unreachable",
            checkin_id,
            athlete_id,
        )
