"""The operating system's reasons as stable codes (gremalda.os_reasons): every errno we put in words has
its code and English phrase, how it reads depends on reading, writing or watching, an errno not known
here gets the generic phrase with the system's words kept for the details; the errors made from real
OSErrors (exports, imports, the data directory, the vault, the preflight, the clerk's files, the hot
folder) carry the code and say it in English (the CLI's words), never the system's own mid-sentence.
A full and a read-only disk are real tmpfs mounts (skipped where mounting is not allowed)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from gremalda.core.clerk.attach import prepare
from gremalda.core.clerk.errors import REASONS as CLERK_REASONS
from gremalda.core.clerk.errors import FileRefused
from gremalda.core.clerk.hotfolder import HotFolderUnusable
from gremalda.errors import DataDirUnusable
from gremalda.files import FileNotRead, FileNotSaved, read_limited, write_atomically
from gremalda.os_reasons import (
    ACTIONS,
    CODES,
    READ,
    REASONS,
    UNKNOWN,
    WATCH,
    WRITE,
    OsReason,
    action_message,
    params_reason,
    reason_code,
    system_text,
)
from gremalda.paths import DataPaths, ensure_data_dirs
from gremalda.pdf.preflight import Preflighter, preflight_in_process
from gremalda.store.vault import Vault, VaultStorageError
from tests.harness.tmpfs import fill_up, small_tmpfs

KEY = bytes(range(32))

# errno name -> (code when reading, code when writing, code when neither is known)
EXPECTED: dict[str, tuple[str, str, str]] = {
    "ENOENT": ("no_file", "no_folder", "not_found"),
    "EACCES": ("no_read_permission", "no_write_permission", "no_permission"),
    "EPERM": ("no_read_permission", "no_write_permission", "no_permission"),
    "EISDIR": ("is_a_folder",) * 3,
    "ENOTDIR": ("not_a_folder",) * 3,
    "ENOSPC": ("disk_full",) * 3,
    "EDQUOT": ("quota_exceeded",) * 3,
    "EROFS": ("read_only",) * 3,
    "ENAMETOOLONG": ("name_too_long",) * 3,
    "EMFILE": ("too_many_open_files",) * 3,
    "ENFILE": ("too_many_open_files",) * 3,
    "EIO": ("io_error",) * 3,
    "EEXIST": ("exists",) * 3,
    "ENOTEMPTY": ("not_empty",) * 3,
    "EXDEV": ("cross_device",) * 3,
    "ENODEV": ("no_device",) * 3,
    "ENXIO": ("no_device",) * 3,
    "EBUSY": ("busy",) * 3,
    "ETXTBSY": ("busy",) * 3,
    "EFBIG": ("file_too_large",) * 3,
    "ENOMEM": ("no_memory",) * 3,
    "ELOOP": ("link_loop",) * 3,
    "ESTALE": ("network_unreachable",) * 3,
    "ETIMEDOUT": ("network_unreachable",) * 3,
    "EHOSTUNREACH": ("network_unreachable",) * 3,
    "EPIPE": ("connection_broken",) * 3,
    "ECONNRESET": ("connection_broken",) * 3,
    "ENOTCONN": ("connection_broken",) * 3,
    "ECONNREFUSED": ("connection_refused",) * 3,
}
NOT_FROM_AN_ERRNO = {"not_writable", "watch_limit", UNKNOWN}  # SQLite's read-only, inotify's limits


def test_every_errno_put_in_words_has_its_code_reading_writing_or_neither() -> None:
    for name, codes in EXPECTED.items():
        number = getattr(errno, name)
        assert (reason_code(number, READ), reason_code(number, WRITE), reason_code(number)) == codes, name
        assert reason_code(OSError(number, os.strerror(number)), READ) == codes[0], name
    reached = {code for codes in EXPECTED.values() for code in codes}
    assert reached | NOT_FROM_AN_ERRNO == set(REASONS)  # every code is tested, and every code has words
    assert set(CODES.values()) <= set(REASONS)


def test_every_phrase_follows_a_colon_and_stands_in_parentheses() -> None:
    for code, phrase in REASONS.items():
        assert phrase and phrase[0].islower() and not phrase.endswith("."), code
        assert "(" not in phrase and "[Errno" not in phrase, code


def test_watching_a_folder_runs_into_the_watch_limits_not_a_full_disk() -> None:
    # inotify: ENOSPC is the limit of watches, EMFILE the limit of instances
    assert reason_code(errno.ENOSPC, WATCH) == reason_code(errno.EMFILE, WATCH) == "watch_limit"
    assert reason_code(errno.ENOENT, WATCH) == "not_found"
    assert reason_code(errno.EIO, WATCH) == "io_error"


@pytest.mark.parametrize("cause", [errno.EREMCHG, 99999, None, "28", True])
def test_an_errno_not_known_here_is_unknown(cause: object) -> None:
    assert reason_code(cause) == UNKNOWN  # type: ignore[arg-type]


def test_an_unknown_errno_gets_the_generic_phrase_and_keeps_the_systems_words() -> None:
    exc = OSError(errno.EREMCHG, os.strerror(errno.EREMCHG), "/srv/x")
    reason = OsReason.of(exc, READ)
    assert reason.code == UNKNOWN and not reason.known and reason.errno == errno.EREMCHG
    assert reason.text == REASONS[UNKNOWN]
    assert reason.system == f"OSError: [Errno {errno.EREMCHG}] {os.strerror(errno.EREMCHG)}: '/srv/x'"
    no_errno = OsReason.of(OSError("something odd"))
    assert no_errno.code == UNKNOWN and no_errno.errno is None and no_errno.system == "OSError: something odd"
    assert system_text(PermissionError()) == "PermissionError"
    # an action's message: our phrase, never the system's words
    error = FileNotSaved.os_failure(exc, "save_file", "/srv/x/a.xfdf")
    assert error.message == (
        "“/srv/x/a.xfdf” could not be saved: the operating system reported an unexpected error; see the "
        "details. Choose another folder or name."
    )
    assert error.detail == reason.system and os.strerror(errno.EREMCHG) not in error.message


def test_params_name_the_reason_by_code_or_by_errno() -> None:
    reason = OsReason.of(OSError(errno.ENOSPC, "No space left on device"))
    params = reason.params()
    assert params == {
        "error": "the disk is full",
        "reason": "disk_full",
        "errno": errno.ENOSPC,
        "system": "OSError: [Errno 28] No space left on device",
    }
    assert params_reason(params) == reason
    # params made before the codes: by the errno, as read for reading
    assert (
        params_reason({"error": "Permission denied", "errno": errno.EACCES}, READ).code
        == "no_read_permission"
    )
    assert params_reason({"reason": "no_such_code", "errno": None}).code == UNKNOWN


def test_every_action_has_an_english_message_with_the_path_and_the_reason() -> None:
    reason = OsReason("disk_full")
    for action, (access, template) in ACTIONS.items():
        assert access in ("", READ, WRITE), action
        message = action_message(action, reason, "/p")
        assert "the disk is full" in message and "{" not in message, action
        assert "/p" in message or "{path}" not in template, action


# --- real OSErrors --------------------------------------------------------------------------------------


def test_saving_under_a_file_where_a_folder_is_expected(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("a file, not a folder")
    target = plain / "notes.xfdf"
    with pytest.raises(FileNotSaved) as caught:
        write_atomically(target, b"<xfdf/>")
    error = caught.value
    assert error.os_reason is not None and error.os_reason.code == "not_a_folder"
    assert error.os_action == "save_file" and error.os_path == str(target)
    assert error.message == (
        f"“{target}” could not be saved: a part of the path is a file, not a folder. Choose another "
        "folder or name."
    )
    assert "[Errno 20]" in (error.detail or "") and "Not a directory" not in error.message


def test_saving_onto_a_folder_or_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotSaved) as caught:
        write_atomically(tmp_path, b"x")
    assert caught.value.os_reason is not None and caught.value.os_reason.code == "is_a_folder"
    assert caught.value.message.endswith(
        "could not be saved: it is a folder, not a file. Choose another folder or name."
    )
    with pytest.raises(FileNotSaved) as caught:
        write_atomically(tmp_path / "missing" / "a.pdf", b"x")
    assert caught.value.os_reason is not None and caught.value.os_reason.code == "no_folder"
    assert "the folder does not exist" in caught.value.message


def test_reading_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotRead) as caught:
        read_limited(tmp_path / "missing.xfdf", 1000)
    assert caught.value.os_reason is not None and caught.value.os_reason.code == "no_file"
    assert (
        caught.value.message == f"“{tmp_path / 'missing.xfdf'}” could not be read: the file does not exist."
    )
    with pytest.raises(FileNotRead) as caught:
        read_limited(tmp_path, 1000)
    assert caught.value.os_reason is not None and caught.value.os_reason.code == "is_a_folder"


def test_a_data_directory_under_a_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")
    with pytest.raises(DataDirUnusable) as caught:
        ensure_data_dirs(DataPaths(plain / "data"))
    assert caught.value.os_reason is not None and caught.value.os_reason.code == "not_a_folder"
    assert caught.value.message.startswith(
        f"Cannot create or use the data directory {plain / 'data'}: a part of the path is a file, not a "
        "folder."
    )


def test_the_preflight_of_an_unreadable_file_names_the_reason(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")
    report = preflight_in_process(str(plain / "Plan.pdf"))
    assert report.refusal is not None and report.refusal.code == "unreadable"
    assert report.refusal.params["reason"] == "not_a_folder"
    assert report.refusal.text == "The file cannot be read: a part of the path is a file, not a folder."
    with Preflighter() as checker:
        missing = checker.check(tmp_path / "missing.pdf")
    assert missing.refusal is not None and missing.refusal.params["reason"] == "no_file"
    assert missing.refused_reason == "The file cannot be read: the file does not exist."


def test_a_clerks_file_that_cannot_be_read(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")
    with pytest.raises(FileRefused) as caught:
        prepare(plain / "Plan.pdf")
    error = caught.value
    assert error.code == "file_unreadable" and error.params["reason"] == "not_a_folder"
    assert error.message == "Plan.pdf: the file cannot be read (a part of the path is a file, not a folder)."
    assert error.message == CLERK_REASONS["file_unreadable"].format(**error.params)
    assert "[Errno 20]" in (error.detail or "")


def test_a_hot_folder_that_cannot_be_watched_keeps_its_reason() -> None:
    # watchdog's inotify limit as an OSError: the reason as the hot folder error carries it
    reason = OsReason.of(OSError(errno.ENOSPC, "inotify watch limit reached"), WATCH)
    error = HotFolderUnusable.because("hot_folder_unwatchable", folder="/srv/scans", **reason.params())
    assert error.params["reason"] == "watch_limit"
    assert error.message == (
        "The hot folder /srv/scans cannot be watched: the system's limit of watched folders is reached; "
        "close programs that watch many folders."
    )


# --- a full and a read-only disk (real tmpfs) -------------------------------------------------------------


def test_saving_onto_a_full_disk(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk") as disk:
        fill_up(disk)
        target = disk / "notes.xfdf"
        with pytest.raises(FileNotSaved) as caught:
            write_atomically(target, b"<xfdf>" + b" " * 10_000 + b"</xfdf>")
        assert caught.value.os_reason is not None and caught.value.os_reason.code == "disk_full"
        assert caught.value.message == (
            f"“{target}” could not be saved: the disk is full. Choose another folder or name."
        )
        assert not target.exists() and sorted(p.name for p in disk.iterdir()) == ["filler"]  # nothing left


def test_saving_onto_a_read_only_disk(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", read_only=True) as disk:
        with pytest.raises(FileNotSaved) as caught:
            write_atomically(disk / "notes.xfdf", b"<xfdf/>")
        assert caught.value.os_reason is not None and caught.value.os_reason.code == "read_only"
        assert "could not be saved: the drive is read-only." in caught.value.message


def test_the_vault_on_a_full_disk(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", size_kib=256) as disk:
        vault = Vault(disk / "vault", KEY)
        with pytest.raises(VaultStorageError) as caught:
            vault.put("doc", 1, os.urandom(1 << 20))
        error = caught.value
        assert error.os_reason is not None and error.os_reason.code == "disk_full"
        assert error.message == "The documents could not be stored on this device: the disk is full."
        assert (error.detail or "").startswith("Could not store ") and "No space left" in (error.detail or "")
        del vault


def test_the_offline_copy_on_a_full_disk(tmp_path: Path) -> None:
    """SQLite's own disk errors (not OSErrors) read as the same reasons: a real database filling a tmpfs."""
    import sqlcipher3

    from gremalda.store.database import convert_sqlite_error

    with small_tmpfs(tmp_path / "disk", size_kib=128) as disk:
        path = disk / "replica.db"
        conn = sqlcipher3.connect(str(path))
        try:
            conn.execute("CREATE TABLE t (b BLOB)")
            with pytest.raises(sqlcipher3.Error) as caught:
                for _ in range(1000):
                    conn.execute("INSERT INTO t VALUES (?)", (os.urandom(8192),))
                    conn.commit()
        finally:
            conn.close()
        error = convert_sqlite_error(caught.value, path)
        assert isinstance(error, DataDirUnusable)
        assert error.os_reason is not None and error.os_reason.code == "disk_full"
        assert error.message == (
            f"Gremalda cannot read or write its offline copy {path}: the disk is full. Check the disk space "
            "and the permissions of the data directory."
        )
        assert "SQLITE_FULL" in (error.detail or "")


def test_a_data_directory_that_is_a_file(tmp_path: Path) -> None:
    plain = tmp_path / "data"
    plain.write_text("x")
    with pytest.raises(DataDirUnusable) as caught:
        ensure_data_dirs(DataPaths(plain))
    assert caught.value.os_reason is not None and caught.value.os_reason.code == "not_a_folder"
    assert caught.value.os_action == "data_dir" and caught.value.os_path == str(plain)
