"""The HTTP-level scenarios of ``make bench`` (issue 15): the app as a deployment serves it.

gunicorn serves ``config.wsgi`` with production settings (DEBUG off, two sync workers) on a
free port of 127.0.0.1, against the bench database, started the way ``.ci/production_path.py``
starts it: every request carries ``X-Forwarded-Proto: https`` as if from the TLS-terminating
proxy (so no redirect), the API is called with a token of the large coach. No broker: Celery
runs tasks eagerly, in the request that queued them, after its commit (config/settings/base.py).

- ``http_list``: requests per second under ``wrk`` (2 threads, 8 connections, 5 s a run after
  a 2 s warm-up of each URL) of ``/healthz`` and of the large coach's list of one athlete's 52
  check-ins, the runs interleaved. A run with any answer outside 2xx fails the bench.
- ``http_post``: check-ins POSTed by 8 concurrent connections (a Python load generator: each
  request's answer is known, which ``wrk`` does not tell), each for a week of a distinct
  athlete of the large coach that holds none, with some sent twice at the same moment; runs
  interleaved with as many ``/healthz`` requests from the same generator. Afterwards the
  database is counted against the answers: a 201 without its row is lost, a row beyond one
  per athlete and week (or beyond the 201s) is duplicated; a 5xx, a lost or a duplicated write
  fails the bench. Then a second gunicorn whose broker is down (a closed port) takes a few
  more: each must still answer 201 and be saved, unevaluated, for the daily scan. The
  check-ins written here are deleted at the end.

Both need PostgreSQL (the bench's own ``DATABASE_URL``: two worker processes write to it while
this one counts), ``http_list`` also ``wrk``; without, each returns one unmeasured result
saying why.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from .__main__ import ROOT, Result

HOST = "127.0.0.1"
WORKERS = 2  # gunicorn's sync workers, as many as the machine's cores
WRK_THREADS = 2
CONNECTIONS = 8  # concurrent connections, for wrk and for the POST load alike
WARMUP_SECONDS = 2
RUN_SECONDS = 5
START_TIMEOUT = 60  # seconds for gunicorn to answer /healthz
POSTS_PER_RUN = 300  # distinct athlete+week check-ins per POST run
TWINS_PER_RUN = 20  # of which sent twice at the same moment
HEALTHZ_PER_RUN = 1000  # the POST runs' floor, from the same load generator
BROKER_DOWN_POSTS = 16
LIST_TARGET = 0.45  # issue 15: the 52-check-in list at ≥ 0.45 × /healthz's req/s
# What every check-in POSTed says: a walk-only week with nothing in it for a rule to flag (on
# these history weeks, a year before her clearance, running would raise a high flag and
# e-mail the coach). The marker in ``notes`` finds them again, to delete them.
CHECKIN = {
    "sessions_completed": 3,
    "walk_minutes": 60,
    "longest_session_minutes": 30,
    "effort": 4,
    "energy": 4,
    "sleep_hours": 7.5,
    "sleep_quality": 4,
    "mood": 4,
    "stress": 2,
    "soreness": 2,
    "pain": 0,
}
MARKER = "benchmarks.http: delete me"
NOT_MEASURED_UNSEEN = (
    "not measured: gunicorn would not see this process's rows (inside a transaction, or "
    "DATABASE_URL names another database: a test)"
)
NOT_MEASURED_WRK = "not measured: install wrk (apt-get install wrk)"
NOT_MEASURED_DB = (
    "not measured: needs PostgreSQL (DATABASE_URL=postgres://…), which gunicorn's workers "
    "and the bench share"
)


# --- Pure parts (tests/test_benchmarks.py) -----------------------------------------------------


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    per_second: float
    non_2xx: int  # wrk's "Non-2xx or 3xx responses"
    socket_errors: dict[str, int] = field(default_factory=dict)  # connect, read, write, timeout


K = TypeVar("K", bound=Hashable)  # what a write is about: an athlete and a week
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_wrk(output: str) -> WrkRun:
    """wrk's summary as numbers; a ``ValueError`` if it has none (wrk failed)."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)\b", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not done or not rate:
        raise ValueError(f"not a wrk summary: {output[-500:]!r}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkRun(
        requests=int(done.group(1)),
        seconds=float(done.group(2)) * _UNITS[done.group(3)],
        per_second=float(rate.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
        if errors
        else {},
    )


@dataclass(frozen=True)
class WriteAudit:
    """What the database holds against what the clients were told, over the pairs sent."""

    requests: int
    created: int  # 201 answers
    rows: int  # rows found for the pairs sent
    lost: int  # 201s without a row behind them
    duplicated: int  # rows beyond one per pair, or beyond the pair's 201s
    refused: int  # pairs that no request managed to create (every answer a 4xx)
    server_errors: int  # 5xx answers
    no_answer: int  # requests that got no HTTP answer at all (status 0)
    statuses: dict[int, int]

    @property
    def failures(self) -> list[str]:
        return [
            f"{n} {what}"
            for n, what in (
                (self.lost, "lost (201 without a row)"),
                (self.duplicated, "duplicated rows"),
                (self.server_errors, "5xx answers"),
                (self.no_answer, "requests without an answer"),
                (self.refused, "athlete-weeks refused (no 201)"),
            )
            if n
        ]


def audit_writes(answers: Mapping[K, Sequence[int]], rows: Mapping[K, int]) -> WriteAudit:
    """``answers``: the HTTP statuses each pair (athlete, week) was answered, one per request
    (0: no answer); ``rows``: the rows the database holds per pair (pairs not sent are
    ignored, a pair sent and absent has none)."""
    statuses = Counter(s for sent in answers.values() for s in sent)
    lost = duplicated = refused = 0
    for pair, sent in answers.items():
        ok = sum(1 for s in sent if s == 201)
        found = rows.get(pair, 0)
        lost += max(0, ok - found)
        duplicated += max(0, found - min(ok, 1))
        refused += ok == 0
    return WriteAudit(
        requests=sum(statuses.values()),
        created=statuses[201],
        rows=sum(rows.get(pair, 0) for pair in answers),
        lost=lost,
        duplicated=duplicated,
        refused=refused,
        server_errors=sum(n for s, n in statuses.items() if s >= 500),
        no_answer=statuses[0],
        statuses=dict(sorted(statuses.items())),
    )


def free_weeks(
    athletes: Sequence[tuple[int, date | None, date]], count: int
) -> list[tuple[int, date]]:
    """``count`` (athlete id, Monday) pairs without a check-in, spread over the athletes:
    the weeks before each one's first check-in (``None``: she has none), newest first, never a
    week that ends before her delivery (the service refuses those). Fewer if there are not as
    many."""
    pairs: list[tuple[int, date]] = []
    back = 1
    while len(pairs) < count:
        found = [
            (pk, first - timedelta(weeks=back))
            for pk, first, delivery in athletes
            if first is not None and first - timedelta(weeks=back) + timedelta(days=6) >= delivery
        ]
        if not found:
            break
        pairs += found[: count - len(pairs)]
        back += 1
    return pairs


# --- gunicorn and the load ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _call(
    port: int, method: str, path: str, token: str = "", body: bytes | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=_headers(token, body is not None))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _headers(token: str, json_body: bool) -> dict[str, str]:
    headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


