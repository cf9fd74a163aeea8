"""Files the attachment and search tests make for themselves: PDFs (text, Chinese, image-only, encrypted, cut off),
a Word document, and odd inputs."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas


def text_pdf_bytes(lines: list[str], pages: int = 1, font: str = "Helvetica") -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    for page in range(pages):
        drawing.setFont(font, 11)
        y = 740
        for line in lines:
            drawing.drawString(72, y, line if pages == 1 else f"{line} (page {page + 1})")
            y -= 15
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def text_pdf(path: Path, lines: list[str], pages: int = 1) -> Path:
    path.write_bytes(text_pdf_bytes(lines, pages))
    return path


def chinese_pdf(path: Path, lines: list[str]) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path.write_bytes(text_pdf_bytes(lines, font="STSong-Light"))
    return path


def image_only_pdf(path: Path) -> Path:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).rectangle((20, 20, 380, 180), outline=0, width=4)
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    drawing.drawImage(ImageReader(image), 72, 400, width=400, height=200)
    drawing.showPage()
    drawing.save()
    path.write_bytes(buffer.getvalue())
    return path


def encrypted_pdf(path: Path, password: str = "secret", lines: list[str] | None = None) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf_bytes(lines or ["Confidential annex"]))))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def truncated_pdf(path: Path, lines: list[str]) -> Path:
    data = text_pdf_bytes(lines, pages=3)
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def docx(path: Path, paragraphs: list[str]) -> Path:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
        )
    return path


def random_bytes(path: Path, size: int = 4096) -> Path:
    path.write_bytes(os.urandom(size))
    return path
