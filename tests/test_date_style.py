"""One date style everywhere: "5 Oct" (never "05 Oct"), in pages, charts, e-mails and the
engine's words. Pages use Django's ``date`` filter with ``j`` (no zero); Python code uses
``clinical.dates``."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from clinical.dates import day_month, day_month_year, weekday_day_month

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("athletes", "checkins", "clinical", "config", "plans", "web", "templates")
# strftime's zero-padded day beside a month name, or Django's "d" before a month ("d M").
ZERO_PADDED = re.compile(r"%d %b|%d %B|%a %d|date:\"[DlN ]*d [MFbN]|date:'[DlN ]*d [MFbN]")


def test_no_source_writes_a_zero_padded_day_before_a_month():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in SOURCES
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"}
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if ZERO_PADDED.search(line)
    ]
    assert offenders == []


def test_the_words_for_a_date_have_no_leading_zero():
    day = date(2026, 10, 5)

    assert day_month(day) == "5 Oct"
    assert day_month_year(day) == "5 Oct 2026"
    assert weekday_day_month(day) == "Mon 5 Oct"
    assert day_month(date(2026, 10, 19)) == "19 Oct"