@contextmanager
def gunicorn(*, broker: str | None = None) -> Iterator[int]:
    """gunicorn serving ``config.wsgi`` with production settings, the bench's database and no
    broker (or ``broker``); yields its port once ``/healthz`` answers 200, stops it after,
    pass or fail (its log printed on a failure)."""
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "EMAIL_", "CELERY_"))
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_DEBUG": "false",
        "SITE_URL": f"http://{HOST}:{port}",
        # Production refuses console e-mail; none is expected, but none leaves either.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    if broker:
        env["CELERY_BROKER_URL"] = broker
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    command = [
        *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"),
        *("--bind", f"{HOST}:{port}", "--workers", str(WORKERS)),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    with serving(proc, log, "gunicorn", lambda: _call(port, "GET", "/healthz")[0] == 200):
        yield port


@contextmanager
def serving(
    proc: subprocess.Popen, log: Path, name: str, ready: Callable[[], bool]
) -> Iterator[None]:
    """Wait (up to START_TIMEOUT) until ``ready()`` says the server ``proc`` answers, run the
    block, then stop its process group, pass or fail; on a failure its log is printed."""
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
            try:
                if ready():
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer in time")
            time.sleep(0.25)
        yield
    except BaseException:
        print(f"--- {name} log ---\n{log.read_text()[-4000:]}", file=sys.stderr)
        raise
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.unlink(missing_ok=True)


def wrk(port: int, path: str, seconds: int, token: str = "") -> WrkRun:
    """One wrk run; a ``RuntimeError`` on any answer outside 2xx or 3xx, or a timeout."""
    command = [
        shutil.which("wrk") or "wrk",
        *(f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"),
        *("-H", "X-Forwarded-Proto: https"),
    ]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    done = subprocess.run(  # noqa: S603 - wrk found on PATH, fixed arguments
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    run = parse_wrk(done.stdout)
    if run.non_2xx or run.socket_errors.get("timeout") or not run.requests:
        path_only = path.split("?")[0]
        raise RuntimeError(
            f"{path_only}: {run.non_2xx} of {run.requests} answers outside 2xx/3xx, "
            f"socket errors {run.socket_errors}; a benchmark of errors is worthless:\n"
            f"{done.stdout}"
        )
    return run


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None = None
    key: tuple[int, date] | None = None  # what the answer is about: an athlete and a week
    twin: threading.Barrier | None = None  # sent at the same moment as its twin


def drive(port: int, calls: Sequence[Call], token: str = "") -> tuple[float, list[int]]:
    """Send ``calls`` over ``CONNECTIONS`` concurrent keep-alive connections (gunicorn's sync
    workers close each one after its answer: ``http.client`` opens it again); return the
    seconds it took and each call's status (0: no answer)."""
    statuses = [0] * len(calls)
    queue = iter(enumerate(calls))
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            while True:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                i, call = item
                if call.twin is not None:
                    # Broken (timed out): sent alone, still a duplicate, not at the same moment.
                    with suppress(threading.BrokenBarrierError):
                        call.twin.wait(timeout=30)
                try:
                    conn.request(
                        call.method,
                        call.path,
                        body=call.body,
                        headers=_headers(token, call.body is not None),
                    )
                    response = conn.getresponse()
                    response.read()
                    statuses[i] = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()  # statuses[i] stays 0
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses


# --- Scenarios ---------------------------------------------------------------------------------


def why_not_measured(
    *, vendor: str, in_transaction: bool, same_database: bool, wrk_found: bool, needs_wrk: bool
) -> str | None:
    """Why a scenario cannot run here (None: it can)."""
    if vendor != "postgresql":
        return NOT_MEASURED_DB
    if in_transaction or not same_database:
        return NOT_MEASURED_UNSEEN
    if needs_wrk and not wrk_found:
        return NOT_MEASURED_WRK
    return None


def _not_measured(scenario: str, needs_wrk: bool) -> list[Result] | None:
    from django.db import connection

    started = time.perf_counter()
    served = unquote(urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/"))
    why = why_not_measured(
        vendor=connection.vendor,
        in_transaction=connection.in_atomic_block,
        same_database=served == connection.settings_dict["NAME"],
        wrk_found=shutil.which("wrk") is not None,
        needs_wrk=needs_wrk,
    )
    if why is None:
        return None
    elapsed = max(time.perf_counter() - started, 1e-9)
    return [Result(scenario, "not measured", [elapsed], None, note=why, measured=False)]


@contextmanager
def _coach_token() -> Iterator[str]:
    from athletes import services
    from athletes.models import ApiToken, User

    from .generate import LARGE_COACH

    token, raw = services.api_token_create(
        user=User.objects.get(email=LARGE_COACH), name="bench http"
    )
    try:
        yield raw
    finally:
        ApiToken.objects.filter(pk=token.pk).delete()


def http_list(repeat: int) -> list[Result]:
    scenario = "HTTP list vs /healthz"
    skipped = _not_measured(scenario, needs_wrk=True)
    if skipped:
        return skipped
    from athletes.models import Athlete

    from .generate import LARGE_COACH, LONG_HISTORY, SHORT_HISTORY

    athlete = (  # as scenarios.api_52 picks her
        Athlete.objects.filter(coach__email=LARGE_COACH)
        .exclude(email__in=(SHORT_HISTORY, LONG_HISTORY))
        .order_by("pk")
        .first()
    )
    if athlete is None:
        raise RuntimeError("the bench world has no athlete of the large coach")
    n = athlete.checkins.count()
    list_path = f"/api/v1/athletes/{athlete.pk}/checkins/?page_size={n}"
    runs: list[list[WrkRun]] = [[], []]
    with _coach_token() as token, gunicorn() as port:
        urls = (("/healthz", ""), (list_path, token))
        for path, auth in urls:  # each answers 200 (wrk would let a 3xx pass), then a warm-up
            status, body = _call(port, "GET", path, auth)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
            wrk(port, path, WARMUP_SECONDS, auth)
        listed = len(json.loads(_call(port, "GET", list_path, token)[1])["results"])
        if listed != n:
            raise RuntimeError(f"the list holds {listed} check-ins, not {n}")
        for _ in range(max(3, repeat)):
            for i, (path, auth) in enumerate(urls):
                runs[i].append(wrk(port, path, RUN_SECONDS, auth))
    healthz_rps = statistics.median(r.per_second for r in runs[0])
    list_rps = statistics.median(r.per_second for r in runs[1])
    ratio = list_rps / healthz_rps
    verdict = "reached" if ratio >= LIST_TARGET else "not reached"
    return [
        Result(
            scenario,
            "/healthz (wrk)",
            [1 / r.per_second for r in runs[0]],
            None,
            note=f"gunicorn config.wsgi, production settings, {WORKERS} sync workers; wrk "
            f"-t{WRK_THREADS} -c{CONNECTIONS}, {len(runs[0])} × {RUN_SECONDS} s runs a URL; "
            "times are 1 / (req/s)",
        ),
        Result(
            scenario,
            f"{n}-check-in list (token)",
            [1 / r.per_second for r in runs[1]],
            None,
            note=f"list {list_rps:,.0f} req/s vs /healthz {healthz_rps:,.0f} req/s (medians): "
            f"throughput ratio {ratio:.2f}, target ≥ {LIST_TARGET} {verdict}; "
            f"{sum(r.requests for rs in runs for r in rs):,} requests, 0 outside 2xx",
            paired=True,
        ),
    ]


def _post(athlete_id: int, week: date, twin: threading.Barrier | None = None) -> Call:
    body = json.dumps({**CHECKIN, "week": week.isoformat(), "notes": MARKER}).encode()
    return Call("POST", f"/api/v1/athletes/{athlete_id}/checkins/", body, (athlete_id, week), twin)


def _post_calls(pairs: Sequence[tuple[int, date]], twins: int) -> list[Call]:
    """One POST per pair; the first ``twins`` pairs, spread through the run, twice in a row
    behind one barrier: two connections take them and send them at the same moment."""
    calls: list[Call] = []
    every = max(1, len(pairs) // max(1, twins))
    for i, (athlete_id, week) in enumerate(pairs):
        if i % every == 0 and i // every < twins:
            barrier = threading.Barrier(2)
            calls += [_post(athlete_id, week, barrier), _post(athlete_id, week, barrier)]
        else:
            calls.append(_post(athlete_id, week))
    return calls


def _rows(pairs: Sequence[tuple[int, date]]) -> dict[tuple[int, date], int]:
    from django.db.models import Count

    from checkins.models import WeeklyCheckIn

    wanted = set(pairs)
    found = (
        WeeklyCheckIn.objects.filter(
            athlete_id__in={a for a, _ in wanted}, week__in={w for _, w in wanted}
        )
        .values_list("athlete_id", "week")
        .annotate(n=Count("id"))
    )
    return {(a, w): n for a, w, n in found if (a, w) in wanted}


def _delete_posted() -> tuple[int, int]:
    """Delete the check-ins this scenario wrote (and any flag raised on them); how many."""
    from checkins.models import WarningFlag, WeeklyCheckIn

    from .generate import LARGE_COACH

    mine = WeeklyCheckIn.objects.filter(athlete__coach__email=LARGE_COACH, notes=MARKER)
    _, flags = WarningFlag.objects.filter(checkin__in=mine).delete()
    _, checkins = mine.delete()
    return checkins.get("checkins.WeeklyCheckIn", 0), flags.get("checkins.WarningFlag", 0)


def http_post(repeat: int) -> list[Result]:
    scenario = "HTTP check-in POST"
    skipped = _not_measured(scenario, needs_wrk=False)
    if skipped:
        return skipped
    from django.db.models import Min

    from athletes.models import Athlete
    from checkins.models import WeeklyCheckIn

    from .generate import LARGE_COACH, LONG_HISTORY, SHORT_HISTORY

    _delete_posted()  # what a run that died on the way left behind
    athletes = list(
        Athlete.objects.filter(coach__email=LARGE_COACH, archived=False)
        .exclude(email__in=(SHORT_HISTORY, LONG_HISTORY))
        .annotate(first=Min("checkins__week"))
        .order_by("pk")
        .values_list("pk", "first", "delivery_date")
    )
    runs = max(3, repeat)
    pool = free_weeks(athletes, runs * POSTS_PER_RUN + BROKER_DOWN_POSTS)
    runs = min(runs, (len(pool) - BROKER_DOWN_POSTS) // POSTS_PER_RUN)
    if runs < 1:
        raise RuntimeError(f"only {len(pool)} athlete-weeks without a check-in to POST")
    healthz = [Call("GET", "/healthz")] * HEALTHZ_PER_RUN
    times: list[list[float]] = [[], []]
    answers: dict[tuple[int, date], list[int]] = {}
    sent: list[tuple[int, date]] = []
    try:
        with _coach_token() as token:
            with gunicorn() as port:
                drive(port, healthz[: CONNECTIONS * 4])  # warm both workers
                for r in range(runs):
                    pairs = pool[r * POSTS_PER_RUN : (r + 1) * POSTS_PER_RUN]
                    calls = _post_calls(pairs, TWINS_PER_RUN)
                    seconds, statuses = drive(port, healthz)
                    if set(statuses) != {200}:
                        raise RuntimeError(f"/healthz answered {Counter(statuses)}")
                    times[0].append(seconds / len(healthz))
                    seconds, statuses = drive(port, calls, token)
                    times[1].append(seconds / len(calls))
                    for call, status in zip(calls, statuses, strict=True):
                        if call.key is not None:
                            answers.setdefault(call.key, []).append(status)
                    sent += pairs
            audit = audit_writes(answers, _rows(sent))
            evaluated = WeeklyCheckIn.objects.filter(
                notes=MARKER, athlete__coach__email=LARGE_COACH, evaluated_at__isnull=False
            ).count()
            # The broker down: a closed port. Each check-in must still be saved (and answer
            # 201), its evaluation left to the daily scan.
            down = pool[runs * POSTS_PER_RUN : runs * POSTS_PER_RUN + BROKER_DOWN_POSTS]
            with gunicorn(broker=f"redis://{HOST}:{_free_port()}/0") as port:
                seconds_down, statuses_down = drive(port, [_post(a, w) for a, w in down], token)
            down_audit = audit_writes(
                {pair: [s] for pair, s in zip(down, statuses_down, strict=True)}, _rows(down)
            )
            unevaluated = len(
                set(down)
                & set(
                    WeeklyCheckIn.objects.filter(
                        notes=MARKER, evaluated_at__isnull=True, week__in={w for _, w in down}
                    ).values_list("athlete_id", "week")
                )
            )
    finally:
        deleted, flags = _delete_posted()
    failures = audit.failures + [f"broker down: {f}" for f in down_audit.failures]
    if failures:
        raise RuntimeError(f"check-in POSTs: {', '.join(failures)}; answers {audit.statuses}")
    healthz_rps = 1 / statistics.median(times[0])
    post_rps = 1 / statistics.median(times[1])
    twins = Counter(
        " + ".join(map(str, sorted(sent_twice)))
        for sent_twice in answers.values()
        if len(sent_twice) == 2
    )
    answered = ", ".join(f"{n:,} × {s}" for s, n in audit.statuses.items())
    return [
        Result(
            scenario,
            f"/healthz ×{HEALTHZ_PER_RUN:,} (same client)",
            times[0],
            None,
            note=f"{CONNECTIONS} Python threads (http.client) against {WORKERS} sync workers; "
            "times are seconds per request. No broker: Celery runs eagerly, so each POST's "
            f"warning evaluation runs in its request after the commit ({evaluated:,} of "
            f"{audit.rows:,} rows evaluated, {flags} flags raised on them). Weeks: the ones before "
            "each athlete's first check-in (history her coach enters; no decision follows)",
        ),
        Result(
            scenario,
            f"POST ×{POSTS_PER_RUN + TWINS_PER_RUN} ({TWINS_PER_RUN} twin pairs)",
            times[1],
            None,
            note=f"POST {post_rps:,.0f} req/s vs /healthz {healthz_rps:,.0f} req/s "
            f"(throughput ratio {post_rps / healthz_rps:.2f}); {audit.requests:,} POSTs "
            f"answered {answered}: {audit.rows:,} rows for {audit.created:,} × 201, "
            f"{audit.lost} lost, {audit.duplicated} duplicated, {audit.server_errors} 5xx, "
            f"twin pairs answered {', '.join(f'{n} × ({k})' for k, n in twins.items())}. "
            f"Broker down: {down_audit.created} "
            f"of {len(down)} answered 201 and saved ({unevaluated} left unevaluated for the "
            f"scan) in {seconds_down:.2f} s. {deleted:,} bench check-ins deleted afterwards",
            paired=True,
        ),
    ]
