"""Which rows a request wrote, read from the SQL it ran (``CaptureQueriesContext``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# INSERT INTO "t", UPDATE "t", DELETE FROM "t" (SQLite and PostgreSQL quote names alike).
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)

# Writes a read may do, each for a reason that is not the product's data. The sliding session
# is renewed at most once a day (web.sessions), never by the request right after signing in,
# so a read never saves the session. It may end one: allauth's e-mail confirmation link, opened
# by someone signed in as another person, signs that person out (a DELETE of her session row).
# allauth's rate limits live in the cache (locmem, or Redis in production), never in SQL.
IGNORED_WRITES = frozenset({("DELETE", "django_session")})
# Appends: auditlog_logentry, INSERT only: the access log records every view of a health record
#   (HIPAA audit controls, athletes/audit.py), so a read of her records appends one row. It
#   records the visit, and it never changes or deletes a row on a read.
APPEND_ONLY_TABLES = frozenset({"auditlog_logentry"})


def written_tables(queries: Iterable[dict]) -> list[tuple[str, str]]:
    """(table, SQL) of every INSERT, UPDATE or DELETE but the ``IGNORED_WRITES`` and the
    appends to ``APPEND_ONLY_TABLES``."""
    found = []
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match is None:
            continue
        verb, table = match.group(1).split()[0].upper(), match.group(2)
        if (verb, table) in IGNORED_WRITES:
            continue
        if table in APPEND_ONLY_TABLES and verb == "INSERT":
            continue
        found.append((table, query["sql"][:300]))
    return found
