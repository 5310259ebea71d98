"""The clinical core's two promises, checked on the source itself.

1. The core is pure: no Django, no database, no app of ours is imported into ``clinical``.
2. Every clinical number is defined once, in the core: a module outside it that defines a
   numeric constant must be listed below as not clinical (with why), and no module outside
   the core may define a name the core's thresholds define.
"""

from __future__ import annotations

import ast
from pathlib import Path

from clinical import thresholds

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "clinical"
APP_PACKAGES = (
    "athletes",
    "activities",
    "checkins",
    "plans",
    "conversations",
    "config",
    "web",
    "benchmarks",
)
FORBIDDEN_IN_CORE = (
    "django",
    "rest_framework",
    "celery",
    "athletes",
    "checkins",
    "plans",
    "conversations",
    "config",
    "web",
)

# Numeric constants outside the core that are not clinical, and why. A new one must be added
# here on purpose: if it is a clinical number, it belongs in ``clinical.thresholds``.
NOT_CLINICAL = {
    "athletes/demo.py": {"DEMO_ATHLETE_PROFILE": "demo data", "DEMO_SPREAD": "demo data"},
    "athletes/forms.py": {"TEAR_CHOICES": "the labels of the tear degrees, for a select"},
    "athletes/api/authentication.py": {
        "LAST_USED_RESOLUTION": "how often a token's last use is written"
    },
    "checkins/services.py": {
        "SCAN_RECENT_DAYS": "how far back the daily scan catches up",
        "SCAN_CHUNK_SIZE": "athletes per task of the daily scan",
    },
    "athletes/views.py": {"ACCESS_LOG_PAGE_SIZE": "pagination"},
    "athletes/models.py": {"SINGLETON_PK": "the security policy's one row"},
    "athletes/selectors.py": {
        "_NO_BOUND": "the last date SQL compares with: no bound",
        "ACCESS_LOG_ON_PAGE": "how many access-log rows her page shows",
        "_ACTION_WORDS": "auditlog's action codes and their words",
    },
    "web/sessions.py": {"RENEW_EVERY_SECONDS": "how often a session's expiry is pushed back"},
    "benchmarks/generate.py": {"BATCH": "rows per insert of the benchmark data"},
    "benchmarks/workers.py": {
        "START_TIMEOUT": "how long the bench waits for its workers",
        "RUN_TIMEOUT": "how long the bench waits for one fan-out",
        "CATCH_UP_ROUNDS": "the bench's warm-up runs at most",
        "CATCH_UP_TIMEOUT": "how long the bench waits for one warm-up fan-out",
        "STOP_TIMEOUT": "how long a bench worker has to shut down",
        "TARGET_RATIO": "the bench's target: 2 workers at least 1.6× as fast as 1",
    },
    "athletes/adapters.py": {"CODE_EMAIL_LIFETIME": "how long an e-mailed code is worth sending"},
    "athletes/mail.py": {
        "CLAIM_TIMEOUT": "when a sender that died mid-send loses its claim on an e-mail",
        "MAX_ATTEMPTS": "when the outbox stops retrying an e-mail",
    },
    "checkins/selectors.py": {
        "SEVERITY_ORDER": "SQL ordering of severities",
        "RECENT_REPORTS": "how many symptom reports a page lists",
    },
    "checkins/models.py": {"PAIN_LOCATION_MAX": "text length", "NOTES_MAX": "text length"},
    "checkins/views.py": {"FLAG_PAGE_SIZE": "pagination"},
    "checkins/tasks.py": {
        "RETRY": "Celery retry policy",
        "REMINDER_WEEKDAY": "when the reminder e-mail goes",
        "REMINDER_HOUR": "when the reminder e-mail goes",
    },
    "plans/selectors.py": {"TREND_WEEKS": "how many weeks a roster sparkline shows"},
    "plans/views.py": {
        "ROSTER_PAGE_SIZE": "pagination",
        **dict.fromkeys(
            ("RECENT_CHECKINS", "RESOLVED_FLAGS_SHOWN", "OPEN_FLAGS_SHOWN"),
            "how many rows the athlete page lists",
        ),
        "REVIEW_ATHLETES": "how many athletes 'Needs your review' lists",
        "EXPIRING_SHOWN": "how many expiring records the dashboard lists",
        "BULK_DECISIONS_SHOWN": "how many decisions the dashboard lists to approve",
        "BULK_APPROVE_MAX": "the most decisions one bulk approval takes",
    },
    "checkins/charts.py": {"CHART_WEEKS": "how many calendar weeks a chart shows"},
    "plans/publication.py": {"BACKFILL_WEEKS": "how far back a stopped worker's weeks are filled"},
    "plans/tasks.py": {
        "RETRY": "Celery retry policy",
        "PUBLISH_CHUNK_SIZE": "athletes per task of the hourly publication",
    },
    "plans/management/commands/seed_demo.py": {"SCRIPTED_WEEKS": "demo data"},
    "checkins/windows.py": {"WEEK": "a calendar week"},
    "conversations/models.py": {
        "BODY_MAX_LENGTH": "text length (SPEC §12)",
        "MAX_ID": "the largest 64-bit primary key",
    },
    "conversations/services.py": {"MAIL_INTERVAL": "at most one message e-mail an hour"},
    "conversations/selectors.py": {
        "PAGE_SIZE": "pagination",
        "PANEL_SIZE": "how many messages a panel shows",
        "CHOICES_PER_KIND": "how many records the 'about' list offers",
    },
    "conversations/tasks.py": {"RETRY": "Celery retry policy"},
    "config/settings/base.py": {
        "CHECKIN_OPENS_WEEKDAY": "product setting: the weekday a week's check-in opens",
        **dict.fromkeys(
            (
                "SITE_ID",
                "SESSION_COOKIE_AGE",
                "EMAIL_PORT",
                "EMAIL_TIMEOUT",
                "MAX_UPLOAD_BYTES",
                "DATA_UPLOAD_MAX_MEMORY_SIZE",
                "FILE_UPLOAD_MAX_MEMORY_SIZE",
                "REST_FRAMEWORK",
                "CELERY_TASK_TIME_LIMIT",
                "CELERY_TASK_SOFT_TIME_LIMIT",
                "CELERY_WORKER_PREFETCH_MULTIPLIER",
                "CELERY_BROKER_CONNECTION_TIMEOUT",
                "CELERY_TASK_PUBLISH_RETRY_POLICY",
                "CELERY_BROKER_TRANSPORT_OPTIONS",
                "CELERY_BEAT_SCHEDULE",
                "LOGGING",
                "INVITATION_MAX_AGE",
                "AUDIT_LOG_RETENTION_DAYS",
                "TRUSTED_PROXY_COUNT",
            ),
            "framework setting",
        ),
    },
    "config/settings/production.py": {"SECURE_HSTS_SECONDS": "framework setting"},
    # Reading activity files: how a recording is read, which judges no risk (SPEC §13).
    "activities/summary.py": {
        "RUN_SPEED_MS": "gait: running or walking, for run/walk minutes (its source beside it)",
        "MOVING_SPEED_MS": "recording: standing still is not moving time",
        "PAUSE_GAP_S": "recording: a gap between samples is a pause",
        "SPEED_WINDOW_S": "recording: the stretch speed is judged over",
        "CLIMB_NOISE_M": "recording: GPS altitude noise",
        "HIKE_CLIMB_M_PER_KM": "naming a sport: a steep walk is a hike",
    },
    "activities/sources.py": dict.fromkeys(
        (
            "MB",
            "MAX_FILE_BYTES",
            "MAX_ARCHIVE_BYTES",
            "MAX_ARCHIVE_MEMBERS",
            "MAX_COMPRESSION_RATIO",
            "_CHUNK",
        ),
        "upload limits and zip bomb guards",
    ),
    "activities/models.py": {"DAY_SECONDS": "a field's upper bound"},
    "activities/views.py": {"MAX_FILES_PER_UPLOAD": "upload limit"},
    "plans/templatetags/watch_tags.py": {
        "RECENT_ACTIVITIES": "how many activities a page lists",
        "COMPLIANCE_WEEKS": "how many weeks the athlete page shows",
    },
    "benchmarks/parsing.py": {"START": "benchmark data", "SESSION": "benchmark data"},
    "benchmarks/http.py": {
        **dict.fromkeys(
            (
                "WORKERS",
                "WRK_THREADS",
                "CONNECTIONS",
                "WARMUP_SECONDS",
                "RUN_SECONDS",
                "START_TIMEOUT",
                "POSTS_PER_RUN",
                "TWINS_PER_RUN",
                "HEALTHZ_PER_RUN",
                "BROKER_DOWN_POSTS",
            ),
            "benchmark load: processes, connections, durations, request counts",
        ),
        "LIST_TARGET": "issue 15's throughput target for the API list",
        "CHECKIN": "benchmark data: what every check-in POSTed says",
        "_UNITS": "wrk's units of time, in seconds",
    },
    "benchmarks/wger.py": {
        **dict.fromkeys(
            ("ROWS", "PER_ROUND", "ROUNDS_MIN", "READY_TIMEOUT"),
            "benchmark load: rows listed, requests per turn, turns, a timeout",
        ),
        "TARGET_IN_PROCESS": "issue 15's target against wger, in-process",
        "TARGET_HTTP": "issue 15's throughput target against wger, over HTTP",
    },
    "plans/demo_activities.py": dict.fromkeys(
        ("DEMO_WEEKS", "DEMO_DONE_SHARE", "DEMO_PACE_MS"), "demo data"
    ),
}


