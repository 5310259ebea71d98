"""The admin stores clearance documents through the same check as the coach's page and the API,
and never shows a storage link for them (there is no public URL for clinical documents)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Clearance, Role, User
from tests.athletes.records import everything, stored_files
from tests.athletes.samples import EXE_WITH_PDF_HEADER, PDF, PNG, TEXT, upload

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"
ADD = reverse("admin:athletes_clearance_add")


@pytest.fixture
def admin_client(password) -> Client:
    User.objects.create_user(
        "root@example.org",
        password,
        role=Role.COACH,
        name="Root",
        is_staff=True,
        is_superuser=True,
    )
    client = Client()
    assert client.login(email="root@example.org", password=password)
    return client


def form(athlete, **changes) -> dict:
    return {
        "athlete": str(athlete.pk),
        "cleared_on": athlete.today().isoformat(),
        "clinician_name": "Dr Reid",
        "clinician_role": "pelvic_health_physio",
        "scope": "running",
        "pelvic_health_assessed": "on",
        "expires_on": "",
        "notes": "",
        **changes,
    }


def change_url(clearance: Clearance) -> str:
    return reverse("admin:athletes_clearance_change", args=[clearance.pk])


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.html", HTML, "text/html"),
        ("letter.pdf", HTML, "application/pdf"),  # a page named like a PDF
        ("letter.pdf", EXE_WITH_PDF_HEADER, "application/pdf"),
        ("letter.txt", TEXT, "text/plain"),
        ("letter.png", PDF[:20], "image/png"),  # cut short: no end marker
    ],
)
def test_the_admin_refuses_a_file_that_is_not_a_document_and_stores_nothing(
    admin_client, athlete, name, content, content_type
):
    before = everything()

    response = admin_client.post(
        ADD, {**form(athlete), "document": upload(name, content, content_type)}
    )

    assert response.status_code == 200
    assert "Upload a PDF, PNG or JPEG file; this file is not one of those." in (
        response.content.decode()
    )
    assert everything() == before
    assert stored_files() == set()


def test_the_admin_refuses_a_bad_file_on_an_existing_clearance_and_keeps_the_old_one(
    admin_client, athlete
):
    admin_client.post(ADD, {**form(athlete), "document": upload("first.pdf", PDF)})
    clearance = Clearance.objects.get()
    before = everything()

    response = admin_client.post(
        change_url(clearance), {**form(athlete), "document": upload("x.html", HTML, "text/html")}
    )

    assert response.status_code == 200
    assert "this file is not one of those" in response.content.decode()
    assert everything() == before


def test_the_admin_stores_a_document_as_the_coachs_page_does(admin_client, athlete):
    response = admin_client.post(
        ADD, {**form(athlete), "document": upload("Scan Anna Lind.png", PNG, "image/png")}
    )

    assert response.status_code == 302
    clearance = Clearance.objects.get()
    assert (clearance.document_name, clearance.document_content_type, clearance.document_size) == (
        "Scan Anna Lind.png",
        "image/png",
        len(PNG),
    )
    # The stored name never reuses the uploaded one (it may carry her name).
    assert re.fullmatch(rf"clearances/{athlete.pk}/[0-9a-f]{{32}}\.png", clearance.document.name)
    assert stored_files() == {clearance.document.name}


def test_the_admin_links_documents_through_the_protected_download_only(admin_client, athlete):
    admin_client.post(ADD, {**form(athlete), "document": upload("letter.pdf", PDF)})
    clearance = Clearance.objects.get()
    download = reverse("athletes:clearance_document", args=[clearance.pk])

    change = admin_client.get(change_url(clearance)).content.decode()
    athlete_page = admin_client.get(
        reverse("admin:athletes_athlete_change", args=[athlete.pk])
    ).content.decode()

    for page in (change, athlete_page):
        assert f'href="{download}"' in page
        assert clearance.document.name not in page  # no storage path, linked or not
    assert ">letter.pdf</a>" in change
    assert admin_client.get(download)["Content-Disposition"].startswith("attachment;")


def test_clearing_the_document_in_the_admin_clears_what_described_it(admin_client, athlete):
    admin_client.post(ADD, {**form(athlete), "document": upload("letter.pdf", PDF)})
    clearance = Clearance.objects.get()

    response = admin_client.post(change_url(clearance), {**form(athlete), "document-clear": "on"})

    assert response.status_code == 302
    clearance.refresh_from_db()
    assert (clearance.document.name, clearance.document_name, clearance.document_size) == (
        "",
        "",
        None,
    )
    page = admin_client.get(change_url(clearance)).content.decode()
    assert reverse("athletes:clearance_document", args=[clearance.pk]) not in page
