"""``GET, POST /api/v1/athletes/{id}/activities/`` (SPEC §9, §13)."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity
from activities.sources import MAX_ARCHIVE_MEMBERS, MAX_FILE_BYTES
from tests.sql import written_tables

from .files import RUN_WALK_8, fit_activity, gpx_activity, gz, tcx_activity, zip_of

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def url(athlete) -> str:
    return reverse("api:athlete-activities", args=[athlete.pk])


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post(client, athlete, *files: SimpleUploadedFile):
    return client.post(url(athlete), {"file": list(files)}, format="multipart")


def activity_body(activity: Activity, *, started_at: str) -> dict:
    return {
        "id": activity.pk,
        "athlete": activity.athlete_id,
        "started_at": started_at,
        "local_date": activity.local_date.isoformat(),
        "sport": activity.sport,
        "elapsed_minutes": round(activity.elapsed_seconds / 60, 1),
        "moving_minutes": round(activity.moving_seconds / 60, 1),
        "distance_m": activity.distance_m,
        "elevation_gain_m": activity.elevation_gain_m,
        "run_minutes": round(activity.run_seconds / 60, 1),
        "walk_minutes": round(activity.walk_seconds / 60, 1),
        "avg_heart_rate": activity.avg_heart_rate,
        "source": "file",
        "uploaded_by": activity.uploaded_by_id,
        "created_at": activity.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def test_the_athlete_uploads_a_run_walk_fit(athlete_api, athlete):
    response = post(athlete_api, athlete, upload("morning.fit", fit_activity(START, RUN_WALK_8)))

    assert response.status_code == 201, response.json()
    activity = Activity.objects.get()
    assert (activity.athlete, activity.uploaded_by) == (athlete, athlete.user)
    assert activity.sport == "run"
    assert (activity.run_seconds, activity.walk_seconds) == (480, 960)
    assert activity.local_date.isoformat() == "2026-03-02"
    assert response.json() == {
        "imported": 1,
        "duplicates": 0,
        "refused": 0,
        "results": [
            {
                "name": "morning.fit",
                "status": "imported",
                "detail": "Imported.",
                # Europe/London in March: UTC.
                "activity": activity_body(activity, started_at="2026-03-02T07:00:00+00:00"),
            }
        ],
    }


def test_the_same_activity_twice_is_stored_once_and_said_so(coach_api, athlete):
    data = fit_activity(START, RUN_WALK_8)
    post(coach_api, athlete, upload("a.fit", data))

    response = post(coach_api, athlete, upload("a-again.fit", data))

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "name": "a-again.fit",
            "status": "duplicate",
            "detail": "Already imported: this activity is stored once.",
            "activity": None,
        }
    ]
    assert Activity.objects.count() == 1


def test_the_same_activity_as_fit_and_gpx_in_one_upload_is_stored_once(coach_api, athlete):
    response = post(
        coach_api,
        athlete,
        upload("a.fit", fit_activity(START, RUN_WALK_8)),
        upload("a.gpx", gpx_activity(START, RUN_WALK_8)),
    )

    assert [r["status"] for r in response.json()["results"]] == ["imported", "duplicate"]
    assert Activity.objects.count() == 1


def test_the_database_refuses_a_second_copy_too(athlete):
    from django.db import IntegrityError, transaction

    fields = {
        "athlete": athlete,
        "started_at": START,
        "local_date": START.date(),
        "sport": "run",
        "elapsed_seconds": 600,
        "moving_seconds": 600,
        "distance_m": 1000,
        "elevation_gain_m": 0,
        "run_seconds": 600,
        "walk_seconds": 0,
    }
    Activity.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(**fields)


def test_a_strava_archive_imports_its_fit_gz_and_gpx_and_leaves_the_rest(athlete_api, athlete):
    archive = zip_of(
        {
            "activities.csv": b"Activity ID,Activity Date\n1,2 Mar 2026\n",
            "profile.csv": b"name\nAnna\n",
            "activities/1001.fit.gz": gz(fit_activity(START, RUN_WALK_8)),
            "activities/1002.gpx": gpx_activity(
                START + timedelta(days=2), [(2700, 3500.0)], kind=None
            ),
            "activities/1003.tcx.gz": gz(tcx_activity(START + timedelta(days=4), RUN_WALK_8)),
            "media/photo.jpg": b"\xff\xd8\xff" + b"0" * 100,
        }
    )

    response = post(athlete_api, athlete, upload("export_1234.zip", archive))

    assert response.status_code == 201
    body = response.json()
    assert (body["imported"], body["duplicates"], body["refused"]) == (3, 0, 0)
    assert [(r["name"], r["status"]) for r in body["results"]] == [
        ("export_1234.zip › activities/1001.fit.gz", "imported"),
        ("export_1234.zip › activities/1002.gpx", "imported"),
        ("export_1234.zip › activities/1003.tcx.gz", "imported"),
        ("export_1234.zip", "skipped"),
    ]
    assert body["results"][-1]["detail"] == "3 file(s) that are not activities"
    assert sorted(Activity.objects.values_list("local_date", "sport")) == [
        (START.date(), "run"),
        (START.date() + timedelta(days=2), "walk"),
        (START.date() + timedelta(days=4), "run"),
    ]


def test_a_garmin_export_with_zips_inside_imports(coach_api, athlete):
    inner = zip_of({"anna_123.fit": fit_activity(START, RUN_WALK_8)})
    archive = zip_of({"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner})

    response = post(coach_api, athlete, upload("garmin.zip", archive))

    assert response.status_code == 201
    assert response.json()["imported"] == 1


def test_a_corrupt_file_is_named_and_the_rest_still_imports(athlete_api, athlete):
    broken = bytearray(fit_activity(START, RUN_WALK_8))
    broken[300] ^= 0xFF
    archive = zip_of(
        {
            "activities/1.fit": bytes(broken),
            "activities/2.fit": fit_activity(START + timedelta(days=1), RUN_WALK_8),
        }
    )

    response = post(athlete_api, athlete, upload("export.zip", archive), upload("x.gpx", b"<gpx"))

    assert response.status_code == 201
    assert [(r["name"], r["status"], r["detail"]) for r in response.json()["results"]] == [
        (
            "export.zip › activities/1.fit",
            "refused",
            "Not imported: the FIT file is damaged (its checksum does not match).",
        ),
        ("export.zip › activities/2.fit", "imported", "Imported."),
        ("x.gpx", "refused", "Not imported: it is not a readable GPX file."),
    ]
    assert Activity.objects.count() == 1


def refused_and_nothing_written(response, detail: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["imported"] == 0
    assert [r["detail"] for r in body["results"] if r["status"] == "refused"] == [detail]
    assert not Activity.objects.exists()


def test_a_zip_bomb_is_refused_without_being_expanded(athlete_api, athlete, monkeypatch):
    bomb = zip_of({"activities/1.fit": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    read = []
    original = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        read.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)

    response = post(athlete_api, athlete, upload("bomb.zip", bomb))

    refused_and_nothing_written(
        response, "Not imported: it compresses suspiciously well (a zip bomb?)."
    )
    assert read == []  # judged from the sizes it declares: not one byte expanded


def test_a_gz_member_that_lies_is_cut_off_at_the_cap(athlete_api, athlete):
    # gzip declares nothing reliable: the expansion itself is capped (100 × its size).
    archive = zip_of({"activities/1.fit.gz": gz(b"\0" * (5 * 1024 * 1024))}, compression=0)

    response = post(athlete_api, athlete, upload("export.zip", archive))

    refused_and_nothing_written(
        response, "Not imported: it expands to more than we accept (25 MB)."
    )


def test_an_archive_that_would_expand_past_200_mb_is_refused_whole(athlete_api, athlete):
    members = {f"activities/{n}.gpx": b"\0" * (9 * 1024 * 1024) for n in range(23)}
    archive = zip_of(members)

    response = post(athlete_api, athlete, upload("huge.zip", archive))

    refused_and_nothing_written(
        response, "Not imported: the archive would expand to more than 200 MB."
    )


def test_an_archive_of_too_many_files_is_refused(athlete_api, athlete):
    archive = zip_of({f"{n}.txt": b"" for n in range(MAX_ARCHIVE_MEMBERS + 1)})

    response = post(athlete_api, athlete, upload("many.zip", archive))

    refused_and_nothing_written(response, "Not imported: the archive holds more than 2000 files.")


def test_an_oversized_file_is_refused(athlete_api, athlete):
    response = post(athlete_api, athlete, upload("big.gpx", b" " * (MAX_FILE_BYTES + 1)))

    refused_and_nothing_written(response, "Not imported: the file is larger than 25 MB.")


def test_an_entity_bomb_is_refused(athlete_api, athlete):
    bomb = b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>'

    response = post(athlete_api, athlete, upload("bomb.gpx", bomb))

    refused_and_nothing_written(
        response, "Not imported: the GPX file declares a DTD or entities, which are refused."
    )


def test_an_unknown_kind_of_file_is_refused_by_name(athlete_api, athlete):
    response = post(athlete_api, athlete, upload("notes.pdf", b"%PDF-1.4"))

    refused_and_nothing_written(
        response, "Not imported: it is not a .fit, .gpx, .tcx or .zip file."
    )
    assert response.json()["results"][0]["name"] == "notes.pdf"


@pytest.mark.parametrize(
    "payload",
    [{}, {"file": ""}, {"file": [SimpleUploadedFile("empty.fit", b"")]}],
    ids=["nothing", "not-a-file", "empty-file"],
)
def test_bad_input_is_a_400_and_writes_nothing(athlete_api, athlete, payload):
    with CaptureQueriesContext(connection) as queries:
        response = athlete_api.post(url(athlete), payload, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()
    assert written_tables(queries.captured_queries) == []


def test_another_coachs_athlete_is_404_and_nothing_written(coach_api, other_athlete):
    response = post(coach_api, other_athlete, upload("a.fit", fit_activity(START, RUN_WALK_8)))

    assert response.status_code == 404
    assert not Activity.objects.exists()
    assert coach_api.get(url(other_athlete)).status_code == 404


def test_another_athlete_is_404(athlete_api, other_athlete):
    response = post(athlete_api, other_athlete, upload("a.fit", fit_activity(START, RUN_WALK_8)))

    assert response.status_code == 404
    assert not Activity.objects.exists()


def test_signed_out_is_401(client, athlete):
    assert client.get(url(athlete)).status_code == 401


@pytest.mark.parametrize(
    ("zone", "local_date", "local_start"),
    [
        ("America/New_York", "2026-03-01", "2026-03-01T23:30:00-05:00"),
        ("Europe/Paris", "2026-03-02", "2026-03-02T05:30:00+01:00"),
    ],
)
def test_a_file_crossing_midnight_belongs_to_her_day(
    athlete_api, athlete, zone, local_date, local_start
):
    athlete.timezone = zone
    athlete.save()
    offset = timedelta(hours=-5)  # recorded in New York: Sunday 23:30 to Monday 00:30
    data = gpx_activity(datetime(2026, 3, 2, 4, 30, tzinfo=UTC), [(3600, 6500.0)], offset=offset)

    response = post(athlete_api, athlete, upload("late.gpx", data))

    activity = response.json()["results"][0]["activity"]
    assert (activity["local_date"], activity["started_at"]) == (local_date, local_start)


def make_activities(athlete, n: int) -> None:
    Activity.objects.bulk_create(
        Activity(
            athlete=athlete,
            started_at=START + timedelta(days=i),
            local_date=(START + timedelta(days=i)).date(),
            sport="walk",
            elapsed_seconds=1800,
            moving_seconds=1700,
            distance_m=2500,
            elevation_gain_m=12,
            run_seconds=0,
            walk_seconds=1700,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("n", [1, 30])
def test_the_list_is_newest_first_in_a_fixed_number_of_queries(
    coach_api, athlete, n, django_assert_num_queries
):
    make_activities(athlete, n)

    # User, the request's savepoint and its release, athlete, count, page, and the one
    # access-log row saying her activities were listed.
    with django_assert_num_queries(7):
        response = coach_api.get(url(athlete))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == n
    newest = Activity.objects.order_by("-started_at").first()
    local = newest.started_at.astimezone(athlete.tz).isoformat()
    assert body["results"][0] == activity_body(newest, started_at=local)


def truncations(data: bytes) -> list[bytes]:
    return [data[: len(data) * n // 7] for n in range(1, 7)]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        *[("cut.fit", d) for d in truncations(fit_activity(START, RUN_WALK_8))],
        *[("cut.gpx", d) for d in truncations(gpx_activity(START, RUN_WALK_8))],
        *[("cut.tcx", d) for d in truncations(tcx_activity(START, RUN_WALK_8))],
        ("noise.fit", bytes(range(256)) * 40),
        ("noise.fit.gz", gz(bytes(range(256)) * 40)),
        (
            "odd.gpx",
            b'<gpx><trk><trkseg><trkpt lat="x" lon="y"><time>soon</time></trkpt>'
            b"</trkseg></trk></gpx>",
        ),
        (
            "odd.tcx",
            b"<TrainingCenterDatabase><Activities><Activity><Lap><TotalTimeSeconds>"
            b"1e400</TotalTimeSeconds></Lap></Activity></Activities></TrainingCenterDatabase>",
        ),
        ("notgz.fit.gz", b"plain"),
        ("notzip.zip", b"PK\x03\x04 but not really a zip"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_damaged_files_are_refused_by_name_never_a_500(athlete_api, athlete, name, data):
    response = post(athlete_api, athlete, upload(name, data))

    assert response.status_code == 400
    (result,) = response.json()["results"]
    assert (result["name"], result["status"]) == (name, "refused")
    assert result["detail"].startswith("Not imported: ")
    assert not Activity.objects.exists()
