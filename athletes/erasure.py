"""Erasure that leaves nothing (GDPR art. 17): the pieces ``services.athlete_erase`` puts
together.

Her rows go by cascade from her ``Athlete`` and her ``User``: every model that points at
either with ``on_delete=CASCADE`` (check-ins, plans, tokens, e-mail addresses, MFA
authenticators, and whatever later apps add) is covered without a line here. What a cascade
cannot reach is cleaned here: the logs that name her objects by content type and id (the
admin's ``LogEntry`` and the access log), her sessions (whose table only knows her id inside
an encoded blob) and her documents' folder in the private storage.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.storage import Storage
from django.db import router
from django.db.models import Model, Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def doomed_objects(roots: Iterable[Model]) -> dict[type[Model], set[str]]:
    """Every row deleting ``roots`` deletes, by model, as primary keys in text (the form both
    logs keep them in). Django's own collector walks the cascades, so a model added later is
    found the day it is added."""
    roots = list(roots)
    collector = NestedObjects(using=router.db_for_write(type(roots[0])))
    for root in roots:
        collector.collect([root])
    found: dict[type[Model], set[str]] = {}
    for model, instances in collector.data.items():
        found.setdefault(model, set()).update(str(obj.pk) for obj in instances)
    return found


def logs_about(objects: dict[type[Model], set[str]]) -> tuple[Q, Q]:
    """Filters for the admin's log and the access log matching rows about these objects."""
    admin_q = Q(pk__in=[])
    access_q = Q(pk__in=[])
    for model, pks in objects.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        concrete = ContentType.objects.get_for_model(model)
        types = {content_type.pk, concrete.pk}
        admin_q |= Q(content_type_id__in=types, object_id__in=pks)
        access_q |= Q(content_type_id__in=types, object_pk__in=pks)
    return admin_q, access_q


def admin_log_erase(*, objects: dict[type[Model], set[str]], user_id: int | None) -> int:
    """Delete the admin's history of her objects (its ``object_repr`` and ``change_message``
    carry her name) and of everything she did there (none: athletes are never staff)."""
    admin_q, _ = logs_about(objects)
    if user_id is not None:
        admin_q |= Q(user_id=user_id)
    deleted, _ = AdminLogEntry.objects.filter(admin_q).delete()
    return deleted


def sessions_erase(*, user_id: int) -> int:
    """End and delete every session signed in as her, in the database and in the cache.

    A session row keeps the user id only inside its encoded data, so the live sessions are
    decoded one by one (expired ones are dropped by ``clear_expired_sessions`` anyway, and
    dropped here too). ``SessionStore.delete`` removes the cached copy of the ``cached_db``
    and ``cache`` engines as well as the row."""
    engine = import_module(settings.SESSION_ENGINE)
    wanted = str(user_id)
    ended = 0
    for session in Session.objects.all().iterator():
        # A corrupt session decodes to {} (Django logs it): nobody's, left to expire.
        if str(session.get_decoded().get("_auth_user_id", "")) == wanted:
            engine.SessionStore(session_key=session.session_key).delete()
            Session.objects.filter(session_key=session.session_key).delete()
            ended += 1
    return ended


# --- documents --------------------------------------------------------------------------


def _walk(storage: Storage, path: str) -> tuple[list[str], list[str]]:
    """(files, folders) under ``path``, deepest folders first."""
    try:
        dirs, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    found_files = [f"{path}/{name}" for name in files]
    found_dirs: list[str] = []
    for name in dirs:
        sub_files, sub_dirs = _walk(storage, f"{path}/{name}")
        found_files += sub_files
        found_dirs += [*sub_dirs, f"{path}/{name}"]
    return found_files, found_dirs


def _remove_empty_folder(storage: Storage, name: str) -> None:
    try:
        folder = Path(storage.path(name))
    except NotImplementedError:  # a storage without local paths has no folders to leave
        return
    with contextlib.suppress(OSError):  # not empty (a new upload raced in) or already gone
        folder.rmdir()


def folder_erase(*, storage: Storage, folder: str) -> int:
    """Delete every file under ``folder`` and the folder itself. Idempotent."""
    files, dirs = _walk(storage, folder)
    for name in files:
        storage.delete(name)
    for name in [*dirs, folder]:
        _remove_empty_folder(storage, name)
    return len(files)


def orphan_documents_sweep(
    *, storage: Storage, root: str, referenced: set[str], older_than: timedelta
) -> int:
    """Delete files under ``root`` that no row refers to, once they are ``older_than`` (a
    younger one may belong to a transaction still running), and the folders left empty.

    Files of an upload whose transaction rolled back end here: the file is written before
    the row commits, and a rollback has no hook to undo it."""
    files, dirs = _walk(storage, root)
    cutoff = timezone.now() - older_than
    removed = 0
    for name in files:
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (NotImplementedError, FileNotFoundError):
            continue
        if modified <= cutoff:
            storage.delete(name)
            removed += 1
    for name in dirs:
        if not _walk(storage, name)[0]:
            _remove_empty_folder(storage, name)
    return removed
