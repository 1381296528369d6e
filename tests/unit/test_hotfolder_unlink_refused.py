"""Filing away where the hot folder refuses to let a file go (a read-only share, a locked file; here: an
append-only folder, which refuses removal to root too): the link made in "Erledigt" is removed again, so
the file stays in the hot folder only (not listed again after a restart and filed twice)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.core.clerk.hotfolder import file_away


@pytest.fixture
def append_only_hot_folder(tmp_path: Path) -> Iterator[Path]:
    hot = tmp_path / "hot"
    hot.mkdir()
    (hot / "Erledigt").mkdir()  # made before: new entries may not be removed from the folder
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed: no way to make a folder refuse removals to this user")
    made = subprocess.run([chattr, "+a", str(hot)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"this file system or user cannot make a folder append-only: {made.stderr.strip()}")
    try:
        yield hot
    finally:
        subprocess.run([chattr, "-a", str(hot)], check=True)


def test_a_file_the_folder_will_not_let_go_stays_there_and_only_there(append_only_hot_folder: Path) -> None:
    hot = append_only_hot_folder
    pdf = hot / "Vorlage.pdf"
    pdf.write_bytes(b"%PDF-1.7 Vorlage")
    probe = hot / "probe"
    probe.write_bytes(b"")
    with pytest.raises(PermissionError):
        probe.unlink()  # the folder refuses removals, as the test needs
    with pytest.raises(OSError):
        file_away(pdf, "Erledigt")
    assert pdf.read_bytes() == b"%PDF-1.7 Vorlage"
    assert list((hot / "Erledigt").iterdir()) == []  # before: the file was in both places
