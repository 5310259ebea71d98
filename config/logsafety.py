"""Keep health data and secrets out of log lines.

Our own log lines carry ids only. What remains is what the web stack logs on its own: request
lines (gunicorn's access log, ``runserver``), Django's ``Not Found: /path`` warnings and
referrers. Two things in them are sensitive:

- query strings: the coach's dashboard search carries her name (``/coach/?q=Anna``);
- secret path segments: the calendar feed token, the invitation key, e-mail confirmation and
  password-reset keys. Anyone holding one of those URLs can read her plan or take over the
  account, so they are masked wherever a path is written.

``redact_path`` cleans one path; ``redact_text`` cleans every path inside a free-text message;
``RedactSecrets`` is the logging filter (``LOGGING`` in ``config/settings/base.py``) and the
gunicorn access logger (``config/gunicorn_logging.py``) applies the same rules.
"""

from __future__ import annotations

import logging
import re

MASK = "[redacted]"

# Everything after a secret prefix is masked, up to the query string, a quote or white space:
# the token and anything a visitor appended to it.
_SEGMENT = r"[^?#\s\"'<>]+"
SECRET_PATHS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(/calendar/){_SEGMENT}"),
    re.compile(rf"(/invite/){_SEGMENT}"),
    re.compile(rf"(/accounts/confirm-email/){_SEGMENT}"),
    re.compile(rf"(/accounts/password/reset/key/){_SEGMENT}"),
)
# A query string inside a message: from "?" after a path-like run to the next space or quote.
_QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]*")


def redact_path(path: str) -> str:
    """A request path without its query string and with secret segments masked."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    for pattern in SECRET_PATHS:
        path = pattern.sub(rf"\g<1>{MASK}", path)
    return path


def redact_text(text: str) -> str:
    """Every path inside ``text`` without its query string and with its secrets masked."""
    text = _QUERY.sub(r"\g<1>", text)
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{MASK}", text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrite each record's message through ``redact_text``; drop the request it carries.

    Django attaches the request object to ``django.request`` records; no formatter of ours
    prints it, and dropping it makes sure a later one cannot (it holds the body and cookies).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if hasattr(record, "request"):
            record.request = None
        return True


class DropNotFound(logging.Filter):
    """Drop Django's "Not Found: /path" warning (``django.request``, status 404). A 404 is an
    ordinary answer (a mistyped address, a probe, another coach's id): a warning line for each
    is noise that costs a write per request and grows with whoever scans the site. Other 4xx
    and every 5xx are kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 404
