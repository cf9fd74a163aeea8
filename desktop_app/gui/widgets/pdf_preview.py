"""A PDF shown inside the window: pages, zoom, and search in the document."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QModelIndex, QPointF
from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .icons import icon

ZOOM_STEP = 1.25


class PdfPreview(QWidget):
    """Loads PDF bytes (kept in a buffer the document reads from) and lets the clerk move around in them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.search_model = QPdfSearchModel(self)
        self.search_model.setDocument(self.document)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.previous_button = self._tool("previous", "Previous page", self.previous_page)
        self.next_button = self._tool("next", "Next page", self.next_page)
        self.page_box = QSpinBox()
        self.page_box.setAccessibleName("Page number")
        self.page_box.setMinimum(1)
        self.page_box.valueChanged.connect(self._go_to_box_page)
        self.page_count_label = QLabel("of 0")
        self.zoom_out_button = self._tool("zoom-out", "Zoom out", lambda: self.zoom(1 / ZOOM_STEP))
        self.zoom_in_button = self._tool("zoom-in", "Zoom in", lambda: self.zoom(ZOOM_STEP))
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit width")
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.fit_button.setAccessibleName("Fit the page to the width")
        self.fit_button.toggled.connect(self._fit_width)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find in document…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find words in the document")
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 12)
        self.search.textChanged.connect(self.search_model.setSearchString)
        self.search.returnPressed.connect(self.next_match)
        self.matches_label = QLabel("")
        for widget in (self.previous_button, self.page_box, self.page_count_label, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(12)
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.matches_label)
        layout.addLayout(bar)

        self._layout = layout
        self.view = self._new_view()
        layout.addWidget(self.view, 1)
        self.search_model.rowsInserted.connect(self._matches_changed)
        self.search_model.modelReset.connect(self._matches_changed)
        self._match = -1
        self._update_controls()

    def _new_view(self) -> QPdfView:
        view = QPdfView(self)
        view.setAccessibleName("Document preview")
        view.setDocument(self.document)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setSearchModel(self.search_model)
        view.pageNavigator().currentPageChanged.connect(self._page_changed)
        return view

    def _tool(self, icon_name: str, text: str, slot: object) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(icon_name))
        button.setToolTip(text)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    # --- loading --------------------------------------------------------------------------------------------

    def load_bytes(self, data: bytes) -> bool:
        """Shows the PDF; False when Qt cannot read it."""
        self.clear()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.document.load(buffer)
        self._replace_view()
        ok = self.document.status() == QPdfDocument.Status.Ready
        self._update_controls()
        return ok

    def _replace_view(self) -> None:
        """A fresh view for each document: QPdfView files a page drawn late for the document before under the new
        one's page number, so a letter just issued could go on showing the draft's stamp."""
        zoom_mode, zoom = self.view.zoomMode(), self.view.zoomFactor()
        had_focus = self.view.hasFocus()
        fresh = self._new_view()
        fresh.setZoomMode(zoom_mode)
        fresh.setZoomFactor(zoom)
        self._layout.replaceWidget(self.view, fresh)
        self.view.hide()
        self.view.deleteLater()
        self.view = fresh
        if had_focus:
            fresh.setFocus()

    def clear(self) -> None:
        self.search.clear()
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self._update_controls()

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    # --- moving around --------------------------------------------------------------------------------------

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        if 0 <= page < self.page_count:
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def zoom(self, factor: float) -> None:
        self.fit_button.setChecked(False)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(8.0, self.view.zoomFactor() * factor)))

    def _fit_width(self, fit: bool) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth if fit else QPdfView.ZoomMode.Custom)

    def next_match(self) -> None:
        count = self.search_model.rowCount(QModelIndex())
        if count == 0:
            return
        self._match = (self._match + 1) % count
        self.view.setCurrentSearchResultIndex(self._match)
        link = self.search_model.resultAtIndex(self._match)
        self.view.pageNavigator().jump(link)
        self.matches_label.setText(f"{self._match + 1} of {count}")

    def _go_to_box_page(self, number: int) -> None:
        if number - 1 != self.current_page():
            self.go_to_page(number - 1)

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < self.page_count)

    def _matches_changed(self) -> None:
        self._match = -1
        count = self.search_model.rowCount(QModelIndex())
        if not self.search.text():
            self.matches_label.setText("")
        else:
            self.matches_label.setText(f"{count} found" if count else "not found")

    def _update_controls(self) -> None:
        count = self.page_count
        has_pages = count > 0
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(max(1, count))
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)
        self.page_count_label.setText(f"of {count}")
        for widget in (self.page_box, self.zoom_in_button, self.zoom_out_button, self.fit_button, self.search):
            widget.setEnabled(has_pages)
        self.previous_button.setEnabled(False)
        self.next_button.setEnabled(count > 1)
