"""The hot folder with real files in a real folder: a PDF written slowly is reported once, after it is
complete and stable; partial and temporary names are not; what is there at the start is found."""

from __future__ import annotations

import os
import queue
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.core.clerk.hotfolder import HotFolder, HotFolderUnusable, candidate

REPO = Path(__file__).resolve().parents[2]
PDF_DIR = REPO.parent / "shared" / "data" / "pdf"
WAIT = 120.0  # generous upper bound for an event that must come (not a timing assertion)
# How long a slowly written file must stay unchanged to count as complete: far above the writer's pauses
# (0.3 s), also when a loaded machine stalls the writer for a moment (with 1 s, such a stall would have a
# half-written file reported, then the whole one again). The other tests' files are complete at once.
SLOW_SETTLE = 3.0


def sample() -> bytes:
    path = PDF_DIR / "pdflatex-4-pages.pdf"
    if not path.is_file():
        pytest.skip(f"the real test PDFs are not there ({PDF_DIR})")
    return path.read_bytes()


@pytest.fixture
def reported() -> queue.Queue[Path]:
    return queue.Queue()


@pytest.fixture
def folder(tmp_path: Path, reported: queue.Queue[Path]) -> Iterator[tuple[Path, HotFolder]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    hot = HotFolder(inbox, reported.put, settle_s=1.0, poll_s=0.1)
    yield inbox, hot
    hot.stop()


def next_report(reported: queue.Queue[Path]) -> Path:
    return reported.get(timeout=WAIT)


def nothing_more(reported: queue.Queue[Path], hot: HotFolder) -> list[Path]:
    """Whatever was reported besides what the test expected, once the folder has nothing pending."""
    deadline = time.monotonic() + WAIT
    while hot._watching and time.monotonic() < deadline:
        time.sleep(0.05)
    hot.stop()
    found = []
    while not reported.empty():
        found.append(reported.get_nowait())
    return found


def write_slowly(path: Path, data: bytes, pieces: int = 6, pause: float = 0.3) -> float:
    """Write the file in pieces with pauses, as a slow copy or download does. Returns the longest time the
    file stood still while being written, as the folder may have seen it: from the start of one piece's
    write to the end of the next one's (a loaded machine may stall the writer for longer than its pauses)."""
    step = len(data) // pieces + 1
    longest = 0.0
    before: float | None = None  # when the last piece's write began
    with path.open("wb") as handle:
        for start in range(0, len(data), step):
            began = time.monotonic()
            handle.write(data[start : start + step])
            handle.flush()  # seen by the folder's stat at once (no fsync: it can stall on a busy disk)
            if before is not None:
                longest = max(longest, time.monotonic() - before)
            before = began
            time.sleep(pause)
    return longest


def test_a_slowly_written_pdf_is_reported_once_complete(
    folder: tuple[Path, HotFolder], reported: queue.Queue[Path]
) -> None:
    inbox, hot = folder
    hot.settle_s = SLOW_SETTLE
    sizes: list[int] = []  # the file's size whenever it was reported
    changed: list[Path] = []

    def new(path: Path) -> None:
        sizes.append(path.stat().st_size)
        reported.put(path)

    hot.on_new, hot.on_changed = new, changed.append
    hot.start()
    data = sample()
    target = inbox / "Vorlage 12.pdf"
    stood_still = write_slowly(target, data)
    assert next_report(reported) == target
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns))  # an event, no change
    more = nothing_more(reported, hot)
    if stood_still < SLOW_SETTLE / 2:  # as intended: the pauses were far shorter than the settling time
        assert more == [] and changed == []  # reported once ...
        assert sizes == [len(data)]  # ... when it was complete
    else:  # the machine stalled the writer for about the settling time: the folder may have seen a file
        # that stood still, half written (the documented case): then it said that the file changed, and
        # reported the complete one again
        assert set(more) <= {target} and len(changed) == len(more) and sizes[-1] == len(data), stood_still


def test_partial_and_temporary_names_are_ignored_a_rename_is_reported(
    folder: tuple[Path, HotFolder], reported: queue.Queue[Path]
) -> None:
    inbox, hot = folder
    hot.start()
    data = sample()
    for name in ("download.pdf.part", "Bericht.pdf.crdownload", "~$Bericht.pdf", ".hidden.pdf", "notes.txt"):
        (inbox / name).write_bytes(data)
    partial = inbox / "Nachtrag.pdf.part"
    write_slowly(partial, data, pieces=3, pause=0.1)
    final = inbox / "Nachtrag.pdf"
    partial.rename(final)  # the browser's last step
    assert next_report(reported) == final
    assert nothing_more(reported, hot) == []


def test_initial_scan_and_a_new_version_of_a_file(
    folder: tuple[Path, HotFolder], reported: queue.Queue[Path], tmp_path: Path
) -> None:
    inbox, hot = folder
    data = sample()
    old = [inbox / "a.pdf", inbox / "B.PDF"]
    for path in old:
        path.write_bytes(data)
    (inbox / "empty.pdf").write_bytes(b"")
    hot.start()
    assert {next_report(reported), next_report(reported)} == set(old)
    # a replaced file (new size and time) is a new document
    staged = tmp_path / "staged.pdf"
    staged.write_bytes(data + b"\n% appended\n")
    shutil.move(staged, inbox / "a.pdf")
    assert next_report(reported) == inbox / "a.pdf"
    hot.rescan()  # nothing new: nothing reported again
    (inbox / "empty.pdf").unlink()  # never reported while empty (it may still be filled)
    assert nothing_more(reported, hot) == []


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HotFolderUnusable, match="does not exist"):
        HotFolder(tmp_path / "nowhere", print).start()


def test_candidate_names() -> None:
    assert candidate(Path("x/Einladung.PDF"))
    assert not candidate(Path("x/.~lock.a.pdf#"))
    assert not candidate(Path("x/a.pdf.tmp"))
    assert not candidate(Path("x/~$a.pdf"))
    assert not candidate(Path("x/a.docx"))
