"""The Celery application. Settings come from Django's settings (prefix ``CELERY_``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("stridewise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
