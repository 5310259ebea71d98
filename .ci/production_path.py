"""The production path, end to end, as CI runs it (issue: performance and a proven path).

Production settings, against PostgreSQL and Redis, with every process a deployment runs:
``collectstatic``, ``migrate``, gunicorn serving ``config.wsgi``, a Celery worker, Celery beat,
and an SMTP sink (``aiosmtpd``) standing in for the mail server. Then, over HTTP only, as a
coach's script would: ``/healthz`` is ok; the coach signs in for a token, enrols an athlete and
sends last week's check-in for her with a red-flag symptom; the real worker raises the flag
(seen through the API) and the coach's e-mail arrives at the sink. Everything is stopped at the
end, pass or fail; on failure each process's log is printed.

Run from the repository root with the virtualenv's Python: ``.venv/bin/python
.ci/production_path.py``. Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis
on 127.0.0.1:6379.
"""

from __future__ import annotations

import json
import mailbox
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# Overridable so that two checkouts on one machine do not share a database or a Redis db.
DB = os.environ.get("PRODUCTION_PATH_DB", "stridewise_production_path")
REDIS_DB = os.environ.get("PRODUCTION_PATH_REDIS_DB", "13")
HOST = "127.0.0.1"
COACH = ("path.coach@example.org", "a-long-coach-passphrase-2026")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []
        self.web_port, self.smtp_port = free_port(), free_port()
        self.maildir = workdir / "mail"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "production-path-only-" + "s3cr3t" * 8,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{DB}",
            "CELERY_BROKER_URL": f"redis://{HOST}:6379/{REDIS_DB}",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_USE_TLS": "false",
            "DEFAULT_FROM_EMAIL": "Stridewise <noreply@stridewise.test>",
            "SITE_URL": f"http://{HOST}:{self.web_port}",
            "PYTHONUNBUFFERED": "1",
        }

    def run(self, *args: str) -> None:
        subprocess.run(args, cwd=ROOT, env=self.env, check=True)

    def start(self, name: str, *args: str) -> None:
        log = self.workdir / f"{name}.log"
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append((name, proc, log))

    def stop(self) -> None:
        for _, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    def dump_logs(self) -> None:
        for name, proc, log in self.procs:
            print(f"\n--- {name} (exit {proc.poll()}) ---\n{log.read_text()[-4000:]}")

    def check_alive(self) -> None:
        for name, proc, _ in self.procs:
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited early with {proc.returncode}")

    # --- HTTP, as a client behind the TLS-terminating proxy ------------------------------------

    def call(self, method: str, path: str, body: dict | None = None, token: str = "") -> tuple:
        headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            f"http://{HOST}:{self.web_port}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()[:2000]


