"""``python manage.py send_pending_emails``: send what the outbox still holds, now, in this
process (a machine without a broker has no beat to do it)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from athletes import mail


class Command(BaseCommand):
    help = "Send the e-mails still waiting in the outbox (the mail server was down)."

    def handle(self, *args, **options) -> None:
        sent = failed = 0
        for email_id in mail.emails_pending(older_than=timedelta(0)):
            try:
                sent += mail.email_deliver(email_id)
            except mail.TRANSIENT as exc:
                failed += 1
                self.stderr.write(f"E-mail {email_id} not sent: {type(exc).__name__}.")
        style = self.style.SUCCESS if not failed else self.style.WARNING
        self.stdout.write(style(f"Sent {sent} e-mail(s); {failed} still waiting."))
