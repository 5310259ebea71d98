"""Links that leave the app: every link in an e-mail is absolute, built from ``SITE_URL``.

A background task has no request to ask for the host, and a request's ``Host`` header is not
the public address behind a proxy; so e-mails never use ``request.build_absolute_uri``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/coach/athletes/7/`` -> ``https://coach.example.org/coach/athletes/7/``.

    An absolute URL (allauth builds some from the request) keeps its path, query and fragment
    and takes the site's address instead of the one it was built with."""
    parts = urlsplit(path)
    rest = parts.path or "/"
    if not rest.startswith("/"):
        rest = "/" + rest
    if parts.query:
        rest += "?" + parts.query
    if parts.fragment:
        rest += "#" + parts.fragment
    return settings.SITE_URL.rstrip("/") + rest
