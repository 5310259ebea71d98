"""Erasure leaves nothing (GDPR art. 17, issue #13).

A maximal athlete is built through the product's own flows: every model that points at her
athlete or her login has rows, her documents are on disk (one from an upload whose
transaction rolled back), staff edited her in the admin, she and her coach opened her
records (access log), she has sessions, tokens, e-mail addresses and MFA. Her coach erases
her. Then every table Django knows (auto-created many-to-many tables and third-party apps
included) is read column by column, and the whole private media folder file by file, for her
names, her e-mail and her ids. One anonymous row may remain: "athlete #id erased".

A model added later that points at her is caught twice: ``test_the_maximal_athlete_has_rows_
everywhere`` asks for rows of it here, and the scan finds whatever it kept.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from auditlog.models import LogEntry as AccessLogEntry
from django.apps import apps
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from activities.services import activities_import
from activities.sources import UploadedFiles
from athletes import services
from athletes.mail import RenderedEmail, email_queue
from athletes.models import Athlete, Clearance, Role, User
from checkins import services as checkin_services
from checkins.models import CheckInRevision, EmailLog, WarningFlag
from plans import services as plan_services
from tests.activities.files import RUN_WALK_8, fit_activity
from tests.athletes import samples
from tests.checkins.factories import CheckInFactory
from tests.factories import AssessmentFactory, AthleteFactory, UserFactory
from web.weeks import monday_of

FIRST, LAST, EMAIL = "Zenobia", "Quillfeather", "zenobia.quill@example.net"
NEEDLES = (FIRST.lower(), LAST.lower(), EMAIL.lower(), "zenobia.quill")
PASSWORD = "correct-horse-battery"
# Her name inside the bytes of her documents, as a scanned letter would carry it.
LETTER = samples.PDF.replace(b"%%EOF", f"% Patient: {FIRST} {LAST}\n%%EOF".encode())

# Models that point at users in general but cannot hold a row for an athlete, with the
# reason. Anything else pointing at her athlete or her login must have rows in the build.
NOT_HERS = {
    "auth.Group_permissions": "groups hold permissions, not people",
    "athletes.User_groups": "athletes are never put in staff groups",
    "athletes.User_user_permissions": "athletes are never given admin permissions",
    "admin.LogEntry": "its user is the staff member who acted (her rows are checked by object)",
    "athletes.Athlete.coach": "her coach, never her",
    "athletes.Athlete.user": "her login and her profile are erased together",
}

# Relations that do not cascade: the person who acted, a coach or staff member (or she, on
# her own records, which go by their own cascade). Her login's deletion nulls them.
ACTORS = {
    "athletes.Clearance.recorded_by",
    "athletes.ReadinessAssessment.recorded_by",
    "athletes.Invitation.created_by",
    "auditlog.LogEntry.actor",
    "activities.Activity.uploaded_by",
    "checkins.WeeklyCheckIn.submitted_by",
    "checkins.CheckInRevision.revised_by",
    "checkins.SymptomReport.submitted_by",
    "conversations.Message.author",
    "checkins.WarningFlag.acknowledged_by",
    "checkins.WarningFlag.resolved_by",
    "plans.AuditEntry.actor",
    "plans.Decision.decided_by",
    "plans.PlanPause.lifted_by",
    "plans.PlanWeek.approved_by",
}


@pytest.fixture
def media(tmp_path, monkeypatch) -> FileSystemStorage:
    """The private storage on a real disk, so that folders exist and can be left behind."""
    storage = FileSystemStorage(location=tmp_path / "private_media", base_url=None)
    monkeypatch.setattr(Clearance._meta.get_field("document"), "storage", storage)
    return storage


def admin_change(client: Client, obj: models.Model, **changes: Any) -> None:
    """Submit the admin's change form of ``obj`` as a person would: every field (and every
    inline) as the page shows it, with ``changes`` applied."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data: dict[str, Any] = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(n): management[n].value() for n in management.fields}
        forms += list(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or getattr(field, "disabled", False):
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
                continue
            data[form.add_prefix(name)] = value
    data |= changes
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if (response.context) else response.status_code
    )


