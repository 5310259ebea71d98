"""Routes that only take a form's POST, answering a GET with a page rather than a blank 405."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect


def post_only(where: Callable[..., str]) -> Callable[[Callable], Callable]:
    """For a view that only takes a form's POST (archive, approve, acknowledge...). A GET or
    HEAD (a reloaded page after the form was sent, a typed or bookmarked address) is sent to
    ``where(request, **url_kwargs)``, the page where that form lives, instead of a blank
    405; it reads nothing and writes nothing. Put it under the access decorator, so that who
    may ask is checked first. Other methods get a 405 that says what the address takes."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(where(request, *args, **kwargs))
            response = HttpResponseNotAllowed(
                ["POST"], content=b"This address takes a form sent from its page (POST) only.\n"
            )
            response["Content-Type"] = "text/plain; charset=utf-8"
            return response

        return wrapper

    return decorator
