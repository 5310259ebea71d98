"""The Sites framework's site is Stridewise, never Django's "example.com" (allauth quotes its
name and domain in pages and e-mails)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def name_the_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "stridewise.local"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"name": settings.SITE_NAME, "domain": domain[:100]}
    )


def keep(apps, schema_editor):
    """Going back leaves the name: example.com is never wanted."""


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0005_names_without_control_characters"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, keep)]
