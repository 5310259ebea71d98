"""E-mail backends for tests: a mail server that refuses every message."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """As if the SMTP server hung up: every send raises, nothing is delivered."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
