"""Where activities come from: behind one interface, :class:`ActivitySource`.

Today the only source is files she uploads (:class:`UploadedFiles`: single files, ``.gz``
files, and ``.zip`` bulk exports from Garmin Connect or Strava). A sync with Strava or
Garmin Connect would be another class with the same ``items()``; the import service
(``activities.services.activities_import``) takes any of them.

Archives are opened with limits checked before anything is expanded: the number of members,
the sizes they declare and how well they claim to compress; then every read is capped in bytes,
since declared sizes can lie. A zip bomb is refused having cost a few kilobytes of reading.
"""

from __future__ import annotations

import gzip
import logging
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Protocol

from django.core.files.uploadedfile import UploadedFile

from .parsers import format_of, parse
from .summary import ActivityFileError, ActivitySummary

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# SPEC §13. A long run recorded every second is about 2 MB of FIT or 10 MB of GPX.
MAX_FILE_BYTES = 25 * MB
MAX_ARCHIVE_BYTES = 200 * MB
MAX_ARCHIVE_MEMBERS = 2000
# FIT files compress 3 to 10 times, GPX and TCX (verbose XML) up to about 30: a member that
# claims more than this is built to explode.
MAX_COMPRESSION_RATIO = 100
_CHUNK = 64 * 1024

IMPORTED = "imported"
DUPLICATE = "duplicate"
REFUSED = "refused"
SKIPPED = "skipped"


@dataclass(frozen=True)
class SourceItem:
    """One thing a source found: an activity, or why a file gave none (``error``, safe to show
    her), or a note of files left aside (``skipped``)."""

    name: str
    summary: ActivitySummary | None = None
    error: str | None = None
    skipped: int = 0


class ActivitySource(Protocol):
    """Anything that yields her activities, one item at a time (files, a platform's API)."""

    def items(self) -> Iterator[SourceItem]: ...


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class TooLarge(ActivityFileError):
    pass


