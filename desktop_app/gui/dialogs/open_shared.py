"""Open shared records: a PostgreSQL server's details and password, connected to on the worker, cancellable."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Stopped, UserError
from ..app_settings import remember_server, remembered_server
from ..tasks import TaskControl
from . import messages

if TYPE_CHECKING:
    from ...core.host.server_passwords import ServerAccount
    from ...core.safekeeping.connecting import SharedRecords, SharedServer
    from ..context import AppContext

log = logging.getLogger("desktop_app.gui")

# The security (TLS) settings in plain words, safest last; libpq's own names are the data.
SECURITY_CHOICES = (
    ("prefer", "Encrypt when the server can (usual)"),
    ("require", "Always encrypt, without checking the server's certificate"),
    ("verify-ca", "Always encrypt, and check the server's certificate"),
    ("verify-full", "Always encrypt, and check the certificate and the server's name (safest)"),
    ("allow", "Encrypt only when the server insists"),
    ("disable", "Never encrypt (only on a network you trust)"),
)
NO_KEYCHAIN = (
    "This computer has no keychain the program can use, so the password is not kept anywhere: it is asked each time."
)
STOPPED = "Stopped. The window stays on the records it had; nothing was changed."


@dataclass(frozen=True)
class Opened:
    """What a successful connection hands to the window: the records, and whether the keychain kept the password."""

    records: SharedRecords
    remember_asked: bool
    password_kept: bool


class OpenSharedDialog(QDialog):
    """Asks where the shared records are; connects on the worker; on success hands them over and closes.

    A failure shows its sentence here and changes nothing. While connecting the fields are locked and Cancel
    abandons the attempt at once: whatever the worker still brings back for it is closed unseen.
    """

    def __init__(self, context: AppContext, on_opened: Callable[[Opened], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ...core.safekeeping.connecting import CONNECT_TIMEOUT_SECONDS

        self._context = context
        self._on_opened = on_opened
        self._attempt = 0
        self._control: TaskControl | None = None
        self._filled_for: ServerAccount | None = None  # whose kept password the password box holds
        self.timeout_seconds = CONNECT_TIMEOUT_SECONDS
        self.setWindowTitle("Open shared records")
        self.setAccessibleName("Open shared records")
        self.setModal(True)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Open the records kept on your office's PostgreSQL server. The records' administrator gives you these "
            "details and your password."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._make_form())
        self.keychain_note = QLabel("")
        self.keychain_note.setWordWrap(True)
        self.keychain_note.hide()
        layout.addWidget(self.keychain_note)
        layout.addLayout(self._make_status_row())
        layout.addLayout(self._make_buttons())
        self._fill(remembered_server())
        self.resize(self.fontMetrics().horizontalAdvance("M") * 40, self.sizeHint().height())
        (self.password if self.user.text() else self.host).setFocus()
        self._read_keychain()

    # --- layout ---------------------------------------------------------------------------------------------

    def _make_form(self) -> QFormLayout:
        from ...core.safekeeping.connecting import DEFAULT_PORT

        form = QFormLayout()
        self.host = self._line("Server's address", "db.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName("Port")
        self.database = self._line("Database", "city_records")
        self.user = self._line("User name", "")
        self.password = self._line("Password", "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember the password in this computer's keychain")
        self.remember.setAccessibleName("Remember the password in this computer's keychain")
        self.security = QComboBox()
        self.security.setAccessibleName("Encryption (TLS)")
        for mode, label in SECURITY_CHOICES:
            self.security.addItem(label, mode)
        form.addRow("Server's &address", self.host)
        form.addRow("&Port", self.port)
        form.addRow("&Database", self.database)
        form.addRow("&User name", self.user)
        form.addRow("Pass&word", self.password)
        form.addRow("", self.remember)
        form.addRow("&Encryption", self.security)
        for field in (self.host, self.database, self.user):
            field.textEdited.connect(lambda _text: self._account_changed())
        self.port.valueChanged.connect(lambda _value: self._account_changed())
        return form

    def _line(self, name: str, example: str) -> QLineEdit:
        line = QLineEdit()
        line.setAccessibleName(name)
        if example:
            line.setPlaceholderText(f"e.g. {example}")
        return line

    def _make_status_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Connecting")
        self.busy.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 6)
        self.busy.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("What happened")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.busy)
        row.addWidget(self.status, 1)
        return row

    def _make_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.connect_button = QPushButton("Connect")
        self.connect_button.setAccessibleName("Connect to the server and open its records")
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.connect_to_server)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        row.addWidget(self.connect_button)
        return row

    def _fill(self, server: SharedServer | None) -> None:
        if server is None:
            return
        self.host.setText(server.host)
        self.port.setValue(server.port)
        self.database.setText(server.database)
        self.user.setText(server.user)
        self.security.setCurrentIndex(max(0, self.security.findData(server.sslmode)))

    # --- the keychain ---------------------------------------------------------------------------------------

    def server(self) -> SharedServer:
        """The details as typed (not yet checked)."""
        from ...core.safekeeping.connecting import SharedServer

        sslmode = str(self.security.currentData())
        return SharedServer(self.host.text(), self.database.text(), self.user.text(), self.port.value(), sslmode)

    def _read_keychain(self) -> None:
        """Whether a keychain is usable and the password it keeps for the details shown, read beside the records."""
        account = self._current_account()

        def work(_control: TaskControl) -> tuple[bool, str | None]:
            from ...core.host.server_passwords import keyring_usable, read_password

            usable = keyring_usable()
            return usable, read_password(account) if usable and account is not None else None

        self._context.runner.run(
            work,
            label="Reading the keychain…",
            on_done=lambda found: self._keychain_read(account, *found),
            read_only_check=True,
        )

    def _keychain_read(self, account: ServerAccount | None, usable: bool, password: str | None) -> None:
        if not usable:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
            self.keychain_note.setText(NO_KEYCHAIN)
            self.keychain_note.show()
            return
        if password is not None and account is not None and self._current_account() == account:
            if not self.password.text():
                self.password.setText(password)
                self._filled_for = account
            self.remember.setChecked(True)

    def _current_account(self) -> ServerAccount | None:
        try:
            return self.server().checked().account
        except UserError:
            return None

    def _account_changed(self) -> None:
        """A password the keychain kept for other details is never sent to these."""
        if self._filled_for is not None and self._current_account() != self._filled_for:
            self.password.clear()
            self._filled_for = None

    # --- connecting -----------------------------------------------------------------------------------------

    @property
    def connecting(self) -> bool:
        return self._control is not None

    def connect_to_server(self) -> None:
        """Checks the details, then connects and opens the records on the worker; the dialog stays responsive."""
        if self.connecting:
            return
        try:
            server = self.server().checked()
        except UserError as error:
            self.status.setText(error.message)
            return
        self._attempt += 1
        attempt = self._attempt
        password, remember = self.password.text(), self.remember.isChecked() and self.remember.isEnabled()
        data_dir, timeout = self._context.location.data_dir, self.timeout_seconds

        def work(control: TaskControl) -> Opened:
            from ...core.host.server_passwords import keep_or_forget
            from ...core.safekeeping.connecting import open_shared_records

            records = open_shared_records(server, password, data_dir, timeout_seconds=timeout)
            if control.cancelled:
                records.db.dispose()
                raise Stopped()
            return Opened(records, remember, keep_or_forget(server.account, password, remember))

        self._set_connecting(True, f"Connecting to {server.description}…")
        self._control = self._context.runner.run(
            work,
            label=f"Connecting to {server.host}…",
            on_done=lambda opened: self._connected(attempt, opened),
            on_error=lambda error: self._failed(attempt, error),
        )

    def cancel(self) -> None:
        """While connecting, abandons the attempt and stays open; otherwise closes the dialog."""
        if not self.connecting:
            self.reject()
            return
        assert self._control is not None
        self._control.cancel()
        self._attempt += 1  # what the abandoned attempt brings back is closed, never shown
        self._set_connecting(False, STOPPED)

    def _set_connecting(self, connecting: bool, text: str) -> None:
        if not connecting:
            self._control = None
        for widget in (self.host, self.port, self.database, self.user, self.password, self.security):
            widget.setEnabled(not connecting)
        self.remember.setEnabled(not connecting and self.keychain_note.text() != NO_KEYCHAIN)
        self.connect_button.setEnabled(not connecting)
        self.busy.setVisible(connecting)
        self.status.setText(text)

    def _connected(self, attempt: int, opened: Opened) -> None:
        if attempt != self._attempt:
            self._context.runner.run(lambda _control: opened.records.db.dispose(), label="Closing a connection…")
            return
        self._set_connecting(False, f"Connected to {opened.records.server.description}.")
        remember_server(opened.records.server)
        self._on_opened(opened)
        self.accept()
        if opened.remember_asked and not opened.password_kept:
            messages.inform(
                self.parentWidget(),
                "The password was not kept",
                "This computer's keychain did not keep the password, so it will be asked the next time.",
            )

    def _failed(self, attempt: int, error: BaseException) -> None:
        if attempt != self._attempt:
            return
        if isinstance(error, Stopped):
            self._set_connecting(False, STOPPED)
        elif isinstance(error, UserError):
            self._set_connecting(False, error.message)
        else:
            self._set_connecting(False, messages.error_text(error, self._context.log_path)[1])
            messages.show_error(self, error, self._context.log_path)
        self.password.setFocus()

    def reject(self) -> None:
        if self.connecting and self._control is not None:
            self._control.cancel()
            self._attempt += 1
            self._control = None
        super().reject()
