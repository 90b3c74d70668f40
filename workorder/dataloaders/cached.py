"""What a loader already holds, read without awaiting: fields served synchronously from rows
a page loaded up front (a list page would otherwise make hundreds of coroutines)."""

from __future__ import annotations

from typing import TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
T = TypeVar("T")


class NotLoaded:
    """The loader has no finished value for the key (never asked, or still loading)."""


NOT_LOADED = NotLoaded()


def cached(loader: DataLoader[K, T], key: K) -> T | NotLoaded:
    """The value `loader.load(key)` would give, when it is already there."""
    if not loader.cache:
        return NOT_LOADED
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return NOT_LOADED
    return future.result()
