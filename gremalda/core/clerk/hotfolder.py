"""A watched hot folder: PDFs dropped into it are reported once they are completely written.

:class:`HotFolder` watches one folder (not its subfolders) with watchdog and scans what is already
there when it starts. A PDF (``*.pdf``, any case) counts once its size and modification time have not
changed for ``settle_s`` (2.5 s: a copy from a slow share or a busy machine pauses for more than a
second) and it is not empty: a file still being copied or downloaded is not reported half-written.
Temporary and partial names are ignored: hidden files (``.name``), Office lock files (``~$name``),
``.part``, ``.crdownload``, ``.tmp``, ``.partial``, ``.download``. Each file is reported once per (path,
size, mtime): a file replaced by a new version is reported again, the same file seen again (a rescan, a
touch without change) is not. When a copy stalls for longer than ``settle_s`` all the same, the
half-written file is reported; once it changes again, ``on_changed(path)`` (optional) says so at once
(what was said about the reported version no longer holds), and the complete file is reported again
when it is still.

``on_new(path)`` and ``on_changed(path)`` are called on the hot folder's own thread; keep them short
(hand the path to the UI). Exceptions they raise are logged, not propagated. :meth:`stop` ends the
thread and joins the observer.

:func:`file_away` moves a file that has been attached into a subfolder (the window's "Erledigt"): the
folder is not watched recursively, so the file is not reported again, after a restart either, and the
clerk sees in the file manager which files are done (nothing is deleted).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from gremalda.core.clerk.errors import ClerkError
from gremalda.os_reasons import WATCH

log = logging.getLogger(__name__)

PARTIAL_SUFFIXES = (".part", ".crdownload", ".tmp", ".partial", ".download", ".filepart", ".swp")


def candidate(path: Path) -> bool:
    """Whether the name is a PDF's, not a temporary or partial one."""
    name = path.name
    if name.startswith((".", "~$", "~")) or name.lower().endswith(PARTIAL_SUFFIXES):
        return False
    return name.lower().endswith(".pdf")


def file_away(path: Path, subfolder: str) -> Path:
    """Move ``path`` into ``subfolder`` beside it (made when missing); a name taken there gets " (2)",
    " (3)" ... Returns the new path; raises :class:`OSError` when it cannot be moved (it stays where it
    was, and only there)."""
    target_dir = path.parent / subfolder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    number = 1
    while True:
        try:
            # link + unlink: never replaces a file of the same name (a rename would, silently)
            os.link(path, target)
        except FileExistsError:
            number += 1
            target = target_dir / f"{path.stem} ({number}){path.suffix}"
            continue
        except OSError:  # no hard links here (some network shares): a rename that checks first
            if target.exists():
                number += 1
                target = target_dir / f"{path.stem} ({number}){path.suffix}"
                continue
            os.replace(path, target)
            return target
        try:
            path.unlink()
        except OSError:  # the file would be in both places (listed again, filed twice): undo the link
            target.unlink(missing_ok=True)
            raise
        return target


class HotFolderUnusable(ClerkError):
    title = "Hot folder not usable"
    default_message = "The hot folder does not exist or cannot be read. Choose another folder."


class _Events(FileSystemEventHandler):
    def __init__(self, folder: HotFolder) -> None:
        self.folder = folder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.folder._touched(Path(os.fsdecode(raw)))


class HotFolder:
    """See the module docstring."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_new: Callable[[Path], None],
        *,
        on_changed: Callable[[Path], None] | None = None,
        settle_s: float = 2.5,
        poll_s: float = 0.25,
    ) -> None:
        self.path = Path(path)
        self.on_new = on_new
        self.on_changed = on_changed
        self.settle_s = settle_s
        self.poll_s = poll_s
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._watching: dict[Path, tuple[int, int, float]] = {}  # path -> (size, mtime_ns, stable since)
        self._seen: set[tuple[Path, int, int]] = set()
        self._reported: dict[Path, tuple[int, int]] = {}  # path -> (size, mtime_ns) last reported
        self._changing: set[Path] = set()  # reported paths whose change was told (on_changed)
        self._observer: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> HotFolder:
        if not self.path.is_dir():
            raise HotFolderUnusable.because("hot_folder_missing", folder=str(self.path))
        observer = Observer()
        try:
            observer.schedule(_Events(self), str(self.path), recursive=False)
            observer.start()
        except OSError as exc:
            raise HotFolderUnusable.because_os(
                "hot_folder_unwatchable", exc, WATCH, folder=str(self.path)
            ) from None
        self._observer = observer
        self._thread = threading.Thread(target=self._run, name="gremalda-hotfolder", daemon=True)
        self._thread.start()
        self.rescan()
        return self

    def rescan(self) -> None:
        """Look at every file in the folder (done at start; events may be lost on some file systems)."""
        try:
            entries = list(self.path.iterdir())
        except OSError as exc:
            log.warning("hot folder %s cannot be listed: %s", self.path, exc)
            return
        for entry in entries:
            self._touched(entry)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()
            self._observer = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> HotFolder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------ machinery

    def _touched(self, path: Path) -> None:
        if path.parent != self.path or not candidate(path):
            return
        with self._lock:
            self._watching[path] = (-1, -1, time.monotonic())
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                idle = not self._watching
            if idle:
                self._wake.wait()
                self._wake.clear()
                continue
            self._check()
            self._stopping.wait(self.poll_s)

    def _check(self) -> None:
        now = time.monotonic()
        ready: list[Path] = []
        changed: list[Path] = []
        with self._lock:
            for path, (size, mtime, since) in list(self._watching.items()):
                try:
                    info = path.stat()
                except OSError:  # gone (moved away, deleted)
                    del self._watching[path]
                    continue
                current = (info.st_size, info.st_mtime_ns)
                if current != (size, mtime):
                    self._watching[path] = (*current, now)
                    last = self._reported.get(path)
                    if last is not None and last != current and path not in self._changing:
                        self._changing.add(path)  # a reported file is being written again
                        changed.append(path)
                    continue
                if now - since < self.settle_s or info.st_size == 0:
                    continue
                del self._watching[path]
                key = (path, info.st_size, info.st_mtime_ns)
                if key not in self._seen:
                    self._seen.add(key)
                    self._reported[path] = (info.st_size, info.st_mtime_ns)
                    self._changing.discard(path)
                    ready.append(path)
        for path in changed:
            try:
                if self.on_changed is not None:
                    self.on_changed(path)
            except Exception:
                log.exception("hot folder: handling the change of %s failed", path)
        for path in ready:
            try:
                self.on_new(path)
            except Exception:
                log.exception("hot folder: handling %s failed", path)
