"""An index for "the access log about her" (``additional_data -> 'athlete'``, newest first):
her page reads her latest rows out of a log that keeps six years of everyone's views.

PostgreSQL only (production): SQLite's JSON lookups compile to an expression no index
matches, and a development database is small."""

from django.db import migrations

INDEX = "athletes_access_log_athlete"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry "
            "((additional_data -> 'athlete'), timestamp DESC, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0002_clinical_fidelity"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
