"""The scenarios of ``make bench``: each returns its results, the floor first.

Imported after ``django.setup()`` (by ``benchmarks.__main__``), on the bench world of
``benchmarks.generate``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from athletes import services as athlete_services
from athletes.models import Athlete, User
from checkins.models import WarningFlag
from tests.sql import written_tables

from .__main__ import Result, interleaved
from .generate import LARGE_COACH, LONG_HISTORY, SHORT_HISTORY, SMALL_COACH
from .http import http_list, http_post
from .wger import wger
from .workers import publish_workers, scan_workers

HOST = {"HTTP_HOST": "localhost"}


def _client(email: str) -> Client:
    client = Client(**HOST)
    client.force_login(User.objects.get(email=email))
    return client


def _get(client: Client, url: str, status: int = 200, **extra) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url, **extra)
        if response.status_code != status:
            raise RuntimeError(f"{url}: HTTP {response.status_code}, expected {status}")
        return response

    return fetch


def _page_pair(name: str, url: str, repeat: int) -> list[Result]:
    small, large = _client(SMALL_COACH), _client(LARGE_COACH)
    n_small = Athlete.objects.filter(coach__email=SMALL_COACH).count()
    n_large = Athlete.objects.filter(coach__email=LARGE_COACH).count()
    return list(
        interleaved(
            name,
            (f"{n_small:,} athletes", _get(small, url)),
            (f"{n_large:,} athletes", _get(large, url)),
            repeat,
        )
    )


def dashboard(repeat: int) -> list[Result]:
    return _page_pair("dashboard", "/coach/", repeat)


def flag_queue(repeat: int) -> list[Result]:
    return _page_pair("flag queue", "/coach/flags/", repeat)


def resolved_flags(repeat: int) -> list[Result]:
    results = _page_pair("resolved flags tab", "/coach/flags/?show=resolved", repeat)
    resolved = WarningFlag.objects.filter(
        athlete__coach__email=LARGE_COACH, status="resolved"
    ).count()
    results[1].note = f"the large coach has {resolved:,} resolved flags"
    return results


def athlete_page(repeat: int) -> list[Result]:
    client = _client(LARGE_COACH)
    short = Athlete.objects.get(email=SHORT_HISTORY)
    long = Athlete.objects.get(email=LONG_HISTORY)
    return list(
        interleaved(
            "athlete page",
            (f"{short.checkins.count()} weeks", _get(client, f"/coach/athletes/{short.pk}/")),
            (f"{long.checkins.count()} weeks", _get(client, f"/coach/athletes/{long.pk}/")),
            repeat,
        )
    )


def _token_client() -> Client:
    coach = User.objects.get(email=LARGE_COACH)
    _, raw = athlete_services.api_token_create(user=coach, name="bench")
    return Client(**HOST, HTTP_AUTHORIZATION=f"Token {raw}")


def api_list(repeat: int) -> list[Result]:
    client = _token_client()
    athlete = Athlete.objects.get(email=SHORT_HISTORY)
    missing = Athlete.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    return list(
        interleaved(
            "API list vs 404",
            ("token-authenticated 404", _get(client, f"/api/v1/athletes/{missing}/checkins/", 404)),
            (
                "1 check-in",
                _get(client, f"/api/v1/athletes/{athlete.pk}/checkins/?page_size=1"),
            ),
            repeat,
        )
    )


def api_52_athlete() -> Athlete:
    """The athlete whose whole list ``api_52`` (and ``wger``) times: the large coach's first
    with a full history."""
    athlete = (
        Athlete.objects.filter(coach__email=LARGE_COACH)
        .exclude(email__in=(SHORT_HISTORY, LONG_HISTORY))
        .order_by("pk")
        .first()
    )
    if athlete is None:
        raise RuntimeError("the bench world has no athlete of the large coach")
    return athlete


def api_52(repeat: int) -> list[Result]:
    client = _token_client()
    athlete = api_52_athlete()
    n = athlete.checkins.count()
    return list(
        interleaved(
            "API list vs /healthz",
            ("/healthz", _get(Client(**HOST), "/healthz")),
            (
                f"{n}-check-in list",
                _get(client, f"/api/v1/athletes/{athlete.pk}/checkins/?page_size={n}"),
            ),
            repeat,
        )
    )


def _scan_floor() -> Callable[[], object]:
    """One raw query over the columns the rules read, for the weeks the scan reads."""
    from checkins.services import RULE_HISTORY_WEEKS

    since = timezone.localdate() - timedelta(weeks=RULE_HISTORY_WEEKS + 2)
    sql = """
        SELECT a.id, a.timezone, a.delivery_date, a.delivery_type, c.week,
               c.sessions_completed, c.run_minutes, c.walk_minutes, c.longest_session_minutes,
               c.longest_run_minutes, c.effort, c.energy, c.sleep_hours, c.sleep_quality,
               c.mood, c.stress, c.soreness, c.pain, c.leakage, c.urgency, c.heaviness,
               c.pelvic_pain, c.bleeding, c.abdominal_doming, c.feeling_low
        FROM athletes_athlete a
        LEFT JOIN checkins_weeklycheckin c ON c.athlete_id = a.id AND c.week >= %s
        WHERE NOT a.archived
    """

    def floor() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, [since])
            return cursor.fetchall()

    return floor


def scan(repeat: int) -> list[Result]:
    from checkins import services

    def run_scan() -> object:
        with mock.patch("checkins.tasks.notify_high_flags.delay"):
            return services.warnings_scan()

    athletes = Athlete.objects.active().count()
    return list(
        interleaved(
            "warning scan",
            ("raw SQL over the same columns", _scan_floor()),
            (f"scan of {athletes:,} athletes", run_scan),
            max(3, repeat // 3),
        )
    )


def notifications_per_scan(repeat: int) -> list[Result]:
    """Tasks queued by a scan that raises many high flags (in a transaction rolled back)."""
    from checkins import services

    queued: list[list[int]] = []
    started = time.perf_counter()
    recent = timezone.localdate() - timedelta(weeks=2)
    with transaction.atomic(), mock.patch("checkins.tasks.notify_high_flags.delay", queued.append):
        # Forget the recent flags so that the scan raises them again.
        WarningFlag.objects.filter(week__gte=recent).delete()
        with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
            summary = services.warnings_scan()
        for callback in callbacks:
            callback()
        recent_high = WarningFlag.objects.filter(week__gte=recent, severity="high")
        raised = recent_high.count()
        coaches = recent_high.values("athlete__coach").distinct().count()
        transaction.set_rollback(True)
    return [
        Result(
            "notifications per scan",
            f"{len(queued):,} tasks queued",
            [time.perf_counter() - started],
            None,
            note=f"carrying {sum(map(len, queued)):,} flags; {raised:,} high flags of "
            f"{coaches:,} coaches (scan summary: {summary['flags']:,} flags raised)",
        )
    ]


def writes_per_get(repeat: int) -> list[Result]:
    client = _client(LARGE_COACH)
    sets: list[str] = []
    original = cache.set

    def spy(key, *args, **kwargs):
        sets.append(key)
        return original(key, *args, **kwargs)

    results = []
    for label, url, status in (("dashboard", "/coach/", 200), ("a 404", "/coach/nope/", 404)):
        client.get(url)
        sets.clear()
        with mock.patch.object(cache, "set", spy), CaptureQueriesContext(connection) as q:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != status:
            raise RuntimeError(f"{url}: HTTP {response.status_code}, expected {status}")
        writes = written_tables(q.captured_queries)
        flag_counts = sum(
            1
            for query in q.captured_queries
            if "COUNT(" in query["sql"].upper() and "checkins_warningflag" in query["sql"]
        )
        results.append(
            Result(
                "writes per signed-in GET",
                label,
                [elapsed],
                len(q.captured_queries),
                note=f"{len(writes)} SQL writes, {len(sets)} cache sets, "
                f"{flag_counts} open-flag count queries",
            )
        )
    return results


def engine(repeat: int) -> list[Result]:
    from clinical.simulation import perfect_timeline

    delivery = timezone.localdate() - timedelta(weeks=4)
    times, weeks = [], 0
    for _ in range(max(3, repeat // 3)):
        started = time.perf_counter()
        timeline = perfect_timeline(delivery)
        times.append(time.perf_counter() - started)
        weeks = timeline.weeks
    per_second = weeks / statistics.median(times)
    return [
        Result(
            "engine",
            f"{weeks} weekly decisions (walk → speed)",
            times,
            None,
            note=f"{per_second:,.0f} decisions per second, rules included",
        )
    ]


SCENARIOS: dict[str, Callable[[int], list[Result]]] = {
    "dashboard": dashboard,
    "flag_queue": flag_queue,
    "resolved_flags": resolved_flags,
    "athlete_page": athlete_page,
    "api_list": api_list,
    "api_52": api_52,
    "scan": scan,
    "writes": writes_per_get,
    "engine": engine,
    "notifications": notifications_per_scan,
    # Over HTTP, gunicorn with production settings (PostgreSQL only; benchmarks/http.py).
    "http_list": http_list,
    "http_post": http_post,
    # Against wger, installed by hand outside the repository (benchmarks/wger.py, README).
    "wger": wger,
    # Real worker processes, 1 against 2 (PostgreSQL and Redis only; skipped otherwise).
    "scan_workers": scan_workers,
    "publish_workers": publish_workers,
}
