"""Activity files made here, for the tests: FIT written with Garmin's SDK encoder, GPX and TCX
from templates. A file is described by its laps: (seconds, metres), recorded every 5 s."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from garmin_fit_sdk import Encoder, Profile

MESG = {name: num for num, name in Profile["types"]["mesg_num"].items()}
STEP_S = 5
# 8 × (1 min run at 2.4 m/s, 2 min walk at 1.3 m/s): a run-walk level 1 session.
RUN_WALK_8 = [(60, 144.0), (120, 156.0)] * 8


@dataclass(frozen=True)
class Point:
    at: datetime
    distance_m: float
    altitude_m: float
    heart_rate: int


def points(start: datetime, laps: Sequence[tuple[int, float]], climb_m: float = 0.0) -> list:
    """One sample every 5 s; altitude rises steadily by ``climb_m`` over the whole activity."""
    total_s = sum(s for s, _ in laps)
    out, t, d = [], 0, 0.0
    out.append(Point(start, 0.0, 100.0, 120))
    for seconds, metres in laps:
        for _ in range(seconds // STEP_S):
            t += STEP_S
            d += metres * STEP_S / seconds
            out.append(Point(start + timedelta(seconds=t), d, 100.0 + climb_m * t / total_s, 130))
    return out


def fit_activity(
    start: datetime,
    laps: Sequence[tuple[int, float]],
    *,
    sport: str = "running",
    climb_m: float = 0.0,
    with_laps: bool = True,
) -> bytes:
    pts = points(start, laps, climb_m)
    end = pts[-1].at
    total_s = (end - start).total_seconds()
    distance = pts[-1].distance_m
    enc = Encoder()
    enc.write_mesg(
        {
            "mesg_num": MESG["file_id"],
            "type": "activity",
            "manufacturer": "development",
            "product": 1,
            "time_created": start,
            "serial_number": 1234,
        }
    )
    for p in pts:
        enc.write_mesg(
            {
                "mesg_num": MESG["record"],
                "timestamp": p.at,
                "distance": p.distance_m,
                "enhanced_altitude": p.altitude_m,
                "heart_rate": p.heart_rate,
            }
        )
    if with_laps:
        t = 0
        for seconds, metres in laps:
            enc.write_mesg(
                {
                    "mesg_num": MESG["lap"],
                    "timestamp": start + timedelta(seconds=t + seconds),
                    "start_time": start + timedelta(seconds=t),
                    "total_elapsed_time": float(seconds),
                    "total_timer_time": float(seconds),
                    "total_distance": metres,
                }
            )
            t += seconds
    enc.write_mesg(
        {
            "mesg_num": MESG["session"],
            "timestamp": end,
            "start_time": start,
            "total_elapsed_time": total_s,
            "total_timer_time": total_s,
            "total_distance": distance,
            "total_ascent": round(climb_m),
            "avg_heart_rate": 128,
            "sport": sport,
        }
    )
    enc.write_mesg(
        {
            "mesg_num": MESG["activity"],
            "timestamp": end,
            "total_timer_time": total_s,
            "num_sessions": 1,
        }
    )
    return enc.close()


def _iso(at: datetime, offset: timedelta | None) -> str:
    if offset is None:
        return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return at.astimezone(UTC).replace(tzinfo=None).__add__(offset).strftime(
        "%Y-%m-%dT%H:%M:%S"
    ) + _offset_text(offset)


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def gpx_activity(
    start: datetime,
    laps: Sequence[tuple[int, float]],
    *,
    kind: str | None = "running",
    climb_m: float = 0.0,
    offset: timedelta | None = None,
    prolog: str = "",
) -> bytes:
    """A GPX track heading north from a made-up point (1 m ≈ 0.000009° of latitude)."""
    rows = []
    for p in points(start, laps, climb_m):
        lat = 45.0 + p.distance_m / 111_195
        rows.append(
            f'<trkpt lat="{lat:.7f}" lon="6.0000000"><ele>{p.altitude_m:.1f}</ele>'
            f"<time>{_iso(p.at, offset)}</time><extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{p.heart_rate}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>"
            "</trkpt>"
        )
    type_line = f"<type>{kind}</type>" if kind else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}\n'
        '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>Morning</name>{type_line}<trkseg>{''.join(rows)}</trkseg></trk></gpx>"
    ).encode()


def tcx_activity(
    start: datetime, laps: Sequence[tuple[int, float]], *, sport: str = "Running"
) -> bytes:
    pts = points(start, laps)
    laps_xml = []
    t = 0
    cursor = 0
    for seconds, metres in laps:
        lap_pts = [p for p in pts[cursor:] if (p.at - start).total_seconds() <= t + seconds]
        cursor += len(lap_pts)
        tps = "".join(
            f"<Trackpoint><Time>{_iso(p.at, None)}</Time>"
            f"<AltitudeMeters>{p.altitude_m}</AltitudeMeters>"
            f"<DistanceMeters>{p.distance_m:.1f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{p.heart_rate}</Value></HeartRateBpm></Trackpoint>"
            for p in lap_pts
        )
        laps_xml.append(
            f'<Lap StartTime="{_iso(start + timedelta(seconds=t), None)}">'
            f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds>"
            f"<DistanceMeters>{metres}</DistanceMeters>"
            f"<AverageHeartRateBpm><Value>130</Value></AverageHeartRateBpm>"
            f"<Track>{tps}</Track></Lap>"
        )
        t += seconds
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{_iso(start, None)}</Id>'
        f"{''.join(laps_xml)}</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data)
