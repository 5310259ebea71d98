"""``make bench`` keeps working: the generator builds its world and every scenario measures it
(tiny sizes; the figures themselves are for ``make bench``, not for a test)."""

from __future__ import annotations

import pytest

from athletes.models import Athlete
from benchmarks.generate import LARGE_COACH, LONG_HISTORY, SHORT_HISTORY, SMALL_COACH, generate
from checkins.models import WeeklyCheckIn


@pytest.mark.django_db
def test_the_generator_and_every_scenario(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    written = generate(athletes=40, weeks=6, small=5, large=20, seed=7, stdout=lambda _: None)
    assert written["athletes"] == 40
    assert Athlete.objects.filter(coach__email=SMALL_COACH).count() == 5
    assert Athlete.objects.filter(coach__email=LARGE_COACH).count() == 20
    assert WeeklyCheckIn.objects.filter(athlete__email=SHORT_HISTORY).count() == 4
    assert WeeklyCheckIn.objects.filter(athlete__email=LONG_HISTORY).count() == 104
    # 38 athletes with 6 weeks, and the two of the athlete-page scenario.
    assert written["checkins"] == 38 * 6 + 4 + 104

    from benchmarks.scenarios import SCENARIOS

    for name, scenario in SCENARIOS.items():
        results = scenario(1)
        assert results, name
        for result in results:
            assert result.times, name
            assert all(t > 0 for t in result.times), name
    writes = SCENARIOS["writes"](1)
    assert all(r.note.startswith("0 SQL writes, 0 cache sets") for r in writes)


@pytest.mark.django_db
def test_the_generator_is_reproducible_from_its_seed():
    generate(athletes=30, weeks=3, small=5, large=20, seed=11, stdout=lambda _: None)
    first = list(
        WeeklyCheckIn.objects.order_by("athlete__email", "week").values_list(
            "energy", "run_minutes"
        )
    )
    from athletes.models import User

    Athlete.objects.all().delete()
    User.objects.filter(email__endswith="@bench.example").delete()
    generate(athletes=30, weeks=3, small=5, large=20, seed=11, stdout=lambda _: None)
    second = list(
        WeeklyCheckIn.objects.order_by("athlete__email", "week").values_list(
            "energy", "run_minutes"
        )
    )
    assert first == second


# --- benchmarks.workers: 1 vs 2 Celery worker processes -------------------------------------------


def test_the_worker_scenarios_say_why_they_measure_nothing_here(db):
    """On SQLite, or inside a test's transaction, no worker process is started: one result
    whose note says why."""
    from benchmarks.scenarios import SCENARIOS

    for name in ("scan_workers", "publish_workers"):
        (result,) = SCENARIOS[name](2)
        assert result.label == "not measured"
        assert result.note.startswith("skipped: ")
        assert result.times[0] > 0


def test_workers_measure_only_a_database_they_can_see():
    from benchmarks.workers import unavailable

    url = "postgres://postgres@127.0.0.1:5432/stridewise_bench?options=-c%20jit%3Doff"
    ok = {"database_url": url, "database_name": "stridewise_bench", "in_transaction": False}
    assert unavailable(vendor="postgresql", **ok) is None
    assert "PostgreSQL" in unavailable(vendor="sqlite", **ok)
    assert "another one" in unavailable(
        vendor="postgresql", **{**ok, "database_name": "test_stridewise_bench"}
    )
    assert "transaction" in unavailable(vendor="postgresql", **{**ok, "in_transaction": True})


def test_a_bench_worker_is_prefork_one_task_at_a_time_on_its_own_queues_and_broker():
    from benchmarks.workers import worker_command, worker_env

    command = worker_command("/venv/bin/python", "bench2-7", ["bench-7-two"])
    assert command[:6] == ["/venv/bin/python", "-m", "celery", "-A", "config", "worker"]
    assert {"--pool=prefork", "--concurrency=1", "--queues=bench-7-two"} <= set(command)
    assert "--hostname=bench2-7@%h" in command
    env = worker_env(
        {"PATH": "/bin", "CELERY_BROKER_URL": "redis://elsewhere/0", "DJANGO_DEBUG": "true"},
        database_url="postgres://db/stridewise_bench",
        broker_url="redis://127.0.0.1:6379/14",
    )
    assert env["PATH"] == "/bin"
    assert env["CELERY_BROKER_URL"] == env["CELERY_RESULT_BACKEND"] == "redis://127.0.0.1:6379/14"
    assert env["DATABASE_URL"] == "postgres://db/stridewise_bench"
    assert env["DJANGO_DEBUG"] == "false"
    assert env["EMAIL_BACKEND"].endswith("locmem.EmailBackend")


def test_runs_alternate_and_chunk_counts_add_up():
    from benchmarks.workers import run_order, share_of, summed

    assert [run_order(i, "one", "two") for i in range(4)] == [
        ("one", "two"),
        ("two", "one"),
        ("one", "two"),
        ("two", "one"),
    ]
    assert summed([{"athletes": 2, "flags": 1}, {"athletes": 3, "flags": 0}]) == {
        "athletes": 5,
        "flags": 1,
    }
    assert summed([]) == {}
    stats = {
        "bench1-7@vm": {"total": {"plans.tasks.publish_weeks_rosters": 40}},
        "bench2-7@vm": {"total": {"plans.tasks.publish_weeks_rosters": 18}},
    }
    assert share_of(stats, "bench2-7", "plans.tasks.publish_weeks_rosters") == 18
    assert share_of(stats, "bench2-7", "checkins.tasks.scan_warnings_rosters") == 0
    assert share_of(stats, "bench3-7", "plans.tasks.publish_weeks_rosters") == 0


def test_cpu_figures_read_from_proc():
    from benchmarks.workers import busy_share, cpu_ticks

    # pid (comm, with a space and a parenthesis) state ppid … utime stime …
    stat = "4242 (celery (worker)) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 1"
    assert cpu_ticks(stat) == 175
    # user nice system idle iowait irq softirq steal
    before = [100, 0, 50, 1000, 10, 0, 0, 0]
    after = [160, 0, 70, 1015, 15, 0, 0, 0]
    assert busy_share(before, after) == pytest.approx(80 / 100)
    assert busy_share(before, before) == 0.0
