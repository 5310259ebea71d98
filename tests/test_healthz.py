from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = pytest.mark.django_db


def test_healthy_with_eager_tasks(client, celery_conf):
    celery_conf.task_always_eager = True
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_database_unreachable_answers_503(client, monkeypatch, celery_conf):
    celery_conf.task_always_eager = True

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "unreachable", "broker": "eager"}


def test_broker_unreachable_is_reported_but_the_site_stays_up(client, use_broker):
    # Port 9 (discard) has nothing listening on a test machine.
    use_broker("redis://127.0.0.1:9/0")
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unreachable"}


def test_only_get_is_allowed(client):
    assert client.post("/healthz").status_code == 405
