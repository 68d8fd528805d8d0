"""What a process works out once per content version and reuses until the version moves.

The content version (``home.selectors.content_state``) is the newest row of the change log, which
every publish, unpublish, move, deletion, view restriction and vocabulary change writes in the
same transaction as the change itself. So a value built after reading version *v* is at least as
new as *v*, and a request that reads *v* again may reuse it: every web process on every machine
reads the version from the database, so none keeps serving what another has changed.

Used where a request would otherwise compile and run the same ORM queries every time for data
that only a publish changes (a sign-up's event, its questions, the municipality list). Written
here rather than taken from a library: ``functools.lru_cache`` has no notion of a version to
compare, and cachetools' ``LRUCache`` would add a dependency for the ten lines below.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

_memos: list[VersionMemo] = []


class VersionMemo(Generic[T]):
    """A bounded map from a key to the value built for it at a content version. A value built
    at another version is built again. Threads of a web process share it, hence the lock; two
    threads may build the same value at once, and the later one is kept."""

    def __init__(self, size: int = 256) -> None:
        self._entries: OrderedDict[Hashable, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size
        _memos.append(self)

    def get(self, key: Hashable, version: int, build: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(key)
                return entry[1]
        value = build()
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def version_memos_clear() -> None:
    """Forget every memo's values: for tests, whose rolled-back transactions hand the same
    version (and on SQLite the same ids) out again for other content."""
    for memo in _memos:
        memo.clear()
