from django.http import HttpRequest

from athletes.access import is_coach_side

from .selectors import open_flag_counts


def flag_badge(request: HttpRequest) -> dict:
    """The coach's open-flag count for the navigation badge (one query, the coach side only)."""
    user = getattr(request, "user", None)
    if not is_coach_side(user):
        return {}
    return {"open_flags": open_flag_counts(user)}
