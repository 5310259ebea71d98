"""``make bench``: how the code scales with the data, as ratios measured in one run.

Absolute times on a shared machine are noisy; a ratio of two workloads timed in the same run,
interleaved (A, B, A, B, …), is not. Each scenario compares a workload with its floor (the same
page for 50 athletes, the same scan as one raw SQL query, …) and prints the median, the p95,
the queries of each and the ratio of the medians.

The database: PostgreSQL when ``DATABASE_URL`` names one (a throwaway database
``<name>_bench`` is created beside it), else a SQLite file in a temporary folder. DEBUG is off
(production's code paths), e-mail goes to memory and tasks run in-process. The data comes from
``benchmarks.generate`` (bulk inserts, reproducible with ``--seed``); ``--reuse`` keeps a
database from an earlier run (``--keep``) instead of generating it again.

    make bench                                             # SQLite, 2,000 athletes × 52 weeks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stridewise make bench \\
        BENCH_ARGS="--athletes 10000 --keep"                # the figures of the README
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _database_url(args: argparse.Namespace) -> tuple[str, Callable[[], None]]:
    """The bench database's URL and a function that drops it (a no-op with --keep)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'stridewise'}_bench"
        server = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not args.reuse:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if not exists or not args.reuse:
                conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            if args.keep:
                return
            from django.db import connections

            connections.close_all()
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return urlunsplit(parts._replace(path=f"/{name}")), drop
    folder = Path(os.environ.get("BENCH_DATABASE_DIR") or tempfile.gettempdir())
    path = folder / f"stridewise-bench-{args.athletes}x{args.weeks}-{args.seed}.sqlite3"
    if path.exists() and not args.reuse:
        path.unlink()

    def remove() -> None:
        if not args.keep:
            path.unlink(missing_ok=True)

    return f"sqlite:///{path}", remove


@dataclass
class Result:
    scenario: str
    label: str
    times: list[float]
    queries: int | None
    note: str = ""
    paired: bool = False  # the second of a pair: its ratio to the first is printed
    measured: bool = True  # False: the note says why not (a tool or PostgreSQL missing)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def interleaved(
    scenario: str,
    floor: tuple[str, Callable[[], object]],
    load: tuple[str, Callable[[], object]],
    repeat: int,
    count_queries: bool = True,
) -> tuple[Result, Result]:
    """Time ``floor`` and ``load`` alternately; count each one's queries in a separate run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pair = (floor, load)
    queries: list[int | None] = []
    for _, fn in pair:  # warm caches, count queries
        fn()
        if count_queries:
            with CaptureQueriesContext(connection) as captured:
                fn()
            queries.append(len(captured.captured_queries))
        else:
            queries.append(None)
    times: list[list[float]] = [[], []]
    for _ in range(repeat):
        for i, (_, fn) in enumerate(pair):
            started = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - started)
    return (
        Result(scenario, floor[0], times[0], queries[0]),
        Result(scenario, load[0], times[1], queries[1], paired=True),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--athletes", type=int, default=2000, help="in all (default 2,000)")
    parser.add_argument("--weeks", type=int, default=52, help="of history each (default 52)")
    parser.add_argument("--small", type=int, default=50, help="the small coach's athletes")
    parser.add_argument("--large", type=int, default=1000, help="the large coach's athletes")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=15, help="timings per workload")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args()

    url, drop = _database_url(args)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    try:
        print(
            f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"DEBUG={settings.DEBUG}",
            file=sys.stderr,
        )
        call_command("migrate", verbosity=0)
        from athletes.models import User

        from .generate import SMALL_COACH, generate

        if not User.objects.filter(email=SMALL_COACH).exists():
            generate(
                athletes=args.athletes,
                weeks=args.weeks,
                small=args.small,
                large=args.large,
                seed=args.seed,
                stdout=lambda line: print(line, file=sys.stderr),
            )
        from .scenarios import SCENARIOS

        wanted = {s for s in args.only.split(",") if s}
        results: list[Result] = []
        for name, scenario in SCENARIOS.items():
            if wanted and name not in wanted:
                continue
            print(f"  measuring {name} …", file=sys.stderr)
            results += scenario(args.repeat)
        report(results)
    finally:
        drop()


def report(results: list[Result]) -> None:
    print(f"\n{'scenario':<26}{'workload':<34}{'median':>10}{'p95':>10}{'queries':>9}{'ratio':>8}")
    previous: Result | None = None
    for r in results:
        ratio = ""
        if r.paired and previous is not None and r.measured and previous.measured:
            ratio = f"{r.median / previous.median:.2f}×"
        previous = r
        queries = "" if r.queries is None else str(r.queries)
        if not r.measured:
            print(f"{r.scenario:<26}{r.label:<34}{'—':>10}{'—':>10}{queries:>9}{ratio:>8}")
        else:
            print(
                f"{r.scenario:<26}{r.label:<34}{r.median * 1000:>8.2f}ms{r.p95 * 1000:>8.2f}ms"
                f"{queries:>9}{ratio:>8}"
            )
        if r.note:
            print(f"{'':<26}  {r.note}")


if __name__ == "__main__":
    main()
