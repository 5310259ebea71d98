"""Read one activity file (FIT, GPX, TCX) from its bytes into an ``ActivitySummary``.

Files are parsed in memory and dropped: what comes back holds no position, and nothing here
writes anything anywhere. XML is parsed with ``defusedxml`` (no DTDs, so no entity bombs and
no external entities) before gpxpy sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

import gpxpy
import gpxpy.gpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from garmin_fit_sdk import Decoder, Profile, Stream

from .summary import ActivityFileError, ActivitySummary, Lap, Sample, summarise

FIT = "fit"
GPX = "gpx"
TCX = "tcx"
FORMATS = (FIT, GPX, TCX)


def format_of(name: str) -> str | None:
    """The format a file name says (``.fit``, ``.gpx``, ``.tcx``), else None."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    return suffix if suffix in FORMATS else None


def parse(data: bytes, fmt: str) -> ActivitySummary:
    parser: dict[str, Callable[[bytes], ActivitySummary]] = {
        FIT: parse_fit,
        GPX: parse_gpx,
        TCX: parse_tcx,
    }
    return parser[fmt](data)


# --- FIT ----------------------------------------------------------------------------------------


def _aware(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _sample(record: dict) -> Sample | None:
    at = _aware(record.get("timestamp"))
    if at is None:
        return None
    altitude = _number(record.get("enhanced_altitude"))
    if altitude is None:
        altitude = _number(record.get("altitude"))
    heart_rate = _number(record.get("heart_rate"))
    return Sample(
        at=at,
        distance_m=_number(record.get("distance")),
        altitude_m=altitude,
        heart_rate=int(heart_rate) if heart_rate else None,
    )


def parse_fit(data: bytes) -> ActivitySummary:
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    if not decoder.is_fit():
        raise ActivityFileError("it is not a FIT file")
    if not decoder.check_integrity():
        raise ActivityFileError("the FIT file is damaged (its checksum does not match)")
    # A fresh decoder: the integrity check leaves the first at the end of the stream.
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    samples: list[Sample] = []
    record_num = Profile["mesg_num"]["RECORD"]

    def keep_only_the_numbers(mesg_num: int, message: dict) -> None:
        # The SDK keeps every message it decodes, and a recording is mostly records (one a
        # second): each is turned into a small sample and dropped at once, so that a long
        # file costs the samples' memory, not the SDK's dictionaries.
        if mesg_num == record_num:
            sample = _sample(message)
            if sample is not None:
                samples.append(sample)
            decoder._messages["record_mesgs"].clear()  # type: ignore[attr-defined]

    messages, errors = decoder.read(merge_heart_rates=False, mesg_listener=keep_only_the_numbers)
    if errors:
        raise ActivityFileError("the FIT file could not be decoded")
    sessions = messages.get("session_mesgs") or []
    if not sessions and not samples:
        raise ActivityFileError("the FIT file holds no activity (a course or a workout?)")
    laps = [
        Lap(
            seconds=_number(lap.get("total_timer_time")) or 0.0,
            distance_m=_number(lap.get("total_distance")) or 0.0,
        )
        for lap in messages.get("lap_mesgs") or []
    ]
    session = sessions[0] if sessions else {}
    return summarise(
        samples=samples,
        laps=laps,
        file_sport=str(session["sport"]) if session.get("sport") is not None else None,
        started_at=_aware(session.get("start_time")),
        elapsed_seconds=_number(session.get("total_elapsed_time")),
        distance_m=_number(session.get("total_distance")),
        elevation_gain_m=_number(session.get("total_ascent")),
        avg_heart_rate=_number(session.get("avg_heart_rate")),
    )


# --- XML (GPX, TCX) -----------------------------------------------------------------------------


def _safe_xml(data: bytes, what: str) -> Element:
    try:
        return safe_fromstring(data.lstrip(), forbid_dtd=True)
    except DefusedXmlException as error:
        raise ActivityFileError(
            f"the {what} file declares a DTD or entities, which are refused"
        ) from error
    except (ParseError, ValueError) as error:
        raise ActivityFileError(f"it is not a readable {what} file") from error


def parse_gpx(data: bytes) -> ActivitySummary:
    root = _safe_xml(data, "GPX")
    if not root.tag.endswith("gpx"):
        raise ActivityFileError("it is not a GPX file")
    try:
        gpx = gpxpy.parse(data.lstrip().decode("utf-8", errors="replace"))
    except (gpxpy.gpx.GPXException, ValueError) as error:
        raise ActivityFileError("it is not a readable GPX file") from error
    if not gpx.tracks:
        raise ActivityFileError("the GPX file has no track (a route?)")
    track = gpx.tracks[0]
    samples: list[Sample] = []
    distance = 0.0
    previous = None
    for segment in track.segments:
        for point in segment.points:
            if point.time is None:
                continue
            if previous is not None:
                distance += point.distance_2d(previous) or 0.0
            previous = point
            samples.append(
                Sample(
                    at=_aware(point.time) or point.time,
                    distance_m=distance,
                    altitude_m=point.elevation,
                    heart_rate=_gpx_heart_rate(point),
                )
            )
    if len(samples) < 2:
        raise ActivityFileError("the GPX track has no times")
    return summarise(samples=samples, file_sport=track.type)


def _gpx_heart_rate(point: gpxpy.gpx.GPXTrackPoint) -> int | None:
    # Garmin's TrackPointExtension: <gpxtpx:TrackPointExtension><gpxtpx:hr>.
    for extension in point.extensions:
        for element in extension.iter():
            if element.tag.rsplit("}", 1)[-1] == "hr" and element.text:
                try:
                    return int(float(element.text))
                except ValueError:
                    return None
    return None


def _text(element: Element, path: str) -> str | None:
    found = element.find(path)
    return found.text.strip() if found is not None and found.text else None


def _float(element: Element, path: str) -> float | None:
    text = _text(element, path)
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def parse_tcx(data: bytes) -> ActivitySummary:
    root = _safe_xml(data, "TCX")
    activity = root.find("{*}Activities/{*}Activity")
    if activity is None:
        raise ActivityFileError("the TCX file holds no activity")
    samples: list[Sample] = []
    laps: list[Lap] = []
    lap_hr: list[tuple[float, float]] = []
    for lap in activity.findall("{*}Lap"):
        seconds = _float(lap, "{*}TotalTimeSeconds") or 0.0
        laps.append(Lap(seconds=seconds, distance_m=_float(lap, "{*}DistanceMeters") or 0.0))
        hr = _float(lap, "{*}AverageHeartRateBpm/{*}Value")
        if hr:
            lap_hr.append((hr, seconds))
        for point in lap.iter("{*}Trackpoint"):
            at = _time(_text(point, "{*}Time"))
            if at is None:
                continue
            hr_point = _float(point, "{*}HeartRateBpm/{*}Value")
            samples.append(
                Sample(
                    at=at,
                    distance_m=_float(point, "{*}DistanceMeters"),
                    altitude_m=_float(point, "{*}AltitudeMeters"),
                    heart_rate=int(hr_point) if hr_point else None,
                )
            )
    if not laps:
        raise ActivityFileError("the TCX activity has no laps")
    started = _time(_text(activity, "{*}Id")) or _time(_lap_start(activity))
    # The time from the first sample to the last (pauses included), as for FIT and GPX; the
    # laps' own total leaves pauses out, so it serves only a file without samples.
    elapsed = None if len(samples) >= 2 else sum(lap.seconds for lap in laps) or None
    total_lap_s = sum(s for _, s in lap_hr)
    return summarise(
        samples=samples,
        laps=laps,
        file_sport=activity.get("Sport"),
        started_at=started,
        elapsed_seconds=elapsed,
        distance_m=sum(lap.distance_m for lap in laps) or None,
        avg_heart_rate=(sum(h * s for h, s in lap_hr) / total_lap_s) if total_lap_s else None,
    )


def _lap_start(activity: Element) -> str | None:
    lap = activity.find("{*}Lap")
    return lap.get("StartTime") if lap is not None else None
