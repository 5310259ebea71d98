"""The ``wger`` scenario of ``make bench`` (issue 15): our 52-check-in API list against wger's
52-weight-entry list (the open-source Django fitness app), measured in the same run.

wger is not a dependency of this project and none of its code is here: it is installed by hand
in its own virtualenv, outside the repository, with a settings module of one's own (README,
"Performance and scaling"). Two environment variables name it:

- ``WGER_PYTHON``: that virtualenv's interpreter (``/work/wger-env/bin/python``);
- ``WGER_SETTINGS``: the settings file (``/work/wger-run/settings.py``: its folder goes on
  ``sys.path``, its name is the settings module).

Without them the scenario returns one unmeasured result saying so.

In-process: wger's side runs in a long-lived subprocess of wger's interpreter, a small driver
of ours (``DRIVER``, written to a temporary folder at run time). It sets Django up with wger's
settings, makes sure its bench user has 52 weight entries and a DRF token (created once, in
wger's database), then for each line read on stdin (``list 5``) times that many GETs of the
weight-entry list with Django's test client, and prints the timings as one JSON line. This
process times our list the way ``scenarios.api_52`` does (test client, a coach's token), and
the two alternate: ours, wger's, ours, wger's, … so both see the same machine. The same for a
one-row page of each, whose difference with the 52-row page estimates the cost of a row.

Over HTTP (PostgreSQL and ``wrk`` only, as ``benchmarks.http``): gunicorn serving our
``config.wsgi`` (``benchmarks.http.gunicorn``) and another serving ``wger.wsgi`` with the same
number of sync workers, both up at once, ``wrk`` runs alternating between the two lists.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .__main__ import Result

SCENARIO = "wger list vs ours"
HTTP_SCENARIO = "wger list vs ours (HTTP)"
ROWS = 52  # weight entries of wger's bench user, as many as our athlete's check-ins
PER_ROUND = 5  # GETs timed per side before the other side's turn
ROUNDS_MIN = 5  # pairs of turns, at least
WGER_LIST = "/api/v2/weightentry/"  # wger's REST list of the user's weight entries
READY_TIMEOUT = 120  # seconds for the driver to set Django up (and its data, the first time)
TARGET_IN_PROCESS = 1.0  # issue 15: ours ≤ 1.0 × wger per request
TARGET_HTTP = 1.3  # issue 15: ours ≥ 1.3 × wger's req/s
NOT_MEASURED = (
    "not measured: set WGER_PYTHON (wger's virtualenv interpreter) and WGER_SETTINGS (its "
    "settings file) to compare with wger (see README, Performance and scaling)"
)

# Our driver, run by wger's interpreter: no wger code, only its public models and URLs.
DRIVER = """
import json, os, sys, time
from datetime import date, timedelta
from decimal import Decimal

settings_dir, settings_module, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, settings_dir)
os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
import django

django.setup()
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from wger.weight.models import WeightEntry

user, _ = User.objects.get_or_create(
    username="stridewise-bench", defaults={"email": "stridewise-bench@example.com"}
)
if WeightEntry.objects.filter(user=user).count() != rows:
    WeightEntry.objects.filter(user=user).delete()
    WeightEntry.objects.bulk_create(
        WeightEntry(user=user, date=date(2025, 1, 6) + timedelta(weeks=i),
                    weight=Decimal("72.40") - Decimal(i) / 10)
        for i in range(rows)
    )
token, _ = Token.objects.get_or_create(user=user)
client = Client(HTTP_AUTHORIZATION="Token " + token.key, HTTP_ACCEPT="application/json")
paths = {"list": "/api/v2/weightentry/?limit=%d" % rows, "one": "/api/v2/weightentry/?limit=1"}


def get(path):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit("%s: HTTP %s: %r" % (path, response.status_code, response.content[:300]))
    return response


pages = {}
for name, path in paths.items():
    get(path)
    with CaptureQueriesContext(connection) as captured:
        body = get(path).json()
    pages[name] = {"path": path, "rows": len(body["results"]),
                   "queries": len(captured.captured_queries),
                   "fields": len(body["results"][0]) if body["results"] else 0}
