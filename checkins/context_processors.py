from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from athletes.access import is_coach_side

from .selectors import open_flag_counts_for_request


def flag_badge(request: HttpRequest) -> dict:
    """The coach's open-flag count for the navigation badge, the coach side only: lazy (a
    page that never shows the navigation, such as an API answer, never counts) and counted
    once per request (the dashboard and the review queue reuse it)."""
    user = getattr(request, "user", None)
    if not is_coach_side(user):
        return {}
    return {"open_flags": SimpleLazyObject(lambda: open_flag_counts_for_request(request))}
