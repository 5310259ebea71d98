"""The logs of a whole journey hold no health data and no secret (issue #13).

A coach signs up, signs out and in, enrols an athlete, searches the dashboard for her, invites
her; she accepts, sends a check-in with symptoms and a symptom report, makes her calendar link
and reads the feed; someone asks for a password reset and opens its link; the coach uses the
API with a token; forged calendar and invitation links answer 404. Everything Django's loggers
write goes through the handlers configured in ``LOGGING``, captured here; every request is
also written through gunicorn's access logger as ``gunicorn.conf.py`` configures it. Neither
output may hold her names, the e-mail addresses, a symptom word or any token.
"""

from __future__ import annotations

import io
import logging
import re
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from gunicorn.config import Config
from gunicorn.glogging import Logger

from athletes.models import Athlete
from config.gunicorn_logging import RedactingLogger
from config.logsafety import RedactSecrets, redact_path, redact_text
from plans import services as plan_services
from tests.checkins.factories import form_data
from web.weeks import monday_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]

ROOT = Path(__file__).resolve().parent.parent
COACH = {"email": "nia.coach@example.org", "name": "Nia Okonkwo-Coach"}
COACH_PASSWORD = "trail-and-tide-77"
HER = {
    "first_name": "Zelda",
    "last_name": "Quillfeather",
    "email": "zelda.quill@example.org",
    "timezone": "Europe/London",
    "delivery_type": "vaginal",
    "units": "km",
    "diastasis_recti": "unknown",
    "previous_births": "0",
}
HER_PASSWORD = "a-long-new-passphrase-2026"
SYMPTOM_WORDS = ["leakage", "heaviness", "pelvic", "bleeding", "urgency", "incontinence"]


@pytest.fixture
def configured_log_output():
    """The stream behind every handler ``LOGGING`` configures (the ones that redact)."""
    buffer = io.StringIO()
    handlers = {
        handler
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
        if isinstance(logger, logging.Logger)
        for handler in logger.handlers
        if any(isinstance(f, RedactSecrets) for f in handler.filters)
    }
    assert handlers, "LOGGING configures no redacting handler"
    saved = {handler: handler.setStream(buffer) for handler in handlers}
    yield buffer
    for handler, stream in saved.items():
        handler.setStream(stream)


@pytest.fixture
def requests_made(monkeypatch):
    """Every request any test client sends, with the response it got."""
    seen: list[tuple[dict, object]] = []
    original = Client.request

    def recording(self, **request):
        response = original(self, **request)
        seen.append((dict(response.wsgi_request.environ), response))
        return response

    monkeypatch.setattr(Client, "request", recording)
    return seen


