"""``make bench``: time the pages whose cost could grow with the data, at two sizes.

Each size gets its own throwaway SQLite database (or uses ``BENCH_DATABASE_DIR``), seeded
with ``seed_demo --athletes N``; then each page is requested a few times by the demo coach
and the median time and the query count are printed. Figures, not assertions: the tests pin
the query counts; this shows what a coach would wait for.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    ("dashboard", "/coach/"),
    ("dashboard, page 4", "/coach/?page=4"),
    ("dashboard, flagged", "/coach/?flagged=1"),
    ("flag queue", "/coach/flags/"),
    ("athlete page", "/coach/athletes/{athlete}/"),
    ("flags API", "/api/v1/flags/"),
    ("athletes API", "/api/v1/athletes/"),
)

MEASURE = r"""
import json, statistics, time, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from athletes.models import Athlete, User
coach = User.objects.get(email="coach@example.com")
athlete = Athlete.objects.filter(coach=coach).order_by("pk").first().pk
client = Client(HTTP_HOST="localhost")
client.force_login(coach)
out = []
for name, url in json.loads(PAGES):
    url = url.format(athlete=athlete)
    client.get(url)  # warm caches
    times = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
    out.append([name, response.status_code, len(q.captured_queries), statistics.median(times)])
print(json.dumps(out))
"""


def run(size: int, repeat: int, workdir: Path) -> list:
    db = workdir / f"bench-{size}.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_DEBUG": "false",
    }
    env.pop("CELERY_BROKER_URL", None)
    if not db.exists():
        print(f"  seeding {size} athletes …", file=sys.stderr)
        for args in (["migrate", "-v0"], ["seed_demo", "--athletes", str(size), "--force"]):
            subprocess.run(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    import json

    code = MEASURE.replace("PAGES", repr(json.dumps(PAGES))).replace("REPEAT", str(repeat))
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000", help="athletes per run (default 100,1000)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = Path(os.environ.get("BENCH_DATABASE_DIR") or tempfile.mkdtemp(prefix="bench-"))
    results = {size: run(size, args.repeat, workdir) for size in sizes}
    print(f"{'page':<22}" + "".join(f"{f'{s} athletes':>26}" for s in sizes))
    for i, (name, _) in enumerate(PAGES):
        row = f"{name:<22}"
        for size in sizes:
            _, status, queries, seconds = results[size][i]
            row += f"{f'{seconds * 1000:7.1f} ms, {queries:3d} queries':>26}"
            if status != 200:
                row += f" (HTTP {status})"
        print(row)
    if len(sizes) == 2:
        a, b = sizes
        print(f"\ntime ratio {b}/{a} athletes:")
        for i, (name, _) in enumerate(PAGES):
            print(f"  {name:<22} ×{results[b][i][3] / results[a][i][3]:.2f}")


if __name__ == "__main__":
    main()
