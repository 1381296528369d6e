"""German and English: Gremalda's own translations (``resources/i18n/gremalda_<lang>.qm``, compiled from
the ``.ts`` files by ``pyside6-lrelease``; the English one holds only plural forms) and Qt's
(``qtbase_<lang>.qm``, shipped with PySide6).

The source strings are English; German is loaded when the system locale is German, or when asked for
(``--lang de``, or the language preference)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
SUPPORTED = ("de", "en")
_installed: list[QTranslator] = []


def qm_path(language: str) -> Path:
    return I18N_DIR / f"gremalda_{language}.qm"


def choose_language(requested: str | None, system: QLocale | None = None) -> str:
    """``requested`` ("de", "en") when given, else German for a German system locale, else English."""
    if requested:
        language = requested.lower().replace("-", "_").split("_")[0]
        return language if language in SUPPORTED else "en"
    locale = system or QLocale.system()
    languages = [locale.name(), *locale.uiLanguages()]
    for name in languages:
        code = name.lower().replace("-", "_").split("_")[0]
        if code in SUPPORTED:
            return code
    return "en"


def install_translations(requested: str | None = None, system: QLocale | None = None) -> str:
    """Load the translations for the chosen language into the running application (removing those
    loaded before) and make it the default locale; returns the language code."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_translations needs a QCoreApplication")
    remove_translations()
    language = choose_language(requested, system)
    own = QTranslator(app)  # English too: its plural forms ("1 document", "2 documents")
    if own.load(str(qm_path(language))):
        QCoreApplication.installTranslator(own)
        _installed.append(own)
    if language != "en":
        qt = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(QLocale(language), "qtbase", "_", qt_dir):
            QCoreApplication.installTranslator(qt)
            _installed.append(qt)
    if language == "de":
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    else:  # 24-hour times and day-month dates, as in the rest of Europe
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return language


def remove_translations() -> None:
    while _installed:
        translator = _installed.pop()
        QCoreApplication.removeTranslator(translator)
        translator.deleteLater()
