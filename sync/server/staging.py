"""Staged bytes of resumable uploads, on the server's disk under `data_dir/uploads/<id>/`.

Each upload is a directory with `meta.json` (who, how large, what type, the durable offset, written
atomically) and `data.part` (the bytes so far). The offset in `meta.json` is only advanced after the bytes
before it were fsynced, so after a crash or restart the upload continues from there (whatever lies beyond
it in `data.part` is cut off by the next transfer). A transfer holds an exclusive `flock` on the upload's
`lock` file, so two transfers of one upload (even from two server processes) never interleave; finishing
happens under the same lock. Transfers of this process are registered, so a new PUT can ask an idle one to
stop (take-over) instead of waiting for its idle timeout. So that a server process sharing the staging
directory can do the same, the holder describes itself in `holder.json` (a token and when bytes last
arrived, kept current while it receives) and heeds a `takeover` file naming its token -- it stops, keeping
what arrived, unless bytes arrived too recently: the lock, not the heartbeat, keeps a live transfer whole,
so a late or mistaken request stops nothing. Once it stops receiving it marks itself as finishing in
`holder.json` (it makes the bytes durable, perhaps hashes and moves a large file, then lets go): no
heartbeat comes any more, but it is not stalled, so other processes answer busy at once. Finishing
records the digest before the bytes move into the blob store; an upload found at its full size but not
complete (the server stopped while finishing) is finished again by `settle`. Uploads expire a while after
their last transfer (`Settings.upload_expiry`) and are swept away.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from sync.server.blobstore import BlobStore, StoredBlob

_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PDF_MAGIC_WITHIN = 1024  # "%PDF-" must start within the first KiB, as readers accept it


@dataclass
class Upload:
    id: str
    user_id: int
    size: int
    mime_type: str
    file_name: str
    declared_sha256: str | None
    offset: int = 0
    created: float = 0.0
    touched: float = 0.0
    complete: bool = False
    sha256: str | None = None

    def answer(self) -> dict[str, object]:
        """The state as the API reports it."""
        out: dict[str, object] = {"offset": self.offset, "size": self.size, "complete": self.complete}
        if self.complete:
            out.update({"sha256": self.sha256, "mime_type": self.mime_type})
        return out


@dataclass(frozen=True)
class Holder:
    """The transfer holding an upload, as any server process sees it (from `holder.json`)."""

    token: str
    idle: float  # seconds since bytes last arrived (or since it began); 0 while finishing
    finishing: bool = False  # it receives no more bytes and lets go of the upload soon


class TransferBusy(Exception):
    """Another transfer of this upload is still under way."""


class OffsetMoved(Exception):
    """The upload moved on meanwhile (a transfer that broke off recorded what it got)."""

    def __init__(self, upload: Upload) -> None:
        super().__init__(upload.id)
        self.upload = upload


class ContentRefused(Exception):
    """The finished bytes are not what was declared (not a PDF, another sha256)."""

    def __init__(self, message: str, *, wrong_type: bool) -> None:
        super().__init__(message)
        self.wrong_type = wrong_type


class Staging:
    def __init__(self, root: Path, expiry_seconds: float) -> None:
        self.root = root
        self.expiry = expiry_seconds
        root.mkdir(parents=True, exist_ok=True)
        self._active: dict[str, Transfer] = {}  # transfers of this process, by upload id
        self._guard = threading.Lock()

    def _dir(self, upload_id: str) -> Path:
        if not _ID.match(upload_id):
            raise KeyError(upload_id)
        return self.root / upload_id

    def create(self, user_id: int, size: int, mime_type: str, file_name: str, sha256: str | None) -> Upload:
        self.sweep()
        now = time.time()
        upload = Upload(secrets.token_urlsafe(24), user_id, size, mime_type, file_name, sha256, 0, now, now)
        directory = self._dir(upload.id)
        directory.mkdir()
        (directory / "data.part").touch()
        self.save(upload)
        return upload

    def load(self, upload_id: str) -> Upload | None:
        """The upload, or None when there is none by that id (or it expired: then it is removed)."""
        try:
            directory = self._dir(upload_id)
            raw = json.loads((directory / "meta.json").read_text("utf-8"))
            upload = Upload(**raw)
        except (KeyError, OSError, ValueError, TypeError):
            return None
        if upload.touched + self.expiry < time.time():
            self.discard(upload_id)
            return None
        return upload

    def save(self, upload: Upload) -> None:
        """Writes meta.json atomically (temp file, fsync, rename, fsync of the directory)."""
        directory = self._dir(upload.id)
        tmp = directory / "meta.json.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(asdict(upload), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / "meta.json")
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def discard(self, upload_id: str) -> None:
        with contextlib.suppress(KeyError):
            shutil.rmtree(self._dir(upload_id), ignore_errors=True)

    def sweep(self) -> None:
        """Removes expired uploads (and directories left without a readable meta.json for a day)."""
        now = time.time()
        for directory in self.root.iterdir() if self.root.is_dir() else []:
            if not _ID.match(directory.name):
                continue
            meta = directory / "meta.json"
            try:
                touched = float(json.loads(meta.read_text("utf-8"))["touched"])
            except (OSError, ValueError, KeyError, TypeError):
                try:
                    touched = directory.stat().st_mtime
                except OSError:
                    continue
            if touched + self.expiry < now:
                shutil.rmtree(directory, ignore_errors=True)

    def _lock(self, upload_id: str) -> int | None:
        """The upload's lock (a file descriptor holding an exclusive flock), or None when it is held."""
        fd = os.open(self._dir(upload_id) / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def holder(self, upload_id: str) -> Transfer | None:
        """The transfer of this process holding the upload, if any."""
        with self._guard:
            return self._active.get(upload_id)

    def remote_holder(self, upload_id: str) -> Holder | None:
        """The transfer holding the upload as it describes itself (of any process); None when none does
        (or one is just starting). One that stopped receiving and is finishing (making its bytes durable,
        checking and storing them) says so: it is never stalled, however long ago bytes arrived."""
        try:
            raw = json.loads((self._dir(upload_id) / "holder.json").read_text("utf-8"))
            if raw.get("finishing") is True:
                return Holder(str(raw["token"]), 0.0, finishing=True)
            return Holder(str(raw["token"]), max(0.0, time.time() - float(raw["heard"])))
        except (KeyError, OSError, ValueError, TypeError):
            return None

    def ask_to_stop(self, upload_id: str, token: str) -> None:
        """Asks the transfer `token` (of whichever process) to stop; it heeds it while idle."""
        with contextlib.suppress(OSError):  # gone meanwhile: the asker finds out when it opens it
            self._write_small(self._dir(upload_id) / "takeover", {"token": token})

    def _write_small(self, path: Path, data: dict[str, object]) -> None:
        """Replaces a small coordination file at once (readers never see half of it; not fsynced: it only
        matters while the processes run)."""
        tmp = path.with_name(f"{path.name}.{secrets.token_hex(6)}.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, path)

    def open_transfer(self, upload: Upload) -> Transfer:
        """Locks the upload for one transfer and positions its bytes at the durable offset."""
        lock = self._lock(upload.id)
        if lock is None:
            raise TransferBusy(upload.id)
        try:
            now = self.load(upload.id)
            if now is None or now.offset != upload.offset or now.complete:
                raise OffsetMoved(now or upload)
            fh = (self._dir(upload.id) / "data.part").open("r+b")
        except BaseException:
            os.close(lock)
            raise
        fh.truncate(upload.offset)
        fh.seek(upload.offset)
        transfer = Transfer(self, upload, fh, lock)
        with contextlib.suppress(FileNotFoundError):
            (self._dir(upload.id) / "takeover").unlink()  # meant for a transfer that has ended
        transfer.beat()
        with self._guard:
            self._active[upload.id] = transfer
        return transfer

    def _release(self, transfer: Transfer) -> None:
        with self._guard:
            if self._active.get(transfer.upload.id) is transfer:
                del self._active[transfer.upload.id]

    def settle(self, upload: Upload, blobs: BlobStore) -> Upload | None:
        """An upload at its full size but not complete (the server stopped while finishing it) is finished
        now: marked complete when its blob is stored, finished again when its bytes are still staged, or
        restarted from 0 when they were lost on the way. None when the content was refused (discarded).
        Left as it is while a transfer holds it (it finishes it)."""
        if upload.complete or upload.offset < upload.size:
            return upload
        lock = self._lock(upload.id)
        if lock is None:
            return upload
        try:
            now = self.load(upload.id)
            if now is None or now.complete or now.offset < now.size:
                return now
            part = self._dir(now.id) / "data.part"
            if now.sha256 is not None and blobs.path(now.sha256).exists():
                now.complete, now.touched = True, time.time()
                self.save(now)
            elif part.exists() and part.stat().st_size >= now.size:
                try:
                    self._finish(now, blobs)
                except ContentRefused:
                    return None
            else:  # the bytes were lost between staging and the blob store: send them again
                now.offset, now.sha256, now.touched = 0, None, time.time()
                part.write_bytes(b"")
                self.save(now)
            return now
        finally:
            os.close(lock)

    def _finish(self, upload: Upload, blobs: BlobStore) -> StoredBlob:
        """Checks the complete bytes and moves them into the blob store (the upload is then complete).
        Refused content is discarded with the upload. Runs under the upload's lock."""
        path = self._dir(upload.id) / "data.part"
        with path.open("r+b") as fh:
            fh.truncate(upload.size)  # anything beyond the durable offset is not part of the upload
            head = fh.read(PDF_MAGIC_WITHIN)
            if upload.mime_type == "application/pdf" and b"%PDF-" not in head:
                self.discard(upload.id)
                raise ContentRefused("This is not a PDF file; the upload was discarded.", wrong_type=True)
            hasher = hashlib.sha256(head)
            while chunk := fh.read(1 << 20):
                hasher.update(chunk)
        digest = hasher.hexdigest()
        if upload.declared_sha256 and upload.declared_sha256 != digest:
            self.discard(upload.id)
            raise ContentRefused(
                f"The uploaded bytes have the sha256 {digest}, not the declared {upload.declared_sha256}; "
                "the upload was discarded. Start it again.",
                wrong_type=False,
            )
        upload.sha256 = digest  # recorded first: a restart in between finds the blob by it (settle)
        self.save(upload)
        stored = blobs.put_staged(path, digest, upload.size)
        upload.complete, upload.touched = True, time.time()
        self.save(upload)
        return stored


class Transfer:
    """One PUT's bytes being appended; checkpoints make what arrived durable and advance the offset."""

    def __init__(self, staging: Staging, upload: Upload, fh: BinaryIO, lock: int) -> None:
        self.staging, self.upload, self.fh, self._lock = staging, upload, fh, lock
        self.written = 0  # bytes of this transfer in the file, durable or not
        self.heard = time.monotonic()  # when bytes last arrived (or the transfer began)
        self.interrupt: Callable[[], None] | None = None  # set by the receiver: asks it to stop
        self.taken_over = False
        self.token = secrets.token_urlsafe(12)  # names it to other processes (holder.json, takeover)
        self._beaten = -1.0  # the `heard` last written to holder.json

    def beat(self) -> None:
        """Tells other processes when bytes last arrived (holder.json), if that changed."""
        if self.heard == self._beaten:
            return
        heard = time.time() - (time.monotonic() - self.heard)
        with contextlib.suppress(OSError):  # without it other processes wait for the idle timeout
            self.staging._write_small(self._path("holder.json"), {"token": self.token, "heard": heard})
            self._beaten = self.heard

    def finishing(self) -> None:
        """Tells other processes that it receives no more bytes and lets go soon (holder.json): from now
        on its silent heartbeat does not make it look stalled."""
        with contextlib.suppress(OSError):  # without it other processes may wait up to their deadline
            self.staging._write_small(self._path("holder.json"), {"token": self.token, "finishing": True})

    def asked_to_stop(self, takeover_seconds: float) -> bool:
        """Whether another process asked this transfer to stop and it is idle long enough to give way. A
        request that came too early is dropped (the heartbeat written now tells the asker why)."""
        try:
            raw = json.loads(self._path("takeover").read_text("utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(raw, dict) or raw.get("token") != self.token:
            return False
        if self.idle_seconds() >= takeover_seconds:
            return True
        with contextlib.suppress(FileNotFoundError):
            self._path("takeover").unlink()
        self._beaten = -1.0
        self.beat()
        return False

    def _path(self, name: str) -> Path:
        return self.staging._dir(self.upload.id) / name

    def idle_seconds(self) -> float:
        return time.monotonic() - self.heard

    def take_over(self) -> bool:
        """Asks the receiver to stop (it keeps what arrived and releases the lock). False when it cannot
        be asked (it has not started receiving)."""
        if self.interrupt is None:
            return False
        self.taken_over = True
        self.interrupt()
        return True

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.written += len(data)

    def checkpoint(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.upload.offset += self.written
        self.written = 0
        self.upload.touched = time.time()
        self.staging.save(self.upload)

    def rollback(self) -> None:
        """Forgets what this transfer wrote since the last checkpoint."""
        self.fh.flush()
        self.fh.truncate(self.upload.offset)
        self.written = 0

    def finish(self, blobs: BlobStore) -> StoredBlob:
        """Checks the complete upload and stores it in the blob store, still under the lock."""
        self.fh.close()
        return self.staging._finish(self.upload, blobs)

    def close(self) -> None:
        """Releases the lock (idempotent)."""
        self.staging._release(self)
        self.fh.close()
        if self._lock >= 0:
            with contextlib.suppress(OSError):  # only the lock's holder writes it: it is this one's
                self._path("holder.json").unlink()
            os.close(self._lock)
            self._lock = -1
