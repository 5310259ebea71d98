"""The pieces of erasure on their own: an upload that fails leaves no file, the nightly sweep
removes the files of uploads rolled back later, her sessions end (and nobody else's)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError
from django.test import Client

from athletes import erasure, services
from athletes.models import Clearance
from athletes.tasks import sweep_orphan_documents
from tests.athletes import samples
from tests.athletes.records import stored_files


def record(athlete, coach, name: str = "letter.pdf") -> Clearance:
    return services.clearance_create(
        athlete=athlete,
        data={
            "cleared_on": athlete.today(),
            "clinician_name": "Dr Reid",
            "clinician_role": "gp",
            "scope": "running",
        },
        document=samples.upload(name, samples.PDF),
        by=coach,
    )


def test_an_upload_whose_row_fails_leaves_no_file(athlete, coach):
    with (
        mock.patch.object(services, "athlete_touch", side_effect=IntegrityError("boom")),
        pytest.raises(IntegrityError),
    ):
        record(athlete, coach)

    assert stored_files() == set()


@pytest.fixture
def media(tmp_path, monkeypatch) -> FileSystemStorage:
    storage = FileSystemStorage(location=tmp_path / "private_media", base_url=None)
    monkeypatch.setattr(Clearance._meta.get_field("document"), "storage", storage)
    return storage


def age(storage: FileSystemStorage, name: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(storage.path(name), (then, then))


def test_the_sweep_removes_old_orphans_and_their_empty_folders_only(athlete, coach, media):
    kept = record(athlete, coach)
    age(media, kept.document.name, 48)
    old = media.save("clearances/999/rolled-back.pdf", ContentFile(samples.PDF))
    age(media, old, 2)
    young = media.save(f"clearances/{athlete.pk}/in-flight.pdf", ContentFile(samples.PDF))

    assert sweep_orphan_documents() == 1
    assert sweep_orphan_documents() == 0

    root = Path(media.location)
    assert not (root / "clearances/999").exists()
    assert (root / kept.document.name).exists()
    assert (root / young).exists()


def test_erasing_her_folder_takes_every_file_and_the_folder(athlete, coach, media):
    record(athlete, coach)
    media.save(f"clearances/{athlete.pk}/nested/odd.pdf", ContentFile(samples.PDF))
    other = media.save("clearances/12345/theirs.pdf", ContentFile(samples.PDF))

    assert erasure.folder_erase(storage=media, folder=f"clearances/{athlete.pk}") == 2
    assert erasure.folder_erase(storage=media, folder=f"clearances/{athlete.pk}") == 0

    root = Path(media.location)
    assert not (root / f"clearances/{athlete.pk}").exists()
    assert (root / other).exists()


def test_her_sessions_end_in_the_table_and_the_cache_and_nobody_else_s(athlete, coach):
    hers = [Client(), Client()]
    for client in hers:
        client.force_login(athlete.user)
    coachs = Client()
    coachs.force_login(coach)
    Session.objects.create(
        session_key="corrupt0000000000000000000000000",
        session_data="not base64 at all",
        expire_date=athlete.created_at + timedelta(days=30),
    )
    her_keys = [client.session.session_key for client in hers]

    assert erasure.sessions_erase(user_id=athlete.user_id) == 2

    for key in her_keys:
        assert not Session.objects.filter(session_key=key).exists()
        assert SessionStore(session_key=key).load() == {}
    assert Session.objects.filter(session_key=coachs.session.session_key).exists()
    assert Session.objects.filter(session_key="corrupt0000000000000000000000000").exists()
