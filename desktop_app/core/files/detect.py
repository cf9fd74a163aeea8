"""Tells a file's media type from its first bytes (magic numbers), never from its name."""

from __future__ import annotations

OCTET_STREAM = "application/octet-stream"
PDF = "application/pdf"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
PLAIN_TEXT = "text/plain"

# Bytes a file starts with, and the type they mean. Checked in order.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"{\\rtf", "application/rtf"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"%!PS", "application/postscript"),
)

# How many leading bytes detection needs; the store passes its first chunk, which is longer.
HEAD_SIZE = 8192


def media_type_of(head: bytes) -> str:
    """The media type the leading bytes of a file show; plain text when they decode as text."""
    if b"%PDF-" in head[:1024]:
        return PDF
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4" if head[8:11] in (b"iso", b"mp4", b"avc") else "application/octet-stream"
    if looks_like_text(head[:HEAD_SIZE]):
        return PLAIN_TEXT
    return OCTET_STREAM


def looks_like_text(sample: bytes) -> bool:
    """True for UTF-8 or UTF-16 (with a byte order mark) text without binary control bytes."""
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(sample) - 3:
            return False
        text = sample[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b")
    return controls <= len(text) // 100


def zip_media_type(names: list[str]) -> str:
    """The office format a ZIP archive holds, from its member names."""
    members = set(names)
    if "word/document.xml" in members:
        return DOCX
    if "xl/workbook.xml" in members:
        return XLSX
    if "ppt/presentation.xml" in members:
        return PPTX
    if "mimetype" in members and "content.xml" in members:
        return ODT
    return ZIP


def describe_media_type(media_type: str) -> str:
    """A clerk's name for a media type."""
    names = {
        PDF: "PDF document",
        DOCX: "Word document",
        XLSX: "Excel workbook",
        PPTX: "PowerPoint presentation",
        ODT: "OpenDocument text",
        ZIP: "ZIP archive",
        PLAIN_TEXT: "plain text",
        "image/png": "PNG image",
        "image/jpeg": "JPEG image",
        "image/tiff": "TIFF image",
        "image/gif": "GIF image",
        "image/webp": "WebP image",
        "application/x-ole-storage": "older Office document",
        "application/rtf": "RTF document",
    }
    return names.get(media_type, "file of an unknown type")
