"""Every e-mail, allauth's included, is Stridewise's (SPEC §12): our words, a text and an HTML
part, never "example.com", every link absolute to ``SITE_URL`` whatever host the request came
on; and sending goes through the outbox, so a dead mail server fails no request."""

from __future__ import annotations

import logging
import re
import socket
from datetime import timedelta
from pathlib import Path

import allauth
import pytest
import time_machine
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.contrib.auth.models import AnonymousUser
from django.contrib.sites.models import Site
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from athletes import mail as outbox
from athletes.models import Invitation, OutgoingEmail, User
from athletes.tasks import deliver_email, send_pending_emails
from tests.emails import assert_a_good_email, html_of
from tests.factories import AthleteFactory

ROOT = Path(__file__).resolve().parent.parent.parent
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
SITE = "https://stridewise.test"

# Every e-mail the allauth apps we use can send, found in their own templates: a new one
# fails here until we word it. (allauth.socialaccount is not installed.)
ALLAUTH_EMAILS = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_message.txt")
    for app in ("account", "mfa")
    for path in ALLAUTH_TEMPLATES.glob(f"{app}/email/*_message.txt")
    if not path.name.startswith("base_")
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


def test_allauth_can_send_the_emails_we_expect():
    assert "account/email/login_code" in ALLAUTH_EMAILS
    assert "account/email/password_reset_key" in ALLAUTH_EMAILS
    assert "mfa/email/totp_activated" in ALLAUTH_EMAILS
    assert len(ALLAUTH_EMAILS) >= 18


@pytest.mark.parametrize("prefix", ALLAUTH_EMAILS)
def test_every_allauth_email_is_ours_in_text_and_html(
    prefix, site_url, coach, django_capture_on_commit_callbacks
):
    for suffix in ("_subject.txt", "_message.txt", "_message.html"):
        assert (ROOT / "templates" / f"{prefix}{suffix}").exists(), f"{prefix}{suffix}"
    request = RequestFactory().get("/", HTTP_HOST="internal-host:9999")
    request.user = AnonymousUser()
    # Links as allauth builds them: from the request's host.
    context = {
        "user": coach,
        "code": "K7Q2X9",
        "activate_url": "http://internal-host:9999/accounts/confirm-email/abc/",
        "password_reset_url": "http://internal-host:9999/accounts/password/reset/key/1-x/",
        "signup_url": "/accounts/signup/",  # relative: made absolute too
        "from_email": "old@example.org",
        "to_email": coach.email,
        "deleted_email": "old@example.org",
        "timestamp": timezone.now(),
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
    }
    with allauth_context.request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_mail(prefix, coach.email, context)

    (message,) = mail.outbox
    assert message.to == [coach.email]
    assert message.subject.startswith("[Stridewise] ")
    assert_a_good_email(message)
    assert "internal-host" not in message.body + html_of(message)
    assert "Hello from" not in message.body
    if prefix.endswith("_code"):
        assert "K7Q2X9" in message.body
        assert "K7Q2X9" in html_of(message)


def test_the_site_is_named_stridewise_not_example_com():
    site = Site.objects.get_current()
    assert site.name == "Stridewise"
    assert "example.com" not in site.domain


