"""The response workspace's Package…: writes the verifiable package of an issued letter, with progress and Stop."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from ...core.wording import plural
from .import_export import ExportDialog, Steering

if TYPE_CHECKING:
    from ...core.db.engine import Database
    from ..context import AppContext

PACKAGE_FILTER = "Zip packages (*.zip);;All files (*)"


def _write_package(db: Database, response_id: int, path: Path, steering: Steering) -> str:
    from ...core.preservation.package import write_package

    if not path.suffix:
        path = path.with_suffix(".zip")
    written = write_package(db, response_id, path, progress=steering.report, cancelled=steering.stop_requested)
    sentence = (
        f"Wrote {Path(written['path']).name}: the letter, its archival copy and "
        f"{plural(written['enclosures'], 'enclosed document')}, {written['files']} files in all. "
        f"The letter's SHA-256 is {written['letter_sha256']}."
    )
    if not written["enclosures_known"]:
        sentence += " The records changed since this older letter was issued: its enclosures could not be included."
    return sentence


class PackageDialog(ExportDialog):
    """Asks where to write the package (.zip) of an issued response, then writes it on the worker."""

    file_filter = PACKAGE_FILTER
    what = "the package"
    offers_personal_data = False
    write_text = "&Write the package"

    def __init__(self, context: AppContext, response_id: int, suggested: str, parent: QWidget | None = None) -> None:
        self.response_id = response_id
        self.suggested_name = suggested
        super().__init__(context, "Package the issued letter", parent)

    def add_options(self, form: QFormLayout) -> None:
        explained = QLabel(
            "The package holds the letter, its archival copy, every enclosed document, the audit trail of every "
            "record it cites and checksums, so anyone can check it years from now without this program."
        )
        explained.setWordWrap(True)
        explained.setAccessibleName("What a package holds")
        form.addRow(explained)

    def work_of(self, path: Path, steering: Steering) -> tuple[Any, ...]:
        return _write_package, self.response_id, path, steering


def package_response(parent: QWidget, context: AppContext, response_id: int, suggested: str) -> PackageDialog:
    dialog = PackageDialog(context, response_id, suggested, parent)
    dialog.open()
    return dialog
