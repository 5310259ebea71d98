"""Role walls for pages. Anonymous visitors go to the login page; the wrong role gets a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role

_WALL_MESSAGES = {
    Role.COACH: "This page is for coaches.",
    Role.ATHLETE: "This page is for athletes.",
}


def role_required(role: str) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role != role:
                raise PermissionDenied(_WALL_MESSAGES[role])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


coach_required = role_required(Role.COACH)
athlete_required = role_required(Role.ATHLETE)
