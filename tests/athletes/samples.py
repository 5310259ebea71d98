"""Small, valid documents (and forgeries) for the clearance upload tests."""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

MB = 1024 * 1024

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A 1x1 grey pixel.
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + _png_chunk(b"IEND", b"")
)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


# A 1x1 grey baseline JPEG: one quantisation table, one-code Huffman tables, one block.
JPEG = (
    b"\xff\xd8"
    + _jpeg_segment(0xDB, b"\x00" + b"\x01" * 64)
    + _jpeg_segment(0xC0, bytes([8, 0, 1, 0, 1, 1, 1, 0x11, 0]))
    + _jpeg_segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")
    + _jpeg_segment(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00")
    + _jpeg_segment(0xDA, bytes([1, 1, 0, 0, 63, 0]))
    + b"\x3f"
    + b"\xff\xd9"
)

# A Windows executable's first bytes, and one dressed up with a PDF first line.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
EXE_WITH_PDF_HEADER = b"%PDF-1.4\n" + EXE
TEXT = b"Cleared to run, signed Dr Reid. (This is a text file.)\n"


def oversized_pdf(size: int = 10 * MB + 1) -> bytes:
    """A well-formed PDF of exactly ``size`` bytes."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"%" * (size - len(head) - len(tail)) + tail


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
