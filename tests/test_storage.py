"""The local file store: content addressing, dedup, atomic writes, chunked reads."""

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from workorder.storage import TEMP_PREFIX, Blob, BlobNotFound, LocalStorage


async def _stream(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def _read(storage: LocalStorage, sha256: str, chunk_size: int = 64 * 1024) -> list[bytes]:
    return [chunk async for chunk in await storage.open(sha256, chunk_size)]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def test_round_trip_under_its_content_address(tmp_path):
    storage = LocalStorage(tmp_path / "files")
    data = b"hello " * 50_000  # 300 kB: several chunks each way
    blob = await storage.save(_stream(data[:1000], b"", data[1000:]))

    sha = hashlib.sha256(data).hexdigest()
    assert blob == Blob(sha256=sha, size=len(data))
    assert _files(tmp_path) == [tmp_path / "files" / sha[:2] / sha[2:4] / sha]
    assert await storage.exists(sha)
    chunks = await _read(storage, sha, chunk_size=64 * 1024)
    assert b"".join(chunks) == data
    assert [len(c) for c in chunks[:-1]] == [64 * 1024] * (len(chunks) - 1)


async def test_identical_content_is_stored_once(tmp_path):
    storage = LocalStorage(tmp_path)
    first = await storage.save(_stream(b"same bytes"))
    second = await storage.save(_stream(b"same ", b"bytes"))
    assert first == second
    assert len(_files(tmp_path)) == 1


async def test_an_empty_file_is_a_file(tmp_path):
    storage = LocalStorage(tmp_path)
    blob = await storage.save(_stream())
    assert blob == Blob(hashlib.sha256(b"").hexdigest(), 0)
    assert await _read(storage, blob.sha256) == []


async def test_a_failing_stream_leaves_nothing_behind(tmp_path):
    storage = LocalStorage(tmp_path)

    async def broken() -> AsyncIterator[bytes]:
        yield b"x" * 100_000
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await storage.save(broken())
    assert _files(tmp_path) == []


async def test_temporary_files_live_in_the_store_folder_until_renamed(tmp_path):
    storage = LocalStorage(tmp_path)
    seen: list[Path] = []

    async def watched() -> AsyncIterator[bytes]:
        yield b"part one"
        seen.extend(_files(tmp_path))
        yield b"part two"

    blob = await storage.save(watched())
    assert len(seen) == 1 and seen[0].parent == tmp_path and seen[0].name.startswith(TEMP_PREFIX)
    assert _files(tmp_path) == [storage.path_of(blob.sha256)]


async def test_unknown_and_malformed_hashes(tmp_path):
    storage = LocalStorage(tmp_path)
    with pytest.raises(BlobNotFound):
        await storage.open("0" * 64)
    assert not await storage.exists("0" * 64)
    for bad in ["../../etc/passwd", "A" * 64, "0" * 63, ""]:
        with pytest.raises(ValueError):
            storage.path_of(bad)
