"""Week dates. The product lives in ISO weeks (Monday to Sunday) in each athlete's time zone;
callers pass a date that is already local to her."""

from __future__ import annotations

from datetime import date, timedelta


def monday_of(day: date) -> date:
    """The Monday of the ISO week that contains ``day``."""
    return day - timedelta(days=day.weekday())
