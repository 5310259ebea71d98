"""The test suite: fast hashing, mail kept in memory, tasks eager unless a test says otherwise.

``DATABASE_URL`` and ``CELERY_BROKER_URL`` are still read, so CI runs the same suite on
PostgreSQL and Redis; the Celery integration tests switch eager mode off themselves.
"""

from .base import *  # noqa: F403

DEBUG = False
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
