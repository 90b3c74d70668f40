"""The file store behind attachments: one small interface, a local-folder implementation.

Files are content-addressed: a file is named by the SHA-256 of its bytes, so identical uploads
are stored once, a stored file never changes, and nothing a user types (such as a file name)
ever becomes part of a path. An S3-compatible store can implement `Storage` later; nothing
outside this module knows where the bytes live.

The local store writes every upload to a temporary file in the storage folder (the same file
system as its final place), fsyncs it and renames it into place, so a crash or a refused upload
never leaves a half-written file under a real name. All file IO runs in worker threads, off the
event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, Protocol

CHUNK_SIZE: Final = 64 * 1024
TEMP_PREFIX: Final = ".upload-"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobNotFound(LookupError):
    """No stored file has this hash (it was never stored, or it was lost)."""


@dataclass(frozen=True, slots=True)
class Blob:
    """What the store knows of a stored file: its content hash and its size in bytes."""

    sha256: str
    size: int


class Storage(Protocol):
    async def save(self, chunks: AsyncIterable[bytes]) -> Blob:
        """Store the bytes; returns their hash and size.

        If iterating `chunks` raises (an upload over the size limit, a client that went away),
        the exception propagates and nothing of this call is kept.
        """
        ...

    async def open(self, sha256: str, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The stored bytes in chunks. Raises BlobNotFound here, before the first chunk, so a
        caller can still answer 404 instead of breaking off a response it has begun."""
        ...

    async def exists(self, sha256: str) -> bool: ...


def check_sha256(sha256: str) -> str:
    """Only a lowercase hex SHA-256 may become part of a path."""
    if not _SHA256.match(sha256):
        raise ValueError(f"Not a SHA-256 hex digest: {sha256!r}")
    return sha256


class _Staged:
    """A temporary file being written, hashed as it grows. Used from worker threads only."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=root)
        self.path = Path(name)
        self.file: BinaryIO = os.fdopen(fd, "wb")
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.hash.update(chunk)
        self.size += len(chunk)

    def finish(self) -> Blob:
        """Make the bytes durable; the caller then renames the file into place."""
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        return Blob(self.hash.hexdigest(), self.size)

    def discard(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX: the directory entry lives in the folder)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStorage:
    """Files under one folder, as `ab/cd/<sha256>`: two levels of 256 folders each keep any
    one folder small even with millions of files."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    async def save(self, chunks: AsyncIterable[bytes]) -> Blob:
        staged = await asyncio.to_thread(_Staged, self.root)
        try:
            async for chunk in chunks:
                if chunk:
                    await asyncio.to_thread(staged.write, chunk)
            blob = await asyncio.to_thread(staged.finish)
            await asyncio.to_thread(self._place, staged.path, blob.sha256)
        except BaseException:
            # Runs in a thread even when this task is being cancelled: the file is removed.
            await asyncio.to_thread(staged.discard)
            raise
        return blob

    def _place(self, temp: Path, sha256: str) -> None:
        """Rename the finished temporary file to its content address.

        Same content, same name: when the file is there already the new copy is dropped. Two
        uploads of the same bytes racing here both rename onto one name, atomically, with
        equal bytes, so either order leaves one intact file.
        """
        final = self.path_of(sha256)
        if final.exists():
            temp.unlink()
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, final)
        _fsync_dir(final.parent)

    async def open(self, sha256: str, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        path = self.path_of(sha256)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(sha256) from exc
        return _read_chunks(file, chunk_size)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_of(sha256).is_file)


async def _read_chunks(file: BinaryIO, chunk_size: int) -> AsyncIterator[bytes]:
    """Reads one chunk at a time in a thread; the file is closed however iteration ends
    (finished, cancelled by a client that went away, or the generator closed early)."""
    try:
        while chunk := await asyncio.to_thread(file.read, chunk_size):
            yield chunk
    finally:
        with contextlib.suppress(OSError):
            file.close()