def build_her(coach: User, staff: User, media: FileSystemStorage) -> dict[str, Any]:
    athlete = AthleteFactory(
        coach=coach,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        goal=f"{FIRST} wants the Quillfeather trail race",
        notes=f"{FIRST} {LAST}: slow return, mind the pelvic floor.",
    )
    # Her login, through the invitation she accepts (her allauth EmailAddress comes with it).
    links: list[str] = []
    services.invitation_send(athlete=athlete, by=coach, accept_url=lambda t: links.append(t) or t)
    user = services.invitation_accept(token=links[0], email=EMAIL, password=PASSWORD)
    athlete.refresh_from_db()
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    _, her_token = services.api_token_create(user=user, name=f"{FIRST}'s phone")

    # Records, each carrying her name in its free text.
    record = {
        "cleared_on": athlete.today() - timedelta(days=3),
        "clinician_name": "Dr Jo Reid",
        "clinician_role": "gp",
        "scope": "running",
        "notes": f"Seen {FIRST} {LAST}.",
    }
    services.clearance_create(
        athlete=athlete,
        data=record,
        document=samples.upload(f"{LAST}-letter.pdf", LETTER),
        by=coach,
    )

    # An upload whose transaction rolled back after the file was written.
    def upload_then_fail() -> None:
        with transaction.atomic():
            services.clearance_create(
                athlete=athlete,
                data=record,
                document=samples.upload(f"{LAST}-second.pdf", LETTER),
                by=coach,
            )
            raise RuntimeError("the request failed later")

    with pytest.raises(RuntimeError):
        upload_then_fail()
    AssessmentFactory(athlete=athlete, notes=f"{FIRST} did well.")
    last_monday = monday_of(athlete.today()) - timedelta(weeks=1)
    checkin = CheckInFactory(
        athlete=athlete, week=last_monday, pain=4, notes=f"{FIRST} here, knees ok"
    )
    CheckInRevision.objects.create(
        checkin=checkin,
        values={"notes": f"{FIRST} first wrote this"},
        changed_fields=["notes"],
        revised_by=user,
    )
    WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="pain",
        severity="medium",
        week=last_monday,
        summary=f"{FIRST} reported pain 4/10.",
        evidence={"pain": 4, "who": FIRST},
    )
    checkin_services.symptom_report_submit(
        athlete=athlete, data={"urgency": True, "notes": f"{FIRST}: leaking"}, by=user
    )
    plan_services.decision_compute(
        athlete=athlete, for_week=monday_of(athlete.today()) + timedelta(weeks=1)
    )
    plan_services.calendar_feed(athlete=athlete)
    EmailLog.objects.create(kind="reminder", user=user, key=str(last_monday))
    # Her conversation with her coach, about that check-in.
    from conversations import services as conversation_services

    conversation_services.message_post(
        athlete=athlete, by=user, body=f"{FIRST} here: my knees ached.", checkin=checkin
    )
    conversation_services.message_post(
        athlete=athlete, by=coach, body=f"Thanks {FIRST}, let's keep it easy."
    )
    # An activity from her watch, uploaded by her in a file named after her (only its
    # numbers are kept).
    activities_import(
        athlete=athlete,
        source=UploadedFiles(
            [
                SimpleUploadedFile(
                    f"{FIRST}-{LAST}-run.fit",
                    fit_activity(timezone.now() - timedelta(days=2), RUN_WALK_8),
                )
            ]
        ),
        by=user,
    )
    # Her e-mail choices, and an e-mail to her still waiting in the outbox (the mail server
    # was down), naming her.
    services.notification_preferences_update(user=user, data={"messages": "hourly"})
    email_queue(
        key=f"test:waiting:{user.pk}",
        to=EMAIL,
        subject=f"For {FIRST}",
        rendered=RenderedEmail(text=f"Hello {FIRST} {LAST}", html=f"<p>Hello {FIRST}</p>"),
        recipient_id=user.pk,
    )

    # Staff edit her in the admin: the admin's own history names her.
    staff_client = Client()
    staff_client.force_login(staff)
    admin_change(staff_client, athlete, goal=f"{FIRST} {LAST}: a trail marathon")
    admin_change(staff_client, user, name=f"{FIRST} {LAST}")
    staff_client.get(reverse("admin:athletes_athlete_change", args=[athlete.pk]))

    # She and her coach open her records: the access log.
    her_client = Client()
    her_client.force_login(user)
    assert her_client.get(reverse("plans:my_week")).status_code == 200
    coach_client = Client()
    coach_client.force_login(coach)
    assert coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk])).status_code == 200
    clearance = athlete.clearances.get()
    download = coach_client.get(reverse("athletes:clearance_document", args=[clearance.pk]))
    assert download.status_code == 200
    # Through the API with her token: a list across athletes is logged on her own account.
    her_api = APIClient()
    her_api.credentials(HTTP_AUTHORIZATION=f"Token {her_token}")
    assert her_api.get("/api/v1/athletes/").status_code == 200
    assert her_api.get(f"/api/v1/athletes/{athlete.pk}/checkins/").status_code == 200
    assert her_api.get(f"/api/v1/athletes/{athlete.pk}/activities/").status_code == 200
    return {"athlete": athlete, "user": user, "sessions": [her_client.session.session_key]}