import wger
print(json.dumps({"ready": True, "django": django.get_version(),
                  "wger": getattr(wger, "get_version", lambda: "?")(),
                  "token": token.key, "pages": pages}), flush=True)
for line in sys.stdin:
    name, count = line.split()
    times = []
    for _ in range(int(count)):
        started = time.perf_counter()
        get(paths[name])
        times.append(time.perf_counter() - started)
    print(json.dumps({"name": name, "times": times}), flush=True)
"""


# --- Pure parts (tests/test_benchmarks.py) -----------------------------------------------------


@dataclass(frozen=True)
class WgerSetup:
    python: str
    settings_dir: str
    settings_module: str


def wger_setup(environ: Mapping[str, str]) -> WgerSetup | str:
    """wger's interpreter and settings from ``WGER_PYTHON`` and ``WGER_SETTINGS`` (a file, or a
    module name with its folder in ``WGER_PYTHONPATH``); else why not (a note)."""
    python, settings = environ.get("WGER_PYTHON", ""), environ.get("WGER_SETTINGS", "")
    if not python or not settings:
        return NOT_MEASURED
    if not Path(python).is_file():
        return f"not measured: WGER_PYTHON={python} is not a file"
    if settings.endswith(".py"):
        path = Path(settings)
        if not path.is_file():
            return f"not measured: WGER_SETTINGS={settings} is not a file"
        return WgerSetup(python, str(path.resolve().parent), path.stem)
    folder = environ.get("WGER_PYTHONPATH", "")
    if not folder:
        return "not measured: WGER_SETTINGS names a module; set WGER_PYTHONPATH to its folder"
    return WgerSetup(python, folder, settings)


def parse_reply(line: str, name: str, count: int) -> list[float]:
    """The driver's timings for ``name`` (seconds, ``count`` of them); ``ValueError`` on
    anything else (the driver died, or printed something of its own)."""
    try:
        reply = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not a driver reply: {line[:300]!r}") from error
    if not isinstance(reply, dict) or reply.get("name") != name:
        raise ValueError(f"expected timings of {name!r}: {line[:300]!r}")
    times = reply.get("times")
    if (
        not isinstance(times, list)
        or len(times) != count
        or not all(isinstance(t, int | float) and not isinstance(t, bool) and t > 0 for t in times)
    ):
        raise ValueError(f"expected {count} positive timings: {line[:300]!r}")
    return [float(t) for t in times]


def per_row(many: float, one: float, rows: int) -> float:
    """The cost of a row: the difference between an n-row and a one-row page over n - 1."""
    if rows < 2:
        raise ValueError("needs two rows or more")
    return (many - one) / (rows - 1)


def verdict(ratio: float, target: float, *, at_most: bool) -> str:
    reached = ratio <= target if at_most else ratio >= target
    return f"target {'≤' if at_most else '≥'} {target:g}× {'reached' if reached else 'not reached'}"


# --- The driver --------------------------------------------------------------------------------


class Driver:
    """wger's side: our driver script in wger's interpreter, one JSON line per request."""

    def __init__(self, setup: WgerSetup, folder: Path) -> None:
        script = folder / "wger_driver.py"
        script.write_text(DRIVER)
        self.stderr = (folder / "wger_driver.err").open("w+")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(  # noqa: S603 - the interpreter the user named, our script
            [setup.python, str(script), setup.settings_dir, setup.settings_module, str(ROWS)],
            cwd=folder,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            start_new_session=True,
        )
        self.hello = self._hello()

    def _hello(self) -> dict:
        line = self._readline(READY_TIMEOUT)
        try:
            hello = json.loads(line)
        except json.JSONDecodeError:
            hello = {}
        if not isinstance(hello, dict) or not hello.get("ready"):
            raise RuntimeError(f"wger's driver did not start: {line[:300]!r}\n{self._log()}")
        return hello

    def _readline(self, timeout: float) -> str:
        import selectors

        if self.proc.stdout is None:
            raise RuntimeError("wger's driver has no stdout")
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise RuntimeError(f"wger's driver said nothing in {timeout} s\n{self._log()}")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"wger's driver exited ({self.proc.poll()})\n{self._log()}")
        return line

    def _log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-3000:]

    def time(self, name: str, count: int) -> list[float]:
        if self.proc.stdin is None:
            raise RuntimeError("wger's driver has no stdin")
        self.proc.stdin.write(f"{name} {count}\n")
        self.proc.stdin.flush()
        line = self._readline(READY_TIMEOUT)
        try:
            return parse_reply(line, name, count)
        except ValueError as error:
            raise RuntimeError(f"{error}\n{self._log()}") from error

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()


@contextmanager
def driver(setup: WgerSetup) -> Iterator[Driver]:
    with tempfile.TemporaryDirectory(prefix="bench-wger-") as folder:
        running = Driver(setup, Path(folder))
        try:
            yield running
        finally:
            running.close()


# --- Scenarios ---------------------------------------------------------------------------------


def _ours() -> tuple[int, str, str]:
    """Our side, as ``scenarios.api_52``: the athlete, her list's path, its one-row path."""
    from .scenarios import api_52_athlete

    athlete = api_52_athlete()
    n = athlete.checkins.count()
    base = f"/api/v1/athletes/{athlete.pk}/checkins/"
    return n, f"{base}?page_size={n}", f"{base}?page_size=1"


