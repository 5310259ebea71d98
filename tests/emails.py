"""What every e-mail Stridewise sends must be (SPEC §12), as one check for the tests."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMessage

LINK = re.compile(r"""https?://[^\s"'<>]+""")
HREF = re.compile(r"""href="([^"]+)\"""")


def html_of(message: EmailMessage) -> str:
    parts = [body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"]
    assert len(parts) == 1, f"{message.subject!r} has no HTML part"
    return str(parts[0])


def assert_a_good_email(message: EmailMessage) -> None:
    """Both parts, named Stridewise, never example.com, every link absolute to SITE_URL."""
    html = html_of(message)
    text = str(message.body)
    for part in (str(message.subject), text, html):
        assert "example.com" not in part.lower(), part
        assert "testserver" not in part, part
    assert message.subject.startswith("[Stridewise] ") or "Stridewise" in message.subject
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Stridewise" in message.from_email
    assert "Stridewise" in text
    assert "Stridewise" in html
    assert text.strip()
    assert html.lstrip().lower().startswith("<!doctype html>")
    links = LINK.findall(text) + LINK.findall(html) + HREF.findall(html)
    assert links, f"{message.subject!r} has no link"
    for link in links:
        assert link.startswith(settings.SITE_URL + "/") or link == settings.SITE_URL, link