# --- the scan ---------------------------------------------------------------------------------


def _text_columns(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def _mentions(value: Any) -> bool:
    text = str(value).lower()
    return any(needle in text for needle in NEEDLES)


_ID_KEYS = re.compile(r"^(athlete|user|athlete_id|user_id|_auth_user_id)$")


def _json_ids(value: Any) -> list[Any]:
    """Values under id-like keys anywhere in a JSON document."""
    found: list[Any] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _ID_KEYS.match(str(key)) and not isinstance(item, dict | list):
                found.append(item)
            found += _json_ids(item)
    elif isinstance(value, list):
        for item in value:
            found += _json_ids(item)
    return found


def residue(athlete_id: int, user_id: int) -> list[str]:
    """Every place her name, e-mail or ids are still stored, as readable lines."""
    athlete_types = {
        ContentType.objects.get_for_model(Athlete).pk: str(athlete_id),
        ContentType.objects.get_for_model(User).pk: str(user_id),
    }
    hers = {Athlete: athlete_id, User: user_id}
    found: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        text_columns = _text_columns(model)
        id_columns = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in hers and f.concrete
        ]
        generic = {f.name for f in model._meta.concrete_fields} >= {"content_type"} and next(
            (n for n in ("object_pk", "object_id") if n in {f.name for f in model._meta.fields}),
            None,
        )
        for row in model._default_manager.all().iterator():
            where = f"{label} #{row.pk}"
            if model is AccessLogEntry and _is_the_anonymous_row(row, athlete_id):
                continue
            for field in text_columns:
                value = getattr(row, field.attname)
                if value not in (None, "") and _mentions(value):
                    found.append(f"{where}.{field.name} mentions her: {str(value)[:120]!r}")
                if isinstance(field, models.JSONField):
                    for item in _json_ids(value):
                        if str(item) in (str(athlete_id), str(user_id)):
                            found.append(f"{where}.{field.name} keeps her id: {value!r}")
            for field in id_columns:
                if getattr(row, field.attname) == hers[field.related_model]:
                    found.append(f"{where}.{field.name} points at her")
            if generic:
                kind = getattr(row, "content_type_id", None)
                if kind in athlete_types and str(getattr(row, generic)) == athlete_types[kind]:
                    found.append(f"{where} is about her {generic}={getattr(row, generic)}")
    for session in Session.objects.all():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            found.append(f"session {session.session_key[:6]}… is signed in as her")
    return found


def _is_the_anonymous_row(row: AccessLogEntry, athlete_id: int) -> bool:
    return (
        row.action == AccessLogEntry.Action.DELETE
        and row.content_type.model_class() is Athlete
        and row.object_pk == str(athlete_id)
        and (row.additional_data or {}).get("erased") is True
    )


def media_residue(storage: FileSystemStorage, athlete_id: int) -> list[str]:
    root = Path(storage.location)
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative == f"clearances/{athlete_id}" or relative.startswith(
            f"clearances/{athlete_id}/"
        ):
            found.append(f"{relative} is her folder")
        elif _mentions(relative):
            found.append(f"{relative} is named after her")
        elif path.is_file() and _mentions(path.read_bytes().decode("latin-1")):
            found.append(f"{relative} contains her name")
    return found


# --- the tests --------------------------------------------------------------------------------


