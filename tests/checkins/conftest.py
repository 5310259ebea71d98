"""Fixtures for the check-in tests: her profile and login, another coach's athlete, signed-in
clients, a clock that can be stopped, and recorders of ``checkin_committed`` and
``symptom_reported``."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from checkins.signals import checkin_committed, symptom_reported


@pytest.fixture
def stop_clock(monkeypatch):
    """Stop ``timezone.now()`` at an instant. ``Athlete.today()`` reads it through the
    ``django.utils.timezone`` module, so patching the module attribute reaches every caller."""

    def stop(instant: datetime) -> datetime:
        assert instant.tzinfo is not None
        monkeypatch.setattr(timezone, "now", lambda: instant)
        return instant

    return stop


@pytest.fixture
def committed():
    """Every ``checkin_committed`` sent during the test, as the keyword arguments it carried."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        kwargs.pop("signal", None)
        calls.append(kwargs)

    checkin_committed.connect(receiver, weak=False, dispatch_uid="tests-checkins-recorder")
    yield calls
    checkin_committed.disconnect(dispatch_uid="tests-checkins-recorder")


@pytest.fixture
def reported():
    """Every ``symptom_reported`` sent during the test, as the keyword arguments it carried."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        kwargs.pop("signal", None)
        calls.append(kwargs)

    symptom_reported.connect(receiver, weak=False, dispatch_uid="tests-symptoms-recorder")
    yield calls
    symptom_reported.disconnect(dispatch_uid="tests-symptoms-recorder")
