"""Typed readers for settings that come from the environment.

Each reader raises ``ImproperlyConfigured`` naming the variable when a value cannot be used,
so a bad deployment fails at start with a message an operator can act on, instead of
misbehaving later.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, overload
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env_str(name: str, default: str, *, required: bool = False) -> str: ...
@overload
def env_str(name: str, default: None = None, *, required: Literal[True]) -> str: ...
@overload
def env_str(name: str, default: None = None, *, required: bool = False) -> str | None: ...
def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set in the environment.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str | None = None, *, required: bool = False) -> str:
    """An absolute http(s) address without a query or fragment, e.g. the site's public URL;
    returned without a trailing slash, so that ``value + "/path/"`` is always well formed."""
    raw = env_str(name, default, required=required)
    if raw is None:
        raise ImproperlyConfigured(f"{name} must be set in the environment.")
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name} must be an http:// or https:// address such as https://coach.example.org, "
            f"not {raw!r}."
        )
    return raw.strip().rstrip("/")


# Every query here reads a coach's rows or a chunk's: a parallel plan's workers cost more
# to start than they save on sorts of a few thousand rows, and on SSDs a random read costs
# about what a sequential one does (PostgreSQL's default, 4, is for spinning disks), so the
# planner walks the per-athlete indexes instead of scanning every coach's flags. Measured
# in benchmarks (README, "Performance and scaling").
POSTGRES_SESSION_OPTIONS = "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"


def database_from_url(url: str, *, name: str = "DATABASE_URL", base_dir: Path) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/db`` into a DATABASES entry.

    ``dj-database-url`` parses; this wrapper keeps our rules around it: only SQLite and
    PostgreSQL, a PostgreSQL URL names its database, relative SQLite paths are resolved against
    the project directory (the server, the tests and ``manage.py`` agree on one file whatever
    the working directory), persistent PostgreSQL connections (``?conn_max_age=``, default 60
    seconds, health-checked), the planner settings of ``POSTGRES_SESSION_OPTIONS`` unless
    ``?options=`` gives others (libpq's ``-c name=value ...``), an optional ``?test_name=``
    for the test database, and any other query parameter (``sslmode=require``,
    ``connect_timeout=5``...) passed to the driver.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = dict(parse_qsl(parts.query))
    conn_max_age_raw = query.pop("conn_max_age", None)
    test_name = query.pop("test_name", None)
    # Rebuilt by hand: urlunsplit would turn sqlite:////abs/path into a host named "abs".
    rest = url.split("?", 1)[0] + (f"?{urlencode(query)}" if query else "")
    if scheme == "sqlite":
        config = dj_database_url.parse(rest or "sqlite://")
        raw_path = str(config.get("NAME") or "")
        if raw_path in ("", ":memory:", "/:memory:"):
            config["NAME"] = ":memory:"
        else:
            path = Path(raw_path)
            config["NAME"] = str(path if path.is_absolute() else base_dir / path)
        # Writers queue for the lock instead of failing at once with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            **config.get("OPTIONS", {}),
        }
    elif scheme in ("postgres", "postgresql", "pgsql"):
        if not unquote(parts.path.lstrip("/")):
            raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://host/db.")
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port.") from None
        try:
            conn_max_age = int(conn_max_age_raw) if conn_max_age_raw is not None else 60
        except ValueError:
            raise ImproperlyConfigured(f"{name}: conn_max_age must be a whole number.") from None
        config = dj_database_url.parse(rest, conn_max_age=conn_max_age, conn_health_checks=True)
        config["ENGINE"] = "django.db.backends.postgresql"
        # The planner settings of this app's sessions, unless the URL gives its own ?options=.
        config["OPTIONS"] = {"options": POSTGRES_SESSION_OPTIONS, **config.get("OPTIONS", {})}
        config["PORT"] = str(config.get("PORT") or "")
    else:
        raise ImproperlyConfigured(
            f"{name} must start with sqlite:// or postgres://, not {scheme or 'nothing'}://."
        )
    if test_name:
        config["TEST"] = {"NAME": test_name}
    return dict(config)
