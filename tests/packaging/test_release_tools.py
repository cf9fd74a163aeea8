"""The smoke test's checks and the build script's helpers catch what they are meant to catch."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"release_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


smoke_test = _load("smoke_test")
build = _load("build")


def _letter_pdf(path: Path, paragraphs: list[str]) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    SimpleDocTemplate(str(path), pagesize=letter).build([Paragraph(text, style) for text in paragraphs])
    return path


def test_a_letter_quoting_every_question_passes(tmp_path: Path) -> None:
    # Typographic apostrophes and line wrapping must not matter.
    questions = [question.replace("'", "\u2019") for question in smoke_test.LETTER_QUESTIONS]
    smoke_test.check_pdf(_letter_pdf(tmp_path / "response.pdf", ["Dear Senators,", *questions]))


def test_a_letter_missing_a_question_fails(tmp_path: Path) -> None:
    pdf = _letter_pdf(tmp_path / "response.pdf", list(smoke_test.LETTER_QUESTIONS[:3]))
    with pytest.raises(smoke_test.CheckFailed, match="visa programs"):
        smoke_test.check_pdf(pdf)


@pytest.mark.parametrize("content", [b"", b"hello, not a PDF", b"%PDF-1.4\ntruncated"])
def test_something_that_is_not_a_readable_pdf_fails(tmp_path: Path, content: bytes) -> None:
    pdf = tmp_path / "response.pdf"
    pdf.write_bytes(content)
    with pytest.raises(smoke_test.CheckFailed):
        smoke_test.check_pdf(pdf)


def test_a_missing_build_is_reported_with_the_command_that_makes_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"packaging/build\.py"):
        smoke_test.find_app(tmp_path / "dist" / "sister-city-records")


def test_the_console_program_is_preferred_for_commands(tmp_path: Path) -> None:
    folder = tmp_path / "sister-city-records"
    folder.mkdir()
    suffix = ".exe" if sys.platform == "win32" else ""
    (folder / f"sister-city-records{suffix}").write_bytes(b"")
    assert smoke_test.find_app(folder).cli.name == f"sister-city-records{suffix}"
    (folder / f"sister-city-records-cli{suffix}").write_bytes(b"")
    assert smoke_test.find_app(folder).cli.name == f"sister-city-records-cli{suffix}"


@pytest.mark.parametrize(
    ("version", "numeric"),
    [
        ("0.1.0", "0.1.0.0"),
        ("1.2.0rc1", "1.2.0.0"),
        ("2.0", "2.0.0.0"),
        ("1.2.3.4.5", "1.2.3.4"),
        ("3.1+local", "3.1.0.0"),
    ],
)
def test_windows_gets_a_numeric_version(version: str, numeric: str) -> None:
    assert build.numeric_version(version) == numeric
