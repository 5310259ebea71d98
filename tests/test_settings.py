"""Settings load in every mode and refuse bad values with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOAD = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run(module: str, code: str = LOAD, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "DJANGO_",
                "DATABASE_URL",
                "CELERY_",
                "EMAIL_",
                "CACHE_URL",
                "CHECKIN_",
                "TRUSTED_PROXY_COUNT",
                "COACH_MFA_REQUIRED",
                "ALLOW_",
                "SITE_URL",
            )
        )
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "env", "debug"),
    [
        ("config.settings.local", {}, "True"),
        ("config.settings.test", {}, "False"),
        (
            "config.settings.production",
            {
                "DJANGO_SECRET_KEY": "x" * 60,
                "DJANGO_ALLOWED_HOSTS": "coach.example.com",
                "SITE_URL": "https://coach.example.com",
            },
            "False",
        ),
    ],
)
def test_each_mode_loads(module, env, debug):
    result = run(module, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == debug


def test_defaults_are_sqlite_and_eager_tasks():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    result = run("config.settings.local", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_database_url_and_broker_are_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'], d['USER'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = run(
        "config.settings.local",
        code,
        DATABASE_URL="postgres://runner:secret@db.internal:6543/coach",
        CELERY_BROKER_URL="redis://queue:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "coach",
        "db.internal",
        "6543",
        "runner",
        "redis://queue:6379/0",
        "False",
    ]


def test_the_checkin_opening_weekday_is_friday_unless_the_environment_says_otherwise():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CHECKIN_OPENS_WEEKDAY)"
    )
    default = run("config.settings.local", code)
    saturday = run("config.settings.local", code, CHECKIN_OPENS_WEEKDAY="5")

    assert default.returncode == saturday.returncode == 0, default.stderr + saturday.stderr
    assert (default.stdout.strip(), saturday.stdout.strip()) == ("4", "5")


def test_one_trusted_proxy_count_for_allauth_and_drf_and_coach_mfa_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'], "
        "s.COACH_MFA_REQUIRED)"
    )
    default = run("config.settings.local", code)
    behind_one = run(
        "config.settings.local", code, TRUSTED_PROXY_COUNT="1", COACH_MFA_REQUIRED="true"
    )

    assert default.returncode == behind_one.returncode == 0, default.stderr + behind_one.stderr
    assert default.stdout.strip() == "0 0 False"
    assert behind_one.stdout.strip() == "1 1 True"


def test_production_requires_a_secret_key():
    result = run("config.settings.production", DJANGO_ALLOWED_HOSTS="coach.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_requires_the_public_address_for_links_in_e_mails():
    result = run(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="coach.example.com",
    )
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_site_url_is_read_without_its_trailing_slash():
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    default = run("config.settings.local", code)
    served = run("config.settings.local", code, SITE_URL="https://coach.example.org/")
    assert (default.stdout.strip(), served.stdout.strip()) == (
        "http://127.0.0.1:8000",
        "https://coach.example.org",
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be true or false"),
        ("DATABASE_URL", "mysql://localhost/coach", "DATABASE_URL must start with sqlite://"),
        ("DATABASE_URL", "postgres://localhost", "DATABASE_URL must name a database"),
        ("DATABASE_URL", "postgres://localhost:port/db", "DATABASE_URL has an invalid port"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
        ("EMAIL_USE_TLS", "sometimes", "EMAIL_USE_TLS must be true or false"),
        ("ACCOUNT_EMAIL_VERIFICATION", "later", "ACCOUNT_EMAIL_VERIFICATION must be"),
        ("CACHE_URL", "memcached://x", "CACHE_URL must be a redis:// URL"),
        ("CHECKIN_OPENS_WEEKDAY", "friday", "CHECKIN_OPENS_WEEKDAY must be a whole number"),
        ("CHECKIN_OPENS_WEEKDAY", "7", "CHECKIN_OPENS_WEEKDAY must be at most 6, not 7"),
        ("CHECKIN_OPENS_WEEKDAY", "-1", "CHECKIN_OPENS_WEEKDAY must be at least 0, not -1"),
        ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT must be a whole number"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be at least 0, not -1"),
        ("COACH_MFA_REQUIRED", "perhaps", "COACH_MFA_REQUIRED must be true or false"),
        ("SITE_URL", "coach.example.com", "SITE_URL must be an http:// or https:// address"),
        ("SITE_URL", "ftp://coach.example.com", "SITE_URL must be an http:// or https://"),
        ("SITE_URL", "https://coach.example.com/?x=1", "SITE_URL must be an http:// or https://"),
    ],
)
def test_bad_values_fail_at_start_naming_the_variable(variable, value, message):
    result = run("config.settings.local", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_passes_the_deployment_checklist():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "SITE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        DJANGO_ALLOWED_HOSTS="coach.example.com",
        SITE_URL="https://coach.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- DATABASE_URL through dj-database-url ---------------------------------------------------


def test_sqlite_urls_relative_absolute_and_memory(tmp_path):
    from config.env import database_from_url

    relative = database_from_url("sqlite:///db.sqlite3", base_dir=tmp_path)
    absolute = database_from_url("sqlite:////var/data/coach.sqlite3", base_dir=tmp_path)
    memory = database_from_url("sqlite://", base_dir=tmp_path)

    assert relative["ENGINE"] == "django.db.backends.sqlite3"
    assert relative["NAME"] == str(tmp_path / "db.sqlite3")
    assert absolute["NAME"] == "/var/data/coach.sqlite3"
    assert memory["NAME"] == ":memory:"
    # Writers queue for the lock rather than failing with "database is locked".
    assert relative["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}


def test_postgres_url_keeps_persistent_connections_test_name_and_driver_options(tmp_path):
    from config.env import database_from_url

    default = database_from_url("postgres://u:p%40ss@db:5433/coach", base_dir=tmp_path)
    tuned = database_from_url(
        "postgresql://u@db/coach?conn_max_age=0&test_name=coach_ci&sslmode=require"
        "&connect_timeout=5",
        base_dir=tmp_path,
    )

    assert default["ENGINE"] == tuned["ENGINE"] == "django.db.backends.postgresql"
    assert (default["NAME"], default["USER"], default["PASSWORD"]) == ("coach", "u", "p@ss")
    assert (default["HOST"], default["PORT"]) == ("db", "5433")
    assert default["CONN_MAX_AGE"] == 60
    assert default["CONN_HEALTH_CHECKS"] is True
    # The planner settings for a web app's small sorts (config.env.POSTGRES_SESSION_OPTIONS).
    assert default["OPTIONS"] == {
        "options": "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    }
    assert "TEST" not in default
    assert tuned["CONN_MAX_AGE"] == 0
    assert tuned["PORT"] == ""
    assert tuned["TEST"] == {"NAME": "coach_ci"}
    assert tuned["OPTIONS"] == {
        "options": "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1",
        "sslmode": "require",
        "connect_timeout": 5,
    }


def test_postgres_url_options_replace_the_planner_settings(tmp_path):
    from config.env import database_from_url

    own = database_from_url(
        "postgres://db/coach?options=-c%20random_page_cost%3D4", base_dir=tmp_path
    )

    assert own["OPTIONS"] == {"options": "-c random_page_cost=4"}


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_the_planner_settings_reach_the_session(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)


def test_database_url_conn_max_age_must_be_a_number(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import database_from_url

    with pytest.raises(ImproperlyConfigured, match="conn_max_age must be a whole number"):
        database_from_url("postgres://db/coach?conn_max_age=forever", base_dir=tmp_path)


# --- e-mail never in production's logs ------------------------------------------------------

PRODUCTION = {
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "coach.example.com",
    "SITE_URL": "https://coach.example.com",
}
BACKEND = (
    "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
)


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    ],
)
def test_production_refuses_to_print_or_file_e_mails(backend):
    refused = run("config.settings.production", BACKEND, EMAIL_BACKEND=backend, **PRODUCTION)
    allowed = run(
        "config.settings.production",
        BACKEND,
        EMAIL_BACKEND=backend,
        ALLOW_CONSOLE_EMAIL="true",
        **PRODUCTION,
    )

    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert "ALLOW_CONSOLE_EMAIL=true" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == backend


def test_production_sends_e_mail_over_smtp_by_default():
    result = run("config.settings.production", BACKEND, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_production_keeps_the_strict_content_security_policy():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print('csp.middleware.CSPMiddleware' in s.MIDDLEWARE, "
        "'config.security.PermissionsPolicyMiddleware' in s.MIDDLEWARE, "
        "' '.join(d['script-src']), ' '.join(d['style-src']), s.SECURE_CROSS_ORIGIN_OPENER_POLICY, "
        "'REPORT_ONLY' in str(getattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', '')))"
    )
    result = run("config.settings.production", code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "'self'", "'self'", "same-origin", "False"]