def _sources(packages):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _has_number(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Constant) and type(n.value) in (int, float) for n in ast.walk(node)
    )


def _constants(tree: ast.Module):
    """(name, value) of module- and class-level assignments to UPPER_CASE names."""
    bodies = [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    yield target.id, value


def _assigned_names(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id


def test_the_core_imports_no_django_and_no_app():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            offenders += [
                f"{path.name}: {module}"
                for module in modules
                if module.split(".")[0] in FORBIDDEN_IN_CORE
            ]
    assert offenders == []


def test_no_numeric_constant_outside_the_core_unless_declared_not_clinical():
    found = {
        (module, name)
        for module, tree in _sources(APP_PACKAGES)
        for name, value in _constants(tree)
        if _has_number(value)
    }
    declared = {(module, name) for module, names in NOT_CLINICAL.items() for name in names}
    assert found - declared == set(), "clinical numbers belong in clinical.thresholds"
    assert declared - found == set(), "stale entries in NOT_CLINICAL"


def test_no_module_outside_the_core_redefines_a_clinical_threshold():
    core_names = {name for name in vars(thresholds) if name.isupper()}
    assert core_names  # the check below means nothing without them
    clashes = [
        f"{module}: {name}"
        for module, tree in _sources(APP_PACKAGES)
        for name in _assigned_names(tree)
        if name in core_names
    ]
    assert clashes == []
