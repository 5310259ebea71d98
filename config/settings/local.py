"""Development on a laptop: debug on, SQLite and in-process tasks unless told otherwise."""

from config.env import env_bool

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = env_bool("DJANGO_DEBUG", True)
# Under DEBUG a missing page shows our own 404 page, as in production; set DJANGO_DEBUG_404=1
# for Django's technical page, which lists every URL pattern (web/errors.py).
DEBUG_TECHNICAL_404 = env_bool("DJANGO_DEBUG_404", False)
# Serve static files straight from their folders, without a collectstatic step.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
