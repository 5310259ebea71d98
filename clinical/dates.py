"""The product's one way of writing a date in words: "5 Oct", "5 Oct 2026", "Mon 5 Oct".

Pages write the same with Django's ``date`` filter ("j M", "j M Y", "D j M"); the charts, the
engine's reasons and the warning signs' summaries use these. A day is never zero-padded
("05 Oct" beside "5 Oct" read as two styles).
"""

from __future__ import annotations

from datetime import date


def day_month(day: date) -> str:
    """``5 Oct``."""
    return f"{day.day} {day:%b}"


def day_month_year(day: date) -> str:
    """``5 Oct 2026``."""
    return f"{day.day} {day:%b %Y}"


def weekday_day_month(day: date) -> str:
    """``Mon 5 Oct``."""
    return f"{day:%a} {day.day} {day:%b}"
