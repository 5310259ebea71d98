"""Production's collectstatic builds: the Docker image runs it, and a hashed manifest refuses
any file a stylesheet or script names but that is missing (Chart.js names its source map)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COLLECT = """
import sys, django
django.setup()
from django.conf import settings
settings.STATIC_ROOT = sys.argv[1]
from django.core.management import call_command
call_command("collectstatic", "--noinput", verbosity=0)
"""


def test_collectstatic_passes_under_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="collectstatic-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="coach.example.com",
        SITE_URL="https://coach.example.com",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", COLLECT, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("css/site.css", "js/charts.js", "vendor/chart.umd.min.js", "vendor/htmx.min.js"):
        assert f'"{name}"' in manifest, name
