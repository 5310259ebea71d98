"""The coach's pages for athletes: profile forms, clearances and their private documents,
readiness assessments, invitations, erasure, the roster, and the walls between coaches."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from athletes import services
from athletes.models import (
    Athlete,
    Clearance,
    Invitation,
    ReadinessAssessment,
    Role,
    User,
)
from clinical.readiness import ASSESSMENT_ITEM_FIELDS
from tests.athletes import samples
from tests.athletes.records import document_storage, everything, stored_files
from tests.emails import assert_a_good_email
from tests.factories import (
    AssessmentFactory,
    AthleteFactory,
    ClearanceFactory,
    UserFactory,
    london_today,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "trail-and-tide-77"


# --- helpers ----------------------------------------------------------------------------------


def athlete_form(**changes) -> dict:
    """A complete, valid add/edit form as the browser posts it (unticked boxes are absent)."""
    data = {
        "first_name": "Mia",
        "last_name": "Stone",
        "email": "Mia.Stone@Example.org",
        "date_of_birth": "1991-04-02",
        "timezone": "Europe/Dublin",
        "units": "km",
        "delivery_date": (london_today() - timedelta(weeks=14)).isoformat(),
        "delivery_type": "caesarean_emergency",
        "perineal_tear_degree": "",
        "diastasis_recti": "yes",
        "prior_incontinence": "on",
        "breastfeeding": "on",
        "previous_births": "1",
        "years_running": "8",
        "prior_weekly_km": "42.5",
        "prior_longest_run_km": "50",
        "goal": "Return to a 50 km trail race",
        "notes": "Sleeps badly; twins.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def clearance_form(athlete: Athlete, **changes) -> dict:
    data = {
        "cleared_on": (athlete.today() - timedelta(days=2)).isoformat(),
        "clinician_name": "Dr Jo Reid",
        "clinician_role": "pelvic_health_physio",
        "scope": "running",
        "expires_on": "",
        "notes": "Cleared for run-walk.",
    }
    data.update(changes)
    return data


def assessment_form(athlete: Athlete, *, failed: tuple[str, ...] = (), **changes) -> dict:
    data = {
        "assessed_on": athlete.today().isoformat(),
        "assessed_by": "Jo Reid, pelvic health physio",
        "notes": "",
    }
    data.update({item: "on" for item in ASSESSMENT_ITEM_FIELDS if item not in failed})
    data.update(changes)
    return data


def field_tag(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def assert_error_beside(response, name: str, text: str) -> None:
    """The error is listed right after the field, which is marked invalid and points to it."""
    html = response.content.decode()
    tag = field_tag(html, name)
    assert 'aria-invalid="true"' in tag
    assert f"id_{name}_error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
    errors = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    assert errors, f"no error list beside {name}"
    assert text in unescape(errors.group(1))
    # Beside it: after the field and before the next field.
    between = html[html.index(tag) : errors.start()]
    assert " name=" not in between.replace(tag, "")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def download(client: Client, clearance: Clearance):
    response = client.get(reverse("athletes:clearance_document", args=[clearance.pk]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response, body


@pytest.fixture
def coach_client(client, coach) -> Client:
    client.force_login(coach)
    return client


@pytest.fixture
def mia(coach) -> Athlete:
    """An athlete with an e-mail address and no login yet."""
    return AthleteFactory(coach=coach, first_name="Mia", last_name="Stone", email="mia@ex.org")


def record_clearance(athlete: Athlete, by: User, document=None) -> Clearance:
    return services.clearance_create(
        athlete=athlete,
        data={
            "cleared_on": athlete.today(),
            "clinician_name": "Dr Jo Reid",
            "clinician_role": "gp",
            "scope": "running",
        },
        document=document,
        by=by,
    )


# --- profiles ---------------------------------------------------------------------------------


def test_the_add_form_has_a_label_for_every_field(coach_client):
    response = coach_client.get(reverse("plans:athlete_create"))

    assert response.status_code == 200
    html = response.content.decode()
    for name in athlete_form():
        if name == "diastasis_recti":
            assert 'name="diastasis_recti"' in html
            continue
        assert f'<label for="id_{name}"' in html, name
    assert "Baby&#x27;s date of birth" in html


def test_coach_adds_an_athlete_through_the_form_and_lands_on_her_page(coach_client, coach):
    response = coach_client.post(reverse("plans:athlete_create"), athlete_form())

    athlete = Athlete.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:athlete_overview", args=[athlete.pk])
    assert messages_of(response) == ["Mia Stone was added to your athletes."]
    assert athlete.coach == coach
    assert athlete.user is None
    assert (athlete.first_name, athlete.last_name, athlete.email) == (
        "Mia",
        "Stone",
        "mia.stone@example.org",
    )
    assert athlete.timezone == "Europe/Dublin"
    assert athlete.delivery_type == "caesarean_emergency"
    assert athlete.perineal_tear_degree is None
    assert (athlete.diastasis_recti, athlete.prior_incontinence, athlete.breastfeeding) == (
        "yes",
        True,
        True,
    )
    assert (athlete.prior_weekly_km, athlete.prior_longest_run_km) == (
        Decimal("42.5"),
        Decimal("50.0"),
    )
    assert athlete.goal == "Return to a 50 km trail race"
    assert athlete.archived is False

    page = coach_client.get(response["Location"])
    assert page.status_code == 200
    assert "14 weeks postpartum" in page.content.decode()


def test_coach_edits_an_athlete_profile(coach_client, mia):
    response = coach_client.post(
        reverse("athletes:athlete_edit", args=[mia.pk]),
        athlete_form(
            first_name="Mia",
            last_name="Stone-Hill",
            email="mia@ex.org",
            perineal_tear_degree="3",
            breastfeeding=None,
            goal="A 10 km road race",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:athlete_overview", args=[mia.pk])
    assert messages_of(response) == ["Profile saved."]
    mia.refresh_from_db()
    assert (mia.last_name, mia.perineal_tear_degree, mia.breastfeeding, mia.goal) == (
        "Stone-Hill",
        3,
        False,
        "A 10 km road race",
    )
    assert mia.is_oasi


def test_the_edit_form_shows_her_current_values(coach_client, mia):
    response = coach_client.get(reverse("athletes:athlete_edit", args=[mia.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Stone"' in field_tag(html, "last_name")
    assert f'value="{mia.delivery_date.isoformat()}"' in field_tag(html, "delivery_date")


def test_coach_archives_an_athlete_and_restores_her(coach_client, mia):
    archived = coach_client.post(
        reverse("athletes:athlete_archive", args=[mia.pk]), {"archived": "true"}
    )

    assert archived.status_code == 302
    assert archived["Location"] == reverse("plans:athlete_overview", args=[mia.pk])
    assert messages_of(archived) == ["Mia Stone was archived. Her records are kept."]
    mia.refresh_from_db()
    assert mia.archived is True
    assert roster_names(coach_client) == []

    restored = coach_client.post(
        reverse("athletes:athlete_archive", args=[mia.pk]), {"archived": "false"}
    )

    assert restored.status_code == 302
    assert messages_of(restored) == ["Mia Stone is back on your roster."]
    mia.refresh_from_db()
    assert mia.archived is False
    assert roster_names(coach_client) == ["Mia Stone"]


def test_archiving_needs_a_post_and_a_get_is_sent_to_her_page(coach_client, mia):
    response = coach_client.get(reverse("athletes:athlete_archive", args=[mia.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:athlete_overview", args=[mia.pk])
    mia.refresh_from_db()
    assert mia.archived is False


INVALID_PROFILES = [
    pytest.param(
        {"delivery_date": (london_today() + timedelta(days=2)).isoformat()},
        "delivery_date",
        "The birth date cannot be in the future.",
        id="future-delivery-date",
    ),
    pytest.param(
        {"timezone": "Mars/Olympus_Mons"},
        "timezone",
        "Select a valid choice. Mars/Olympus_Mons is not one of the available choices.",
        id="unknown-timezone",
    ),
    pytest.param(
        {"perineal_tear_degree": "5"},
        "perineal_tear_degree",
        "Select a valid choice. 5 is not one of the available choices.",
        id="tear-degree-5",
    ),
    pytest.param(
        {"prior_weekly_km": "-5"},
        "prior_weekly_km",
        "Ensure this value is greater than or equal to 0.",
        id="negative-km",
    ),
    pytest.param(
        {"date_of_birth": "2030-01-01"},
        "date_of_birth",
        "The date of birth must be in the past.",
        id="future-date-of-birth",
    ),
    pytest.param({"first_name": ""}, "first_name", "This field is required.", id="no-name"),
]


@pytest.mark.parametrize(("changes", "field", "message"), INVALID_PROFILES)
def test_an_invalid_new_profile_shows_the_error_beside_the_field_and_writes_nothing(
    coach_client, changes, field, message
):
    before = everything()

    response = coach_client.post(reverse("plans:athlete_create"), athlete_form(**changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert_error_beside(response, field, message)
    assert everything() == before
    assert not Athlete.objects.exists()


@pytest.mark.parametrize(("changes", "field", "message"), INVALID_PROFILES)
def test_an_invalid_edit_shows_the_error_beside_the_field_and_changes_nothing(
    coach_client, mia, changes, field, message
):
    before = everything()

    response = coach_client.post(
        reverse("athletes:athlete_edit", args=[mia.pk]), athlete_form(email="mia@ex.org", **changes)
    )

    assert response.status_code == 200
    assert_error_beside(response, field, message)
    assert everything() == before
    # The page header still shows her saved name, not the rejected input.
    assert "<title>Edit Mia Stone" in response.content.decode()


def test_a_second_athlete_with_the_same_email_is_refused(coach_client, mia):
    before = everything()

    response = coach_client.post(reverse("plans:athlete_create"), athlete_form(email="MIA@ex.org"))

    assert response.status_code == 200
    assert "You already have an athlete with this e-mail address." in unescape(
        response.content.decode()
    )
    assert everything() == before


# --- clearances and their documents -----------------------------------------------------------


def test_coach_records_a_clearance_without_a_document(coach_client, coach, mia):
    response = coach_client.post(
        reverse("athletes:clearance_create", args=[mia.pk]), clearance_form(mia, expires_on="")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:athlete_overview", args=[mia.pk])
    assert messages_of(response) == ["Clearance recorded."]
    clearance = Clearance.objects.get()
    assert clearance.athlete == mia
    assert clearance.recorded_by == coach
    assert (clearance.scope, clearance.clinician_role, clearance.expires_on) == (
        "running",
        "pelvic_health_physio",
        None,
    )
    assert not clearance.document
    assert stored_files() == set()
    page = coach_client.get(response["Location"]).content.decode()
    assert "Cleared: running" in page


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("Letter from GP.pdf", samples.PDF, "application/pdf", ".pdf"),
        ("scan.png", samples.PNG, "image/png", ".png"),
        ("photo.JPG", samples.JPEG, "image/jpeg", ".jpg"),
    ],
)
def test_coach_records_a_clearance_with_a_document(
    coach_client, mia, name, content, content_type, extension
):
    response = coach_client.post(
        reverse("athletes:clearance_create", args=[mia.pk]),
        {**clearance_form(mia), "document": samples.upload(name, content, "text/plain")},
    )

    assert response.status_code == 302
    clearance = Clearance.objects.get()
    assert clearance.document_name == name
    assert clearance.document_content_type == content_type
    assert clearance.document_size == len(content)
    # Stored under a random name (the uploaded one may carry personal data), privately.
    stored = clearance.document.name
    assert stored.startswith(f"clearances/{mia.pk}/")
    assert stored.endswith(extension)
    assert name.rsplit(".", 1)[0] not in stored
    assert stored_files() == {stored}
    with document_storage().open(stored) as handle:
        assert handle.read() == content
    page = coach_client.get(response["Location"]).content.decode()
    assert reverse("athletes:clearance_document", args=[clearance.pk]) in page


def test_a_document_is_typed_by_its_bytes_not_its_name(coach_client, mia):
    response = coach_client.post(
        reverse("athletes:clearance_create", args=[mia.pk]),
        {**clearance_form(mia), "document": samples.upload("letter.pdf", samples.PNG)},
    )

    assert response.status_code == 302
    clearance = Clearance.objects.get()
    assert clearance.document_content_type == "image/png"
    assert clearance.document.name.endswith(".png")


def test_a_document_of_exactly_10_mb_is_accepted(coach_client, mia):
    content = samples.oversized_pdf(10 * samples.MB)

    response = coach_client.post(
        reverse("athletes:clearance_create", args=[mia.pk]),
        {**clearance_form(mia), "document": samples.upload("big.pdf", content)},
    )

    assert response.status_code == 302
    assert Clearance.objects.get().document_size == 10 * samples.MB


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "big.pdf",
            samples.oversized_pdf(),
            "The file is 10.0 MB; the limit is 10 MB.",
            id="over-10-mb",
        ),
        pytest.param(
            "letter.pdf",
            samples.EXE,
            "Upload a PDF, PNG or JPEG file; this file is not one of those.",
            id="exe-renamed-pdf",
        ),
        pytest.param(
            "letter.pdf",
            samples.EXE_WITH_PDF_HEADER,
            "Upload a PDF, PNG or JPEG file; this file is not one of those.",
            id="exe-with-a-forged-pdf-first-line",
        ),
        pytest.param(
            "letter.pdf",
            samples.TEXT,
            "Upload a PDF, PNG or JPEG file; this file is not one of those.",
            id="text-renamed-pdf",
        ),
        pytest.param(
            "scan.png",
            samples.PNG[:20],
            "Upload a PDF, PNG or JPEG file; this file is not one of those.",
            id="truncated-png",
        ),
        pytest.param("empty.pdf", b"", "The submitted file is empty.", id="empty"),
    ],
)
def test_a_refused_document_gives_a_form_error_and_stores_nothing(
    coach_client, mia, name, content, message
):
    before = everything()

    response = coach_client.post(
        reverse("athletes:clearance_create", args=[mia.pk]),
        {**clearance_form(mia), "document": samples.upload(name, content)},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["document"]
    assert_error_beside(response, "document", message)
    assert everything() == before
    assert not Clearance.objects.exists()
    assert stored_files() == set()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"cleared_on": "2099-01-01"},
            "cleared_on",
            "The clearance date cannot be in the future.",
            id="future",
        ),
        pytest.param(
            {"cleared_on": "2000-01-01"},
            "cleared_on",
            "A postnatal clearance cannot predate the birth.",
            id="before-the-birth",
        ),
        pytest.param(
            {"expires_on": "2000-01-01"},
            "expires_on",
            "It cannot expire before it was given.",
            id="expires-before-given",
        ),
        pytest.param({"scope": "marathons"}, "scope", "Select a valid choice.", id="bad-scope"),
    ],
)
def test_an_invalid_clearance_shows_the_error_and_stores_nothing(
    coach_client, mia, changes, field, message
):
    before = everything()

    response = coach_client.post(
        reverse("athletes:clearance_create", args=[mia.pk]),
        {**clearance_form(mia, **changes), "document": samples.upload("a.pdf", samples.PDF)},
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in unescape(response.content.decode())
    assert everything() == before
    assert stored_files() == set()


@pytest.mark.parametrize("who", ["coach", "athlete_user", "staff"])
def test_the_document_is_served_as_an_attachment_to_its_coach_her_and_staff(
    client, request, coach, athlete, who
):
    clearance = record_clearance(athlete, coach, samples.upload("Dr Reid letter.pdf", samples.PDF))
    client.force_login(request.getfixturevalue(who))

    response, body = download(client, clearance)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Dr Reid letter.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert body == samples.PDF


def test_an_image_document_is_served_with_its_own_type(client, coach, athlete):
    clearance = record_clearance(athlete, coach, samples.upload("scan.jpeg", samples.JPEG))
    client.force_login(coach)

    response, body = download(client, clearance)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert body == samples.JPEG


@pytest.mark.parametrize("who", ["other_coach", "other_athlete_user"])
def test_the_document_is_hidden_from_another_coach_and_another_athlete(
    client, request, coach, athlete, other_athlete, who
):
    clearance = record_clearance(athlete, coach, samples.upload("letter.pdf", samples.PDF))
    client.force_login(request.getfixturevalue(who))

    response, body = download(client, clearance)

    assert response.status_code == 404
    assert samples.PDF not in body


def test_the_document_sends_an_anonymous_visitor_to_login(client, coach, athlete):
    clearance = record_clearance(athlete, coach, samples.upload("letter.pdf", samples.PDF))
    url = reverse("athletes:clearance_document", args=[clearance.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_a_clearance_without_a_document_has_nothing_to_download(client, coach, athlete):
    clearance = record_clearance(athlete, coach)
    client.force_login(coach)

    response, _ = download(client, clearance)

    assert response.status_code == 404


# --- readiness assessments --------------------------------------------------------------------


def test_coach_records_a_passed_assessment(coach_client, coach, mia):
    response = coach_client.post(
        reverse("athletes:assessment_create", args=[mia.pk]), assessment_form(mia)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:athlete_overview", args=[mia.pk])
    assert messages_of(response) == ["Assessment recorded: passed. It counts for 8 weeks."]
    assessment = ReadinessAssessment.objects.get()
    assert (assessment.athlete, assessment.recorded_by) == (mia, coach)
    assert assessment.passed is True
    assert assessment.items_passed == 11
    page = coach_client.get(response["Location"]).content.decode()
    assert "Readiness passed" in page


@pytest.mark.parametrize(
    ("failed", "symptoms"),
    [(("hop_in_place",), False), ((), True), (tuple(ASSESSMENT_ITEM_FIELDS), False)],
    ids=["one-item-missed", "symptoms", "nothing-passed"],
)
def test_coach_records_an_assessment_that_is_not_passed(coach_client, mia, failed, symptoms):
    data = assessment_form(mia, failed=failed)
    if symptoms:
        data["symptoms"] = "on"

    response = coach_client.post(reverse("athletes:assessment_create", args=[mia.pk]), data)

    assert response.status_code == 302
    assert messages_of(response) == [
        "Assessment recorded: not passed yet. Keep building strength and retest."
    ]
    assessment = ReadinessAssessment.objects.get()
    assert assessment.passed is False
    assert assessment.symptoms is symptoms
    assert assessment.items_passed == 11 - len(failed)
    assert "Readiness not passed" in coach_client.get(response["Location"]).content.decode()


def test_an_assessment_in_the_future_is_refused(coach_client, mia):
    before = everything()
    data = assessment_form(mia, assessed_on=(mia.today() + timedelta(days=1)).isoformat())

    response = coach_client.post(reverse("athletes:assessment_create", args=[mia.pk]), data)

    assert response.status_code == 200
    assert_error_beside(response, "assessed_on", "The assessment date cannot be in the future.")
    assert everything() == before


# --- invitations ------------------------------------------------------------------------------


def invite(client: Client, athlete: Athlete, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("athletes:invitation_send", args=[athlete.pk]))


def link_in(message) -> str:
    # Absolute, from SITE_URL, in both parts.
    match = re.search(re.escape(settings.SITE_URL) + r"(/invite/[^/\s]+/)", message.body)
    assert match is not None
    assert f'href="{settings.SITE_URL}{match.group(1)}"' in message.alternatives[0][0]
    assert match, message.body
    return match.group(1)


def accept(link: str, email: str = "mia@ex.org", **extra):
    client = Client()
    data = {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra}
    return client, client.post(link, data)


def test_coach_invites_the_athlete_by_email(
    coach_client, coach, mia, django_capture_on_commit_callbacks
):
    response = invite(coach_client, mia, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:athlete_overview", args=[mia.pk])
    assert messages_of(response) == [
        "Invitation sent to mia@ex.org. The link works once, for 14 days."
    ]
    invitation = Invitation.objects.get()
    assert (invitation.athlete, invitation.email, invitation.created_by) == (
        mia,
        "mia@ex.org",
        coach,
    )
    assert invitation.status == "pending"
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mia@ex.org"]
    assert message.subject == "Cora invited you to Stridewise"
    assert "Hello Mia," in message.body
    assert_a_good_email(message)
    token = link_in(message).split("/")[2]
    # Only a hash of the link's secret is stored.
    assert token not in invitation.secret_hash
    assert signing.loads(token, salt=services.INVITATION_SALT)["s"] not in str(
        Invitation.objects.values().get()
    )
    page = coach_client.get(response["Location"]).content.decode()
    assert "Waiting" in page


def test_accepting_the_invitation_creates_her_login_logs_her_in_and_lands_on_my_week(
    coach_client, mia, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    athlete_client = Client()

    form = athlete_client.get(link)
    response = athlete_client.post(
        link, {"email": "MIA@ex.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert form.status_code == 200
    assert "Welcome, Mia" in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:my_week")
    user = User.objects.get(email="mia@ex.org")
    assert (user.role, user.name, user.is_staff) == (Role.ATHLETE, "Mia Stone", False)
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    mia.refresh_from_db()
    assert mia.user == user
    assert Invitation.objects.get().status == "accepted"
    assert int(athlete_client.session["_auth_user_id"]) == user.pk
    week = athlete_client.get(response["Location"])
    assert week.status_code == 200
    assert "Hello, Mia" in week.content.decode()


def freeze_clock(monkeypatch, delta: timedelta) -> None:
    """Move every clock the invitation reads (its row and its signature) by ``delta``."""
    moment = timezone.now() + delta
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=moment.timestamp))


def test_an_invitation_still_works_on_its_last_day(
    coach_client, mia, monkeypatch, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    freeze_clock(monkeypatch, timedelta(days=14) - timedelta(minutes=5))

    _, response = accept(link_in(mail.outbox[0]))

    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.user.email == "mia@ex.org"


def test_an_expired_invitation_is_refused_and_creates_nothing(
    coach_client, mia, monkeypatch, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    before = everything()
    freeze_clock(monkeypatch, timedelta(days=14, minutes=1))

    _, response = accept(link_in(mail.outbox[0]))

    assert response.status_code == 400
    assert "This invitation has expired. Ask your coach for a new one." in unescape(
        response.content.decode()
    )
    assert everything() == before
    assert Invitation.objects.get().status == "expired"


def test_an_invitation_whose_row_expired_is_refused_even_if_the_signature_is_fresh(
    coach_client, mia, monkeypatch, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    before = everything()

    _, response = accept(link_in(mail.outbox[0]))

    assert response.status_code == 400
    assert "This invitation has expired." in response.content.decode()
    assert everything() == before


def test_an_invitation_works_only_once(coach_client, mia, django_capture_on_commit_callbacks):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    _, first = accept(link)
    assert first.status_code == 302
    before = everything()

    _, second = accept(link, password1="another-pass-99", password2="another-pass-99")

    assert second.status_code == 400
    assert "This invitation has already been used. Sign in instead." in second.content.decode()
    assert everything() == before
    assert User.objects.get(email="mia@ex.org").check_password(NEW_PASSWORD)


def test_the_invitation_shows_her_email_filled_in_and_read_only(
    coach_client, mia, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)

    response = Client().get(link_in(mail.outbox[0]))

    html = response.content.decode()
    field = re.search(r'<input type="email" name="email"[^>]*>', html)
    assert field is not None
    assert 'value="mia@ex.org"' in field.group(0)
    assert "readonly" in field.group(0)
    assert "(optional)" not in html


@pytest.mark.parametrize("posted", ["someone.else@ex.org", "", "not an address"])
def test_an_invitation_ignores_any_other_email_posted_and_uses_the_invited_one(
    coach_client, mia, django_capture_on_commit_callbacks, posted
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)

    client, response = accept(link_in(mail.outbox[0]), email=posted)

    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.user.email == "mia@ex.org"
    assert not User.objects.filter(email="someone.else@ex.org").exists()
    assert int(client.session["_auth_user_id"]) == mia.user.pk


def test_mismatched_passwords_are_refused_and_create_nothing(
    coach_client, mia, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    before = everything()

    _, response = accept(link_in(mail.outbox[0]), password2="not-the-same-99")

    assert response.status_code == 200
    assert_error_beside(response, "password2", "The two passwords are not the same.")
    assert everything() == before


def test_a_newer_invitation_replaces_the_old_one(
    coach_client, mia, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    old_link, new_link = link_in(mail.outbox[0]), link_in(mail.outbox[1])
    assert old_link != new_link
    assert sorted(i.status for i in Invitation.objects.all()) == ["pending", "replaced"]

    _, old = accept(old_link)

    assert old.status_code == 400
    assert "Your coach sent a newer invitation; use the latest e-mail." in old.content.decode()
    assert not User.objects.filter(email="mia@ex.org").exists()

    _, new = accept(new_link)

    assert new.status_code == 302
    mia.refresh_from_db()
    assert mia.user is not None


def test_an_invitation_accepted_after_her_email_was_taken_creates_nothing(
    coach_client, mia, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    UserFactory(email="mia@ex.org")  # someone signed up with her address in the meantime
    before = everything()

    _, response = accept(link_in(mail.outbox[0]))

    assert response.status_code == 200
    assert_error_beside(
        response, "email", "An account with this e-mail already exists. Sign in instead."
    )
    assert everything() == before
    mia.refresh_from_db()
    assert mia.user is None


def test_a_tampered_invitation_link_is_refused(
    coach_client, mia, django_capture_on_commit_callbacks
):
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    before = everything()

    _, response = accept(link[:-3] + "xx/")

    assert response.status_code == 400
    assert "This invitation link is not valid." in response.content.decode()
    assert everything() == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_email", "Add her e-mail address to the profile first."),
        ("linked", "She already has a login; she can sign in with her e-mail."),
        ("email_taken", "This e-mail address already belongs to an account on Stridewise."),
    ],
)
def test_an_invitation_that_cannot_be_sent_says_why_and_sends_nothing(
    coach_client, coach, mia, setup, message, django_capture_on_commit_callbacks
):
    if setup == "no_email":
        Athlete.objects.filter(pk=mia.pk).update(email="")
    elif setup == "linked":
        mia.user = UserFactory(role=Role.ATHLETE, email="mia@ex.org")
        mia.save()
    else:
        UserFactory(email="MIA@ex.org")
    before = everything()

    response = invite(coach_client, mia, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert everything() == before
    assert mail.outbox == []


# --- erasure ----------------------------------------------------------------------------------


def test_the_erase_page_asks_her_name(coach_client, athlete):
    response = coach_client.get(reverse("athletes:athlete_erase", args=[athlete.pk]))

    assert response.status_code == 200
    assert "Erase all of Anna Lind's data?" in response.content.decode()


@pytest.mark.parametrize("typed", ["", "Anna", "Anna Lindqvist"])
def test_erasing_without_her_exact_name_erases_nothing(coach_client, athlete, typed):
    ClearanceFactory(athlete=athlete)
    before = everything()

    response = coach_client.post(
        reverse("athletes:athlete_erase", args=[athlete.pk]), {"confirm_name": typed}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in field_tag(html, "confirm_name")
    assert "Type her full name exactly as shown to confirm." in html
    assert everything() == before


def test_erasing_with_her_name_deletes_her_records_documents_and_login(
    coach_client, coach, athlete, athlete_user, django_capture_on_commit_callbacks
):
    clearance = record_clearance(athlete, coach, samples.upload("letter.pdf", samples.PDF))
    AssessmentFactory(athlete=athlete)
    Invitation.objects.create(  # the one she accepted
        athlete=athlete,
        email=athlete.email,
        secret_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    keeper = AthleteFactory(coach=coach)
    ClearanceFactory(athlete=keeper)
    assert stored_files() == {clearance.document.name}

    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(
            reverse("athletes:athlete_erase", args=[athlete.pk]), {"confirm_name": "  anna LIND "}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:coach_dashboard")
    assert messages_of(response) == ["All of Anna Lind's data was erased."]
    assert not Athlete.objects.filter(pk=athlete.pk).exists()
    assert not Clearance.objects.filter(athlete_id=athlete.pk).exists()
    assert not ReadinessAssessment.objects.filter(athlete_id=athlete.pk).exists()
    assert not Invitation.objects.exists()
    assert not User.objects.filter(pk=athlete_user.pk).exists()
    assert stored_files() == set()
    # Nobody else's records were touched.
    assert User.objects.filter(pk=coach.pk).exists()
    assert list(Athlete.objects.all()) == [keeper]
    assert Clearance.objects.filter(athlete=keeper).count() == 1


# --- walls: other coaches, athletes, visitors -------------------------------------------------


def coach_pages(athlete: Athlete) -> list[tuple[str, str, dict]]:
    """Every coach page about one athlete, with a request that would succeed for her coach."""
    pk = athlete.pk
    return [
        ("get", reverse("plans:athlete_overview", args=[pk]), {}),
        ("get", reverse("athletes:athlete_edit", args=[pk]), {}),
        ("post", reverse("athletes:athlete_edit", args=[pk]), athlete_form(email="x@ex.org")),
        ("post", reverse("athletes:athlete_archive", args=[pk]), {"archived": "true"}),
        ("get", reverse("athletes:athlete_erase", args=[pk]), {}),
        ("post", reverse("athletes:athlete_erase", args=[pk]), {"confirm_name": athlete.full_name}),
        ("get", reverse("athletes:clearance_create", args=[pk]), {}),
        (
            "post",
            reverse("athletes:clearance_create", args=[pk]),
            {**clearance_form(athlete), "document": samples.upload("a.pdf", samples.PDF)},
        ),
        ("get", reverse("athletes:assessment_create", args=[pk]), {}),
        ("post", reverse("athletes:assessment_create", args=[pk]), assessment_form(athlete)),
        ("post", reverse("athletes:invitation_send", args=[pk]), {}),
    ]


PAGE_IDS = [
    "overview",
    "edit-form",
    "edit",
    "archive",
    "erase-form",
    "erase",
    "clearance-form",
    "clearance",
    "assessment-form",
    "assessment",
    "invite",
]


@pytest.mark.parametrize("index", range(len(PAGE_IDS)), ids=PAGE_IDS)
def test_other_coach_gets_404_and_nothing_is_written(
    client, other_coach, mia, index, django_capture_on_commit_callbacks
):
    ClearanceFactory(athlete=mia)
    method, url, data = coach_pages(mia)[index]
    client.force_login(other_coach)
    before = everything()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(url, data)

    assert response.status_code == 404
    # As a word: the page's random CSRF token may hold the letters "Mia" by chance.
    assert not re.search(r"\bMia\b", response.content.decode())
    assert everything() == before
    assert mail.outbox == []


@pytest.mark.parametrize("index", range(len(PAGE_IDS)), ids=PAGE_IDS)
def test_an_athlete_gets_403_on_coach_pages_about_herself_and_nothing_is_written(
    client, athlete, athlete_user, index, django_capture_on_commit_callbacks
):
    method, url, data = coach_pages(athlete)[index]
    client.force_login(athlete_user)
    before = everything()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "This page is for coaches." in response.content.decode()
    assert everything() == before
    assert mail.outbox == []


@pytest.mark.parametrize("url_name", ["plans:coach_dashboard", "plans:athlete_create"])
def test_an_athlete_gets_403_on_the_roster_and_the_add_form(client, athlete_user, url_name):
    client.force_login(athlete_user)
    before = everything()

    get = client.get(reverse(url_name))
    post = client.post(reverse(url_name), athlete_form())

    assert (get.status_code, post.status_code) == (403, 403)
    assert everything() == before


@pytest.mark.parametrize("index", range(len(PAGE_IDS)), ids=PAGE_IDS)
def test_an_anonymous_visitor_is_sent_to_login_and_nothing_is_written(client, mia, index):
    method, url, data = coach_pages(mia)[index]
    before = everything()

    response = getattr(client, method)(url, data)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")
    assert everything() == before


def test_staff_who_coach_see_only_their_own_roster_but_may_open_any_athlete(client, staff, mia):
    client.force_login(staff)

    roster = client.get(reverse("plans:coach_dashboard"))
    overview = client.get(reverse("plans:athlete_overview", args=[mia.pk]))

    assert "Mia Stone" not in roster.content.decode()
    assert overview.status_code == 200
    assert "Mia Stone" in overview.content.decode()


# --- roster -----------------------------------------------------------------------------------


def add_athletes(coach: User, count: int) -> None:
    for _ in range(count):
        athlete = AthleteFactory(coach=coach)
        ClearanceFactory(athlete=athlete)
        AssessmentFactory(athlete=athlete)


def roster_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:coach_dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_the_roster_takes_the_same_number_of_queries_for_3_and_30_athletes(coach_client, coach):
    add_athletes(coach, 3)
    roster_queries(coach_client)  # warm up: session, content types
    with_3 = roster_queries(coach_client)
    add_athletes(coach, 27)
    with_30 = roster_queries(coach_client)

    assert with_3 == with_30
    assert with_30 < 30  # not one (or more) per athlete


def roster_names(client: Client, **params) -> list[str]:
    """The athletes the roster lists, in order: each row links her name to her page."""
    response = client.get(reverse("plans:coach_dashboard"), params)
    assert response.status_code == 200
    return re.findall(r'<a href="/coach/athletes/\d+/">([^<]+)</a>', response.content.decode())


def test_the_roster_shows_only_the_coachs_own_athletes(coach_client, coach, other_athlete):
    AthleteFactory(coach=coach, first_name="Mia", last_name="Stone")

    assert roster_names(coach_client) == ["Mia Stone"]


def test_the_roster_search_matches_name_and_email(coach_client, coach):
    AthleteFactory(coach=coach, first_name="Mia", last_name="Stone", email="mia@trail.org")
    AthleteFactory(coach=coach, first_name="Lena", last_name="Brook", email="lena@road.org")
    AthleteFactory(coach=coach, first_name="Priya", last_name="Stonebridge", email="p@road.org")

    assert roster_names(coach_client, q="stone") == ["Mia Stone", "Priya Stonebridge"]
    assert roster_names(coach_client, q="MIA stone") == ["Mia Stone"]
    assert roster_names(coach_client, q="road.org") == ["Lena Brook", "Priya Stonebridge"]
    assert roster_names(coach_client, q="nobody") == []
    assert roster_names(coach_client) == ["Lena Brook", "Mia Stone", "Priya Stonebridge"]


@pytest.mark.parametrize("query", ["\x00", "mia\x00stone"], ids=["nul", "nul-inside"])
def test_a_roster_search_with_a_nul_byte_still_answers(coach_client, coach, query):
    # Anything can be typed (or pasted) into the search box; none of it may give a 500.
    AthleteFactory(coach=coach, first_name="Mia", last_name="Stone")

    response = coach_client.get(reverse("plans:coach_dashboard"), {"q": query})

    assert response.status_code == 200
    assert "page" in response.context


def test_the_roster_hides_archived_athletes_unless_asked(coach_client, coach):
    AthleteFactory(coach=coach, first_name="Mia", last_name="Stone")
    AthleteFactory(coach=coach, first_name="Lena", last_name="Brook", archived=True)

    assert roster_names(coach_client) == ["Mia Stone"]
    assert roster_names(coach_client, archived="1", sort="name") == ["Lena Brook", "Mia Stone"]
    assert roster_names(coach_client, archived="1", q="lena") == ["Lena Brook"]


def test_the_roster_pages_by_25(coach_client, coach):
    for n in range(30):
        AthleteFactory(coach=coach, first_name=f"A{n:02d}", last_name="X")

    first = roster_names(coach_client)
    second = roster_names(coach_client, page="2")

    assert len(first) == 25
    assert len(second) == 5
    assert set(first).isdisjoint(second)