def read_capped(stream: Readable, cap: int, what: str) -> bytes:
    """Read a stream, refusing it as soon as it passes ``cap`` bytes (never further)."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > cap:
            raise TooLarge(what)
        chunks.append(chunk)
    return b"".join(chunks)


def _gunzip(raw: bytes) -> bytes:
    cap = min(MAX_FILE_BYTES, max(len(raw), 1) * MAX_COMPRESSION_RATIO)
    try:
        with gzip.GzipFile(fileobj=BytesIO(raw)) as stream:
            return read_capped(stream, cap, "it expands to more than we accept (25 MB)")
    except (OSError, EOFError, zlib.error) as error:
        raise ActivityFileError("the .gz file is damaged") from error


# What a parser may raise on a file built to confuse it, beyond its own ActivityFileError:
# the file is refused by name, never answered with a 500.
_PARSER_FAILURES = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    ZeroDivisionError,
    RecursionError,
)


def _activity(name: str, data: bytes) -> SourceItem:
    """Parse one file whose name ends in .fit/.gpx/.tcx, or the same with .gz."""
    try:
        return _parse_named(name, data)
    except ActivityFileError as error:
        return SourceItem(name=name, error=str(error))
    except _PARSER_FAILURES as error:
        logger.warning("activity file unreadable: %s", type(error).__name__)
        return SourceItem(name=name, error="it could not be read as an activity")


def _parse_named(name: str, data: bytes) -> SourceItem:
    inner = name
    if name.lower().endswith(".gz"):
        data = _gunzip(data)
        inner = name[:-3]
    fmt = format_of(inner)
    if fmt is None:
        raise ActivityFileError("it is not a .fit, .gpx, .tcx or .zip file")
    return SourceItem(name=name, summary=parse(data, fmt))


def is_activity_name(name: str) -> bool:
    lower = name.lower()
    return format_of(lower.removesuffix(".gz")) is not None


class UploadedFiles:
    """Files she uploaded: activity files, ``.gz`` activity files, ``.zip`` archives."""

    def __init__(self, files: Iterable[UploadedFile]) -> None:
        self.files = list(files)

    def items(self) -> Iterator[SourceItem]:
        for upload in self.files:
            name = upload.name or "file"
            size = upload.size or 0
            if name.lower().endswith(".zip"):
                if size > MAX_ARCHIVE_BYTES:
                    yield SourceItem(name=name, error="the archive is larger than 200 MB")
                    continue
                upload.seek(0)
                yield from ZipArchive(name, upload).items()
                continue
            if not is_activity_name(name):
                yield SourceItem(name=name, error="it is not a .fit, .gpx, .tcx or .zip file")
                continue
            if size > MAX_FILE_BYTES:
                yield SourceItem(name=name, error="the file is larger than 25 MB")
                continue
            upload.seek(0)
            try:
                data = read_capped(upload, MAX_FILE_BYTES, "the file is larger than 25 MB")
            except TooLarge as error:
                yield SourceItem(name=name, error=str(error))
                continue
            yield _activity(name, data)


class ZipArchive:
    """A bulk export: Strava's (``activities/*.fit.gz``, ``*.gpx``, … beside photos and CSVs)
    or Garmin Connect's (activity files, some inside zips one level down). Members that are not
    activity files are left aside and counted."""

    def __init__(self, name: str, stream: IO[bytes], *, nested: bool = False) -> None:
        self.name = name
        self.stream = stream
        self.nested = nested
        self.budget = MAX_ARCHIVE_BYTES

    def items(self) -> Iterator[SourceItem]:
        try:
            archive = zipfile.ZipFile(self.stream)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
            yield SourceItem(name=self.name, error="the archive is damaged or not a zip")
            return
        with archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            refusal = self._refusal(members)
            if refusal:
                yield SourceItem(name=self.name, error=refusal)
                return
            skipped = 0
            for info in members:
                member = f"{self.name} › {info.filename}"
                lower = info.filename.lower()
                if lower.endswith(".zip") and not self.nested:
                    data = self._read(archive, info, MAX_ARCHIVE_BYTES)
                    if isinstance(data, SourceItem):
                        yield data
                        continue
                    inner = ZipArchive(member, BytesIO(data), nested=True)
                    inner.budget = self.budget
                    yield from inner.items()
                    self.budget = inner.budget
                    continue
                if not is_activity_name(info.filename):
                    skipped += 1
                    continue
                data = self._read(archive, info, MAX_FILE_BYTES)
                if isinstance(data, SourceItem):
                    yield data
                    continue
                yield _activity(member, data)
            if skipped:
                yield SourceItem(name=self.name, skipped=skipped)

    def _refusal(self, members: list[zipfile.ZipInfo]) -> str | None:
        if len(members) > MAX_ARCHIVE_MEMBERS:
            return f"the archive holds more than {MAX_ARCHIVE_MEMBERS} files"
        if sum(info.file_size for info in members) > MAX_ARCHIVE_BYTES:
            return "the archive would expand to more than 200 MB"
        return None

    def _read(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int
    ) -> bytes | SourceItem:
        """A member's bytes, or the reason it was refused, read no further than its limit,
        the archive's remaining budget and what its compressed size allows."""
        name = f"{self.name} › {info.filename}"
        if info.file_size > limit:
            return SourceItem(name=name, error=f"the file is larger than {limit // MB} MB")
        if info.file_size > max(info.compress_size, 1) * MAX_COMPRESSION_RATIO:
            return SourceItem(name=name, error="it compresses suspiciously well (a zip bomb?)")
        cap = min(limit, self.budget, max(info.compress_size, 1) * MAX_COMPRESSION_RATIO)
        try:
            with archive.open(info) as stream:
                data = read_capped(stream, cap, "it expands to more than it declares")
        except TooLarge as error:
            return SourceItem(name=name, error=str(error))
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error):
            # RuntimeError: an encrypted member; the others: damaged data.
            return SourceItem(name=name, error="the file inside the archive is damaged")
        self.budget -= len(data)
        return data
