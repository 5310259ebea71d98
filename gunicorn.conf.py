"""Gunicorn settings for every deployment (Dockerfile, docker-compose, CI's production path).

Gunicorn reads this file from the working directory; ``-c gunicorn.conf.py`` names it anyway.
Command-line flags still win (``--bind``, ``--workers``).

The access log goes to stdout through ``config.gunicorn_logging.RedactingLogger``: no query
strings (the dashboard search carries names), secret path segments masked (calendar feed,
invitation, e-mail confirmation and password-reset keys), no cookies or remote user.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
logger_class = "config.gunicorn_logging.RedactingLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
