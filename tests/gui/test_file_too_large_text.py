"""A file refused for its size (an XFDF import of a file far larger than any XFDF) says so in the user's
language: the window's English equals the core's, the German names the file and the limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gremalda.files import FileNotRead, read_limited
from gremalda.ui.error_texts import error_text

LIMIT = 1024 * 1024  # 1 MB


def _refused(tmp_path: Path) -> FileNotRead:
    big = tmp_path / "Anmerkungen.xfdf"
    big.write_bytes(b"<" * (LIMIT + 1))
    assert read_limited(tmp_path / "Anmerkungen.xfdf", LIMIT + 1) == big.read_bytes()  # at the limit: read
    with pytest.raises(FileNotRead) as info:
        read_limited(big, LIMIT)
    assert info.value.too_large == (str(big), 1)
    return info.value


def test_the_english_window_shows_the_cores_sentence(qapp: Any, tmp_path: Path) -> None:
    error = _refused(tmp_path)
    assert (
        error.message
        == f"“{tmp_path / 'Anmerkungen.xfdf'}” is larger than 1 MB: it is not a file of this kind."
    )
    assert error_text(error) == ("File not read", error.message)


def test_the_german_window_names_the_file_and_the_limit_in_german(german: None, tmp_path: Path) -> None:
    title, message = error_text(_refused(tmp_path))
    assert title == "Datei nicht gelesen"
    assert (
        message == f"„{tmp_path / 'Anmerkungen.xfdf'}“ ist größer als 1 MB: Das ist keine Datei dieser Art."
    )