def wait_for(what: str, predicate, stack: Stack, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        try:
            result = predicate()
        except (OSError, urllib.error.URLError):
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def step(text: str) -> None:
    print(f"  - {text}", flush=True)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="production-path-"))
    stack = Stack(workdir)
    ok = False
    try:
        subprocess.run(["dropdb", "-h", HOST, "-U", "postgres", "--if-exists", DB], check=True)
        subprocess.run(["createdb", "-h", HOST, "-U", "postgres", DB], check=True)
        step("collectstatic and migrate under production settings")
        stack.run(PY, "manage.py", "collectstatic", "--noinput", "-v0")
        stack.run(PY, "manage.py", "migrate", "--noinput", "-v0")
        stack.run(
            PY,
            "manage.py",
            "shell",
            "-c",
            "from athletes.models import User, Role; "
            "from allauth.account.models import EmailAddress; "
            f"u = User.objects.create_user({COACH[0]!r}, {COACH[1]!r}, role=Role.COACH, "
            "name='Path Coach'); "
            "EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)",
        )

        step("start the SMTP sink, gunicorn, a Celery worker and Celery beat")
        mailbox.Maildir(str(stack.maildir), create=True)
        stack.start(
            "smtp",
            PY,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"{HOST}:{stack.smtp_port}",
            "-c",
            "aiosmtpd.handlers.Mailbox",
            str(stack.maildir),
        )
        stack.start(
            "gunicorn",
            PY,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "config.wsgi",
            "--bind",
            f"{HOST}:{stack.web_port}",
            "--workers",
            "2",
        )
        stack.start("worker", PY, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", "2")
        stack.start(
            "beat",
            PY,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "-l",
            "info",
            "-s",
            str(workdir / "beat-schedule"),
        )

        health = wait_for("/healthz", lambda: stack.call("GET", "/healthz")[0] == 200, stack)
        step(f"/healthz ok ({health})")

        status, body = stack.call(
            "POST", "/api/v1/auth/token/", {"email": COACH[0], "password": COACH[1]}
        )
        assert status in (200, 201), (status, body)
        token = body["token"]
        step("the coach signed in for a token")

        today = datetime.now(UTC).date()  # the athlete below lives in UTC
        delivery = today - timedelta(weeks=20)
        status, athlete = stack.call(
            "POST",
            "/api/v1/athletes/",
            {
                "first_name": "Path",
                "last_name": "Athlete",
                "email": "path.athlete@example.org",
                "delivery_date": delivery.isoformat(),
                "delivery_type": "vaginal",
                "timezone": "UTC",
            },
            token,
        )
        assert status == 201, (status, athlete)
        step(f"athlete #{athlete['id']} enrolled")

        # Last week's check-in is open all this week, whatever the day (SPEC §11).
        last_week = today - timedelta(days=today.weekday() + 7)
        status, checkin = stack.call(
            "POST",
            f"/api/v1/athletes/{athlete['id']}/checkins/",
            {
                "week": last_week.isoformat(),
                "sessions_completed": 3,
                "walk_minutes": 90,
                "effort": 4,
                "energy": 3,
                "sleep_hours": 6.5,
                "sleep_quality": 3,
                "mood": 4,
                "stress": 2,
                "soreness": 2,
                "pain": 0,
                "leakage": True,
            },
            token,
        )
        assert status == 201, (status, checkin)
        step(f"check-in #{checkin['id']} sent for the week of {last_week} with leakage")

        def flag_raised():
            status, body = stack.call("GET", f"/api/v1/flags/?athlete={athlete['id']}", None, token)
            return status == 200 and [f for f in body["results"] if f["severity"] == "high"]

        flags = wait_for("the worker to raise the flag", flag_raised, stack)
        step(f"the worker raised: {', '.join(f['rule'] for f in flags)}")

        def mail_arrived():
            box = mailbox.Maildir(str(stack.maildir), create=False)
            return [m for m in box if COACH[0] in (m["To"] or "")]

        messages = wait_for("the coach's e-mail at the SMTP sink", mail_arrived, stack)
        step(f"the coach's e-mail arrived: {messages[0]['Subject']!r}")

        # The logs of the processes hold no name, e-mail address, query string or secret token.
        secrets = ["Zebedee-Searched", "calendar-secret-0001", "invite-secret-0002"]
        stack.call("GET", "/coach/?q=Zebedee-Searched", token=token)
        stack.call("GET", "/calendar/calendar-secret-0001.ics")
        stack.call("GET", "/invite/invite-secret-0002/?next=/me/")
        time.sleep(1)  # let gunicorn flush its access log
        leaks = [
            (name, needle)
            for name, _, log in stack.procs
            if name != "smtp"
            for needle in [*secrets, "path.athlete@example.org", "Path Athlete", "leakage"]
            if needle in log.read_text()
        ]
        assert not leaks, f"found in the logs: {leaks}"
        access = (workdir / "gunicorn.log").read_text()
        assert '"GET /calendar/[redacted] HTTP/1.1" 404' in access, access[-2000:]
        assert '"GET /invite/[redacted] HTTP/1.1"' in access, access[-2000:]
        step("the logs hold no name, e-mail, search, symptom or secret token")
        stack.check_alive()
        ok = True
    finally:
        stack.stop()
        if not ok:
            stack.dump_logs()
        subprocess.run(["dropdb", "-h", HOST, "-U", "postgres", "--if-exists", DB], check=False)
        shutil.rmtree(workdir, ignore_errors=True)
    print("production path: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
