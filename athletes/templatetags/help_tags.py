"""The "get help now" card (SPEC §14): the urgent signs and her country's numbers."""

from __future__ import annotations

from typing import Any

from django import template

from clinical.help import URGENT_SIGNS, help_for

register = template.Library()


def help_context(country: str) -> dict[str, Any]:
    numbers = help_for(country)
    return {"help": numbers, "urgent_signs": URGENT_SIGNS}


@register.inclusion_tag("athletes/_get_help.html")
def get_help_card(athlete: Any, compact: bool = False) -> dict[str, Any]:
    """``athlete``: her profile (its country, else her time zone's), or None."""
    country = athlete.help_country if athlete is not None else ""
    return {**help_context(country), "compact": compact}


@register.simple_tag
def help_numbers(athlete: Any) -> Any:
    """Her country's numbers, for a sentence that names them (``{% help_numbers athlete as
    help %}``)."""
    return help_for(athlete.help_country if athlete is not None else "")
