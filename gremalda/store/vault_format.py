"""The document vault's on-disk format and its cryptography: the subkeys, file names, the key check file,
a stored file's header (its sealed data key) and the chunk cipher, and crypto-shredding of one file.

Keys
    The caller passes a 256-bit *master key* (from the OS keyring; the vault never stores it). Three
    subkeys are derived from it with HKDF-SHA256 (``info`` = ``gremalda-vault/1/<purpose>``): the *seal
    key* that wraps the per-file keys, the *name key* that turns file ids into file names, and the
    *check key* of the key-check file. Each stored file (one document version) has its own random
    256-bit *data key*, sealed together with its file id and version in the file's header.

Names
    ``<name>.<version>`` with ``<name>`` = HMAC-SHA256(name key, ``b"id\\0"`` ‖ UTF-8 file id) in hex: ids
    never become paths, and without the key nobody can tell which documents a device holds (only how many
    versions each has).

``VAULT`` (38 bytes): magic ``GRMVROOT`` | u16 format (1) | 12-byte nonce | 16-byte AES-GCM tag of an
empty message under the check key, the first 10 bytes as associated data.

A file (integers big-endian)::

    offset  size  field
    0       8     magic b"GRMVAULT"
    8       2     format version (1)
    10      2     flags (0, reserved)
    12      4     chunk size C (4 KiB .. 4 MiB; 1 MiB by default)
    16      8     nonce prefix (random per file)
    24      12    seal nonce (random)
    36      2     sealed length S (= 56 + length of the file id in UTF-8)
    38      S     sealed = AES-256-GCM(seal key, seal nonce,
                                       data key (32) | version (u64) | file id (UTF-8),
                                       associated data = bytes 0..37)
    38+S          chunks 0..n-1, each AES-256-GCM(data key, nonce prefix | u32 index, plaintext, aad),
                  i.e. ciphertext (as long as the plaintext) | 16-byte tag

Chunks 0..n-2 hold exactly C plaintext bytes; the last chunk holds 0..C-1 bytes (so a file always has a
last chunk, empty when the size is a multiple of C). The associated data of chunk i is ``b"GRMVAULT"`` |
u16 format | u32 C | u64 version | u16 id length | file id | u32 i | u8 last, which binds every chunk to
its file, version, position and to being (or not being) the end: truncation, appended bytes, reordered
chunks, chunks or whole files moved between files or versions all fail authentication (VaultCorrupt).
The plaintext size follows from the file size: with L = size - 38 - S and slot = C + 16,
n = L // slot + 1 and size = L - 16 n; it is authenticated whenever the last chunk is decrypted.

Deleting a file (:func:`shred`) overwrites its sealed data key in place with zeros, fsyncs, then unlinks
the file (crypto-shredding). On copy-on-write file systems and flash the old blocks may survive an
overwrite; the guarantee that always holds comes from destroying the master key in the keyring (a wipe).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import struct
from dataclasses import dataclass
from io import FileIO
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gremalda.store.vault_errors import SealBroken, VaultCorrupt, VaultWrongKey
from gremalda.store.vault_io import BINARY, write_all

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "KEY_BYTES",
    "MAX_CHUNKS",
    "MAX_CHUNK_SIZE",
    "MAX_FILE_ID_BYTES",
    "MIN_CHUNK_SIZE",
    "NAME",
    "TAG",
    "ChunkCipher",
    "Header",
    "VaultCrypto",
    "check_version",
    "encode_id",
    "shred",
]

DEFAULT_CHUNK_SIZE = 1 << 20
MIN_CHUNK_SIZE = 4 << 10  # the design uses 1–4 MiB; smaller chunks are accepted (tests use them)
MAX_CHUNK_SIZE = 4 << 20
MAX_FILE_ID_BYTES = 4096
MAX_VERSION = (1 << 63) - 1

MAGIC = b"GRMVAULT"
ROOT_MAGIC = b"GRMVROOT"
FORMAT_VERSION = 1
TAG = 16
KEY_BYTES = 32
_FIXED = struct.Struct(">8sHHI8s12sH")  # magic, format, flags, chunk size, nonce prefix, seal nonce, S
_SEALED_MIN = KEY_BYTES + 8 + TAG
_CHECK = struct.Struct(">8sH12s16s")
_CHUNK_TAIL = struct.Struct(">IB")
MAX_CHUNKS = 1 << 32
NAME = re.compile(r"^([0-9a-f]{64})\.(0|[1-9][0-9]{0,18})$")
"""The name of a stored file (in ``data/`` or ``partial/``)."""


def encode_id(file_id: str) -> bytes:
    if not isinstance(file_id, str):
        raise TypeError(f"file id must be a str, not {type(file_id).__name__}")
    raw = file_id.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_FILE_ID_BYTES:
        raise ValueError(f"file id longer than {MAX_FILE_ID_BYTES} bytes in UTF-8")
    return raw


def check_version(version: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError(f"version must be an int, not {type(version).__name__}")
    if not 0 <= version <= MAX_VERSION:
        raise ValueError(f"version must be between 0 and {MAX_VERSION}")


def _chunk_aad_prefix(chunk_size: int, version: int, raw_id: bytes) -> bytes:
    return MAGIC + struct.pack(">HIQH", FORMAT_VERSION, chunk_size, version, len(raw_id)) + raw_id


def _derive(master_key: bytes, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"gremalda-vault/1/" + purpose)
    return hkdf.derive(master_key)


@dataclass(frozen=True)
class Header:
    """A file's header, after the sealed part was authenticated."""

    chunk_size: int
    nonce_prefix: bytes
    length: int  # bytes before chunk 0
    data_key: bytes
    version: int
    raw_id: bytes

    @property
    def file_id(self) -> str:
        return self.raw_id.decode("utf-8", "surrogatepass")

    @property
    def slot(self) -> int:
        return self.chunk_size + TAG


