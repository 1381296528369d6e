"""Where the client keeps its data: one module, so that every part agrees and tests can point it elsewhere.

The data directory defaults to ``$XDG_DATA_HOME/gremalda`` (``~/.local/share/gremalda`` when
``XDG_DATA_HOME`` is unset, empty or relative, as the XDG base directory specification says) and is
overridden by ``--data-dir``. It holds the encrypted replica database and the encrypted document vault;
both are created with mode 0700 (directories) so that other users cannot even list them.

Settings (preferences) do not live here, and secrets never do: keys are in the OS keyring only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from gremalda.errors import DataDirUnusable
from gremalda.os_reasons import OsReason, system_text

APP_NAME = "gremalda"
DATABASE_NAME = "replica.db"
VAULT_NAME = "vault"
_PRIVATE = 0o700


@dataclass(frozen=True)
class DataPaths:
    """The data directory of one replica and the paths under it (absolute, resolved)."""

    root: Path

    @property
    def database(self) -> Path:
        """The SQLCipher database (its ``-wal`` and ``-shm`` companions lie next to it)."""
        return self.root / DATABASE_NAME

    @property
    def vault(self) -> Path:
        """The directory of the encrypted document vault."""
        return self.root / VAULT_NAME


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/gremalda``, or ``~/.local/share/gremalda``."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / APP_NAME


def data_paths(override: str | os.PathLike[str] | None = None) -> DataPaths:
    """The paths of the replica in ``override`` (``--data-dir``) or in the default data directory.

    Nothing is created; the path is made absolute and resolved, so that the same directory reached
    through a symlink or a relative path names the same replica (its keys are found by this path)."""
    root = Path(override).expanduser() if override is not None else default_data_dir()
    return DataPaths(root.resolve())


def ensure_data_dirs(paths: DataPaths) -> DataPaths:
    """Create the data directory and the vault directory (mode 0700; existing ones are tightened to
    0700 when they are ours), and return ``paths``. Problems become :class:`DataDirUnusable`."""
    for directory in (paths.root, paths.vault):
        _ensure_private_dir(directory)
    return paths


def _ensure_private_dir(directory: Path) -> None:
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=_PRIVATE)
        info = directory.stat()
        if not stat.S_ISDIR(info.st_mode):
            raise DataDirUnusable.os_failure(OsReason("not_a_folder", errno.ENOTDIR), "data_dir", directory)
        if stat.S_IMODE(info.st_mode) != _PRIVATE and info.st_uid == os.getuid():
            directory.chmod(_PRIVATE)  # mkdir's mode is masked by the umask; an old directory may be open
    except FileExistsError as exc:  # mkdir(exist_ok=True): a file where a folder of the path should be
        reason = OsReason("not_a_folder", exc.errno, system_text(exc))
        raise DataDirUnusable.os_failure(reason, "data_dir", directory) from exc
    except OSError as exc:
        raise DataDirUnusable.os_failure(exc, "data_dir", directory) from exc
