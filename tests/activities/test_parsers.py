"""Reading activity files (SPEC §13): FIT with Garmin's SDK, GPX, TCX; made in the tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from activities.parsers import parse_fit, parse_gpx, parse_tcx
from activities.summary import (
    RUN_SPEED_MS,
    ActivityFileError,
    ActivitySummary,
    Sample,
    climb,
    split_by_speed,
)

from .files import RUN_WALK_8, fit_activity, gpx_activity, tcx_activity

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def run_walk(summary: ActivitySummary) -> tuple[int, int]:
    return summary.run_seconds, summary.walk_seconds


@pytest.mark.parametrize("with_laps", [True, False], ids=["laps", "speed"])
def test_a_run_walk_fit_splits_into_8_minutes_running_and_16_walking(with_laps):
    summary = parse_fit(fit_activity(START, RUN_WALK_8, with_laps=with_laps))

    assert summary == ActivitySummary(
        started_at=START,
        sport="run",
        elapsed_seconds=24 * 60,
        moving_seconds=24 * 60,
        distance_m=2400,
        elevation_gain_m=0,
        run_seconds=8 * 60,
        walk_seconds=16 * 60,
        avg_heart_rate=128,
    )


def test_a_run_walk_gpx_splits_by_speed():
    summary = parse_gpx(gpx_activity(START, RUN_WALK_8))

    assert run_walk(summary) == (480, 960)
    assert summary.sport == "run"
    assert summary.started_at == START
    assert summary.elapsed_seconds == 1440
    assert 2390 <= summary.distance_m <= 2410  # from the positions, as a watch's app does
    assert summary.avg_heart_rate == 130


def test_a_run_walk_tcx_splits_by_its_laps_and_other_sport_is_judged_by_speed():
    summary = parse_tcx(tcx_activity(START, RUN_WALK_8, sport="Other"))

    assert run_walk(summary) == (480, 960)
    # More walking than running, and TCX's "Other" says nothing: a walk.
    assert summary.sport == "walk"
    assert summary.distance_m == 2400
    assert summary.avg_heart_rate == 130


def test_a_hike_keeps_its_elevation_gain():
    hike = gpx_activity(START, [(3600, 3960.0)], kind="hiking", climb_m=420)

    summary = parse_gpx(hike)

    assert summary.sport == "hike"
    assert summary.elevation_gain_m == 420
    assert run_walk(summary) == (0, 3600)


def test_a_steep_walk_without_a_sport_is_a_hike():
    summary = parse_gpx(gpx_activity(START, [(3600, 3960.0)], kind=None, climb_m=300))

    assert summary.sport == "hike"


def test_a_fit_hike_takes_the_watchs_total_ascent():
    summary = parse_fit(fit_activity(START, [(3600, 3960.0)], sport="hiking", climb_m=250))

    assert (summary.sport, summary.elevation_gain_m) == ("hike", 250)


def test_a_file_in_another_time_zone_keeps_the_instant():
    # 23:30 in New York on Sunday 1 March, until 00:30 on Monday.
    local_start = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # wall clock, offset added below
    offset = timedelta(hours=-5)
    data = gpx_activity(local_start - offset, [(3600, 6500.0)], offset=offset)

    summary = parse_gpx(data)

    assert summary.started_at == datetime(2026, 3, 2, 4, 30, tzinfo=UTC)
    assert summary.elapsed_seconds == 3600


def test_gps_altitude_noise_climbs_nothing():
    wandering = [100, 102, 99, 101, 98, 100, 102, 100]

    assert climb(wandering) == 0
    assert climb([100, 101, 102, 103, 104, 105, 106, 110]) == 10


def test_standing_still_is_not_moving_time():
    samples = [Sample(at=START + timedelta(seconds=t), distance_m=0.0) for t in range(0, 300, 5)]
    moving, running, walking = split_by_speed(samples)

    assert (moving, running, walking) == (0, 0, 0)


def test_the_run_threshold_is_a_slow_jog():
    assert 1.6 < RUN_SPEED_MS < 2.0  # above a brisk walk with a pram, below a gait switch


@pytest.mark.parametrize(
    ("parser", "data", "message"),
    [
        (parse_fit, b"not a fit file at all", "not a FIT file"),
        (parse_gpx, b"<gpx><trk><trkseg><trkpt", "not a readable GPX file"),
        (parse_tcx, b"<TrainingCenterDatabase/>", "holds no activity"),
        (parse_gpx, b"<html></html>", "not a GPX file"),
    ],
)
def test_unreadable_files_say_why(parser, data, message):
    with pytest.raises(ActivityFileError, match=message):
        parser(data)


def test_a_fit_with_a_broken_checksum_is_refused():
    data = bytearray(fit_activity(START, RUN_WALK_8))
    data[200] ^= 0xFF

    with pytest.raises(ActivityFileError, match="damaged"):
        parse_fit(bytes(data))


def test_an_xml_entity_bomb_in_a_gpx_is_refused_unexpanded():
    bomb = (
        '<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "]>"
    )
    data = gpx_activity(START, RUN_WALK_8, prolog=bomb).replace(
        b"<name>Morning</name>", b"<name>&i;</name>"
    )

    with pytest.raises(ActivityFileError, match="DTD or entities"):
        parse_gpx(data)
