"""Gives a finished letter its title, author, subject and dates, in the document information and in XMP alike."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
from pikepdf.models.metadata import decode_pdf_date

from ..errors import UserError

CREATOR = "Sister City Records"
PRODUCER = "Sister City Records (ReportLab, pikepdf)"
# The dates of the document information (/Info) and the XMP properties that say the same.
_DATES = (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate"))


def open_pdf(pdf: bytes) -> pikepdf.Pdf:
    """Opens PDF bytes without repairing anything: a damaged or encrypted file is a ``UserError``.

    Repairing would quietly rebuild a letter from whatever survived, so a file qpdf has to reconstruct, or whose
    streams or page contents do not read back, is refused instead.
    """
    try:
        document = pikepdf.Pdf.open(io.BytesIO(pdf), attempt_recovery=False)
    except pikepdf.PasswordError:
        raise UserError("The PDF is protected by a password, so it cannot be changed.") from None
    except (pikepdf.PdfError, ValueError, RuntimeError):
        raise UserError("The PDF is damaged and cannot be read; please make the letter again.") from None
    try:
        if document.is_encrypted:
            raise UserError("The PDF is encrypted; only an unencrypted PDF can be finished or archived.")
        if document.check_pdf_syntax() or document.get_warnings():
            raise UserError("The PDF is damaged and cannot be read; please make the letter again.")
    except BaseException:
        document.close()
        raise
    return document


def pdf_bytes(document: pikepdf.Pdf) -> bytes:
    """The document saved the same way every time: no encryption, a document ID derived from the content.

    ``deterministic_id`` keeps the first half of the trailer's /ID (ReportLab's) and computes the second from the
    bytes written, where qpdf would otherwise mix in the current time. XMP metadata needs PDF 1.4 or later.
    """
    buffer = io.BytesIO()
    try:
        document.save(buffer, deterministic_id=True, encryption=False, min_version="1.4")
    except pikepdf.PdfError:
        raise UserError("The PDF is damaged and cannot be saved; please make the letter again.") from None
    return buffer.getvalue()


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    """The moment as both PDF and XMP dates can say it: whole seconds, an offset from UTC of whole minutes."""
    moment = moment.replace(microsecond=0)
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        minutes = round(offset.total_seconds() / 60)
        moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    return moment


def pdf_date(moment: dt.datetime) -> str:
    """A date for the document information, e.g. ``D:20261128093000-05'00'``; naive times get no offset."""
    moment = whole_seconds(moment)
    text = moment.strftime("D:%Y%m%d%H%M%S")
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}'{minutes:02d}'"


def xmp_date(moment: dt.datetime) -> str:
    """The same moment as XMP writes it, e.g. ``2026-11-28T09:30:00-05:00``; naive times get no offset."""
    return whole_seconds(moment).isoformat()


def write_metadata(
    document: pikepdf.Pdf,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str = "",
    created: dt.datetime | None = None,
) -> None:
    """Sets the document information and writes XMP metadata that says the same, with no time of its own.

    Without ``created`` the dates already in the document information (ReportLab's) are kept and copied to XMP.
    pikepdf's editor mark is off: it would stamp the current time as xmp:MetadataDate.
    """
    info = document.docinfo
    info[pikepdf.Name.Title] = title
    info[pikepdf.Name.Author] = author
    info[pikepdf.Name.Subject] = subject
    info[pikepdf.Name.Creator] = CREATOR
    info[pikepdf.Name.Producer] = PRODUCER
    if keywords:
        info[pikepdf.Name.Keywords] = keywords
    elif pikepdf.Name.Keywords in info:
        del info[pikepdf.Name.Keywords]
    if created is not None:
        for key, _ in _DATES:
            info[key] = pdf_date(created)
    dates: dict[str, str] = {}
    for key, xmp_key in _DATES:
        if key in info:
            try:
                dates[xmp_key] = xmp_date(decode_pdf_date(str(info[key])))
            except ValueError:
                raise UserError(
                    "The PDF's dates are not written the way PDF dates are; it cannot be finished."
                ) from None
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
        meta["dc:description"] = subject
        meta["xmp:CreatorTool"] = CREATOR
        meta["pdf:Producer"] = PRODUCER
        if keywords:
            meta["pdf:Keywords"] = keywords
        elif "pdf:Keywords" in meta:
            del meta["pdf:Keywords"]
        for xmp_key, value in dates.items():
            meta[xmp_key] = value


def finish_pdf(
    pdf: bytes,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str = "",
    created: dt.datetime | None = None,
) -> bytes:
    """The PDF with its title, author, subject, keywords and dates set, in the document information and in XMP.

    ``pdf`` is what ReportLab made in invariant mode, whose dates are a fixed stand-in; ``created`` (creation and
    modification date) replaces them when given. Pages, their content, links and bookmarks are left as they are.
    The same bytes and arguments always give the same bytes back. A damaged or encrypted PDF is a ``UserError``.
    """
    with open_pdf(pdf) as document:
        write_metadata(document, title=title, author=author, subject=subject, keywords=keywords, created=created)
        return pdf_bytes(document)