def _in_process(setup: WgerSetup, repeat: int) -> tuple[list[Result], str]:
    """The in-process pairs, and wger's token (for the HTTP runs)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from .http import _coach_token
    from .scenarios import HOST

    n, list_path, one_path = _ours()
    rounds = max(ROUNDS_MIN, repeat)
    with _coach_token() as token, driver(setup) as wger:
        client = Client(**HOST, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")

        def get(path: str) -> object:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            return response

        ours_pages = {}
        for name, path in (("list", list_path), ("one", one_path)):
            get(path)
            with CaptureQueriesContext(connection) as captured:
                rows = len(get(path).json()["results"])  # type: ignore[attr-defined]
            ours_pages[name] = {"rows": rows, "queries": len(captured.captured_queries)}
        theirs = wger.hello["pages"]
        if ours_pages["list"]["rows"] != n or theirs["list"]["rows"] != ROWS:
            raise RuntimeError(f"lists of {ours_pages['list']['rows']} and {theirs['list']}")
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):
            for name, path in (("list", list_path), ("one", one_path)):
                mine = times.setdefault(("ours", name), [])
                for _ in range(PER_ROUND):
                    started = time.perf_counter()
                    get(path)
                    mine.append(time.perf_counter() - started)
                times.setdefault(("wger", name), []).extend(wger.time(name, PER_ROUND))
    med = {key: statistics.median(values) for key, values in times.items()}
    ratio = med["ours", "list"] / med["wger", "list"]
    ours_row = per_row(med["ours", "list"], med["ours", "one"], n)
    wger_row = per_row(med["wger", "list"], med["wger", "one"], ROWS)
    fields = theirs["list"]["fields"]
    how = (
        f"wger {wger.hello['wger']} (PyPI) on Django {wger.hello['django']}, its own process "
        f"and database; {rounds} rounds × {PER_ROUND} GETs a side, alternating; test client, "
        "token auth, DEBUG off"
    )
    results = [
        Result(
            SCENARIO,
            f"wger: {ROWS}-weight-entry list",
            times["wger", "list"],
            theirs["list"]["queries"],
            note=how,
        ),
        Result(
            SCENARIO,
            f"ours: {n}-check-in list",
            times["ours", "list"],
            ours_pages["list"]["queries"],
            note=f"ours/wger {ratio:.2f}× per request, "
            f"{verdict(ratio, TARGET_IN_PROCESS, at_most=True)}",
            paired=True,
        ),
        Result(SCENARIO, "wger: 1-entry page", times["wger", "one"], theirs["one"]["queries"]),
        Result(
            SCENARIO,
            "ours: 1-check-in page",
            times["ours", "one"],
            ours_pages["one"]["queries"],
            note=f"per row (list − 1-row page, over rows − 1): ours {ours_row * 1e6:.0f} µs, "
            f"wger {wger_row * 1e6:.0f} µs ({fields} fields a row)",
            paired=True,
        ),
    ]
    return results, wger.hello["token"]


@contextmanager
def wger_gunicorn(setup: WgerSetup, token: str) -> Iterator[int]:
    """gunicorn of wger's virtualenv serving ``wger.wsgi`` with the same workers as ours and an
    access log too; yields its port once its list answers 200, stops it after."""
    from .http import HOST, WORKERS, _call, _free_port, serving

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "PYTHONPATH": setup.settings_dir,
        "DJANGO_SETTINGS_MODULE": setup.settings_module,
        "PYTHONUNBUFFERED": "1",
    }
    log = Path(tempfile.mkstemp(prefix="bench-wger-gunicorn-", suffix=".log")[1])
    command = [
        *(setup.python, "-m", "gunicorn", "wger.wsgi:application", "--access-logfile", "-"),
        *("--bind", f"{HOST}:{port}", "--workers", str(WORKERS)),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - the interpreter the user named, fixed arguments
            command,
            cwd=setup.settings_dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def ready() -> bool:
        return _call(port, "GET", f"{WGER_LIST}?limit=1", token)[0] == 200

    with serving(proc, log, "wger's gunicorn", ready):
        yield port


def _over_http(setup: WgerSetup, token: str, repeat: int) -> list[Result]:
    from .http import (
        CONNECTIONS,
        RUN_SECONDS,
        WARMUP_SECONDS,
        WORKERS,
        WRK_THREADS,
        WrkRun,
        _call,
        _coach_token,
        _not_measured,
        gunicorn,
        wrk,
    )

    skipped = _not_measured(HTTP_SCENARIO, needs_wrk=True)
    if skipped:
        return skipped
    n, list_path, _ = _ours()
    wger_path = f"{WGER_LIST}?limit={ROWS}"
    runs: list[list[WrkRun]] = [[], []]
    with (
        _coach_token() as ours_token,
        gunicorn() as ours_port,
        wger_gunicorn(setup, token) as wger_port,
    ):
        urls = ((wger_port, wger_path, token), (ours_port, list_path, ours_token))
        for port, path, auth in urls:
            status, body = _call(port, "GET", path, auth)
            if status != 200 or len(json.loads(body)["results"]) not in (n, ROWS):
                raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
            wrk(port, path, WARMUP_SECONDS, auth)
        for _ in range(max(3, repeat)):
            for i, (port, path, auth) in enumerate(urls):
                runs[i].append(wrk(port, path, RUN_SECONDS, auth))
    wger_rps = statistics.median(r.per_second for r in runs[0])
    ours_rps = statistics.median(r.per_second for r in runs[1])
    ratio = ours_rps / wger_rps
    return [
        Result(
            HTTP_SCENARIO,
            f"wger: {ROWS}-weight-entry list (wrk)",
            [1 / r.per_second for r in runs[0]],
            None,
            note=f"two gunicorns up at once, {WORKERS} sync workers each; wrk -t{WRK_THREADS} "
            f"-c{CONNECTIONS}, {len(runs[0])} × {RUN_SECONDS} s runs a side, alternating; "
            "times are 1 / (req/s)",
        ),
        Result(
            HTTP_SCENARIO,
            f"ours: {n}-check-in list (wrk)",
            [1 / r.per_second for r in runs[1]],
            None,
            note=f"ours {ours_rps:,.0f} req/s vs wger {wger_rps:,.0f} req/s (medians): "
            f"{ratio:.2f}× wger's throughput, {verdict(ratio, TARGET_HTTP, at_most=False)}",
            paired=True,
        ),
    ]


def wger(repeat: int) -> list[Result]:
    started = time.perf_counter()
    setup = wger_setup(os.environ)
    if isinstance(setup, str):
        elapsed = max(time.perf_counter() - started, 1e-9)
        return [Result(SCENARIO, "not measured", [elapsed], None, note=setup, measured=False)]
    results, token = _in_process(setup, repeat)
    return results + _over_http(setup, token, repeat)
