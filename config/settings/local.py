"""Development on a laptop: debug on, SQLite and in-process tasks unless told otherwise."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# Serve static files straight from STATICFILES_DIRS without a collectstatic step.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files through the finders (no collectstatic step outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
