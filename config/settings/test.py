"""The test suite: fast hashing, mail kept in memory, tasks eager unless a test says otherwise.

``DATABASE_URL`` and ``CELERY_BROKER_URL`` are still read, so CI runs the same suite on
PostgreSQL and Redis; the Celery integration tests switch eager mode off themselves.
"""

import os

from .base import *  # noqa: F403

DEBUG = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory: threads in the tests (a Celery worker, concurrent submits, the
    # live server) then share the database with ordinary locking.
    # One file per test process, so two test runs in one checkout never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")  # noqa: F405
    }
SECRET_KEY = "test-secret-key-not-used-anywhere-else"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}

# Serve static files through the finders (no collectstatic step outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
