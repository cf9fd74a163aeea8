"""A finished letter's metadata, its PDF/A-2b archival copy and the offline check of PDF/A-2b requirements."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from desktop_app.core.errors import UserError
from desktop_app.core.reports.fonts import SERIF, SERIF_BOLD, register_fonts
from desktop_app.core.reports.pdf_finish import finish_pdf

CREATED = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
RECORDS_URL = "https://www.columbus.gov/sister-cities/hefei"
DETAILS = {
    "title": "Response of the City of Columbus: Sister-city partnerships (8 October 2020)",
    "author": "City of Columbus",
    "subject": "Letter of Senators Blackburn and Hawley, 8 October 2020",
}


def letter_pdf(font: str = SERIF) -> bytes:
    """Two pages drawn the way the letter is: the letter's embedded faces, a link and a bookmark on each page."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=1, pageCompression=1, initialFontName=SERIF)
    for number in (1, 2):
        canvas.setFont(SERIF_BOLD if font == SERIF else font, 14)
        canvas.drawString(72, 720, f"City of Columbus, Ohio — page {number}")
        canvas.bookmarkPage(f"page{number}")
        canvas.addOutlineEntry(f"Page {number}", f"page{number}", level=0)
        canvas.setFont(font, 11)
        canvas.drawString(72, 690, f"The agreement is published at {RECORDS_URL}.")
        canvas.linkURL(RECORDS_URL, (72, 686, 500, 702), relative=0)
        canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        canvas.line(72, 680, 540, 680)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def letter() -> bytes:
    return letter_pdf()


def opened(data: bytes) -> pikepdf.Pdf:
    return pikepdf.Pdf.open(io.BytesIO(data))


def outline_titles(document: pikepdf.Pdf) -> list[str]:
    with document.open_outline() as outline:
        return [item.title for item in outline.root]


def link_targets(document: pikepdf.Pdf) -> list[tuple[str, list[float]]]:
    return [
        (str(annotation.A.URI), [float(value) for value in annotation.Rect])
        for page in document.pages
        for annotation in page.obj.get("/Annots", [])
        if annotation.Subtype == "/Link"
    ]


def page_contents(document: pikepdf.Pdf) -> list[bytes]:
    return [page.Contents.read_bytes() for page in document.pages]


def test_finish_sets_title_author_subject_keywords_and_dates(letter: bytes) -> None:
    finished = finish_pdf(letter, **DETAILS, keywords="sister cities; oversight", created=CREATED)
    with opened(finished) as document:
        info = document.docinfo
        assert str(info.Title) == DETAILS["title"]
        assert str(info.Author) == DETAILS["author"]
        assert str(info.Subject) == DETAILS["subject"]
        assert str(info.Keywords) == "sister cities; oversight"
        assert str(info.Creator) == "Sister City Records"
        assert str(info.CreationDate) == str(info.ModDate) == "D:20261128093000-05'00'"
        meta = document.open_metadata()
        assert meta["dc:title"] == DETAILS["title"]
        assert meta["dc:creator"] == [DETAILS["author"]]
        assert meta["dc:description"] == DETAILS["subject"]
        assert meta["pdf:Keywords"] == "sister cities; oversight"
        assert meta["xmp:CreatorTool"] == "Sister City Records"
        assert meta["pdf:Producer"] == str(info.Producer)
        assert meta["xmp:CreateDate"] == meta["xmp:ModifyDate"] == "2026-11-28T09:30:00-05:00"
        # No editor's stamp of the current time.
        assert "xmp:MetadataDate" not in meta


def test_finish_without_a_date_keeps_reportlabs_and_copies_it_to_xmp(letter: bytes) -> None:
    with opened(finish_pdf(letter, **DETAILS)) as document:
        assert str(document.docinfo.CreationDate) == "D:20000101000000+00'00'"
        assert "/Keywords" not in document.docinfo
        meta = document.open_metadata()
        assert meta["xmp:CreateDate"] == "2000-01-01T00:00:00+00:00"
        assert "pdf:Keywords" not in meta


@pytest.mark.parametrize(
    ("created", "pdf_date", "xmp_date"),
    [
        (dt.datetime(2026, 11, 28, 9, 30, 5, 123456), "D:20261128093005", "2026-11-28T09:30:05"),
        (dt.datetime(2026, 11, 28, 14, 30, tzinfo=dt.UTC), "D:20261128143000+00'00'", "2026-11-28T14:30:00+00:00"),
        (
            dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
            "D:20261128093000-03'30'",
            "2026-11-28T09:30:00-03:30",
        ),
    ],
)
def test_dates_say_the_same_moment_in_both_places(
    letter: bytes, created: dt.datetime, pdf_date: str, xmp_date: str
) -> None:
    with opened(finish_pdf(letter, **DETAILS, created=created)) as document:
        assert str(document.docinfo.CreationDate) == pdf_date
        assert document.open_metadata()["xmp:CreateDate"] == xmp_date


def test_finish_gives_the_same_bytes_every_time(letter: bytes) -> None:
    first = finish_pdf(letter, **DETAILS, created=CREATED)
    assert finish_pdf(letter, **DETAILS, created=CREATED) == first
    assert finish_pdf(letter, **DETAILS, created=CREATED + dt.timedelta(days=1)) != first


def test_finish_keeps_bookmarks_links_and_page_content(letter: bytes) -> None:
    finished = finish_pdf(letter, **DETAILS, created=CREATED)
    with opened(letter) as before, opened(finished) as after:
        assert outline_titles(after) == outline_titles(before) == ["Page 1", "Page 2"]
        assert link_targets(after) == link_targets(before)
        assert len(link_targets(after)) == 2
        assert page_contents(after) == page_contents(before)


def damaged_pdfs() -> dict[str, bytes]:
    whole = letter_pdf()
    return {
        "not a PDF": b"Dear Senator Blackburn and Senator Hawley:",
        "cut in half": whole[: len(whole) // 2],
        "end cut off": whole[:-300],
        "start cut off": whole[200:],
        "empty": b"",
    }


@pytest.mark.parametrize("damage", sorted(damaged_pdfs()))
def test_a_damaged_pdf_is_a_user_error(damage: str) -> None:
    with pytest.raises(UserError, match=r"^The PDF is damaged[^.]*\.$"):
        finish_pdf(damaged_pdfs()[damage], **DETAILS, created=CREATED)
