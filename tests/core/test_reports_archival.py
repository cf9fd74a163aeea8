"""A finished letter's metadata, its PDF/A-2b archival copy and the offline check of PDF/A-2b requirements."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from PIL import ImageCms
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from desktop_app.core.errors import UserError
from desktop_app.core.reports.archival import archival_copy, pdfa_2b_problems, srgb_profile
from desktop_app.core.reports.fonts import SERIF, SERIF_BOLD, register_fonts
from desktop_app.core.reports.pdf_finish import finish_pdf

REPO_ROOT = Path(__file__).resolve().parents[2]

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
    data = damaged_pdfs()[damage]
    with pytest.raises(UserError, match=r"^The PDF is damaged[^.]*\.$"):
        finish_pdf(data, **DETAILS, created=CREATED)
    with pytest.raises(UserError, match=r"^The PDF is damaged[^.]*\.$"):
        archival_copy(data, **DETAILS, created=CREATED)
    assert pdfa_2b_problems(data) == ["The file is not a PDF that can be read; it may be damaged."]


@pytest.fixture(scope="module")
def archived(letter: bytes) -> bytes:
    return archival_copy(letter, **DETAILS, created=CREATED)


def test_the_archival_copy_meets_the_pdfa_2b_requirements_and_shows_the_same(letter: bytes, archived: bytes) -> None:
    assert pdfa_2b_problems(archived) == []
    with opened(letter) as before, opened(archived) as after:
        assert page_contents(after) == page_contents(before)
        assert outline_titles(after) == outline_titles(before)
        assert link_targets(after) == link_targets(before)
        assert [int(annotation.F) for page in after.pages for annotation in page.Annots] == [4, 4]


def test_the_archival_copy_says_it_is_pdfa_2b_with_the_letters_details(archived: bytes) -> None:
    assert archived.startswith(b"%PDF-1.")
    with opened(archived) as document:
        assert not document.is_encrypted
        assert len(document.trailer.ID) == 2 and all(bytes(part) for part in document.trailer.ID)
        meta = document.open_metadata()
        assert meta.pdfa_status == "2B"
        info = document.docinfo
        assert meta["dc:title"] == str(info.Title) == DETAILS["title"]
        assert meta["dc:creator"] == [str(info.Author)] == [DETAILS["author"]]
        assert meta["dc:description"] == str(info.Subject) == DETAILS["subject"]
        assert str(info.CreationDate) == "D:20261128093000-05'00'"
        assert meta["xmp:CreateDate"] == "2026-11-28T09:30:00-05:00"
        [intent] = document.Root.OutputIntents
        assert intent.S == Name.GTS_PDFA1
        assert intent.DestOutputProfile.read_bytes() == srgb_profile()
        assert intent.DestOutputProfile.N == 3


def test_the_srgb_profile_is_a_fixed_v4_monitor_profile_with_a_correct_id() -> None:
    profile = srgb_profile()
    assert (profile[12:16], profile[16:20], profile[8]) == (b"mntr", b"RGB ", 4)
    read = ImageCms.ImageCmsProfile(io.BytesIO(profile)).profile
    assert read.creation_date == dt.datetime(2000, 1, 1)
    unsigned = bytearray(profile)
    for start, end in ((44, 48), (64, 68), (84, 100)):
        unsigned[start:end] = bytes(end - start)
    assert profile[84:100] == hashlib.md5(unsigned, usedforsecurity=False).digest()


def test_the_same_letter_gives_the_same_bytes_in_another_run_later(
    letter: bytes, archived: bytes, tmp_path: Path
) -> None:
    # qpdf's usual document ID and LittleCMS's profile date both take the current time, to the second: another
    # process, at least a second later, must still write the same bytes.
    started = time.monotonic()
    finished = finish_pdf(letter, **DETAILS, created=CREATED)
    assert archival_copy(letter, **DETAILS, created=CREATED) == archived
    source = tmp_path / "letter.pdf"
    source.write_bytes(letter)
    script = textwrap.dedent(
        f"""
        import datetime as dt, hashlib, pathlib
        from desktop_app.core.reports.archival import archival_copy
        from desktop_app.core.reports.pdf_finish import finish_pdf
        data = pathlib.Path({str(source)!r}).read_bytes()
        created = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
        details = {DETAILS!r}
        print(hashlib.sha256(finish_pdf(data, **details, created=created)).hexdigest())
        print(hashlib.sha256(archival_copy(data, **details, created=created)).hexdigest())
        """
    )
    time.sleep(max(0.0, 1.1 - (time.monotonic() - started)))
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, check=True, timeout=120
    )
    assert result.stdout.split() == [hashlib.sha256(finished).hexdigest(), hashlib.sha256(archived).hexdigest()]


def test_the_plain_reportlab_letter_is_not_pdfa(letter: bytes) -> None:
    problems = pdfa_2b_problems(letter)
    assert "The PDF has no XMP metadata." in problems
    assert "The PDF has no PDF/A output intent (an embedded ICC colour profile for its colours)." in problems
    assert "A Link annotation on page 1 has no flags; it must be flagged to print." in problems
    finished = pdfa_2b_problems(finish_pdf(letter, **DETAILS, created=CREATED))
    assert "The XMP metadata does not identify the file as PDF/A (pdfaid:part is missing)." in finished


def test_a_font_that_is_not_embedded_is_found_and_stops_the_archival_copy() -> None:
    helvetica = letter_pdf("Helvetica")
    assert "The font Helvetica is not embedded in the PDF." in pdfa_2b_problems(helvetica)
    with pytest.raises(UserError) as raised:
        archival_copy(helvetica, **DETAILS, created=CREATED)
    assert str(raised.value) == "The font Helvetica is not embedded in the PDF. No archival copy was made."


def changed(data: bytes, change: Callable[[pikepdf.Pdf], None], **save: object) -> bytes:
    with opened(data) as document:
        change(document)
        buffer = io.BytesIO()
        document.save(buffer, **save)  # type: ignore[arg-type]
        return buffer.getvalue()


def set_flags(flags: int | None) -> Callable[[pikepdf.Pdf], None]:
    def change(document: pikepdf.Pdf) -> None:
        link = document.pages[0].Annots[0]
        if flags is None:
            del link.F
        else:
            link.F = flags

    return change


def add_to_catalog(**entries: object) -> Callable[[pikepdf.Pdf], None]:
    def change(document: pikepdf.Pdf) -> None:
        for key, value in entries.items():
            document.Root[Name("/" + key)] = value

    return change


def set_info(key: str, value: str) -> Callable[[pikepdf.Pdf], None]:
    def change(document: pikepdf.Pdf) -> None:
        document.docinfo[Name("/" + key)] = value

    return change


def set_xmp(key: str, value: str | None) -> Callable[[pikepdf.Pdf], None]:
    def change(document: pikepdf.Pdf) -> None:
        with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            if value is None:
                del meta[key]
            else:
                meta[key] = value

    return change


def draw(content: bytes) -> Callable[[pikepdf.Pdf], None]:
    def change(document: pikepdf.Pdf) -> None:
        document.pages[0].contents_add(document.make_stream(content))

    return change


def use_graphics_state(**state: object) -> Callable[[pikepdf.Pdf], None]:
    def change(document: pikepdf.Pdf) -> None:
        page = document.pages[0]
        page.Resources.ExtGState = Dictionary(GS9=Dictionary(Type=Name.ExtGState, **state))
        page.contents_add(document.make_stream(b"/GS9 gs"))

    return change


def lzw_stream(document: pikepdf.Pdf) -> None:
    document.Root.PieceInfo = document.make_stream(b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01", Filter=Name.LZWDecode)


def attach_text(document: pikepdf.Pdf) -> None:
    document.attachments["notes.txt"] = pikepdf.AttachedFileSpec(document, b"Notes", mime_type="text/plain")


def printer_profile(document: pikepdf.Pdf) -> None:
    profile = bytearray(srgb_profile())
    profile[12:16] = b"scnr"
    document.Root.OutputIntents[0].DestOutputProfile.write(bytes(profile))


def launch_link(document: pikepdf.Pdf) -> None:
    document.pages[0].Annots[0].A = Dictionary(S=Name.Launch, F="calc.exe")


BREAKAGES: dict[str, tuple[Callable[[pikepdf.Pdf], None], dict[str, object], str]] = {
    "encrypted": (lambda _: None, {"encryption": pikepdf.Encryption(owner="x", user="")}, "is encrypted"),
    "no XMP": (lambda document: document.Root.__delattr__("Metadata"), {}, "has no XMP metadata"),
    "PDF/A-1": (set_xmp("pdfaid:part", "1"), {}, "PDF/A part 1, not part 2"),
    "no conformance": (set_xmp("pdfaid:conformance", None), {}, "conformance level B"),
    "title": (set_info("Title", "Another letter"), {}, "The title in the document information differs"),
    "author": (set_info("Author", "Another city"), {}, "The author in the document information differs"),
    "date": (set_info("CreationDate", "D:20261129093000-05'00'"), {}, "The creation date in the document"),
    "xmp date gone": (set_xmp("xmp:ModifyDate", None), {}, "modification date that the XMP metadata lacks"),
    "no output intent": (lambda document: document.Root.__delattr__("OutputIntents"), {}, "no PDF/A output intent"),
    "scanner profile": (printer_profile, {}, "neither a monitor nor a printer profile"),
    "CMYK on sRGB": (draw(b"0 0 0 1 k 72 72 10 10 re f"), {}, "Page 1 uses CMYK colours"),
    "hidden link": (set_flags(4 | 2), {}, "flagged hidden or not to be viewed"),
    "link not printed": (set_flags(0), {}, "is not flagged to print"),
    "link without flags": (set_flags(None), {}, "has no flags"),
    "JavaScript": (
        add_to_catalog(OpenAction=Dictionary(S=Name.JavaScript, JS="app.alert(1)")),
        {},
        "contains JavaScript",
    ),
    "Launch": (launch_link, {}, "contains a Launch action"),
    "catalog actions": (add_to_catalog(AA=Dictionary()), {}, "The document catalog has additional actions"),
    "movie": (
        lambda document: document.pages[0].Annots.append(
            Dictionary(Type=Name.Annot, Subtype=Name.Movie, Rect=Array([0, 0, 10, 10]), F=4)
        ),
        {},
        "a Movie annotation",
    ),
    "embedded text file": (attach_text, {}, "embeds a file that is not itself a PDF/A-1 or PDF/A-2 file"),
    # qpdf would decode the stream and compress it again with Flate unless told to do neither.
    "LZW": (
        lzw_stream,
        {"compress_streams": False, "stream_decode_level": pikepdf.StreamDecodeLevel.none},
        "compressed with LZW",
    ),
    "transfer function": (use_graphics_state(TR=Name.Identity), {}, "sets a transfer function"),
    "blend mode": (use_graphics_state(BM=Name.Dissolve), {}, "blend mode Dissolve"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_each_broken_requirement_is_found(archived: bytes, breakage: str) -> None:
    change, save, problem = BREAKAGES[breakage]
    problems = pdfa_2b_problems(changed(archived, change, **save))
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda data: data.replace(b"%PDF-1.4", b"%PDF-2.0", 1), "does not begin with a PDF 1.0 to 1.7 header"),
        (lambda data: data.replace(b"/ID [", b"/XD [", 1), "has no document ID"),
        (lambda data: data + b"% appended\n", "data after the file's last end-of-file marker"),
    ],
)
def test_file_structure_problems_are_found(archived: bytes, damage: Callable[[bytes], bytes], problem: str) -> None:
    data = damage(archived)
    assert data != archived
    assert any(problem in found for found in pdfa_2b_problems(data))
