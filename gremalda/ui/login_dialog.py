"""Sign-in and first-run dialog: server address, user name, password. Signing in (a network call)
runs on a thread of its own; problems are shown in the dialog itself, next to the fields."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.account import sign_in
from gremalda.errors import GremaldaError
from gremalda.paths import DataPaths
from gremalda.ui.error_reporter import as_gremalda_error
from gremalda.ui.error_texts import error_text
from gremalda.ui.palette_colours import ProblemLabel

log = logging.getLogger(__name__)

SignIn = Callable[..., object]


class LoginDialog(QDialog):
    """Accepts when the device is signed in (the replica is bound to the account)."""

    _finished = Signal(object)  # None on success, else the GremaldaError

    def __init__(
        self,
        paths: DataPaths,
        parent: QWidget | None = None,
        *,
        server: str = "",
        user: str = "",
        first_run: bool = True,
        signer: SignIn = sign_in,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.paths = paths
        self._signer = signer
        self._thread: threading.Thread | None = None
        self.setWindowTitle(self.tr("Sign in to Gremalda"))
        self.setAccessibleName(self.tr("Sign in to Gremalda"))
        intro = QLabel(self)
        intro.setWordWrap(True)
        if first_run:
            intro.setText(
                self.tr(
                    "Welcome. Sign in once with the address of your council's Gremalda server and your "
                    "user name; the meeting folders are then kept on this computer, encrypted, and "
                    "readable without a network."
                )
            )
        else:
            intro.setText(self.tr("Your sign-in has ended. Sign in again to keep your documents current."))
        self.server = QLineEdit(server, self)
        self.server.setObjectName("server")
        self.server.setPlaceholderText("https://gremalda.example.de")
        self.server.setAccessibleName(self.tr("Server address"))
        self.user = QLineEdit(user, self)
        self.user.setObjectName("user")
        self.user.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        form = QFormLayout()
        form.addRow(self.tr("&Server address:"), self.server)
        form.addRow(self.tr("&User name:"), self.user)
        form.addRow(self.tr("&Password:"), self.password)
        data_dir = QLabel(self.tr("Offline copy: %1").replace("%1", str(paths.root)), self)
        data_dir.setWordWrap(True)
        data_dir.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = ProblemLabel(self)
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Sign-in problem"))
        self.error.hide()
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(self.tr("Signing in"))
        self.busy.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Sign in"))
        self.ok.setObjectName("signIn")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(data_dir)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self._finished.connect(self._done, Qt.ConnectionType.QueuedConnection)
        for field in (self.server, self.user, self.password):
            field.textChanged.connect(self._update)
        self._update()
        (self.password if server and user else self.server if not server else self.user).setFocus()
        self.resize(480, self.sizeHint().height())

    def _update(self) -> None:
        ready = all(f.text().strip() for f in (self.server, self.user)) and bool(self.password.text())
        self.ok.setEnabled(ready and self._thread is None)

    @property
    def signing_in(self) -> bool:
        return self._thread is not None

    @Slot()
    def submit(self) -> None:
        if self._thread is not None or not self.ok.isEnabled():
            return
        server, user, password = self.server.text().strip(), self.user.text().strip(), self.password.text()
        self.error.hide()
        self.busy.show()
        for widget in (self.server, self.user, self.password):
            widget.setEnabled(False)
        self._thread = threading.Thread(
            target=self._sign_in, args=(server, user, password), name="sign-in", daemon=True
        )
        self._update()
        self._thread.start()

    def _sign_in(self, server: str, user: str, password: str) -> None:
        try:
            self._signer(self.paths, server, user, password)
        except BaseException as exc:  # shown in the dialog
            self._tell(as_gremalda_error(exc))
        else:
            self._tell(None)

    def _tell(self, error: GremaldaError | None) -> None:
        """On the sign-in thread: the answer to the dialog, unless the dialog is gone meanwhile (its window
        closed while the server was still answering): then there is no one to tell."""
        try:
            self._finished.emit(error)
        except RuntimeError:
            log.info("a sign-in ended after its dialog was closed")

    @Slot(object)
    def _done(self, error: GremaldaError | None) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.busy.hide()
        for widget in (self.server, self.user, self.password):
            widget.setEnabled(True)
        self._update()
        if error is None:
            self.password.clear()
            self.accept()
            return
        title, message = error_text(error)
        self.error.setText(f"<b>{_escape(title)}</b><br>{_escape(message)}")
        self.error.show()
        self.password.selectAll()
        self.password.setFocus()

    def reject(self) -> None:
        if self._thread is not None:  # the sign-in goes on; its answer is ignored
            return
        super().reject()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
