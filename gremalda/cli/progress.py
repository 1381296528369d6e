"""A one-line progress bar on a terminal (plain lines when the output is not a terminal)."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from sync.engine import Phase, Progress


def human_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"  # pragma: no cover


class ProgressBar:
    WIDTH = 28

    def __init__(self, out: TextIO | None = None, *, quiet: bool = False) -> None:
        self.out = out or sys.stderr
        self.quiet = quiet
        self.tty = self.out.isatty()
        self._lock = threading.Lock()
        self._last_line = 0.0
        self._shown = False
        self._start = time.monotonic()

    def sync(self, p: Progress) -> None:
        if p.phase is Phase.CHANGES:
            self._show(f"Changes: {p.changes} applied", None)
        elif p.phase is Phase.FILES:
            fraction = p.bytes_done / p.bytes_total if p.bytes_total else 1.0
            elapsed = max(time.monotonic() - self._start, 1e-3)
            text = (
                f"Files: {p.files_done}/{p.files_total}  {human_bytes(p.bytes_done)} of "
                f"{human_bytes(p.bytes_total)}  {human_bytes(p.bytes_done / elapsed)}/s"
            )
            self._show(text, fraction)

    def index(self, done: int, total: int) -> None:
        self._show(f"Index: {done}/{total} documents", done / total if total else 1.0)

    def finish(self) -> None:
        with self._lock:
            if self._shown and self.tty and not self.quiet:
                self.out.write("\n")
                self.out.flush()
            self._shown = False

    def _show(self, text: str, fraction: float | None) -> None:
        if self.quiet:
            return
        with self._lock:
            now = time.monotonic()
            if self.tty:
                bar = ""
                if fraction is not None:
                    filled = int(self.WIDTH * min(max(fraction, 0.0), 1.0))
                    bar = "[" + "#" * filled + "-" * (self.WIDTH - filled) + f"] {fraction * 100:5.1f}%  "
                self.out.write("\r\x1b[2K" + bar + text)
                self.out.flush()
                self._shown = True
            elif now - self._last_line >= 2.0 or (fraction is not None and fraction >= 1.0):
                self._last_line = now
                self.out.write(text + "\n")
                self.out.flush()
