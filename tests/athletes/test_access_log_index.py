"""Her page's read of the access log uses its index on PostgreSQL (athletes migration 0003)."""

from __future__ import annotations

import pytest
from django.db import connection

from athletes.selectors import access_log_entries

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index exists on PostgreSQL only"
)


def test_the_latest_rows_about_her_come_from_the_index(athlete):
    query = access_log_entries(athlete)[:21].query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "athletes_access_log_athlete" in plan
