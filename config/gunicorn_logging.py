"""Gunicorn's logger with the access log kept free of health data and secrets.

Configured in ``gunicorn.conf.py`` (``logger_class``). Compared with gunicorn's own logger:

- the request line (``%(r)s``) and path (``%(U)s``) lose their query string and have secret
  path segments masked (``config.logsafety``); the query string atom (``%(q)s``) is empty;
- the referrer (``%(f)s``) gets the same treatment (it is often one of our own URLs);
- the remote user (``%(u)s``, from a Basic auth header) is never written;
- of the header and environment atoms (``%({name}i)s``, ``%({name}o)s``, ``%({name}e)s``) only
  harmless ones are kept: cookies, authorisation headers and the raw URI never reach the log;
- gunicorn's own error lines (``Error handling request /path?query``) pass the same filter.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from gunicorn.glogging import Logger

from config.logsafety import RedactSecrets, redact_path

SAFE_HEADER_ATOMS = frozenset(
    {
        "{user-agent}i",
        "{x-request-id}i",
        "{x-forwarded-for}i",
        "{x-forwarded-proto}i",
        "{content-type}o",
        "{content-length}o",
    }
)


def _referrer(value: str) -> str:
    if not value or value == "-":
        return "-"
    parts = urlsplit(value)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return origin + redact_path(unquote(parts.path))


class RedactingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        # PATH_INFO is already percent-decoded: an encoded token cannot slip past the masks.
        path = redact_path(environ.get("PATH_INFO") or "/")
        atoms["U"] = path
        atoms["q"] = ""
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["f"] = _referrer(environ.get("HTTP_REFERER", "-"))
        atoms["u"] = "-"
        for key in [k for k in atoms if k.startswith("{") and k not in SAFE_HEADER_ATOMS]:
            del atoms[key]
        return atoms
