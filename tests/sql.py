"""Which rows a request wrote, read from the SQL it ran (``CaptureQueriesContext``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# INSERT INTO "t", UPDATE "t", DELETE FROM "t" (SQLite and PostgreSQL quote names alike).
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)

# Tables a read may write, each for a reason that is not the product's data:
# - django_session: SESSION_SAVE_EVERY_REQUEST renews a signed-in visitor's session on every
#   request, so that it expires after two weeks of inactivity (SPEC §3). It records the
#   visit, not anything about an athlete.
# allauth's rate limits live in the cache (locmem, or Redis in production), never in SQL, so
# nothing is ignored for them.
IGNORED_TABLES = frozenset({"django_session"})
# - auditlog_logentry, INSERT only: the access log records every view of a health record
#   (HIPAA audit controls, athletes/audit.py), so a read of her records appends one row. It
#   records the visit, and it never changes or deletes a row on a read.
APPEND_ONLY_TABLES = frozenset({"auditlog_logentry"})


def written_tables(queries: Iterable[dict]) -> list[tuple[str, str]]:
    """(table, SQL) of every INSERT, UPDATE or DELETE outside ``IGNORED_TABLES``."""
    found = []
    for query in queries:
        match = _WRITE.match(query["sql"])
        if not match or match.group(1) in IGNORED_TABLES:
            continue
        if match.group(1) in APPEND_ONLY_TABLES and query["sql"].lstrip()[:6].upper() == "INSERT":
            continue
        found.append((match.group(1), query["sql"][:300]))
    return found
