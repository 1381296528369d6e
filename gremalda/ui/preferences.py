"""The user's preferences (DESIGN §6: preferences, state and secrets live in three places): QSettings,
the platform's settings store. State (read positions, sync cursors) lives in the replica, secrets in
the keyring; neither ever goes here."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "Gremalda"
APPLICATION = "gremalda"
LANGUAGES = ("", "de", "en")  # "": follow the system
MIN_INTERVAL_MINUTES = 1
MAX_INTERVAL_MINUTES = 24 * 60


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return default


class Preferences:
    """Typed access to the preferences; ``settings`` defaults to the user's QSettings."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings(ORGANIZATION, APPLICATION)

    @property
    def sync_interval_minutes(self) -> int:
        value = _int(self.settings.value("sync/interval_minutes", 5), 5)
        return min(max(value, MIN_INTERVAL_MINUTES), MAX_INTERVAL_MINUTES)

    @sync_interval_minutes.setter
    def sync_interval_minutes(self, minutes: int) -> None:
        self.settings.setValue("sync/interval_minutes", int(minutes))

    @property
    def night_mode(self) -> bool:
        return _bool(self.settings.value("view/night_mode", False), False)

    @night_mode.setter
    def night_mode(self, on: bool) -> None:
        self.settings.setValue("view/night_mode", bool(on))

    @property
    def language(self) -> str:
        value = str(self.settings.value("ui/language", "") or "")
        return value if value in LANGUAGES else ""

    @language.setter
    def language(self, language: str) -> None:
        self.settings.setValue("ui/language", language if language in LANGUAGES else "")

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.settings.setValue("window/geometry", geometry)
        self.settings.setValue("window/state", state)

    def sync(self) -> None:
        self.settings.sync()