def gunicorn_access_log(requests: list, logger_class: type, path: Path) -> str:
    """Each request written by ``logger_class`` configured from ``gunicorn.conf.py``."""
    cfg = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    cfg.set("accesslog", str(path))
    logger = logger_class(cfg)
    for environ, response in requests:
        environ = dict(environ)
        raw = quote(environ["PATH_INFO"], safe="/:@!$&'()*+,;=")
        if environ.get("QUERY_STRING"):
            raw += "?" + environ["QUERY_STRING"]
        environ["RAW_URI"] = raw
        headers = [
            (key[5:].replace("_", "-"), str(value))
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        resp = SimpleNamespace(
            status=f"{response.status_code} X",
            sent=len(getattr(response, "content", b"")),
            headers=list(response.items()),
        )
        logger.access(resp, SimpleNamespace(headers=headers), environ, timedelta(milliseconds=7))
    for handler in logger.access_log.handlers:
        handler.flush()
    text = path.read_text()
    # gunicorn's loggers are process-wide: leave them as they were found.
    for log in (logger.access_log, logger.error_log):
        log.handlers.clear()
        for f in [f for f in log.filters if isinstance(f, RedactSecrets)]:
            log.removeFilter(f)
    return text


def journey(django_capture_on_commit_callbacks) -> list[str]:
    """The whole journey; returns the secrets it met along the way (tokens, keys, cookies)."""
    secrets: list[str] = []
    coach = Client()
    response = coach.post(
        reverse("account_signup"),
        {**COACH, "password1": COACH_PASSWORD, "password2": COACH_PASSWORD},
    )
    assert response.status_code == 302, response.content[:500]
    coach.post(reverse("account_logout"))
    response = coach.post(
        reverse("account_login"), {"login": COACH["email"], "password": COACH_PASSWORD}
    )
    assert response.status_code == 302
    secrets.append(coach.cookies["sessionid"].value)

    delivery = (monday_of(coach_today()) - timedelta(weeks=16)).isoformat()
    response = coach.post(reverse("plans:athlete_create"), {**HER, "delivery_date": delivery})
    assert response.status_code == 302, errors(response)
    athlete = Athlete.objects.get(email=HER["email"])
    assert coach.get(f"/coach/?q={HER['last_name']}&stage=walk").status_code == 200
    assert coach.get(f"/coach/?q={HER['email']}").status_code == 200

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coach.post(reverse("athletes:invitation_send", args=[athlete.pk]))
    assert response.status_code == 302
    link = re.search(re.escape(settings.SITE_URL) + r"(/invite/[^/\s]+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    invitation_path = link.group(1)
    secrets.append(invitation_path.split("/")[2])

    her = Client()
    assert her.get(invitation_path).status_code == 200
    response = her.post(
        invitation_path,
        {"email": HER["email"], "password1": HER_PASSWORD, "password2": HER_PASSWORD},
    )
    assert response.status_code == 302, errors(response)
    secrets.append(her.cookies["sessionid"].value)

    athlete.refresh_from_db()
    week = monday_of(athlete.today())
    response = her.post(
        reverse("checkins:my_checkin"), form_data(week, leakage=True, heaviness=True, pain=4)
    )
    assert response.status_code == 302, errors(response)
    response = her.post(
        reverse("checkins:my_symptom_report_create"),
        {
            "pain": "5",
            "pain_location": "pelvic floor",
            "notes": "heaviness and leakage when running, some bleeding",
            "leakage": "on",
            "bleeding": "on",
        },
    )
    assert response.status_code == 302, errors(response)

    assert her.post(reverse("plans:my_calendar")).status_code == 302
    token = plan_services.calendar_token(plan_services.calendar_feed(athlete=athlete))
    secrets.append(token)
    assert her.get(f"/calendar/{token}.ics").status_code == 200
    assert her.get(f"/calendar/{token}.ics?name={HER['first_name']}").status_code == 200
    # Forged or mangled links answer 404 (Django logs no line for a 404; the access log has it).
    assert Client().get(f"/calendar/{token[:-3]}xyz.ics").status_code == 404
    assert Client().get(f"/invite/{secrets[1][:-4]}abcd/").status_code in (400, 404, 410)
    assert Client().get(f"/calendar/{token}.ics/{HER['last_name']}").status_code == 404

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes after the commit
        Client().post(reverse("account_reset_password"), {"email": HER["email"]})
    reset = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/[^/\s]+/)",
        mail.outbox[-1].body,
    )
    assert reset, mail.outbox[-1].body
    secrets.append(reset.group(1).split("/")[-2])
    stranger = Client()
    assert stranger.get(reset.group(1)).status_code in (200, 302)

    api = Client()
    response = api.post(
        "/api/v1/auth/token/",
        {"email": COACH["email"], "password": COACH_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    api_token = response.json()["token"]
    secrets.append(api_token)
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token}"}
    assert api.get(f"/api/v1/athletes/?search={HER['last_name']}", **auth).status_code == 200
    assert api.get(f"/api/v1/athletes/{athlete.pk}/", **auth).status_code == 200
    assert api.get(f"/api/v1/athletes/{athlete.pk}/checkins/", **auth).status_code == 200
    assert api.get("/api/v1/athletes/999999/", **auth).status_code == 404
    return secrets


def coach_today():
    return timezone.localdate()


def needles(secrets: list[str]) -> list[str]:
    return [
        HER["first_name"],
        HER["last_name"],
        HER["email"],
        "zelda.quill%40example.org",
        COACH["email"],
        "Okonkwo",
        *SYMPTOM_WORDS,
        *secrets,
    ]


def found(text: str, words: list[str]) -> list[str]:
    lower = text.lower()
    return [word for word in words if word.lower() in lower]


def test_a_whole_journey_leaves_no_health_data_or_secret_in_the_logs(
    configured_log_output, requests_made, django_capture_on_commit_callbacks, tmp_path
):
    secrets = journey(django_capture_on_commit_callbacks)
    assert len(secrets) == 6
    assert all(len(s) >= 16 for s in secrets)

    django_log = configured_log_output.getvalue()
    access_log = gunicorn_access_log(requests_made, RedactingLogger, tmp_path / "access.log")

    assert found(django_log, needles(secrets)) == []
    assert found(access_log, needles(secrets)) == []
    # The logs were written: the journey is in them, by id and redacted path.
    assert f"athlete created athlete={Athlete.objects.get().pk}" in django_log
    assert "Not Found" not in django_log  # no warning line per 404 (config.logsafety)
    assert '"GET /calendar/[redacted] HTTP/1.1" 404' in access_log
    assert '"GET /calendar/[redacted] HTTP/1.1" 200' in access_log
    assert '"GET /invite/[redacted] HTTP/1.1" 200' in access_log
    assert '"GET /accounts/password/reset/key/[redacted] HTTP/1.1"' in access_log
    assert '"GET /coach/ HTTP/1.1" 200' in access_log
    assert len(access_log.splitlines()) == len(requests_made)


def test_gunicorns_own_logger_would_have_leaked_them(
    requests_made, django_capture_on_commit_callbacks, tmp_path
):
    """The check above can fail: the same requests through gunicorn's stock logger (with the
    default access log format) carry the search, the e-mail and the tokens."""
    secrets = journey(django_capture_on_commit_callbacks)

    class Stock(Logger):
        def setup(self, cfg):
            cfg.set("access_log_format", Config().access_log_format)
            super().setup(cfg)

    stock = gunicorn_access_log(requests_made, Stock, tmp_path / "stock.log")

    assert set(found(stock, needles(secrets))) >= {
        HER["last_name"],
        HER["first_name"],
        secrets[1],  # the invitation
        secrets[3],  # the calendar feed
        secrets[4],  # the password reset key
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/calendar/abc.DEF-123:xyz.ics", "/calendar/[redacted]"),
        ("/calendar/abc.ics?name=Zelda", "/calendar/[redacted]"),
        ("/invite/eyJzIjoi:1tQ:abc/", "/invite/[redacted]"),
        ("/accounts/confirm-email/MQ:1t:abc/", "/accounts/confirm-email/[redacted]"),
        ("/accounts/password/reset/key/1-abc-def/", "/accounts/password/reset/key/[redacted]"),
        ("/coach/?q=Zelda+Quillfeather", "/coach/"),
        ("/coach/athletes/12/#notes", "/coach/athletes/12/"),
        ("/healthz", "/healthz"),
    ],
)
def test_redact_path(path, expected):
    assert redact_path(path) == expected