@pytest.fixture
def world(db, coach, media, django_capture_on_commit_callbacks):
    staff = UserFactory(staff=True, is_superuser=True, email="staff@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        her = build_her(coach, staff, media)
    # Someone else's records stay exactly as they were.
    keeper = AthleteFactory(coach=coach, first_name="Kept", last_name="Else")
    with django_capture_on_commit_callbacks(execute=True):
        services.clearance_create(
            athlete=keeper,
            data={
                "cleared_on": keeper.today() - timedelta(days=3),
                "clinician_name": "Dr Jo Reid",
                "clinician_role": "gp",
                "scope": "running",
            },
            document=samples.upload("kept.pdf", samples.PDF),
            by=coach,
        )
    return {**her, "keeper": keeper, "coach": coach, "staff": staff}


def test_the_maximal_athlete_has_rows_everywhere(world, media):
    """Every model whose rows go with her athlete or her login (a cascade) holds rows for her
    here, so that the scan below proves their erasure; a relation that does not cascade
    must be an actor's ("who did it", nulled when her login goes) listed in ``ACTORS``. A
    new relation fails this until it is given rows or a reason."""
    athlete, user = world["athlete"], world["user"]
    hers = {Athlete: athlete.pk, User: user.pk}
    missing, unexplained = [], []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label in NOT_HERS:
            continue
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.related_model in hers):
                continue
            name = f"{model._meta.label}.{field.name}"
            if name in NOT_HERS:
                continue
            on_delete = getattr(field.remote_field, "on_delete", models.CASCADE)
            if on_delete is not models.CASCADE:
                if name not in ACTORS:
                    unexplained.append(name)
                continue
            if not model._default_manager.filter(
                **{field.attname: hers[field.related_model]}
            ).exists():
                missing.append(name)
    assert not missing, "Give the maximal athlete rows of: " + ", ".join(sorted(missing))
    assert not unexplained, (
        "These point at an athlete or a login without a cascade, so erasure leaves their rows; "
        "cascade, or list them in ACTORS with the reason: " + ", ".join(sorted(unexplained))
    )
    # And the traces erasure must remove are really there before it.
    assert residue(athlete.pk, user.pk)
    assert AdminLogEntry.objects.filter(object_repr__icontains=FIRST).exists()
    assert AccessLogEntry.objects.filter(additional_data__athlete=athlete.pk).count() >= 4
    assert AccessLogEntry.objects.filter(
        content_type__model="user", object_pk=str(user.pk), action=AccessLogEntry.Action.ACCESS
    ).exists()
    assert Session.objects.count() >= 1
    files = list(Path(media.location).rglob("*.pdf"))
    assert len([p for p in files if f"/clearances/{athlete.pk}/" in p.as_posix()]) == 2


def test_erasure_leaves_nothing_in_any_table_or_file(
    world, media, django_capture_on_commit_callbacks
):
    athlete, user, coach = world["athlete"], world["user"], world["coach"]
    athlete_id, user_id = athlete.pk, user.pk
    cached_sessions = [
        key for key in world["sessions"] if cache.get(f"django.contrib.sessions.cached_db{key}")
    ]
    assert cached_sessions  # her session is in the cache as well as the table
    coach_client = Client()
    coach_client.force_login(coach)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(
            reverse("athletes:athlete_erase", args=[athlete_id]),
            {"confirm_name": f"{FIRST} {LAST}"},
        )

    assert response.status_code == 302
    assert residue(athlete_id, user_id) == []
    assert media_residue(media, athlete_id) == []
    for key in cached_sessions:
        assert cache.get(f"django.contrib.sessions.cached_db{key}") is None
    # One anonymous row says who erased her and when.
    (row,) = AccessLogEntry.objects.filter(content_type__model="athlete", object_pk=str(athlete_id))
    assert row.actor == coach
    assert row.timestamp >= before
    assert row.additional_data["erased"] is True
    assert str(row) == f"Deleted athlete #{athlete_id}"
    # Nobody else lost anything.
    keeper = world["keeper"]
    assert Athlete.objects.filter(pk=keeper.pk).exists()
    assert keeper.clearances.get().document.name in {
        p.relative_to(media.location).as_posix() for p in Path(media.location).rglob("*.pdf")
    }
    assert User.objects.filter(pk=coach.pk, role=Role.COACH).exists()
    assert User.objects.filter(pk=world["staff"].pk).exists()


def test_the_scan_finds_what_a_careless_model_would_keep(world, media):
    """The scan is no formality: her name in any column, her id behind a foreign key or in a
    log's object reference, her folder on disk, each is reported."""
    athlete, user = world["athlete"], world["user"]
    lines = residue(athlete.pk, user.pk)
    assert any("athletes.Athlete" in line and "first_name" in line for line in lines)
    assert any("admin.LogEntry" in line and "object_repr" in line for line in lines)
    assert any("checkins.WeeklyCheckIn" in line and "points at her" in line for line in lines)
    assert any("auditlog.LogEntry" in line and "keeps her id" in line for line in lines)
    assert any("session" in line for line in lines)
    assert any("is her folder" in line for line in media_residue(media, athlete.pk))