def test_a_sign_in_code_email_reads_as_ours(
    client, site_url, athlete_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": athlete_user.email})

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[Stridewise] Your sign-in code"
    assert message.body.startswith("Hello,\n\nHere is your one-time sign-in code for Stridewise.")
    assert_a_good_email(message)
    page = client.get(response["Location"]).content.decode()
    assert "Type your sign-in code" in page
    assert "special code" not in page
    assert "Request Code" not in page


def test_the_code_request_page_says_what_happens_in_our_words(client):
    page = client.get(reverse("account_request_login_code")).content.decode()

    assert "Sign in with a code" in page
    assert "E-mail me a sign-in code" in page
    assert "special code" not in page
    assert "Request Code" not in page


def test_a_password_reset_link_is_built_from_site_url(
    client, site_url, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": coach.email})

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[Stridewise] Choose a new password"
    assert_a_good_email(message)
    (link,) = re.findall(rf"{SITE}/accounts/password/reset/key/\S+/", message.body)
    # The link works on this app.
    assert client.get(link.removeprefix(SITE), follow=True).status_code == 200
    done = client.get(reverse("account_reset_password_done")).content.decode()
    assert "Look in your inbox" in done


def test_sign_up_sends_a_confirmation_built_from_site_url(
    client, site_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new.coach@example.org",
                "password1": "trail-and-tide-77",
                "password2": "trail-and-tide-77",
                "name": "Nia Coach",
            },
        )

    (message,) = mail.outbox
    assert message.subject == "[Stridewise] Welcome to Stridewise: confirm your e-mail address"
    assert_a_good_email(message)
    assert f"{SITE}/accounts/confirm-email/" in message.body


# --- The outbox -----------------------------------------------------------------------------


def queue(key: str = "test:1", **extra) -> OutgoingEmail:
    email = outbox.email_queue(
        key=key,
        to="coach@example.org",
        subject="A test",
        rendered=outbox.RenderedEmail(text="Hello", html="<p>Hello</p>"),
        **extra,
    )
    assert email is not None
    return email


def test_an_email_queued_twice_under_one_key_is_stored_and_sent_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        assert (
            outbox.email_queue(
                key="test:1",
                to="coach@example.org",
                subject="A test",
                rendered=outbox.RenderedEmail(text="Hello", html="<p>Hello</p>"),
            )
            is None
        )

    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Stridewise] A test"
    # Delivering again sends nothing.
    assert deliver_email(first.pk) is False
    assert len(mail.outbox) == 1


