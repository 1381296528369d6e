"""ClerkError.because_os: a clerk error for a reason the operating system gave, from a real OSError —
the same message, code, params and detail as the coded message with the reason's params spelt out."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from gremalda.core.clerk.errors import FileRefused
from gremalda.core.clerk.hotfolder import HotFolderUnusable
from gremalda.os_reasons import READ, WATCH, OsReason


def _os_error(path: Path) -> OSError:
    try:
        path.read_bytes()
    except OSError as exc:
        return exc
    raise AssertionError(f"{path} could be read")


@pytest.mark.parametrize("where", ["missing.pdf", "plain/Plan.pdf", "folder"])
def test_because_os_is_the_coded_message_with_the_reasons_params(tmp_path: Path, where: str) -> None:
    (tmp_path / "plain").write_text("x")
    (tmp_path / "folder").mkdir()
    exc = _os_error(tmp_path / where)
    error = FileRefused.because_os("file_unreadable", exc, READ, name="Plan.pdf")
    reason = OsReason.of(exc, READ)
    spelt_out = FileRefused.because(
        "file_unreadable", name="Plan.pdf", detail=reason.system, **reason.params()
    )
    assert type(error) is FileRefused
    assert (error.message, error.code, error.params, error.detail) == (
        spelt_out.message,
        spelt_out.code,
        spelt_out.params,
        spelt_out.detail,
    )
    assert error.params["name"] == "Plan.pdf" and error.params["reason"] == reason.code != "unknown"
    assert error.detail is not None and f"[Errno {exc.errno}]" in error.detail


def test_because_os_reads_the_errno_as_the_access_says() -> None:
    limit = OSError(errno.ENOSPC, "inotify watch limit reached")
    error = HotFolderUnusable.because_os("hot_folder_unwatchable", limit, WATCH, folder="/srv/scans")
    assert type(error) is HotFolderUnusable and error.params["reason"] == "watch_limit"
    assert error.message == (
        "The hot folder /srv/scans cannot be watched: the system's limit of watched folders is reached; "
        "close programs that watch many folders."
    )
    assert error.detail == "OSError: [Errno 28] inotify watch limit reached"
    full = FileRefused.because_os(
        "file_unreadable", OSError(errno.ENOSPC, "No space left"), READ, name="a.pdf"
    )
    assert full.params["reason"] == "disk_full"
