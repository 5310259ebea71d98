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


# --- The HTTP scenarios (benchmarks/http.py): their pure parts; wrk and gunicorn are not needed.

WRK_CLEAN = """\
Running 5s test @ http://127.0.0.1:40123/healthz
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.21ms   21.57ms 305.03ms   97.49%
    Req/Sec   418.15     91.85   590.00     80.00%
  2500 requests in 3.00s, 2.03MB read
Requests/sec:    832.41
Transfer/sec:    692.04KB
"""
WRK_ERRORS = """\
Running 1m test @ http://127.0.0.1:40123/api/v1/athletes/53/checkins/?page_size=52
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.00ms    1.00ms  30.00ms   90.00%
    Req/Sec   200.00     10.00   220.00     80.00%
  24000 requests in 1.00m, 12.00MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 23990
Requests/sec:    399.98
Transfer/sec:    204.80KB
"""


def test_wrk_output_is_read_into_requests_per_second_and_errors():
    from benchmarks.http import parse_wrk

    clean = parse_wrk(WRK_CLEAN)
    assert (clean.requests, clean.seconds, clean.per_second) == (2500, 3.0, 832.41)
    assert (clean.non_2xx, clean.socket_errors) == (0, {})
    errors = parse_wrk(WRK_ERRORS)
    assert (errors.requests, errors.seconds, errors.non_2xx) == (24000, 60.0, 23990)
    assert errors.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 2}
    with pytest.raises(ValueError, match="not a wrk summary"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_lost_and_duplicated_writes_are_counted_against_the_answers():
    from benchmarks.http import audit_writes

    # One 201 per athlete-week and its row; a twin's second answer a 400; rows of weeks not
    # sent are not ours.
    clean = audit_writes(
        {("a", 1): [201], ("b", 1): [201, 400]}, {("a", 1): 1, ("b", 1): 1, ("z", 1): 5}
    )
    assert clean.failures == []
    assert (clean.requests, clean.created, clean.rows) == (3, 2, 2)
    assert clean.statuses == {201: 2, 400: 1}

    def counts(answers, rows):
        audit = audit_writes({"p": answers}, {"p": rows} if rows else {})
        return audit.lost, audit.duplicated, audit.refused, audit.server_errors, audit.no_answer

    assert counts([201], 0) == (1, 0, 0, 0, 0)  # told it was saved; it is not
    assert counts([201, 201], 1) == (1, 0, 0, 0, 0)  # both twins told so, one row
    assert counts([201, 400], 2) == (0, 1, 0, 0, 0)  # a second row
    assert counts([400], 1) == (0, 1, 1, 0, 0)  # a row nobody was told of
    assert counts([201, 500], 1) == (0, 0, 0, 1, 0)
    assert counts([0], 0) == (0, 0, 1, 0, 1)  # no answer at all, nothing written
    assert audit_writes({"p": [201, 500]}, {"p": 1}).failures == ["1 5xx answers"]


def test_the_weeks_posted_are_before_each_first_check_in_and_never_before_the_birth():
    from datetime import date

    from benchmarks.http import free_weeks

    first = date(2025, 12, 1)  # a Monday
    athletes = [
        (1, first, date(2025, 10, 1)),  # 9 weeks, 29 September to 24 November
        (2, first, date(2025, 11, 20)),  # born in the week of 17 November: 2 weeks
        (3, None, date(2025, 1, 1)),  # no check-in at all: nothing known, none
    ]
    assert free_weeks(athletes, 3) == [
        (1, date(2025, 11, 24)),
        (2, date(2025, 11, 24)),
        (1, date(2025, 11, 17)),
    ]
    pairs = free_weeks(athletes, 100)
    assert len(pairs) == len(set(pairs)) == 9 + 2
    assert min(w for a, w in pairs if a == 1) == date(2025, 9, 29)  # the week of her birth


def test_twin_posts_go_in_pairs_behind_one_barrier_and_say_the_same():
    from datetime import date, timedelta

    from benchmarks.http import MARKER, _post_calls

    pairs = [(athlete, date(2025, 11, 24) - timedelta(weeks=1)) for athlete in range(1, 31)]
    calls = _post_calls(pairs, twins=3)
    assert len(calls) == 33
    twins = [i for i, call in enumerate(calls) if call.twin is not None]
    assert twins == [0, 1, 11, 12, 22, 23]
    for i in twins[::2]:
        assert calls[i].twin is calls[i + 1].twin
        assert (calls[i].path, calls[i].body) == (calls[i + 1].path, calls[i + 1].body)
    assert {call.key for call in calls} == set(pairs)
    assert all(MARKER.encode() in call.body for call in calls)


def test_the_http_scenarios_say_why_they_are_not_measured():
    from benchmarks.http import (
        NOT_MEASURED_DB,
        NOT_MEASURED_UNSEEN,
        NOT_MEASURED_WRK,
        why_not_measured,
    )

    here = {"vendor": "postgresql", "in_transaction": False, "same_database": True}
    assert why_not_measured(**here, wrk_found=True, needs_wrk=True) is None
    assert why_not_measured(**here, wrk_found=False, needs_wrk=True) == NOT_MEASURED_WRK
    assert why_not_measured(**here, wrk_found=False, needs_wrk=False) is None
    assert NOT_MEASURED_WRK == "not measured: install wrk (apt-get install wrk)"
    sqlite = {**here, "vendor": "sqlite"}
    assert why_not_measured(**sqlite, wrk_found=True, needs_wrk=True) == NOT_MEASURED_DB
    in_a_test = {**here, "in_transaction": True}
    assert why_not_measured(**in_a_test, wrk_found=True, needs_wrk=False) == NOT_MEASURED_UNSEEN


@pytest.mark.django_db
def test_the_http_scenarios_do_not_start_gunicorn_in_a_test():
    # On SQLite, or on PostgreSQL inside the test's transaction: not measured, and the table
    # shows why instead of a time.
    from benchmarks.http import http_list, http_post

    for scenario in (http_list, http_post):
        (result,) = scenario(3)
        assert not result.measured
        assert result.note.startswith("not measured: ")


def test_the_wger_scenario_reads_its_setup_from_the_environment(tmp_path):
    from benchmarks.wger import NOT_MEASURED, WgerSetup, wger_setup

    python = tmp_path / "python"
    python.write_text("")
    settings = tmp_path / "run" / "bench_settings.py"
    settings.parent.mkdir()
    settings.write_text("")
    assert wger_setup({}) == NOT_MEASURED
    assert wger_setup({"WGER_PYTHON": str(python)}) == NOT_MEASURED
    assert NOT_MEASURED.startswith("not measured: set WGER_PYTHON")
    assert wger_setup({"WGER_PYTHON": str(python), "WGER_SETTINGS": str(settings)}) == WgerSetup(
        str(python), str(settings.parent), "bench_settings"
    )
    missing = wger_setup({"WGER_PYTHON": str(tmp_path / "nope"), "WGER_SETTINGS": str(settings)})
    assert isinstance(missing, str)
    assert missing.startswith("not measured: WGER_PYTHON=")
    gone = wger_setup({"WGER_PYTHON": str(python), "WGER_SETTINGS": str(tmp_path / "x.py")})
    assert isinstance(gone, str)
    assert gone.startswith("not measured: WGER_SETTINGS=")
    module = {"WGER_PYTHON": str(python), "WGER_SETTINGS": "bench_settings"}
    assert "WGER_PYTHONPATH" in wger_setup(module)
    assert wger_setup({**module, "WGER_PYTHONPATH": "/srv/wger"}) == WgerSetup(
        str(python), "/srv/wger", "bench_settings"
    )


def test_the_wger_drivers_replies_are_read_or_refused():
    from benchmarks.wger import parse_reply

    assert parse_reply('{"name": "list", "times": [0.002, 0.0031]}\n', "list", 2) == [
        0.002,
        0.0031,
    ]
    refused = (
        "Traceback (most recent call last):",  # the driver died
        '{"ready": true}',
        '{"name": "one", "times": [0.002, 0.003]}',  # another page's timings
        '{"name": "list", "times": [0.002]}',  # too few
        '{"name": "list", "times": [0.002, 0]}',  # not a time
        '{"name": "list", "times": [0.002, true]}',
        '{"name": "list", "times": "0.002 0.003"}',
        "[]",
    )
    for line in refused:
        with pytest.raises(ValueError, match=r"driver reply|expected"):
            parse_reply(line, "list", 2)


def test_a_rows_cost_is_the_pages_difference_over_the_extra_rows():
    from benchmarks.wger import per_row, verdict

    assert per_row(0.0061, 0.001, 52) == pytest.approx(0.0001)
    with pytest.raises(ValueError, match="two rows"):
        per_row(0.001, 0.001, 1)
    assert verdict(0.9, 1.0, at_most=True) == "target ≤ 1× reached"
    assert verdict(1.2, 1.0, at_most=True) == "target ≤ 1× not reached"
    assert verdict(1.3, 1.3, at_most=False) == "target ≥ 1.3× reached"
    assert verdict(0.5, 1.3, at_most=False) == "target ≥ 1.3× not reached"


def test_the_wger_scenario_is_not_measured_without_wger(monkeypatch):
    from benchmarks.wger import NOT_MEASURED, wger

    monkeypatch.delenv("WGER_PYTHON", raising=False)
    monkeypatch.delenv("WGER_SETTINGS", raising=False)
    (result,) = wger(5)
    assert not result.measured
    assert result.note == NOT_MEASURED
    assert result.times[0] > 0


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
