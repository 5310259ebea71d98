"""``make bench`` (second part): how fast activity files are read, and the memory a file at
the 25 MB limit takes (tracemalloc peak). Figures, not assertions.

    python -m benchmarks.parsing [--count 50] [--big-mb 25]

The files are made here, as in the tests (``tests/activities/files.py``): a 45-minute run-walk
recorded every second, and one long recording grown until it reaches the size asked for.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from activities.parsers import parse_fit, parse_gpx  # noqa: E402
from activities.summary import ActivitySummary  # noqa: E402
from tests.activities.files import fit_activity, gpx_activity  # noqa: E402

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
# 45 minutes of 1:2 run-walk, recorded every 5 s by the helpers (the files' own spacing).
SESSION = [(60, 144.0), (120, 156.0)] * 15


def per_second(parse: Callable[[bytes], ActivitySummary], data: bytes, count: int) -> float:
    parse(data)  # warm
    started = time.perf_counter()
    for _ in range(count):
        parse(data)
    return count / (time.perf_counter() - started)


def grown(make: Callable[[list[tuple[int, float]]], bytes], target: int) -> bytes:
    """A recording of about ``target`` bytes: the session repeated until the file is big."""
    laps = list(SESSION)
    data = make(laps)
    while len(data) < target:
        factor = max(2, int(target / len(data) + 0.5))
        laps = laps * factor
        data = make(laps)
    return data


def peak(parse: Callable[[bytes], ActivitySummary], data: bytes) -> tuple[float, float]:
    """(peak MB under tracemalloc, seconds without it: tracing slows Python down a lot)."""
    started = time.perf_counter()
    parse(data)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    parse(data)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 1024 / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=50, help="files parsed for the rate")
    parser.add_argument("--big-mb", type=float, default=25.0, help="size of the big file")
    args = parser.parse_args()
    fit = fit_activity(START, SESSION)
    gpx = gpx_activity(START, SESSION)
    print(f"{'format':<8}{'file':>12}{'activities/s':>16}")
    for name, parse, data in (("FIT", parse_fit, fit), ("GPX", parse_gpx, gpx)):
        rate = per_second(parse, data, args.count)
        print(f"{name:<8}{len(data) / 1024:>9.0f} KB{rate:>16.1f}")
    target = int(args.big_mb * 1024 * 1024)
    print(f"\n{'format':<8}{'file':>12}{'peak memory':>16}{'time':>10}")
    for name, parse, make in (
        ("FIT", parse_fit, lambda laps: fit_activity(START, laps)),
        ("GPX", parse_gpx, lambda laps: gpx_activity(START, laps)),
    ):
        data = grown(make, target)
        mb, seconds = peak(parse, data)
        print(f"{name:<8}{len(data) / 1024 / 1024:>9.1f} MB{mb:>13.0f} MB{seconds:>9.1f}s")


if __name__ == "__main__":
    main()
