"""The backup procedure of SECURITY.md, proven: ``pg_dump -Fc`` of a database holding an athlete,
``pg_restore`` into a new empty database, and the app served from the restored copy (gunicorn
with ``gunicorn.conf.py``) answers the API and her calendar feed with her data.

PostgreSQL only: on SQLite there is nothing to dump this way (the test says so when skipped).
Under ``CI=true`` a missing ``pg_dump``/``pg_restore`` fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from athletes import services as athlete_services
from athletes.models import Role, User
from checkins.models import WeeklyCheckIn
from plans import services as plan_services
from tests.conftest import missing_service
from tests.factories import AthleteFactory
from web.weeks import monday_of

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "backup and restore are PostgreSQL's (pg_dump/pg_restore); this run is on "
            f"{connection.vendor}: set DATABASE_URL=postgres://... to run it"
        )
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            missing_service(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    return connection.settings_dict


def libpq_env(db: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=db["HOST"] or "localhost", PGPORT=str(db["PORT"] or 5432))
    env.update(PGUSER=db["USER"] or "postgres")
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def admin_sql(db: dict, sql: str) -> None:
    """CREATE/DROP DATABASE, from the server's maintenance database."""
    with psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or "localhost",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str = "") -> tuple[int, bytes]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - localhost
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_dump_restored_into_an_empty_database_is_served(postgres, tmp_path):
    db = postgres
    coach = User.objects.create_user(
        "backup.coach@example.org", "a-long-passphrase-1", role=Role.COACH, name="Bea"
    )
    athlete = AthleteFactory(coach=coach, first_name="Restora", last_name="Dumpling")
    last_week = monday_of(athlete.today()) - timedelta(weeks=1)
    WeeklyCheckIn.objects.create(
        athlete=athlete,
        week=last_week,
        submitted_by=coach,
        sessions_completed=3,
        run_minutes=0,
        walk_minutes=95,
        longest_session_minutes=35,
        effort=4,
        energy=4,
        sleep_hours=6,
        sleep_quality=3,
        mood=4,
        stress=2,
        soreness=1,
        pain=0,
    )
    _, raw_token = athlete_services.api_token_create(user=coach, name="backup test")
    feed = plan_services.calendar_token(plan_services.calendar_feed(athlete=athlete))
    env = libpq_env(db)
    dump = tmp_path / "stridewise.dump"
    restored = f"{db['NAME']}_restored_{uuid.uuid4().hex[:8]}"

    # The procedure of SECURITY.md: a custom-format dump, restored into a new empty database.
    subprocess.run(  # noqa: S603 - a fixed command on the test database
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), db["NAME"]],  # noqa: S607
        env=env,
        check=True,
        timeout=120,
    )
    assert dump.stat().st_size > 0
    admin_sql(db, f'CREATE DATABASE "{restored}"')
    server = None
    try:
        subprocess.run(  # noqa: S603 - a fixed command on a database we just created
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump)],  # noqa: S607
            env=env,
            check=True,
            timeout=120,
        )
        port = free_port()
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        server_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": (
                f"postgres://{db['USER'] or 'postgres'}{password}@{db['HOST'] or 'localhost'}:"
                f"{db['PORT'] or 5432}/{restored}?conn_max_age=0"
            ),
        }
        server = subprocess.Popen(  # noqa: S603 - our interpreter, our app
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-3000:]
            try:
                status, body = get(base + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert (status, json.loads(body)["database"]) == (200, "ok")

        status, body = get(base + "/api/v1/athletes/", raw_token)
        assert status == 200, body
        names = [(a["first_name"], a["last_name"]) for a in json.loads(body)["results"]]
        assert names == [("Restora", "Dumpling")]
        status, body = get(f"{base}/api/v1/athletes/{athlete.pk}/checkins/", raw_token)
        assert status == 200, body
        weeks = [(c["week"], c["walk_minutes"]) for c in json.loads(body)["results"]]
        assert weeks == [(last_week.isoformat(), 95)]
        status, body = get(f"{base}/calendar/{feed}.ics")
        assert status == 200
        assert b"X-WR-CALNAME:Restora's running plan" in body
        assert body.count(b"BEGIN:VEVENT") > 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        admin_sql(db, f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
