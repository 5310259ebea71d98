"""Clearance documents: accepted by what the bytes are, never by the file's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

if TYPE_CHECKING:
    from .models import Clearance


@dataclass(frozen=True)
class DocumentKind:
    content_type: str
    extension: str


PDF = DocumentKind("application/pdf", ".pdf")
PNG = DocumentKind("image/png", ".png")
JPEG = DocumentKind("image/jpeg", ".jpg")


def _sniff(head: bytes, tail: bytes) -> DocumentKind | None:
    if head.startswith(b"%PDF-") and b"%%EOF" in tail:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and b"IEND" in tail:
        return PNG
    if head.startswith(b"\xff\xd8\xff") and tail.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
        return JPEG
    return None


def check_document(upload: UploadedFile) -> DocumentKind:
    """Return the document's kind, or raise ``ValidationError`` for anything we don't accept.

    PDF, PNG and JPEG up to ``MAX_UPLOAD_BYTES`` (10 MB). Both ends of the file are checked so
    that a renamed executable with a forged first line is still refused.
    """
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if upload.size > limit:
        raise ValidationError(
            "The file is %(size).1f MB; the limit is %(limit)d MB.",
            code="too_large",
            params={"size": upload.size / 1_048_576, "limit": limit // 1_048_576},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(max(0, upload.size - 1024))
    tail = upload.read(1024)
    upload.seek(0)
    kind = _sniff(head, tail)
    if kind is None:
        raise ValidationError(
            "Upload a PDF, PNG or JPEG file; this file is not one of those.", code="bad_type"
        )
    return kind


def attach_document(clearance: Clearance, upload: UploadedFile) -> None:
    """Check ``upload`` (``check_document``) and set it as the clearance's document, with its
    kind, size and the name it was uploaded under; the stored name never reuses that name.

    Every channel that stores a clearance's document goes through here: the coach's page and
    the API (``services.clearance_create``) and the admin (``athletes/admin.py``). Raises
    ``ValidationError`` keyed on ``document``; nothing is stored until the clearance is saved.
    """
    try:
        kind = check_document(upload)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc
    clearance.document_name = (upload.name or "document")[-200:]
    clearance.document_content_type = kind.content_type
    clearance.document_size = upload.size
    upload.name = f"clearance{kind.extension}"
    clearance.document = upload
