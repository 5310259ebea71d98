from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from clinical.dates import day_month

register = template.Library()

LABELS = {
    "days_postpartum": "days postpartum",
    "previous_mean": "previous 2-week average (min)",
    "run_minutes": "running (min)",
    "longest_session_minutes": "longest session (min)",
    "prior_longest": "longest of the previous 4 weeks (min)",
    "missing_weeks": "weeks without a check-in",
    "failed_gates": "gates not met",
    "sleep_hours": "sleep (h)",
    "feeling_low": "felt low or anxious",
    "planned_run_minutes": "planned running (min)",
    "planned_longest_run_minutes": "planned longest run (min)",
    "longest_run_minutes": "longest run (min)",
}


def _week(value: str) -> str:
    try:
        return day_month(date.fromisoformat(value))
    except ValueError:
        return value


def _text(value) -> str:
    if value is None:
        return "not recorded"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, dict):
        return ", ".join(f"{_week(str(k))}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_week(str(v)).replace("_", " ") for v in value)
    return str(value)


@register.filter
def evidence_items(evidence: dict) -> list[tuple[str, str]]:
    """A flag's evidence as (label, value) pairs in plain words."""
    return [
        (LABELS.get(key, key.replace("_", " ")), _text(value))
        for key, value in (evidence or {}).items()
    ]


@register.filter
def get_item(mapping: dict, key):
    return (mapping or {}).get(key, "")


@register.filter
def ago(moment: datetime | None) -> str:
    """'just now' under a minute, else '3 hours ago' (timesince alone says '0 minutes')."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"
