from django.http import HttpRequest

from athletes.models import Role

from .selectors import open_flag_counts


def flag_badge(request: HttpRequest) -> dict:
    """The coach's open-flag count for the navigation badge (one query, coaches only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != Role.COACH:
        return {}
    return {"open_flags": open_flag_counts(user)}