class ChunkCipher:
    """The chunk cipher of one file: nonces and associated data per chunk."""

    def __init__(self, header: Header) -> None:
        self.aead = AESGCM(header.data_key)
        self.prefix = header.nonce_prefix
        self.aad = _chunk_aad_prefix(header.chunk_size, header.version, header.raw_id)

    def nonce(self, index: int) -> bytes:
        return self.prefix + index.to_bytes(4, "big")

    def chunk_aad(self, index: int, last: bool) -> bytes:
        return self.aad + _CHUNK_TAIL.pack(index, last)

    def decrypt_into(self, index: int, last: bool, ciphertext: memoryview, out: memoryview) -> bool:
        """Decrypt and authenticate one chunk into ``out``; False (and ``out`` zeroed) if it fails."""
        try:
            self.aead.decrypt_into(self.nonce(index), ciphertext, self.chunk_aad(index, last), out)
        except InvalidTag:
            out[:] = bytes(len(out))  # decrypt_into leaves unauthenticated plaintext behind
            return False
        return True

    def encrypt_into(self, index: int, last: bool, plaintext: memoryview, out: memoryview) -> None:
        self.aead.encrypt_into(self.nonce(index), plaintext, self.chunk_aad(index, last), out)


class VaultCrypto:
    """The subkeys derived from a vault's master key, and what is done with them: file names, file
    headers (sealing and unsealing the data keys), the key check."""

    def __init__(self, master_key: bytes) -> None:
        self._seal = AESGCM(_derive(master_key, b"seal"))
        self._name_key = _derive(master_key, b"names")
        self._check = AESGCM(_derive(master_key, b"check"))

    # -- names --

    def stem(self, raw_id: bytes) -> str:
        return hmac.new(self._name_key, b"id\0" + raw_id, hashlib.sha256).hexdigest()

    def name(self, raw_id: bytes, version: int) -> str:
        check_version(version)
        return f"{self.stem(raw_id)}.{version}"

    # -- the key check --

    def verify_check(self, stored: bytes, path: Path) -> None:
        """Check the key check file's content ``stored`` (read from ``path``): :class:`VaultWrongKey` if
        the master key does not open it, :class:`VaultCorrupt` if it is no key check."""
        if len(stored) == _CHECK.size:
            magic, fmt, nonce, tag = _CHECK.unpack(stored)
            if magic == ROOT_MAGIC and fmt == FORMAT_VERSION:
                try:
                    self._check.decrypt(nonce, tag, stored[:10])
                    return
                except InvalidTag:
                    raise VaultWrongKey(detail=f"key check of {path} failed") from None
        raise VaultCorrupt(
            "The key check file of the offline documents is damaged. Nothing has been deleted. Remove "
            "the data directory and synchronise again.",
            detail=f"{path}: not a vault key check",
        )

    def new_check(self) -> bytes:
        """The content of a new key check file."""
        head = ROOT_MAGIC + struct.pack(">H", FORMAT_VERSION)
        nonce = secrets.token_bytes(12)
        return head + nonce + self._check.encrypt(nonce, b"", head)

    # -- headers --

    def new_header(self, raw_id: bytes, version: int, chunk_size: int) -> tuple[bytes, Header]:
        """A new file's header bytes (with a fresh data key and nonce prefix) and its parsed form."""
        data_key = AESGCM.generate_key(bit_length=256)
        nonce_prefix = secrets.token_bytes(8)
        seal_nonce = secrets.token_bytes(12)
        sealed_length = _SEALED_MIN + len(raw_id)
        fixed = _FIXED.pack(MAGIC, FORMAT_VERSION, 0, chunk_size, nonce_prefix, seal_nonce, sealed_length)
        sealed = self._seal.encrypt(seal_nonce, data_key + struct.pack(">Q", version) + raw_id, fixed)
        header = Header(chunk_size, nonce_prefix, _FIXED.size + sealed_length, data_key, version, raw_id)
        return fixed + sealed, header

    def read_header(self, fh: FileIO, raw_id: bytes | None, version: int | None) -> Header:
        """Parse and authenticate the header of an open file (at offset 0). With ``raw_id`` and
        ``version``, also check that the file is that document version."""

        def corrupt(why: str) -> VaultCorrupt:
            return VaultCorrupt(detail=f"{getattr(fh, 'name', '?')}: {why}")

        fixed = fh.read(_FIXED.size)
        if len(fixed) < _FIXED.size:
            raise corrupt("shorter than a header")
        magic, fmt, flags, chunk_size, nonce_prefix, seal_nonce, sealed_length = _FIXED.unpack(fixed)
        if magic != MAGIC:
            raise corrupt("not a vault file")
        if fmt != FORMAT_VERSION or flags:
            raise corrupt(f"unknown format {fmt} (flags {flags})")
        if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
            raise corrupt(f"chunk size {chunk_size} out of range")
        if not _SEALED_MIN <= sealed_length <= _SEALED_MIN + MAX_FILE_ID_BYTES:
            raise corrupt(f"sealed length {sealed_length} out of range")
        sealed = fh.read(sealed_length)
        if len(sealed) < sealed_length:
            raise corrupt("truncated header")
        if not any(sealed):
            raise corrupt("its key has been destroyed (deleted)")
        try:
            opened = self._seal.decrypt(seal_nonce, sealed, fixed)
        except InvalidTag:
            raise SealBroken(detail=f"{getattr(fh, 'name', '?')}: its key does not unseal") from None
        data_key, (stored_version,), stored_id = opened[:32], struct.unpack(">Q", opened[32:40]), opened[40:]
        if raw_id is not None and (stored_id != raw_id or stored_version != version):
            raise corrupt("it belongs to another document or version")
        return Header(
            chunk_size, nonce_prefix, _FIXED.size + sealed_length, data_key, stored_version, stored_id
        )


def shred(path: Path) -> bool:
    """Overwrite the sealed key of the file at ``path`` with zeros, fsync, unlink. Whether it existed."""
    try:
        fd = os.open(path, os.O_RDWR | BINARY)
    except FileNotFoundError:
        return False
    try:
        fixed = os.read(fd, _FIXED.size)
        if len(fixed) == _FIXED.size and fixed.startswith(MAGIC):
            sealed_length = _FIXED.unpack(fixed)[-1]
            os.lseek(fd, _FIXED.size - 12 - 2 - 8, os.SEEK_SET)  # nonce prefix, seal nonce, length, sealed
            write_all(fd, bytes(8 + 12 + 2 + sealed_length))
            os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)
    return True
