"""Production: every secret from the environment, HTTPS only, e-mail verification mandatory."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str, env_url

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", False)
# No default: a deployment without its own key must not start.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
# No default either: e-mails sent from a deployment must link to its own public address.
SITE_URL = env_url("SITE_URL", required=True)

ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# E-mails carry health data ("pelvic floor symptoms" next to her name): in production they go
# to a mail server, never into the process's output or a file on disk, unless an operator says
# so explicitly (a demo box, say) with ALLOW_CONSOLE_EMAIL=true.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
ALLOW_CONSOLE_EMAIL = env_bool("ALLOW_CONSOLE_EMAIL", False)
LOGGED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
if EMAIL_BACKEND in LOGGED_EMAIL_BACKENDS and not ALLOW_CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND is {EMAIL_BACKEND}: e-mails (health data) would be written to the "
        "logs or to disk. Use the SMTP backend, or set ALLOW_CONSOLE_EMAIL=true to accept it."
    )
