"""Filing an attached file away from the hot folder: into the subfolder (made when missing), never over a
file of the same name there, and a file that is gone is an error (nothing else moves)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gremalda.core.clerk.hotfolder import file_away


def test_an_attached_file_moves_into_the_done_folder_without_overwriting(tmp_path: Path) -> None:
    first = tmp_path / "Vorlage.pdf"
    first.write_bytes(b"%PDF-1 first")
    assert file_away(first, "Erledigt") == tmp_path / "Erledigt" / "Vorlage.pdf"
    assert not first.exists()

    for content in (b"%PDF-1 second", b"%PDF-1 third"):
        first.write_bytes(content)
        file_away(first, "Erledigt")
    done = tmp_path / "Erledigt"
    assert sorted(p.name for p in done.iterdir()) == ["Vorlage (2).pdf", "Vorlage (3).pdf", "Vorlage.pdf"]
    assert (done / "Vorlage.pdf").read_bytes() == b"%PDF-1 first"
    assert (done / "Vorlage (3).pdf").read_bytes() == b"%PDF-1 third"


def test_a_file_that_is_gone_cannot_be_filed_away(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        file_away(tmp_path / "weg.pdf", "Erledigt")
    assert list((tmp_path / "Erledigt").iterdir()) == []
