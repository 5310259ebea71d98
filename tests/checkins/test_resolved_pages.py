"""The resolved tab of the review queue, paged by keyset (``before=``): each page reads its
25 rows and stops, whatever the size of the coach's history (issue 15)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkins.models import WarningFlag
from tests.factories import AthleteFactory

QUEUE = "/coach/flags/"
RULES = ("pain", "short_sleep", "low_mood", "fatigue_streak", "load_spike")


def resolved_history(coach, n: int, start: int = 0) -> list[WarningFlag]:
    """``n`` resolved flags, one a day back from now, two sharing each instant (ties)."""
    now = timezone.now()
    flags = []
    for i in range(start, start + n):
        athlete = AthleteFactory(coach=coach)
        flags.append(
            WarningFlag.objects.create(
                athlete=athlete,
                rule=RULES[i % len(RULES)],
                severity="medium",
                week=athlete.today() - timedelta(weeks=i % 50),
                summary="Seen.",
                status="resolved",
                resolved_at=now - timedelta(days=i // 2),
                resolution_note="Talked it through.",
            )
        )
    return flags


def shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="flag-(\d+)"', html)]


def older_link(html: str) -> str | None:
    match = re.search(r'href="(\?show=resolved&amp;before=[^"]+)" rel="next"', html)
    return unescape(match.group(1)) if match else None


def test_pages_walk_the_whole_history_newest_first_without_gaps_or_repeats(coach, coach_client):
    flags = resolved_history(coach, 60)
    expected = [f.pk for f in sorted(flags, key=lambda f: (f.resolved_at, f.pk), reverse=True)]

    seen, url, pages = [], QUEUE + "?show=resolved", 0
    while url:
        html = coach_client.get(url if url.startswith("/") else QUEUE + url).content.decode()
        seen += shown(html)
        pages += 1
        if pages > 1:
            assert 'href="?show=resolved">Newest' in html
        url = older_link(html)

    assert pages == 3  # 25, 25, 10
    assert seen == expected


def test_a_page_reads_the_same_queries_for_30_or_300_resolved_flags(coach, coach_client):
    resolved_history(coach, 30)
    coach_client.get(QUEUE, {"show": "resolved"})
    with CaptureQueriesContext(connection) as few:
        coach_client.get(QUEUE, {"show": "resolved"})
    resolved_history(coach, 270, start=30)
    with CaptureQueriesContext(connection) as many:
        coach_client.get(QUEUE, {"show": "resolved"})
    assert len(few.captured_queries) == len(many.captured_queries)
    # No count of her whole history: the page asks for 26 rows and stops.
    assert not any(
        "COUNT(" in q["sql"].upper() and "resolved" in q["sql"] for q in many.captured_queries
    )


@pytest.mark.parametrize("cursor", ["nonsense", "2026-13-40T00:00:00_5", "_", "2026-01-01_x"])
def test_an_unreadable_cursor_shows_the_newest_page(coach, coach_client, cursor):
    flags = resolved_history(coach, 3)
    response = coach_client.get(QUEUE, {"show": "resolved", "before": cursor})
    assert response.status_code == 200
    assert sorted(shown(response.content.decode())) == sorted(f.pk for f in flags)


def test_another_coachs_resolved_flags_never_show(coach, other_coach, coach_client):
    resolved_history(other_coach, 5)
    mine = resolved_history(coach, 2, start=5)
    html = coach_client.get(QUEUE, {"show": "resolved"}).content.decode()
    assert sorted(shown(html)) == sorted(f.pk for f in mine)
