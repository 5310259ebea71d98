"""Symptom reports as records: read only in the admin, in her data export, gone with her."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from athletes.services import athlete_erase
from checkins.models import SymptomReport, WarningFlag
from checkins.services import symptom_report_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(athlete) -> SymptomReport:
    return symptom_report_submit(
        athlete=athlete,
        data={"urgency": True, "pain": 3, "pain_location": "hip", "notes": "On the stairs"},
        by=athlete.user,
    )


@pytest.fixture
def admin_client(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_the_admin_lists_reports_with_her_symptoms_and_pain(admin_client, report):
    response = admin_client.get(reverse("admin:checkins_symptomreport_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Lind" in html
    assert "urgency" in html
    assert 'href="?urgency__exact=1"' in html  # filtered by symptom


def test_the_admin_shows_a_report_read_only_and_adds_none(admin_client, report):
    change = reverse("admin:checkins_symptomreport_change", args=[report.pk])

    page = admin_client.get(change)
    posted = admin_client.post(change, {"pain": 9, "notes": "Changed"})
    add = admin_client.get(reverse("admin:checkins_symptomreport_add"))

    assert page.status_code == 200
    assert 'name="pain"' not in page.content.decode()
    assert posted.status_code == 403
    assert add.status_code == 403
    report.refresh_from_db()
    assert (report.pain, report.notes) == (3, "On the stairs")


def test_her_data_export_carries_her_reports_as_the_api_shows_them(
    coach_client, coach_api, athlete, report
):
    response = coach_client.get(reverse("plans:athlete_export", args=[athlete.pk]))

    assert response.status_code == 200
    api = coach_api.get(reverse("api:athlete-symptom-reports", args=[athlete.pk])).json()
    exported = json.loads(response.content)["symptom_reports"]
    assert exported == api["results"]
    assert exported[0]["urgency"] is True
    assert exported[0]["pain_location"] == "hip"
    assert [f["rule"] for f in exported[0]["flags"]] == ["pelvic_floor", "pain"]


def test_erasing_her_erases_her_reports_and_their_flags(athlete, coach, report):
    athlete_erase(athlete=athlete, by=coach)

    assert SymptomReport.objects.count() == 0
    assert WarningFlag.objects.count() == 0


@pytest.mark.parametrize("pain", [11, 200])
def test_the_database_refuses_pain_out_of_range(athlete, pain):
    with pytest.raises(IntegrityError), transaction.atomic():
        SymptomReport.objects.create(
            athlete=athlete, reported_at=timezone.now(), week=athlete.today(), pain=pain
        )

    assert SymptomReport.objects.count() == 0