def test_redact_text_cleans_every_path_in_a_message():
    message = 'Not Found: /calendar/s3cret.ics "GET /coach/?q=Zelda HTTP/1.1" /invite/k3y/ ok'

    assert redact_text(message) == (
        'Not Found: /calendar/[redacted] "GET /coach/ HTTP/1.1" /invite/[redacted] ok'
    )


def test_the_access_logger_drops_cookies_authorisation_and_encoded_tokens(tmp_path):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/calendar/t0ken.ics",
        "RAW_URI": "/calendar%2Ft0ken%2Eics?who=Zelda",
        "QUERY_STRING": "who=Zelda",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": "https://coach.example.com/invite/k3y/?q=Zelda",
        "HTTP_COOKIE": "sessionid=s3ss10n",
        "HTTP_AUTHORIZATION": "Token t0k3n",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "a.log"))
    cfg.set(
        "access_log_format",
        '%(u)s "%(r)s" %(U)s %(q)s "%(f)s" %({cookie}i)s %({authorization}i)s '
        "%({raw_uri}e)s %({query_string}e)s %({user-agent}i)s",
    )
    logger = RedactingLogger(cfg)
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[("Set-Cookie", "sessionid=n3w")])
    req = SimpleNamespace(headers=[("COOKIE", "sessionid=s3ss10n"), ("USER-AGENT", "Mozilla/5.0")])

    logger.access(resp, req, environ, timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = (tmp_path / "a.log").read_text()
    for log in (logger.access_log, logger.error_log):
        log.handlers.clear()
        for f in [f for f in log.filters if isinstance(f, RedactSecrets)]:
            log.removeFilter(f)

    assert line.strip() == (
        '- "GET /calendar/[redacted] HTTP/1.1" /calendar/[redacted]  '
        '"https://coach.example.com/invite/[redacted]" - - - - Mozilla/5.0'
    )


def errors(response) -> str:
    return " | ".join(re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', response.content.decode()))


def test_django_logs_only_through_the_redacting_handler():
    """No handler of Django's defaults is left (mail_admins would send the request, body and
    cookies included, in an error report): Django's records reach the root's handlers."""
    for name in ("django", "django.request", "django.server", "django.security"):
        logger = logging.getLogger(name)
        assert logger.handlers == [], name
        assert logger.propagate, name
    root_handlers = logging.getLogger().handlers
    assert any(
        any(isinstance(f, RedactSecrets) for f in handler.filters) for handler in root_handlers
    )


def test_a_404_writes_no_log_line_and_other_errors_still_do(coach_client, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="django.request")
    assert coach_client.get("/coach/athletes/999999/").status_code == 404
    assert coach_client.get("/no-such-page/").status_code == 404
    assert [r for r in caplog.records if r.name == "django.request"] == []

    # A 4xx other than 404 is still logged (here a 405 on a POST-only route, by PUT).
    assert coach_client.put("/coach/flags/1/resolve/").status_code == 405
    assert [r.status_code for r in caplog.records if r.name == "django.request"] == [405]