def test_a_sent_email_keeps_its_key_and_time_but_not_its_address_or_words(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()

    email.refresh_from_db()
    assert email.sent_at is not None
    assert (email.to, email.subject, email.text, email.html) == ("", "", "", "")
    assert email.key == "test:1"


def test_a_subject_with_a_line_break_is_one_line(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_queue(
            key="test:2",
            to="coach@example.org",
            subject="Cora\nBcc: everyone@example.org invited you",
            rendered=outbox.RenderedEmail(text="Hello", html="<p>Hello</p>"),
            prefixed=False,
        )

    assert mail.outbox[0].subject == "Cora Bcc: everyone@example.org invited you"


def test_a_refused_email_stays_queued_is_logged_by_id_and_the_sweep_sends_it(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        email = queue()

    email.refresh_from_db()
    assert (email.sent_at, email.claimed_at, email.attempts) == (None, None, 1)
    assert f"email not sent email={email.pk} error=SMTPServerDisconnected" in caplog.text
    assert "coach@example.org" not in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_emails() == 0  # too fresh: its own retry may still be on the way
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    assert send_pending_emails() == 1
    assert send_pending_emails() == 0
    assert len(mail.outbox) == 1


def test_the_task_raises_for_its_retry_and_releases_the_claim(settings):
    email = queue()  # not sent: no commit in this test's transaction
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"

    with pytest.raises(Exception, match="Connection unexpectedly closed"):
        deliver_email(email.pk)

    email.refresh_from_db()
    assert (email.sent_at, email.claimed_at) == (None, None)
    assert deliver_email.autoretry_for == outbox.TRANSIENT
    assert deliver_email.acks_late is True
    assert deliver_email.retry_backoff == 30


def test_a_claim_in_progress_is_not_sent_twice_until_it_is_stale():
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now())

    assert deliver_email(email.pk) is False
    assert mail.outbox == []

    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - outbox.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert deliver_email(email.pk) is True
    assert len(mail.outbox) == 1


def test_the_sweep_gives_up_after_the_last_attempt():
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=outbox.MAX_ATTEMPTS, created_at=timezone.now() - timedelta(hours=1)
    )

    assert send_pending_emails() == 0


def test_deleting_an_account_removes_what_was_not_sent_to_it(
    coach, athlete_user, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    queue(recipient_id=coach.pk)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with (
        allauth_context.request_context(request),
        django_capture_on_commit_callbacks(execute=True),
    ):
        get_adapter(request).send_mail(
            "account/email/login_code", athlete_user.email, {"code": "K7Q2X9"}
        )
    code = OutgoingEmail.objects.get(to=athlete_user.email)
    assert (code.recipient, code.sent_at) == (athlete_user, None)

    coach.delete()
    athlete_user.delete()

    assert not OutgoingEmail.objects.exists()


def test_erasing_her_removes_what_was_not_sent_about_her(coach):
    athlete = AthleteFactory(coach=coach)
    queue(athlete_id=athlete.pk)

    athlete.delete()

    assert not OutgoingEmail.objects.exists()


# --- A dead mail server -----------------------------------------------------------------------


@pytest.fixture
def dead_smtp(settings):
    """The SMTP backend pointed at a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 2
    return port


def test_an_invitation_with_the_mail_server_down_is_saved_and_answers_a_redirect(
    dead_smtp, coach_client, coach, django_capture_on_commit_callbacks
):
    mia = AthleteFactory(coach=coach, first_name="Mia", email="mia@ex.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(reverse("athletes:invitation_send", args=[mia.pk]))

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.athlete, invitation.status) == (mia, "pending")
    email = OutgoingEmail.objects.get()
    assert (email.key, email.to, email.sent_at) == (
        f"invitation:{invitation.pk}",
        "mia@ex.org",
        None,
    )
    assert email.attempts == 1
    page = coach_client.get(response["Location"]).content.decode()
    assert "Invitation sent to mia@ex.org" in page


def test_a_sign_in_code_with_the_mail_server_down_answers_no_error_and_is_never_sent_late(
    dead_smtp, settings, client, athlete_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": athlete_user.email})

    assert response.status_code == 302
    email = OutgoingEmail.objects.get(sent_at__isnull=True)
    assert email.expires_at is not None

    # The mail server is back an hour later: a code that no longer works is not sent.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert send_pending_emails() == 0
        assert deliver_email(email.pk) is False
    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.sent_at, email.text, email.to) == (None, "", "")


def test_a_coach_name_with_a_line_break_still_sends_the_invitation(
    coach_client, coach, django_capture_on_commit_callbacks
):
    coach.name = "Cora\nBcc: everyone@example.org"
    coach.save()
    mia = AthleteFactory(coach=coach, first_name="Mia", email="mia@ex.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(reverse("athletes:invitation_send", args=[mia.pk]))

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Cora Bcc: everyone@example.org invited you to Stridewise"
    assert message.to == ["mia@ex.org"]


def test_manage_py_send_pending_emails_sends_what_waits_and_says_what_still_does(settings):
    from io import StringIO

    from django.core.management import call_command

    first, second = queue("test:a"), queue("test:b")  # not sent: no commit in this test
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    out, err = StringIO(), StringIO()
    call_command("send_pending_emails", stdout=out, stderr=err)
    assert "Sent 0 e-mail(s); 2 still waiting." in out.getvalue()
    assert f"E-mail {first.pk} not sent: SMTPServerDisconnected." in err.getvalue()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "Sent 2 e-mail(s); 0 still waiting." in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == ["coach@example.org"] * 2
    assert OutgoingEmail.objects.get(pk=second.pk).sent_at is not None


def test_the_admin_shows_what_waits_in_the_outbox_but_not_its_words(client):
    waiting = queue("invitation:99")
    client.force_login(User.objects.create_superuser("root@example.org", "x", name="Root"))

    listing = client.get(reverse("admin:athletes_outgoingemail_changelist"))
    detail = client.get(reverse("admin:athletes_outgoingemail_change", args=[waiting.pk]))

    assert listing.status_code == detail.status_code == 200
    assert "invitation:99" in listing.content.decode()
    for page in (listing, detail):
        assert "coach@example.org" not in page.content.decode()
        assert "Hello" not in page.content.decode()
    assert client.get(reverse("admin:athletes_outgoingemail_add")).status_code == 403
