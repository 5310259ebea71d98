"""How a warning sign's evidence and age read to a coach."""

from datetime import UTC, datetime, timedelta

import time_machine

from checkins.templatetags.checkins_extras import ago, evidence_items

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_evidence_names_the_planned_minutes_and_says_when_none_were_planned():
    items = evidence_items(
        {"run_minutes": 63, "planned_run_minutes": None, "previous": {"2026-11-02": 48}}
    )
    assert items == [
        ("running (min)", "63"),
        ("planned running (min)", "not recorded"),
        ("previous", "2 Nov: 48"),
    ]


@time_machine.travel(NOW, tick=False)
def test_a_flag_raised_seconds_ago_reads_just_now_then_its_age():
    assert ago(NOW - timedelta(seconds=20)) == "just now"
    assert ago(NOW - timedelta(minutes=5)) == "5\xa0minutes ago"
    assert ago(NOW - timedelta(days=2, hours=3)) == "2\xa0days, 3\xa0hours ago"
    assert ago(None) == ""
